// Per-survey audience profiles (issue 11): uploaded through the API and in the workspace, checked
// with one German sentence per mistake naming its place, stored per survey and audited, and used
// by the report API and the report pages instead of the built-in profile. (`befund analyze` with
// a survey's own profile: test/server/any-survey-surfaces.test.ts.)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditLog } from '../../server/db/schema.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';
import { loggedIn } from '../helpers/session.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const headers = await researcherHeaders(app);
const SLUG = 'weiterbildung';
const definition = JSON.parse(readFileSync('test/fixtures/survey-weiterbildung-betrieb.json', 'utf8'));
const { surveyId, versionId } = await seedSurvey(app, SLUG, definition);
const version = await app.versions.get(versionId);
const links = await Promise.all(['intermediary', 'sme', 'works_council'].map((segment) => seedLink(app, surveyId, { segment, label: 'Standard' })));
const model = syntheticModel(definition);
const rnd = seededRandom(5);
for (let i = 0, stored = 0; stored < 90 && i < 300; i++) {
  const link = links[stored % 3];
  const verdict = version.validator.validate(syntheticResponse(model, rnd, { lean: 0 }), { complete: true, locale: 'de' });
  if (!verdict.ok) continue;
  await insertResponse(app.db, { id: randomUUID(), surveyId, versionId, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
  stored++;
}

const L = (de: string, en = de) => ({ de, en });
/** An SME profile of this survey that names its questions. */
const own = {
  audience: 'sme',
  title: L('Weiterbildung: was Betriebe brauchen', 'Training: what companies need'),
  intro: L('Ein Bericht für Betriebsleitungen.', 'A report for company managers.'),
  segments: { include: ['sme', 'intermediary'], compare: ['sme', 'intermediary'] },
  sections: [
    { id: 'formen', title: L('Lernformen', 'Ways of learning'), questions: ['lernformate'] },
    { id: 'huerden', title: L('Hürden', 'Obstacles'), match: { roles: ['barrier'] } },
  ],
  keyFindings: [
    { rule: 'top-ranked', question: 'lernformate' },
    { rule: 'most-chosen', question: 'lernhuerden', count: 2, scope: 'all' },
  ],
};
const put = (payload: unknown) => app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/profiles`, headers, payload: payload as object });
const report = async (audience: string) => (await app.inject({ url: `/api/v1/surveys/${SLUG}/report?audience=${audience}`, headers })).json();

t.test(`a profile with mistakes is refused with one sentence per mistake, naming its place, and nothing is stored (${dbLabel})`, async (t) => {
  const bad = {
    profiles: [
      {
        ...own,
        sections: [...own.sections, { id: 'beides', title: L('Beides'), questions: ['gibt_es_nicht'], match: { roles: ['wish'] } }, { id: 'rolle', title: L('Rolle'), match: { roles: ['wunsch'] } }],
        keyFindings: [{ rule: 'top-ranked', question: 'lernformate' }, { rule: 'most-chosen', question: 'xyz' }, { rule: 'top-rated', question: 'lernhuerden' }, { rule: 'best-of', role: 'wish' }],
      },
      { ...own, audience: 'presse' },
    ],
  };
  const res = await put(bad);
  t.equal(res.statusCode, 422);
  const body = res.json();
  const messages = body.mistakes.map((m: { message: string }) => m.message);
  t.match(body.message, /^Die Profile wurden nicht gespeichert: \d+ Fehler\.$/);
  // the parse errors come first (zod), so the names are checked on the profile that parses
  t.ok(messages.includes('Profil sme, Abschnitt 4 (»rolle«), Feld match.roles.0: unbekannte Rolle; möglich sind segment, screening, topic rating, rating, barrier, wish, practice, open suggestion, detail'), messages.join('\n'));
  t.ok(messages.includes('Profil sme, Regel 4, Feld rule: unbekannte Regel »best-of«; möglich sind top-rated, most-chosen, top-ranked, top-box, largest-difference'), 'an unknown rule');
  t.ok(messages.includes('Profil presse: die Zielgruppe »presse« gibt es nicht; möglich sind intermediary, sme, works_council'), `an unknown audience:\n${messages.join('\n')}`);
  for (const m of body.mistakes) t.match(m.path, /^profiles\.\d/, `path ${m.path}`);
  t.same((await app.inject({ url: `/api/v1/surveys/${SLUG}/profiles`, headers })).json(), { profiles: [] }, 'nothing stored');

  // the same profile with valid shapes: now the names are checked
  const named = {
    profiles: [
      {
        ...own,
        sections: [...own.sections, { id: 'beides', title: L('Beides'), questions: ['gibt_es_nicht'], match: { roles: ['wish'] } }],
        keyFindings: [{ rule: 'top-ranked', question: 'lernformate' }, { rule: 'most-chosen', question: 'xyz' }, { rule: 'top-rated', question: 'lernhuerden' }],
        segments: { ...own.segments, compare: ['sme', 'works_council'] },
      },
    ],
  };
  const res2 = await put(named);
  t.equal(res2.statusCode, 422);
  t.same(
    res2.json().mistakes.map((m: { message: string }) => m.message),
    [
      'Profil sme, Feld segments.compare: die Gruppe »works_council« steht nicht in segments.include',
      'Profil sme, Abschnitt 3 (»beides«): braucht genau eins von »questions« (Fragen nennen) oder »match« (Regel)',
      'Profil sme, Abschnitt 3 (»beides«): Frage »gibt_es_nicht« gibt es in dieser Umfrage nicht',
      'Profil sme, Regel 2: Frage »xyz« gibt es in dieser Umfrage nicht',
      'Profil sme, Regel 3: Frage »lernhuerden« (checkbox) lässt sich mit der Regel »top-rated« nicht auswerten',
    ],
  );
  t.equal((await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/profiles`, headers, payload: { profile: [] } })).statusCode, 400, 'a body without "profiles" is a 400');
  t.equal((await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/profiles`, payload: { profiles: [] } })).statusCode, 401, 'researchers only');
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/surveys/gibt-es-nicht/profiles', headers, payload: { profiles: [] } })).statusCode, 404);
});

t.test(`a survey's own profile is stored, audited and used by the report API and the report page (${dbLabel})`, async (t) => {
  const before = await report('sme');
  t.not(before.title.de, own.title.de, 'the built-in profile first');
  const res = await put({ profiles: [own] });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().profiles[0].audience, 'sme');
  const stored = (await app.inject({ url: `/api/v1/surveys/${SLUG}/profiles`, headers })).json();
  t.same(stored.profiles.map((p: { audience: string }) => p.audience), ['sme']);
  const after = await report('sme');
  t.equal(after.title.de, own.title.de);
  t.same(
    after.sections.map((s: { id: string; questions: { name: string }[] }) => [s.id, s.questions.map((q) => q.name)]),
    [
      ['formen', ['lernformate']],
      ['huerden', ['lernhuerden']],
    ],
  );
  t.equal(after.summary.length, 2, after.summary.map((k: { text: { de: string } }) => k.text.de).join('\n'));
  // 30 SMEs rank 4 items: the ranks may rest on small cells, and then the finding says so
  t.match(after.summary[0].text.de, /^„Welche Lernformen bevorzugen Sie\? Bitte ordnen Sie\.“ \(Antworten der KMU\): (Am liebsten (wird|werden) |Dieses Ergebnis wird zum Schutz kleiner Gruppen nicht gezeigt)/);
  t.match(after.summary[1].text.de, /\(Antworten der KMU und Intermediäre zusammengenommen\): Am häufigsten /, 'scope "all" is said');
  t.equal((await report('works_council')).title.de, 'Ergebnisse aus Sicht der Betriebsräte', 'other audiences keep the built-in profile');

  const share = await createShare(app.db, { surveyId, audience: 'sme' }, 'test');
  const page = await app.inject({ url: `/reports/${SLUG}/sme?key=${share.key}` });
  t.equal(page.statusCode, 200);
  t.match(page.body, /Weiterbildung: was Betriebe brauchen/);
  t.match(page.body, /Lernformen/);

  const entries = await app.db.select().from(auditLog).where(eq(auditLog.action, 'profiles.replace'));
  t.same(entries.at(-1)?.details, { audiences: ['sme'] }, 'audited with the audiences, not the text');
  t.equal(entries.at(-1)?.target, `survey:${surveyId}`);

  t.equal((await put({ profiles: [] })).statusCode, 200);
  t.not((await report('sme')).title.de, own.title.de, 'an empty list brings the built-in profile back');
});

