// Report pages /reports/:slug/:audience: access by share key or researcher login (404 otherwise,
// also for unknown surveys and audiences), the data endpoint holds aggregates only, CSV equals
// renderCsv of the report API, and filters cannot be used to difference out a small group.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { loadProfile } from '../../analysis/profiles/index.ts';
import { renderCsv } from '../../analysis/render/csv.ts';
import { links, responses } from '../../server/db/schema.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { createShare, revokeShare } from '../../server/repositories/shares.ts';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { prepareStudy } from '../../server/startup.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedLink } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const headers = await researcherHeaders(app);
const SLUG = 'om-partner-befragung';

await prepareStudy(app);
const survey = await findSurvey(app.db, SLUG);
const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
const allLinks = await app.db.select().from(links).where(eq(links.surveyId, survey.id));
const messe = await seedLink(app, survey.id, { segment: 'sme', label: 'Messe' });
// a link with only 3 responses: its figures must never be recoverable
const tiny = await seedLink(app, survey.id, { segment: 'sme', label: 'Einzelgespräch' });
const model = syntheticModel(version.definition);
const rnd = seededRandom(11);
const LEAN: Record<string, number> = { intermediary: 0.35, sme: -0.25, works_council: 0.05 };
let tinyCount = 0;
for (let i = 0; i < 140; i++) {
  const u = rnd();
  const segment = u < 0.5 ? 'intermediary' : u < 0.83 ? 'sme' : 'works_council';
  const link =
    i % 7 === 0 && tinyCount < 3
      ? { id: tiny.id, segment: 'sme', label: 'Einzelgespräch' }
      : i % 8 === 0
        ? { id: messe.id, segment: 'sme', label: 'Messe' }
        : (allLinks.find((l) => l.segment === segment && l.label === 'Standard') as (typeof allLinks)[number]);
  const data = syntheticResponse(model, rnd, { lean: LEAN[link.segment] ?? 0 });
  const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
  if (!verdict.ok) continue;
  if (link.id === tiny.id) tinyCount++;
  await insertResponse(app.db, { id: randomUUID(), surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
}
const smeShare = await createShare(app.db, { surveyId: survey.id, audience: 'sme' }, 'test');
const wcShare = await createShare(app.db, { surveyId: survey.id, audience: 'works_council' }, 'test');
const revoked = await createShare(app.db, { surveyId: survey.id, audience: 'sme' }, 'test');
await revokeShare(app.db, survey.id, revoked.id, 'test');
// A share-key reader may filter by link label only where the profile allows it (default: segment
// only; test/server/shared-report-privacy.test.ts). The filter and differencing tests below use
// label filters with the SME key, so this survey's SME profile allows them.
const ownSme = await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/profiles`, headers, payload: { profiles: [{ ...loadProfile('sme'), shared: { filters: ['segment', 'label'] } }] } });
if (ownSme.statusCode !== 200) throw new Error(`profile upload failed: ${ownSme.body}`);

const get = (url: string, h: Record<string, string> = {}) => app.inject({ url, headers: h });
const page = (audience: string, query = '') => `/reports/${SLUG}/${audience}${query}`;
const SUFFIXES = ['', '/data.json', '/tables.csv', '/report.pdf'];

t.test(`without a valid key or researcher login every report address answers 404 (${dbLabel})`, async (t) => {
  for (const suffix of SUFFIXES) {
    t.equal((await get(`/reports/${SLUG}/sme${suffix}`)).statusCode, 404, `no key: ${suffix || 'page'}`);
    t.equal((await get(`/reports/${SLUG}/sme${suffix}?key=${'x'.repeat(32)}`)).statusCode, 404, `made-up key: ${suffix || 'page'}`);
    t.equal((await get(`/reports/${SLUG}/works_council${suffix}?key=${smeShare.key}`)).statusCode, 404, `key for another audience: ${suffix || 'page'}`);
    t.equal((await get(`/reports/${SLUG}/sme${suffix}?key=${revoked.key}`)).statusCode, 404, `revoked key: ${suffix || 'page'}`);
  }
  const unknownSurvey = await get(`/reports/gibt-es-nicht/sme?key=${smeShare.key}`);
  const unknownAudience = await get(`/reports/${SLUG}/chef`, headers);
  const noKey = await get(page('sme'));
  t.equal(unknownSurvey.statusCode, 404, 'unknown survey');
  t.equal(unknownAudience.statusCode, 404, 'unknown audience, even for a researcher');
  t.equal(unknownSurvey.body, noKey.body, 'an unknown survey looks exactly like a missing key');
  t.notMatch(noKey.body, /om-partner|KMU|Befragung der/, 'the 404 page names nothing');
});

t.test('with a valid key or a researcher token the page shows the report, with the key carried into its links', async (t) => {
  const res = await get(page('sme', `?key=${smeShare.key}`));
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(res.headers['cache-control'], /no-store/);
  t.match(res.body, /<h1>[^<]+<\/h1>/);
  t.match(res.body, 'Das Wichtigste in Kürze');
  t.match(res.body, /<figure class="chart" data-chart="[a-z_]+">/, 'chart slots for vega-embed');
  t.match(res.body, /<script src="\/assets\/report(\.[0-9a-f]{8})?\.js" defer><\/script>/);
  t.notMatch(res.body, /<script>/, 'no inline script');
  const key = encodeURIComponent(smeShare.key);
  for (const file of ['data.json', 'tables.csv', 'report.pdf']) t.match(res.body, `/reports/${SLUG}/sme/${file}?key=${key}`, `${file} link carries the key`);
  t.match(res.body, /<a class="term" href="#g-\d+">/, 'glossary terms are linked where they appear');
  t.match(res.body, /<dt id="g-1">Arbeitsforschung<\/dt>/);
  const wc = await get(page('works_council', `?key=${wcShare.key}`));
  t.equal(wc.statusCode, 200, 'the works-council key opens the works-council report');
  const researcher = await get(page('intermediary'), headers);
  t.equal(researcher.statusCode, 200, 'a researcher needs no key');
  t.notMatch(researcher.body, /key=/, 'and no key appears in the links');
  const en = await get(page('sme', `?key=${smeShare.key}&lang=en`));
  t.match(en.body, /<html lang="en">/);
  t.match(en.body, 'Key findings');
});

t.test('the data endpoint holds the report model and chart specs, no raw response fields', async (t) => {
  const res = await get(page('sme', `/data.json?key=${smeShare.key}`));
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.report.audience, 'sme');
  const specs = Object.values(body.charts) as { $schema: string }[];
  t.ok(specs.length > 0, `${specs.length} chart specs`);
  t.ok(specs.every((s) => s.$schema.includes('vega-lite')), 'all Vega-Lite');
  const keys = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        keys.add(k);
        walk(x);
      }
  };
  walk(body);
  for (const raw of ['resumeKeyHash', 'linkId', 'seq', 'createdOn', 'submittedOn', 'versionId', 'status', 'token'])
    t.notOk(keys.has(raw), `no "${raw}" field`);
  const ids = (await app.db.select({ id: responses.id }).from(responses).where(eq(responses.surveyId, survey.id))).map((r) => r.id);
  t.ok(ids.length > 100);
  t.notOk(ids.some((id) => res.body.includes(id)), 'no response id');
  t.notOk(res.body.includes(smeShare.key), 'the key is not echoed');
});

t.test('the tables download is the same CSV as `befund analyze` writes for the same report', async (t) => {
  const res = await get(page('sme', `/tables.csv?key=${smeShare.key}&segment=sme`));
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/csv/);
  t.match(res.headers['content-disposition'], /attachment; filename="om-partner-befragung-sme-gefiltert\.csv"/);
  const api = (await get(`/api/v1/surveys/${SLUG}/report?audience=sme&segment=sme`, headers)).json();
  t.equal(res.body, renderCsv(api, 'de'));
  t.match(res.body, /^\ufeffAbschnitt;Frage;/);
});

t.test('filters change the page and a refused filter shows why', async (t) => {
  const all = (await get(page('sme', `/data.json?key=${smeShare.key}`))).json();
  const sme = (await get(page('sme', `/data.json?key=${smeShare.key}&segment=sme`))).json();
  t.ok(sme.report.responses.total < all.report.responses.total);
  const html = await get(page('sme', `?key=${smeShare.key}&segment=sme`));
  t.match(html.body, /<input type="checkbox" name="segment" value="sme" checked>/, 'the form shows the filter');
  t.match(html.body, 'Gefiltert');
  // a share-key reader is neither offered nor given a link of 3 (shared-filter-rule.test.ts)
  t.notMatch((await get(page('sme', `?key=${smeShare.key}`))).body, /name="label" value="Einzelgespräch"/, 'the small link is not offered');
  const tinyOnly = await get(page('sme', `?key=${smeShare.key}&label=Einzelgespr%C3%A4ch`));
  t.equal(tinyOnly.statusCode, 400);
  t.match(tinyOnly.body, /class="refused" role="alert"/);
  t.match(tinyOnly.body, /eine Gruppe von weniger als 5 Personen erkennen/);
  t.match(tinyOnly.body, /<form class="filters"/, 'the form stays, to choose again');
  t.notMatch(tinyOnly.body, /data-total=/, 'and no figure is shown');
});

/** Every shown figure of a report, by a path that names question, part and value. */
function figures(report: Record<string, unknown>): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'number') out.set(path, v);
    else if (Array.isArray(v))
      v.forEach((x, i) => {
        const id = x as { value?: string; key?: string; item?: string; name?: string } | null;
        walk(x, `${path}/${id?.value ?? id?.key ?? id?.item ?? id?.name ?? i}`);
      });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(report.responses, 'responses');
  walk(report.sections, 'sections');
  return out;
}

/**
 * A group's "no answer" count is not hidden: the unfiltered report itself shows the group's base
 * (responses.bySegment) and its valid n (the comparison), so their difference is public already.
 */
function shownAnyway(report: { responses: { bySegment: Record<string, unknown> }; sections: { questions: Record<string, unknown>[] }[] }, path: string, group: string, diff: number): boolean {
  const m = /questions\/([^.]+)\.noAnswer$/.exec(path);
  if (!m) return false;
  type Compared = { n?: unknown; comparison?: { bySegment: Record<string, { n: unknown }> } };
  const q = report.sections.flatMap((s) => s.questions).find((x) => x.name === m[1]) as (Compared & { rows?: Compared[] }) | undefined;
  const base = report.responses.bySegment[group];
  // the question's group n, or (matrix) that of a row answered by everyone who answered the question
  const ns = [q?.comparison?.bySegment[group]?.n, ...(q?.rows ?? []).filter((r) => r.n === q?.n).map((r) => r.comparison?.bySegment[group]?.n)];
  return typeof base === 'number' && ns.some((n) => typeof n === 'number' && base - n === diff);
}

t.test('differencing through the filters ("all" minus "all but one link label or segment") recovers no hidden figure', async (t) => {
  t.equal(tinyCount, 3, 'three responses came through the small link');
  const LABELS = ['Standard', 'Messe', 'Einzelgespräch'];
  let comparedPairs = 0;
  for (const [audience, key] of [['sme', smeShare.key], ['intermediary', null]] as const) {
    const auth = key ? {} : headers;
    const k = key ? `key=${key}&` : '';
    const all = await get(page(audience, `/data.json?${k}`), auth);
    t.equal(all.statusCode, 200);
    const segments = audience === 'sme' ? ['intermediary', 'sme'] : ['intermediary', 'sme', 'works_council'];
    const pairs = [
      ...['Einzelgespräch', 'Messe'].map((left) => [left, LABELS.filter((l) => l !== left).map((l) => `label=${encodeURIComponent(l)}`)] as const),
      ...segments.map((left) => [left, segments.filter((x) => x !== left).map((x) => `segment=${x}`)] as const),
    ];
    for (const [left, filter] of pairs) {
      const butOne = await get(page(audience, `/data.json?${k}${filter.join('&')}`), auth);
      if (butOne.statusCode !== 200) {
        // 400: not offered to a share-key reader (filter rule); 422: declined by the report's protection
        t.ok([400, 422].includes(butOne.statusCode), `${audience} without ${left}: refused outright`);
        continue;
      }
      const a = figures(all.json().report);
      const b = figures(butOne.json().report);
      let compared = 0;
      const leaks: string[] = [];
      for (const [path, va] of a) {
        const vb = b.get(path);
        if (vb === undefined || !/\.(count|n|total|noAnswer|base)$|counts\.[^.]+$/.test(path)) continue;
        compared++;
        const diff = va - vb;
        if (diff > 0 && diff < 5 && !shownAnyway(all.json().report, path, left, diff)) leaks.push(`${path}: ${va} − ${vb} = ${diff}`);
      }
      comparedPairs++;
      t.ok(compared > 0, `${audience} without ${left}: ${compared} counts shown in both reports were compared`);
      t.same(leaks, [], `${audience} without ${left}: no difference between 1 and 4 can be read off`);
    }
  }
  t.ok(comparedPairs > 0, 'at least one filtered report was shown and compared');
});

t.test('without Chromium the PDF answers 503 and says how to install it', async (t) => {
  const before = process.env.CHROMIUM_PATH;
  process.env.CHROMIUM_PATH = '/nonexistent/chromium';
  t.teardown(() => {
    if (before === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = before;
  });
  const res = await get(page('sme', `/report.pdf?key=${smeShare.key}`));
  t.equal(res.statusCode, 503);
  t.match(res.json().message, /apt-get install chromium/);
});
