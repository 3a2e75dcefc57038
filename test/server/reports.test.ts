// GET /api/v1/surveys/:slug/report: the demo survey filled through the same code path as
// `befund demo` (synthetic answers → validator → insertResponse), then all three audiences.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { links, responses } from '../../server/db/schema.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
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
const extra = await seedLink(app, survey.id, { segment: 'sme', label: 'Messe' });
const model = syntheticModel(version.definition);
const rnd = seededRandom(7);
const LEAN: Record<string, number> = { intermediary: 0.35, sme: -0.25, works_council: 0.05 };
for (let i = 0; i < 120; i++) {
  const u = rnd();
  const segment = u < 0.5 ? 'intermediary' : u < 0.83 ? 'sme' : 'works_council';
  const link = i % 8 === 0 ? { id: extra.id, segment: 'sme', label: 'Messe' } : (allLinks.find((l) => l.segment === segment && l.label === 'Standard') as (typeof allLinks)[number]);
  const data = syntheticResponse(model, rnd, { lean: LEAN[link.segment] ?? 0 });
  const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
  if (!verdict.ok) continue;
  await insertResponse(app.db, { id: randomUUID(), surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
}

const report = (query: string) => app.inject({ url: `/api/v1/surveys/${SLUG}/report?${query}`, headers });

t.test(`all three audiences build from the demo survey (${dbLabel})`, async (t) => {
  for (const audience of ['intermediary', 'sme', 'works_council']) {
    const res = await report(`audience=${audience}`);
    t.equal(res.statusCode, 200, audience);
    const body = res.json();
    t.equal(body.audience, audience);
    t.ok(body.responses.total > 0);
    t.ok(body.sections.length > 0);
    t.ok(body.glossary.length > 0);
    for (const q of body.sections.flatMap((s: { questions: unknown[] }) => s.questions) as Record<string, unknown>[]) {
      t.ok('name' in q && 'type' in q && 'n' in q && 'suppressed' in q, `${audience}/${q.name}: contract keys`);
    }
  }
});

t.test('figures come from the data: report counts equal a direct SQL count over responses.data', async (t) => {
  const body = (await report('audience=intermediary')).json();
  const q = body.sections.flatMap((s: { questions: { name: string }[] }) => s.questions).find((x: { name: string }) => x.name === 'kanal_wichtigster');
  const [{ total }] = (
    await app.db
      .select({ total: sql<number>`count(*)::int` })
      .from(responses)
      .where(and(eq(responses.surveyId, survey.id), eq(responses.status, 'complete')))
  ).map((r) => ({ total: Number(r.total) }));
  t.equal(body.responses.total, total);
  let checked = 0;
  for (const [value, figure] of Object.entries(q.counts as Record<string, unknown>)) {
    if (typeof figure !== 'number') continue;
    const [{ n }] = await app.db
      .select({ n: sql<number>`count(*)::int` })
      .from(responses)
      .where(and(eq(responses.surveyId, survey.id), eq(responses.status, 'complete'), sql`${responses.data}->>'kanal_wichtigster' = ${value}`));
    t.equal(figure, Number(n), `kanal_wichtigster = ${value}`);
    checked++;
  }
  t.ok(checked > 0, 'at least one count was shown and checked');
});

t.test('filters change the numbers', async (t) => {
  const all = (await report('audience=intermediary')).json();
  const sme = (await report('audience=intermediary&segment=sme')).json();
  t.equal(sme.statusCode ?? 200, 200);
  t.ok(sme.responses.total < all.responses.total);
  t.same(sme.segments.included, ['sme']);
});

t.test('errors: 401 without token, 404 unknown survey, 400 unknown audience naming the known ones, 409 without responses', async (t) => {
  t.equal((await app.inject(`/api/v1/surveys/${SLUG}/report?audience=sme`)).statusCode, 401);
  t.equal((await report('audience=chef')).statusCode, 400);
  t.match((await report('audience=chef')).json().message, /intermediary, sme, works_council/);
  t.equal((await app.inject({ url: '/api/v1/surveys/gibt-es-nicht/report?audience=sme', headers })).statusCode, 404);
  const empty = await app.inject({ url: '/api/v1/surveys/om-check-umweltschutz/report?audience=sme', headers });
  t.equal(empty.statusCode, 409);
  t.match(empty.json().message, /keine abgeschlossenen Antworten/);
});

t.test(`a response stored between two report reads is in the next one at once, though the audiences' reports share one load of the figures per data stamp (${dbLabel})`, async (t) => {
  const total = async (audience: string) => {
    const res = await report(`audience=${audience}`);
    t.equal(res.statusCode, 200, audience);
    return res.json().responses.total as number;
  };
  const before = { intermediary: await total('intermediary'), works_council: await total('works_council') };
  t.equal(await total('intermediary'), before.intermediary, 'read again: the same');
  const link = allLinks.find((l) => l.segment === 'intermediary' && l.label === 'Standard') as (typeof allLinks)[number];
  for (;;) {
    const verdict = version.validator.validate(syntheticResponse(model, rnd, { lean: 0 }), { complete: true, locale: 'de' });
    if (!verdict.ok) continue;
    await insertResponse(app.db, { id: randomUUID(), surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
    break;
  }
  t.equal(await total('intermediary'), before.intermediary + 1, 'the new intermediary is counted in the report read right after');
  t.equal(await total('works_council'), before.works_council, "and not in the works councils' report (works councils and SMEs)");
});
