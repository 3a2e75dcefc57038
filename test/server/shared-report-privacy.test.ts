// What a share-key reader may see of a report (issue 11, part 5): only the filters the audience
// profile allows (default: segment), never a link label unless the profile opens the label
// filter, and only the open texts a researcher approved in the workspace (audited), still under
// small-group protection. Researchers keep every filter and see every text. Real server, both
// databases; link labels and texts are generated, so a hit can only come from the data.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { loadProfile } from '../../analysis/profiles/index.ts';
import { auditLog } from '../../server/db/schema.ts';
import { insertThroughLink } from '../../server/repositories/responses.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { createToken } from '../../server/repositories/tokens.ts';
import { chromiumPath } from '../../server/routes/report-pages.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const SLUG = 'geteilt';
const seeded = await seedSurvey(app, SLUG);
const version = await app.versions.get(seeded.versionId);
const catalogue = version.catalogue as Catalogue;

// Generated link labels, as a researcher would name partners.
const tag = randomUUID().slice(0, 8);
const partner = `Partnerkammer ${tag}`;
const verband = `Landesverband ${tag.split('').reverse().join('')}`;
const labels = [partner, verband];
const smeLink = await seedLink(app, seeded.surveyId, { segment: 'sme', label: partner });
const interLink = await seedLink(app, seeded.surveyId, { segment: 'intermediary', label: verband });

/** Stores a validated complete response through a link; `why` is an open text (asked for org = kammer). */
async function answer(token: string, data: Record<string, unknown>) {
  const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
  if (!verdict.ok) throw new Error(`invalid test answer: ${JSON.stringify(verdict)}`);
  await insertThroughLink(app.db, token, { id: randomUUID(), versionId: seeded.versionId, catalogue, data: verdict.data, complete: true, locale: 'de' });
}
// 9 SMEs, every one with an open text; 8 intermediaries, 3 of them with an open text (fewer than k = 5)
const smeTexts = Array.from({ length: 9 }, (_, i) => `Antwort KMU ${i + 1} ${randomUUID().slice(0, 6)}`);
const interTexts = Array.from({ length: 3 }, (_, i) => `Antwort Verband ${i + 1} ${randomUUID().slice(0, 6)}`);
for (const [i, why] of smeTexts.entries()) await answer(smeLink.token, { org: 'kammer', why, channels: ['web'], satisfaction: (i % 5) + 1 });
for (let i = 0; i < 8; i++) await answer(interLink.token, i < 3 ? { org: 'kammer', why: interTexts[i], satisfaction: 4 } : { org: 'verband', satisfaction: (i % 5) + 1 });

const share = await createShare(app.db, { surveyId: seeded.surveyId, audience: 'sme' }, 'test');
const researcher = await createToken(app.db, 'researcher', 'geteilt', 'test');
const bearer = { authorization: `Bearer ${researcher.token}` };
const key = encodeURIComponent(share.key);
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
const report = (suffix: string, query = '') => `/reports/${SLUG}/sme${suffix}?key=${key}${query}`;
const whyOf = (body: { report: { sections: { questions: { name: string; texts?: unknown; notes?: { de: string }[] }[] }[] } }) =>
  body.report.sections.flatMap((s) => s.questions).find((q) => q.name === 'why');

/** The texts a question lists, sorted (null when the list is hidden). */
const listedTexts = (q: { texts?: unknown } | undefined) => (Array.isArray(q?.texts) ? [...(q.texts as string[])].sort() : null);

/** A workspace session: the cookies and the CSRF token its forms carry. */
async function login() {
  const jar: Record<string, string> = {};
  const keep = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
    return /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  };
  const loginCsrf = keep(await app.inject({ url: '/admin/login' }));
  const res = await app.inject({ method: 'POST', url: '/admin/login', cookies: jar, payload: { token: researcher.token, _csrf: loginCsrf } });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
  keep(res);
  return { jar, csrf: keep(await app.inject({ url: '/admin', cookies: jar })) };
}

