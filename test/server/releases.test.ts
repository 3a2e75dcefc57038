// Releases (issue 12, part 5): a share-key reader sees a frozen release, so reading before and
// after one new response cannot single that person out. Asserted on what the reader fetches over
// HTTP with the key: report page, data.json, tables.csv, each with and without a filter.
import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import t from 'tap';
import { auditLog, links, responses } from '../../server/db/schema.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { createToken } from '../../server/repositories/tokens.ts';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { prepareStudy } from '../../server/startup.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedSurvey } from '../helpers/fixtures.ts';

const K = 5;
const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: String(K) });
t.teardown(cleanup);
const researcher = await researcherHeaders(app);
const admin = await researcherHeaders(app, 'admin');
const SLUG = 'om-partner-befragung';

await prepareStudy(app);
const survey = await findSurvey(app.db, SLUG);
const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
const allLinks = await app.db.select().from(links).where(eq(links.surveyId, survey.id));
const standard = (segment: string) => allLinks.find((l) => l.segment === segment && l.label === 'Standard') as (typeof allLinks)[number];
const model = syntheticModel(version.definition);
const rnd = seededRandom(5);

/** Stores `n` complete responses through the segment's standard link; returns their ids. */
async function add(segment: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < n) {
    const verdict = version.validator.validate(syntheticResponse(model, rnd, { lean: 0 }), { complete: true, locale: 'de' });
    if (!verdict.ok) continue;
    const id = randomUUID();
    const link = standard(segment);
    await insertResponse(app.db, { id, surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link: { id: link.id, segment, label: link.label }, data: verdict.data, complete: true, locale: 'de' });
    ids.push(id);
  }
  return ids;
}

await add('intermediary', 30);
await add('sme', 25);
await add('works_council', 7);
const share = await createShare(app.db, { surveyId: survey.id, audience: 'intermediary' }, 'test');

const base = `/reports/${SLUG}/intermediary`;
/** Everything a key holder fetches: the page, its data and tables, plain and filtered. */
async function readerView() {
  const out: Record<string, string> = {};
  for (const filter of ['', '&segment=sme', '&segment=works_council&segment=sme']) {
    for (const file of ['', '/data.json', '/tables.csv']) {
      const res = await app.inject({ url: `${base}${file}?key=${share.key}${filter}` });
      t.equal(res.statusCode, 200, `${file || 'page'}${filter} answers 200`);
      // the page's CSP nonce changes per request; nothing else may
      out[`${file || 'page'}${filter}`] = res.body.replace(/nonce="[^"]*"|nonce-[A-Za-z0-9+/=]+/g, 'nonce');
    }
  }
  return out;
}
const readerTotal = async () => (await app.inject({ url: `${base}/data.json?key=${share.key}` })).json().report.responses.total as number;
const liveTotal = async () => (await app.inject({ url: `/api/v1/surveys/${SLUG}/report?audience=intermediary`, headers: researcher })).json().responses.total as number;
const liveData = async () => (await app.inject({ url: `${base}/data.json`, headers: researcher })).json().report.responses.total as number;

t.test(`one new response changes nothing a key holder can fetch; researchers see it at once (${dbLabel})`, async (t) => {
  const before = await readerView();
  t.equal(await readerTotal(), 62, 'the first read by a key publishes the first release');
  await add('works_council', 1);
  t.same(await readerView(), before, 'page, data.json and CSV, filtered or not, are the same bytes');
  t.equal(await liveTotal(), 63, 'the report API shows the new response');
  t.equal(await liveData(), 63, 'so does the report page for a logged-in researcher');
  t.equal(await app.releases.auto(), 0, 'one new response is no reason for a new release');
  t.same(await readerView(), before);
});

