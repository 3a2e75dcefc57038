// Issue 11: the three built-in audience profiles give a report for ANY survey, not only the demo.
// Three surveys of other fields (test/fixtures), without marks and without a question name of the
// demos, are filled with random complete answers through the real import, validator and insert,
// then reported through the report API route and through buildReport on the same aggregates
// (the code `befund analyze` and the report pages run).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { loadProfile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import { loadAggregates, mergedCatalogue } from '../../server/repositories/aggregates.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { listVersions } from '../../server/repositories/surveys.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';
import { answerGenerator } from '../surveys/random-answers.ts';

const AUDIENCES = ['intermediary', 'sme', 'works_council'];
/** Responses each audience's report rests on: PER_SEGMENT per segment, over the segments its profile includes. */
const PER_SEGMENT = 80;
const TOTAL: Record<string, number> = { intermediary: 3 * PER_SEGMENT, sme: 2 * PER_SEGMENT, works_council: 2 * PER_SEGMENT };
const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const FIXTURES = ['survey-pflege-beruf', 'survey-kammer-mitglieder', 'survey-weiterbildung-betrieb'];
const DEMO_NAMES = new Set(
  ['om-partner-befragung', 'om-check-umweltschutz'].flatMap((f) => buildCatalogue(JSON.parse(readFileSync(`surveys/definitions/${f}.json`, 'utf8'))).questions.map((q) => q.name)),
);

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const headers = await researcherHeaders(app);

type Section = { id: string; questions: { name: string; n: unknown; suppressed: boolean }[] };
type Report = { audience: string; sections: Section[]; summary: { questions: string[] }[]; responses: { total: number } };

/** Imports a fixture, opens one link per segment and stores PER_SEGMENT random complete responses per segment. */
async function fill(fixture: string, seed: number) {
  const definition = JSON.parse(readFileSync(`test/fixtures/${fixture}.json`, 'utf8'));
  const { surveyId, versionId } = await seedSurvey(app, fixture, definition);
  const version = await app.versions.get(versionId);
  const links = await Promise.all(SEGMENTS.map((segment) => seedLink(app, surveyId, { segment, label: 'Standard' })));
  const generate = answerGenerator(definition, seed);
  let stored = 0;
  for (let i = 0; stored < PER_SEGMENT * SEGMENTS.length && i < 5000; i++) {
    const verdict = version.validator.validate(generate(), { complete: true, locale: 'de' });
    if (!verdict.ok) continue;
    const link = links[stored % links.length];
    await insertResponse(app.db, { id: randomUUID(), surveyId, versionId, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
    stored++;
  }
  return { fixture, definition, surveyId, stored, names: buildCatalogue(definition).questions.map((q) => q.name) };
}
// all data first: tap ends the file once its queue of subtests runs dry
const filled: Awaited<ReturnType<typeof fill>>[] = [];
for (const [f, fixture] of FIXTURES.entries()) filled.push(await fill(fixture, 1100 + f));

for (const { fixture, definition, surveyId, stored, names } of filled) {
  t.test(`${fixture}: a survey of another field, without marks, shares no question name with the demos`, async (t) => {
    t.same(names.filter((n) => DEMO_NAMES.has(n)), []);
    const others = new Set(filled.filter((f) => f.fixture !== fixture).flatMap((f) => f.names));
    t.same(names.filter((n) => others.has(n)), [], 'and none with the other fixtures');
    t.notOk(JSON.stringify(definition).includes('"befund"'), 'no befund marks');
    t.ok(names.length >= 8);
  });

  t.test(`${fixture}: three non-empty, pairwise different audience reports through the report API (${dbLabel})`, async (t) => {
    t.equal(stored, 3 * PER_SEGMENT, "random complete responses stored");
    const reports: Report[] = [];
    for (const audience of AUDIENCES) {
      const res = await app.inject({ url: `/api/v1/surveys/${fixture}/report?audience=${audience}`, headers });
      t.equal(res.statusCode, 200, `${audience}: ${res.statusCode === 200 ? 'ok' : res.body}`);
      const body = res.json() as Report;
      t.equal(body.audience, audience);
      t.equal(body.responses.total, TOTAL[audience]);
      t.ok(body.sections.length >= 3, `${audience}: ${body.sections.length} sections`);
      for (const s of body.sections) t.ok(s.questions.length > 0, `${audience}/${s.id} is not empty`);
      for (const q of body.sections.flatMap((s) => s.questions)) t.ok(names.includes(q.name), `${audience}: ${q.name} is a question of this survey`);
      t.ok(body.summary.length >= 2, `${audience}: ${body.summary.length} key findings, picked by role`);
      const shownHere = new Set(body.sections.flatMap((s) => s.questions.map((q) => q.name)));
      for (const k of body.summary) t.ok(k.questions.every((n) => shownHere.has(n)), `${audience}: a key finding reads a question the report shows`);
      reports.push(body);
    }
    const shown = reports.map((r) => r.sections.flatMap((s) => s.questions.map((q) => q.name)));
    t.same(new Set(shown[0]), new Set(names), 'the intermediary report shows every question');
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        t.not(shown[a].join(','), shown[b].join(','), `${AUDIENCES[a]} and ${AUDIENCES[b]} show different questions`);
        t.not(reports[a].sections.map((s) => s.id).join(','), reports[b].sections.map((s) => s.id).join(','), `${AUDIENCES[a]} and ${AUDIENCES[b]} have different sections`);
      }
    }
    const sme = new Set(shown[1]);
    const segmentQuestion = reports[0].sections[0].questions[0].name;
    t.notOk(sme.has(segmentQuestion), 'the SME report leaves out who answered (methodical detail)');
    t.ok(shown[1].some((n) => !shown[2].includes(n)), 'the SME report has practical items the works-council report does not');
  });

  t.test(`${fixture}: buildReport on the same aggregates gives the API's report, byte for byte`, async (t) => {
    const [catalogue, data, versions] = await Promise.all([mergedCatalogue(app.db, surveyId), loadAggregates(app.db, surveyId), listVersions(app.db, surveyId)]);
    // the survey's title in both languages, from its definition, as every report surface gives it
    const survey = { slug: fixture, title: { de: String(definition.title.de), en: String(definition.title.en) }, versions: versions.map((v) => v.version) };
    for (const audience of AUDIENCES) {
      const direct = buildReport({ catalogue, data, profile: loadProfile(audience), minGroupSize: app.config.minGroupSize, locale: 'de', survey });
      const api = (await app.inject({ url: `/api/v1/surveys/${fixture}/report?audience=${audience}`, headers })).json();
      t.same(api, JSON.parse(JSON.stringify(direct)), audience);
    }
  });
}