/** Every text of every response a share-key reader can fetch, PDF as its text layer. */
async function readerBodies(query = '', follow = true): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, url] of [
    ['page', report('', query)],
    ['page en', report('', `${query}&lang=en`)],
    ['data.json', report('/data.json', query)],
    ['tables.csv', report('/tables.csv', query)],
  ]) {
    const res = await get(url);
    if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    out[`${name}${query}`] = res.body;
    // and every address the page links to (downloads, language, filter reset)
    if (name === 'page' && follow) {
      for (const m of res.body.matchAll(/(?:href|data-data)="(\/reports\/[^"]+)"/g)) {
        const linked = await get(m[1].replaceAll('&amp;', '&'));
        out[`linked ${m[1]}`] = linked.rawPayload.subarray(0, 4).toString() === '%PDF' ? '' : linked.body;
      }
    }
  }
  return out;
}

t.test(`a share-key reader gets no link-label filter and finds no link label anywhere; a researcher does (${dbLabel})`, async (t) => {
  const bodies = { ...(await readerBodies()), ...(await readerBodies('&segment=sme')) };
  t.ok(Object.keys(bodies).length >= 8, `${Object.keys(bodies).length} responses searched`);
  for (const [name, body] of Object.entries(bodies)) {
    for (const label of labels) t.notOk(body.includes(label), `${name} does not name the link label "${label}"`);
    t.notOk(body.includes(tag), `${name} holds no part of a generated label`);
  }
  const page = bodies.page; // unfiltered
  t.match(page, /<input type="checkbox" name="segment" value="sme">/, 'the segment filter is offered');
  t.notMatch(page, /name="label"/, 'the link-label filter is not');

  if (existsSync(chromiumPath())) {
    const pdf = await get(report('/report.pdf'));
    t.equal(pdf.statusCode, 200, 'the PDF is printed');
    const dir = mkdtempSync(join(tmpdir(), 'befund-shared-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), pdf.rawPayload);
      const text = execFileSync('pdftotext', [join(dir, 'r.pdf'), '-'], { encoding: 'utf8', timeout: 30_000 });
      t.ok(text.length > 200, 'the PDF has a text layer');
      for (const label of labels) t.notOk(text.includes(label), `the PDF does not name "${label}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else t.comment(`no Chromium at ${chromiumPath()}: the PDF is not searched (it prints the same page model as the page searched above)`);

  // the label filter is refused the same way for a real and a made-up label, and nothing is echoed
  const refused: string[] = [];
  for (const suffix of ['', '/data.json', '/tables.csv', '/report.pdf']) {
    for (const label of [partner, `Erfunden ${tag}`]) {
      const res = await get(report(suffix, `&label=${encodeURIComponent(label)}`));
      t.equal(res.statusCode, 400, `label filter on ${suffix || 'the page'}: 400`);
      t.match(res.body, /Der Filter nach Herkunft \(Link\) steht in diesem geteilten Bericht nicht zur Verfügung \(Feld label\)/);
      t.notOk(res.body.includes(tag), 'the label sent is not echoed');
      refused.push(res.body);
    }
    t.equal(refused.at(-1), refused.at(-2), 'a real and a made-up label get the same answer');
  }
  const en = await get(report('/data.json', `&label=x&lang=en`));
  t.match(en.json().message, /The filter by source \(link\) is not available in this shared report \(field label\)/);

  // a researcher keeps both filters and sees the labels
  const own = await get(`/reports/${SLUG}/sme`, bearer);
  for (const label of labels) t.match(own.body, `name="label" value="${label}"`, `the researcher's page offers "${label}"`);
  const filtered = await get(`/reports/${SLUG}/sme/data.json?label=${encodeURIComponent(partner)}`, bearer);
  t.equal(filtered.statusCode, 200);
  t.equal(filtered.json().report.responses.total, smeTexts.length, 'the label filter works for researchers (only that link\'s responses)');
});

t.test('a profile decides which filters share-key readers get: with "label" they see link labels, with none no form', async (t) => {
  const base = loadProfile('sme');
  const put = (shared: unknown) => app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/profiles`, headers: bearer, payload: { profiles: [{ ...base, shared }] } });
  t.teardown(async () => {
    await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/profiles`, headers: bearer, payload: { profiles: [] } });
  });

  const bad = await put({ filters: ['partner'] });
  t.equal(bad.statusCode, 422, 'an unknown filter is refused');
  t.match(JSON.stringify(bad.json().mistakes), /Profil sme, Feld shared\.filters\.0: unzulässiger Wert; möglich sind segment, label/);

  t.equal((await put({ filters: ['segment', 'label'] })).statusCode, 200);
  const page = await get(report(''));
  t.match(page.body, `name="label" value="${partner}"`, 'the label filter is offered, with the label');
  const filtered = await get(report('/data.json', `&label=${encodeURIComponent(partner)}`));
  t.equal(filtered.statusCode, 200, 'and it works');
  t.equal(filtered.json().report.responses.total, smeTexts.length);

  t.equal((await put({ filters: [] })).statusCode, 200);
  const bare = await get(report(''));
  t.equal(bare.statusCode, 200);
  t.notMatch(bare.body, /<form class="filters"/, 'no filter allowed: no filter form');
  const segment = await get(report('/data.json', '&segment=sme'));
  t.equal(segment.statusCode, 400);
  t.match(segment.json().message, /Der Filter nach Zielgruppe steht in diesem geteilten Bericht nicht zur Verfügung \(Feld segment\)/);
});

