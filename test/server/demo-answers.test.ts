// `befund demo` stores answers it did not validate one by one (surveys/demo-answers.ts). Here a
// sample of them is judged twice: by a fresh survey-core Model (the reference validator, which
// must accept each answer unchanged) and by the server's route (201, the stored row equal to the
// answer). Shipped surveys, the fixture surveys and generated ones; any invalid answer fails.
// And the bulk path counts as the one-by-one path: the report counts after `demo` equal the
// counts after the same answers were sent through the links and folded by the server.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { demoSource, fillDemo } from '../../server/commands/demo.ts';
import { answerCounts, links, openTexts, responses } from '../../server/db/schema.ts';
import { foldPending } from '../../server/repositories/counts.ts';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { prepareStudy } from '../../server/startup.ts';
import { createReferenceValidator } from '../../surveys/validate.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';
import { randomSurvey } from '../surveys/generate/definitions.ts';

// Fresh survey-core Models and two databases on shared cores: minutes, not seconds.
t.setTimeout(900_000);
const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);

const surveyFiles = [
  ...fs.readdirSync('surveys/definitions').map((f) => `surveys/definitions/${f}`),
  ...fs
    .readdirSync('test/fixtures')
    .filter((f) => f.startsWith('survey-') && f.endsWith('.json'))
    .map((f) => `test/fixtures/${f}`),
].filter((f) => f.endsWith('.json'));

/** Sends `count` of the demo's answers to `definition` through a link; returns what disagreed with the reference or the route. */
async function judge(slug: string, definition: Record<string, unknown>, count: number, seed: number) {
  const seeded = await seedSurvey(app, slug, definition);
  const version = await app.versions.get((await latestVersion(app.db, seeded.surveyId)).id);
  const link = await seedLink(app, seeded.surveyId, { segment: 'sme', label: 'Demo' });
  const source = await demoSource(version, seed);
  const reference = createReferenceValidator(definition);
  const problems: unknown[] = [];
  let judged = 0;
  for (let i = 0; judged < count && i < 4 * count; i++) {
    const next = source.next();
    // every other answer, so the sample spreads over the stream
    if (!next || i % 2 === 1) continue;
    judged++;
    const verdict = reference.validate(next.data, { complete: true, locale: 'de' });
    if (!verdict.ok) problems.push({ what: 'survey-core refuses', data: next.data, errors: verdict.errors });
    else if (!isDeepStrictEqual(verdict.data, next.data)) problems.push({ what: 'survey-core changes it', data: next.data, kept: verdict.data });
    const id = randomUUID();
    const res = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id, complete: true, locale: 'de', data: next.data } });
    if (res.statusCode !== 201) problems.push({ what: `route answered ${res.statusCode}`, data: next.data, body: res.body.slice(0, 300) });
    else {
      const [row] = await app.db.select({ data: responses.data }).from(responses).where(eq(responses.id, id));
      if (!isDeepStrictEqual(row?.data, next.data)) problems.push({ what: 'stored differently', data: next.data, stored: row?.data });
    }
  }
  return { mode: source.mode, reason: source.reason, judged, problems: problems.slice(0, 3), failures: problems.length };
}

t.test(`the shipped and fixture surveys: the fast generator's answers are valid to survey-core and the route (${dbLabel})`, async (t) => {
  for (const file of surveyFiles) {
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    const slug = `demo-${file.split('/').pop()?.replace(/\.json$/, '')}`;
    const result = await judge(slug, definition, 40, 11);
    t.equal(result.mode, 'fast', `${file}: answers made without survey-core (${result.reason ?? ''})`);
    t.equal(result.judged, 40, `${file}: 40 answers judged`);
    t.same(result.problems, [], `${file}: no invalid answer (${result.failures})`);
  }
});

t.test(`generated surveys: every answer the demo would store is valid, trusted or checked (${dbLabel})`, async (t) => {
  const modes: Record<string, number> = {};
  for (let s = 0; s < 16; s++) {
    const definition = randomSurvey(9100 + s, s % 2 === 0 ? 'simple' : 'any', 'small');
    const result = await judge(`demo-gen-${s}`, definition, 12, s);
    modes[result.mode] = (modes[result.mode] ?? 0) + 1;
    t.same(result.problems, [], `generated survey ${s} (${result.mode}${result.reason ? `: ${result.reason}` : ''}): no invalid answer (${result.failures})`);
  }
  t.comment(JSON.stringify(modes));
  t.ok((modes.fast ?? 0) >= 3, `the fast generator is trusted for several generated surveys (${JSON.stringify(modes)})`);
});

t.test(`reports after demo equal reports after the same answers sent one by one (${dbLabel})`, async (t) => {
  const other = await buildTestApp();
  t.teardown(other.cleanup);
  const n = 40;
  const filled = await fillDemo(app, { n, slug: 'om-partner-befragung', seed: 5 });
  t.match(filled, { stored: n, refused: 0, mode: 'fast' });

  // the same answers, in the same order, through the links of a second database
  await prepareStudy(other.app);
  const survey = await findSurvey(other.app.db, 'om-partner-befragung');
  if (!survey) throw new Error('survey missing');
  const version = await other.app.versions.get((await latestVersion(other.app.db, survey.id)).id);
  const source = await demoSource(version, 5);
  const tokens = new Map((await other.app.db.select().from(links).where(and(eq(links.surveyId, survey.id), eq(links.label, 'Standard')))).map((l) => [l.segment, l.token]));
  for (let i = 0; i < n; i++) {
    const next = source.next();
    if (!next) throw new Error('the fast source refused an answer');
    const res = await other.app.inject({ method: 'POST', url: `/api/v1/links/${tokens.get(next.segment)}/responses`, payload: { id: randomUUID(), complete: true, locale: 'de', data: next.data } });
    t.equal(res.statusCode, 201, `answer ${i} accepted`);
    if (res.statusCode !== 201) break;
  }
  await foldPending(other.app.db);

  /** The counts and open texts of the demo survey by segment, in a fixed order. */
  async function counts(db: typeof app.db) {
    const s = await findSurvey(db, 'om-partner-befragung');
    if (!s) throw new Error('survey missing');
    const c = await db
      .select({ segment: links.segment, variable: answerCounts.variable, value: answerCounts.value, n: answerCounts.n })
      .from(answerCounts)
      .innerJoin(links, eq(links.id, answerCounts.linkId))
      .where(eq(answerCounts.surveyId, s.id));
    const texts = await db
      .select({ segment: links.segment, variable: openTexts.variable, text: openTexts.text })
      .from(openTexts)
      .innerJoin(links, eq(links.id, openTexts.linkId))
      .where(eq(openTexts.surveyId, s.id));
    const key = (x: Record<string, unknown>) => JSON.stringify(Object.values(x));
    return { counts: c.map(key).sort(), texts: texts.map(key).sort() };
  }
  const bulk = await counts(app.db);
  const oneByOne = await counts(other.app.db);
  t.ok(bulk.counts.length > 50 && bulk.texts.length > 10, `there is something to compare (${bulk.counts.length} counts, ${bulk.texts.length} texts)`);
  t.same(bulk.counts, oneByOne.counts, 'the same answer counts per segment');
  t.same(bulk.texts, oneByOne.texts, 'the same open texts per segment');
  const uncounted = await app.db.select({ id: responses.id }).from(responses).where(eq(responses.counted, false));
  t.equal(uncounted.length, 0, 'demo left nothing for the background fold');
  t.equal(await foldPending(app.db), 0, 'a fold after demo counts nothing twice');
  t.same((await counts(app.db)).counts, bulk.counts, 'and the counts stay as they were');
});
