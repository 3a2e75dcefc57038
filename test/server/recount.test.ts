// Counts stored before migration 0014 counted dynamic-panel entries; the server recounts such
// surveys from their responses when it starts (server/repositories/recount.ts). Here the old
// counts are made as the old code made them (every entry, analysis/extract.ts extractValues),
// live and in a release that holds only some of the responses, and the server is started again
// on the same database: both tables then equal what counting the same responses afresh gives,
// and a share key reads the same report as before. Both databases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import t from 'tap';
import { extractValues, notAskedValues } from '../../analysis/extract.ts';
import { answerCounts, releaseCounts, responses, surveys } from '../../server/db/schema.ts';
import { BASE_VARIABLE, versionsForCounts } from '../../server/repositories/counts.ts';
import { COUNTS_VERSION, recountStale } from '../../server/repositories/recount.ts';
import { publishRelease } from '../../server/repositories/releases.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { buildTestApp, dbLabel, freshPostgresDatabase } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';
import { postResponse } from '../attack/study.ts';

const text = (s: string) => ({ de: s, en: s });
const definition = {
  title: text('Nachzählen'),
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'radiogroup', name: 'rolle', title: text('Rolle'), isRequired: true, choices: ['r1', 'r2'].map((v) => ({ value: v, text: text(v) })), befund: { role: 'rating' } },
        {
          type: 'paneldynamic',
          name: 'kurse',
          title: text('Kurse'),
          befund: { role: 'rating' },
          templateElements: [
            { type: 'dropdown', name: 'art', title: text('Art'), choices: ['a1', 'a2', 'a3'].map((v) => ({ value: v, text: text(v) })) },
            { type: 'text', name: 'dauer', title: text('Dauer'), inputType: 'number', min: 0, max: 40 },
          ],
        },
      ],
    },
  ],
};

t.test(`a survey counted per entry is recounted per person, live and in its release (${dbLabel})`, async (t) => {
  // one database for two starts of the server
  const pgDb = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  const dir = pgDb ? undefined : mkdtempSync(join(tmpdir(), 'befund-recount-'));
  const env: Record<string, string> = pgDb ? { DATABASE_URL: pgDb.url } : { DATA_DIR: dir as string };
  t.teardown(async () => {
    await pgDb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const first = await buildTestApp(env);
  let app = first.app;
  let db = app.db;
  const auth = await researcherHeaders(app);
  const slug = 'nachzaehlen';
  const created = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers: auth, payload: { slug, definition } });
  t.equal(created.statusCode, 201);
  const rnd = seededRandom(7);
  const post = async (segment: string, n: number) => {
    const link = (await app.inject({ method: 'POST', url: `/api/v1/surveys/${slug}/links`, headers: auth, payload: { audience: segment, label: 'L' } })).json();
    for (let i = 0; i < n; i++) {
      const entries = i < 2 ? 6 : Math.floor(rnd() * 3);
      const data: Record<string, unknown> = { rolle: rnd() < 0.5 ? 'r1' : 'r2' };
      if (entries) data.kurse = Array.from({ length: entries }, () => ({ art: i < 2 ? 'a3' : `a${1 + Math.floor(rnd() * 2)}`, dauer: Math.floor(rnd() * 40) }));
      if (!(await postResponse(app, String(link.token), data))) throw new Error(`refused: ${JSON.stringify(data)}`);
    }
  };
  await post('intermediary', 12);
  await post('sme', 9);
  const [survey] = await db.select({ id: surveys.id, v: surveys.countsVersion }).from(surveys).where(eq(surveys.slug, slug));
  t.equal(survey.v, COUNTS_VERSION, 'a new survey is counted the current way');
  await publishRelease(db, survey.id, 'test', 'manual');
  await post('works_council', 7); // counted live, not in the release

  const share = (await app.inject({ method: 'POST', url: `/api/v1/surveys/${slug}/shares`, headers: auth, payload: { audience: 'intermediary' } })).json().key;
  const read = async () => (await app.inject({ method: 'GET', url: `/reports/${slug}/intermediary/data.json?key=${share}` })).body;
  const table = async (which: typeof answerCounts | typeof releaseCounts) =>
    (await db.select({ link: which.linkId, variable: which.variable, value: which.value, n: which.n }).from(which).where(eq(which.surveyId, survey.id)).orderBy(asc(which.linkId), asc(which.variable), asc(which.value))).filter((r) => r.n > 0);
  // folded now (the report read folds what is pending)
  await read();
  const fresh = { live: await table(answerCounts), release: await table(releaseCounts), report: await read() };
  t.ok(
    fresh.live.some((r) => r.variable === '_p'),
    'persons per pooled variable are counted',
  );

  // the counts as the code before migration 0014 made them: every entry, no persons
  await db.transaction(async (tx) => {
    await tx.delete(answerCounts).where(eq(answerCounts.surveyId, survey.id));
    await tx.delete(releaseCounts).where(eq(releaseCounts.surveyId, survey.id));
    const rows = await tx.select().from(responses).where(and(eq(responses.surveyId, survey.id), eq(responses.counted, true)));
    const versions = await versionsForCounts(db, tx, rows.map((r) => r.versionId));
    for (const [target, only] of [
      [answerCounts, false],
      [releaseCounts, true],
    ] as const) {
      const tally = new Map<string, number>();
      for (const r of rows) {
        if (only && !r.released) continue;
        const v = versions.get(r.versionId);
        if (!v) throw new Error('version');
        const data = r.data as Record<string, unknown>;
        const values = extractValues(v.catalogue, data);
        for (const x of [{ variable: BASE_VARIABLE, value: '1' }, ...values, ...notAskedValues(v.catalogue, v.notAsked(data), data)]) {
          const key = JSON.stringify([r.linkId, x.variable, x.value]);
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
      }
      for (const [key, n] of tally) {
        const [linkId, variable, value] = JSON.parse(key) as [number, string, string];
        await tx.insert(target).values({ surveyId: survey.id, linkId, variable, value, n });
      }
    }
    await tx.update(surveys).set({ countsVersion: 0 }).where(eq(surveys.id, survey.id));
  });
  const old = await table(answerCounts);
  t.ok(
    old.some((r) => r.variable === 'kurse.art' && r.value === 'a3' && r.n === 12),
    'the old counts hold every entry (two persons, six entries each)',
  );
  t.not(await read(), fresh.report, 'the share key reads entries from the old counts');

  await first.cleanup();
  const second = await buildTestApp(env);
  t.teardown(second.cleanup);
  app = second.app;
  db = app.db;
  const [after] = await db.select({ v: surveys.countsVersion }).from(surveys).where(eq(surveys.id, survey.id));
  t.equal(after.v, COUNTS_VERSION, 'the server recounted the stale survey when it started');
  t.same(await table(answerCounts), fresh.live, 'live counts: the same as counting the responses afresh');
  t.same(await table(releaseCounts), fresh.release, 'release counts: the same, of the released responses only');
  t.equal(await recountStale(db), 0, 'nothing is left to recount');
  t.equal(await read(), fresh.report, 'the share key reads the same report as before');
});