t.test(`open texts: none shared before approval, only approved ones after, withdrawal removes them, every change audited (${dbLabel})`, async (t) => {
  const shared = async (query = '') => {
    const res = await get(report('/data.json', query));
    t.equal(res.statusCode, 200);
    return whyOf(res.json());
  };
  const allTexts = [...smeTexts, ...interTexts];

  const before = await shared();
  t.same(before?.texts, [], 'no approval: the shared report lists no open text');
  t.match(before?.notes?.[0]?.de, /bisher ist keine freigegeben/, 'and says why');
  const page = (await get(report(''))).body;
  t.match(page, 'Offene Antworten erscheinen im geteilten Bericht erst, wenn das Forschungsteam sie freigegeben hat');
  for (const b of Object.values(await readerBodies())) t.notOk(allTexts.some((x) => b.includes(x)), 'no text in any response a reader can fetch');

  const researcherView = whyOf((await get(`/reports/${SLUG}/sme/data.json`, bearer)).json());
  t.same(listedTexts(researcherView), [...allTexts].sort(), 'researchers see every text');
  t.notOk(researcherView?.notes?.length, 'without the approval note');

  const list = await get(`/api/v1/surveys/${SLUG}/open-texts`, bearer);
  t.equal(list.statusCode, 200);
  const listed = list.json() as { texts: { id: number; text: string; question: string; approved: boolean; linkLabel: string }[]; approved: number; total: number };
  t.equal(listed.total, allTexts.length, 'the API lists every open text');
  t.equal(listed.approved, 0);
  const idOf = (text: string) => listed.texts.find((x) => x.text === text)?.id as number;
  t.ok(listed.texts.every((x) => x.question === 'why' && !x.approved));

  // two approvals through the API, one through the workspace form
  const session = await login();
  const form = (id: number, approved: '0' | '1', csrf = session.csrf) =>
    app.inject({ method: 'POST', url: `/admin/surveys/${SLUG}/texts/${id}`, cookies: session.jar, payload: { _csrf: csrf, approved } });
  for (const text of smeTexts.slice(0, 2)) {
    const res = await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/open-texts/${idOf(text)}`, headers: bearer, payload: { approved: true } });
    t.same(res.json(), { id: idOf(text), approved: true, changed: true });
  }
  t.equal((await form(idOf(smeTexts[2]), '1', 'falsch')).statusCode, 403, 'the workspace form needs its CSRF token');
  const done = await form(idOf(smeTexts[2]), '1');
  t.equal(done.statusCode, 303);
  t.match(done.headers.location, `/admin/surveys/${SLUG}/texts?done=approved#text-${idOf(smeTexts[2])}`);
  const again = await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/open-texts/${idOf(smeTexts[0])}`, headers: bearer, payload: { approved: true } });
  t.same(again.json().changed, false, 'approving an approved text changes nothing');

  const after = await shared();
  t.same(listedTexts(after), smeTexts.slice(0, 3).sort(), 'exactly the approved texts are shared');
  t.match(after?.notes?.[0]?.de, /Gezeigt werden nur Antworten, die das Forschungsteam freigegeben hat/);
  t.same(listedTexts(whyOf((await get(`/reports/${SLUG}/sme/data.json`, bearer)).json())), [...allTexts].sort(), 'researchers still see all');

  // the workspace page shows the state
  const ws = await app.inject({ url: `/admin/surveys/${SLUG}/texts`, cookies: session.jar });
  t.equal(ws.statusCode, 200);
  t.match(ws.body, `3 von ${allTexts.length} offenen Antworten sind freigegeben.`);
  t.match(ws.body, `id="text-${idOf(smeTexts[0])}" data-text-id="${idOf(smeTexts[0])}" data-approved="true"`);
  const pending = await app.inject({ url: `/admin/surveys/${SLUG}/texts?show=pending`, cookies: session.jar });
  t.notMatch(pending.body, smeTexts[0], 'the "not approved" view leaves approved ones out');
  t.match(pending.body, smeTexts[5]);

  // withdrawal
  t.equal((await form(idOf(smeTexts[1]), '0')).statusCode, 303);
  t.same(listedTexts(await shared()), [smeTexts[0], smeTexts[2]].sort(), 'a withdrawn text leaves the shared report at once');

  const entries = await app.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.target, `survey:${seeded.surveyId}`), like(auditLog.action, 'open_text.%')));
  t.same(
    entries.map((e) => [e.action, (e.details as { openText: number }).openText]),
    [
      ['open_text.approve', idOf(smeTexts[0])],
      ['open_text.approve', idOf(smeTexts[1])],
      ['open_text.approve', idOf(smeTexts[2])],
      ['open_text.withdraw', idOf(smeTexts[1])],
    ],
    'one audit entry per change, none for the repeated approval',
  );
  t.ok(entries.every((e) => e.actor === `token:${researcher.id}`), 'naming who did it');
  t.notOk(JSON.stringify(entries).includes('Antwort'), 'the audit log never holds the text');

  // small groups stay protected: all three intermediary texts approved, but they are fewer than k
  for (const text of interTexts) await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/open-texts/${idOf(text)}`, headers: bearer, payload: { approved: true } });
  const inter = await shared('&segment=intermediary');
  t.notOk(Array.isArray(inter?.texts), 'the intermediaries\' approved texts stay hidden: fewer than 5');
  // (not the pages it links to: "all responses" lists them, 12 texts in all)
  const everyone = JSON.stringify(await readerBodies('&segment=intermediary', false));
  t.notOk(interTexts.some((x) => everyone.includes(x)), 'in the page, data and tables of that filtered report');

  const missing = await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/open-texts/999999999`, headers: bearer, payload: { approved: true } });
  t.equal(missing.statusCode, 404);
  t.match(missing.json().message, /Die offene Antwort 999999999 gibt es in dieser Umfrage nicht/);
  const wrong = await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/open-texts/${idOf(smeTexts[0])}`, headers: bearer, payload: { approved: 'ja' } });
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json().message, /approved/);
});

t.test('the OpenAPI document lists the approval routes', async (t) => {
  const doc = (await get('/api/docs', bearer)).json();
  t.ok(doc.paths['/api/v1/surveys/{slug}/open-texts']?.get, 'GET …/open-texts');
  t.same(Object.keys(doc.paths['/api/v1/surveys/{slug}/open-texts/{id}']?.put?.responses ?? {}).sort(), ['200', '400', '401', '403', '404'], 'PUT …/open-texts/{id} with its refusals');
});