t.test(`the workspace page shows the roles, refuses a bad upload with its sentences and stores a good one (${dbLabel})`, async (t) => {
  const b = await loggedIn(app);
  const pageRes = await b.get(`/admin/surveys/${SLUG}/profiles`);
  t.equal(pageRes.statusCode, 200);
  t.match(pageRes.body, /<code>lernhuerden<\/code><\/td><td>checkbox<\/td><td>barrier<\/td>/, 'each question with its role');
  t.match(pageRes.body, /<code>sme<\/code>: eingebautes Profil/);

  const notJson = await b.post(`/admin/surveys/${SLUG}/profiles`, { profiles: '{ "profiles": [' });
  t.equal(notJson.statusCode, 422);
  t.match(notJson.body, /Der Text ist kein gültiges JSON/);
  t.match(notJson.body, /\{ &quot;profiles&quot;: \[<\/textarea>/, 'the text is kept');

  const bad = await b.post(`/admin/surveys/${SLUG}/profiles`, { profiles: JSON.stringify({ profiles: [{ ...own, keyFindings: [{ rule: 'most-chosen', question: 'xyz' }] }] }) });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /Profil sme, Regel 1: Frage »xyz« gibt es in dieser Umfrage nicht/);

  const good = await b.post(`/admin/surveys/${SLUG}/profiles`, { profiles: JSON.stringify({ profiles: [own] }) });
  t.equal(good.statusCode, 303);
  const saved = await b.get(good.headers.location as string);
  t.match(saved.body, /Die Profile wurden gespeichert/);
  t.match(saved.body, /<code>sme<\/code>: eigenes Profil dieser Umfrage/);
  t.equal((await report('sme')).title.de, own.title.de, 'the report uses it');
  const noCsrf = await app.inject({ method: 'POST', url: `/admin/surveys/${SLUG}/profiles`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'profiles=%7B%7D' });
  t.ok(noCsrf.statusCode === 401 || noCsrf.statusCode === 403, `without session or CSRF: ${noCsrf.statusCode}`);
});