t.test('a new release comes automatically only once every changed group gained k', async (t) => {
  const before = await readerTotal();
  await add('works_council', K - 2); // works councils: +K−1 since the release
  t.equal(await app.releases.auto(), 0, 'K−1 new in one group: no release');
  await add('works_council', 1); // +K
  await add('sme', 1); // and one more group changed, by 1
  t.equal(await app.releases.auto(), 0, 'one group at K, another at 1: no release');
  t.equal(await readerTotal(), before);
  const pending = (await app.inject({ url: `/api/v1/surveys/${SLUG}/releases`, headers: researcher })).json();
  t.equal(pending.autoReleaseDue, false);
  t.same(
    pending.groups.filter((g: { live: number; released: number }) => g.live !== g.released).map((g: { segment: string; live: number; released: number }) => [g.segment, g.live - g.released]),
    [
      ['sme', 1],
      ['works_council', K],
    ],
    'the API says what each group gained',
  );
  await add('sme', K - 1);
  t.equal(await app.releases.auto(), 1, 'every changed group at K: one new release');
  t.equal(await readerTotal(), before + 2 * K);
  t.equal(await readerTotal(), await liveTotal(), 'the release is the live state now');
  t.equal(await app.releases.auto(), 0, 'and nothing more until the next K');
});

t.test('a researcher publishes by hand (API); the reader then sees the live figures', async (t) => {
  await add('intermediary', 1);
  const before = await readerTotal();
  t.equal(await liveTotal(), before + 1);
  const denied = await app.inject({ method: 'POST', url: `/api/v1/surveys/${SLUG}/releases` });
  t.equal(denied.statusCode, 401, 'not without a token');
  const res = await app.inject({ method: 'POST', url: `/api/v1/surveys/${SLUG}/releases`, headers: researcher });
  t.equal(res.statusCode, 201);
  t.match(res.json(), { reason: 'manual', responses: before + 1, erased: 0 });
  t.match(res.json().smallGroups, [{ segment: 'intermediary', added: 1 }], 'and is told that one group grew by fewer than k');
  t.equal(await readerTotal(), before + 1);
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/surveys/gibt-es-nicht/releases', headers: researcher });
  t.equal(unknown.statusCode, 404);
});

t.test('an erased response leaves the release too', async (t) => {
  const before = await readerTotal();
  const bySegment = (await app.inject({ url: `${base}/data.json?key=${share.key}` })).json().report.responses.bySegment;
  const [victim] = await app.db
    .select({ id: responses.id })
    .from(responses)
    .where(and(eq(responses.surveyId, survey.id), eq(responses.segment, 'intermediary'), eq(responses.released, true)))
    .limit(1);
  const del = await app.inject({ method: 'DELETE', url: `/api/v1/admin/responses/${victim.id}`, headers: admin });
  t.equal(del.statusCode, 204);
  const after = (await app.inject({ url: `${base}/data.json?key=${share.key}` })).json().report.responses;
  t.equal(after.total, before - 1, 'the release counts one response less');
  t.equal(after.bySegment.intermediary, bySegment.intermediary - 1, 'in the erased response’s group');
  t.equal(await liveTotal(), before - 1);
  t.equal(await app.releases.auto(), 0, 'an erasure alone is no new release');
  const list = (await app.inject({ url: `/api/v1/surveys/${SLUG}/releases`, headers: researcher })).json();
  t.equal(list.releases[0].erased, 1, 'the release notes that one response left it');
});

t.test('the workspace shows the release and publishes one with a button', async (t) => {
  const { token } = await createToken(app.db, 'researcher', 'workspace', 'test');
  const jar: Record<string, string> = {};
  let csrf = '';
  const keep = (res: Awaited<ReturnType<typeof app.inject>>) => {
    for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
    csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
    return res;
  };
  const form = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, cookies: jar, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() }).then(keep);
  keep(await app.inject({ url: '/admin/login' }));
  t.equal((await form('/admin/login', { _csrf: csrf, token })).statusCode, 303);
  await add('sme', 2);
  const before = await readerTotal();
  const pageRes = keep(await app.inject({ url: `/admin/surveys/${SLUG}`, cookies: jar }));
  t.match(pageRes.body, /Freigabelinks zeigen Stand \d+ vom .* mit \d+ Antworten/);
  t.match(pageRes.body, 'Seitdem neu: 2 Antworten');
  t.match(pageRes.body, `Achtung: In sme / Standard (+2) kamen weniger als ${K} Antworten hinzu`, 'a warning names the group that grew by fewer than k');
  t.equal((await form(`/admin/surveys/${SLUG}/releases`, {})).statusCode, 403, 'not without the CSRF token');
  const res = await form(`/admin/surveys/${SLUG}/releases`, { _csrf: csrf });
  t.match(res.headers.location, `/admin/surveys/${SLUG}`);
  t.equal(res.statusCode, 303);
  t.equal(await readerTotal(), before + 2, 'the key holder sees the new release');
  t.match((await app.inject({ url: `/admin/surveys/${SLUG}`, cookies: jar })).body, 'Seitdem neu: 0 Antworten');
});

t.test('every release is audited, with who and why, and no response id', async (t) => {
  const rows = await app.db.select().from(auditLog).where(like(auditLog.action, 'release.%'));
  t.same(
    rows.map((r) => [r.action, (r.details as { reason: string }).reason]),
    [
      ['release.publish', 'first-read'],
      ['release.publish', 'auto'],
      ['release.publish', 'manual'],
      ['release.publish', 'manual'],
    ],
  );
  t.match(rows[2].actor, /^token:\d+$/, 'the manual one names the token');
  const ids = (await app.db.select({ id: responses.id }).from(responses)).map((r) => r.id);
  for (const id of ids) t.notMatch(JSON.stringify(rows), id);
  t.ok(rows.every((r) => r.at instanceof Date));
});

t.test('a survey without answers: the key shows the empty report and publishes nothing', async (t) => {
  const other = await seedSurvey(app, 'leer');
  const { key } = await createShare(app.db, { surveyId: other.surveyId, audience: 'intermediary' }, 'test');
  const res = await app.inject({ url: `/reports/leer/intermediary/data.json?key=${key}` });
  t.equal(res.statusCode, 409);
  t.match(res.json().message, /noch keine abgeschlossenen Antworten/);
  const list = (await app.inject({ url: '/api/v1/surveys/leer/releases', headers: researcher })).json();
  t.same(list.releases, []);
});

t.test('erasures while releases are published: the release never keeps an erased response', async (t) => {
  await app.inject({ method: 'POST', url: `/api/v1/surveys/${SLUG}/releases`, headers: researcher });
  const fresh = await add('sme', 12);
  const victims = [...fresh.slice(0, 8), ...(await app.db.select({ id: responses.id }).from(responses).where(and(eq(responses.surveyId, survey.id), eq(responses.released, true))).limit(8)).map((r) => r.id)];
  // on PostgreSQL these run on separate connections and interleave
  await Promise.all([
    ...victims.map((id) => app.inject({ method: 'DELETE', url: `/api/v1/admin/responses/${id}`, headers: admin })),
    ...[1, 2, 3, 4].map(() => app.inject({ method: 'POST', url: `/api/v1/surveys/${SLUG}/releases`, headers: researcher })),
  ]);
  // every release above was published after the 12 arrived, so with each erasure taken out of
  // whichever release it met, the current one is exactly the live state
  const reader = (await app.inject({ url: `${base}/data.json?key=${share.key}` })).json().report;
  const live = (await app.inject({ url: `${base}/data.json`, headers: researcher })).json().report;
  t.same(reader.responses, live.responses, 'the key holder sees exactly the live bases');
  // open texts reach a key holder only once approved (none are here); every figure is the same
  const figures = (sections: unknown) => JSON.parse(JSON.stringify(sections), (k, v) => (k === 'texts' || k === 'notes' ? undefined : v));
  t.same(figures(reader.sections), figures(live.sections), 'and exactly the live figures');
  t.notOk(JSON.stringify(reader.sections).includes('Checklisten'), 'with no open text, none being approved');
});
