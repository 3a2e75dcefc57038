// Reports read counts that are folded in batches by a background worker. A report read while
// that worker is in the middle of a batch must still see every complete response: it waits for
// the batch instead of skipping the rows the worker holds (a CI run once showed a report with a
// batch missing, and a filter comparison that disagreed with it).
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { responses } from '../../server/db/schema.ts';
import { BACKGROUND_FOLD_BATCH } from '../../server/plugins/app/background.ts';
import { foldPending } from '../../server/repositories/counts.ts';
import { loadAggregates } from '../../server/repositories/aggregates.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const { surveyId, versionId } = await seedSurvey(app);
const link = await seedLink(app, surveyId, { segment: 'sme', label: 'Messe' });
const { catalogue } = await app.versions.get(versionId);

async function answer(n: number) {
  for (let i = 0; i < n; i++) {
    const data = { org: i % 3 === 0 ? 'kammer' : 'verband', channels: ['web'], satisfaction: 1 + (i % 5) };
    await insertResponse(app.db, { id: randomUUID(), surveyId, versionId, catalogue, link, data, complete: true, locale: 'de' });
  }
}

const base = (data: Awaited<ReturnType<typeof loadAggregates>>) => data.bases.reduce((sum, b) => sum + b.n, 0);
const orgCount = (data: Awaited<ReturnType<typeof loadAggregates>>, value: string) => data.counts.filter((c) => c.variable === 'org' && c.value === value).reduce((sum, c) => sum + c.n, 0);

t.test(`a report read during a background fold counts every complete response (${dbLabel})`, async (t) => {
  let expected = 0;
  for (const [round, size] of [[1, 40], [2, 1500], [3, 300]]) {
    await answer(size);
    expected += size;
    // the background worker is in the middle of a batch when the report reads
    const worker = foldPending(app.db, { batch: 500 });
    await new Promise((r) => setTimeout(r, 5));
    const [, data] = await Promise.all([worker, loadAggregates(app.db, surveyId)]);
    t.equal(base(data), expected, `round ${round}: the report's base is every complete response so far`);
    t.equal(orgCount(data, 'kammer') + orgCount(data, 'verband'), expected, `round ${round}: and so is the sum of the answers to a required question`);
  }
});

t.test(`a fold in the background job's small batches leaves no backlog behind (${dbLabel})`, async (t) => {
  const before = base(await loadAggregates(app.db, surveyId)); // folds whatever the test above left
  const backlog = 2 * BACKGROUND_FOLD_BATCH + 7;
  await answer(backlog);
  // The job's own timer may fold part of the backlog meanwhile; one run still ends with none left.
  await foldPending(app.db, { batch: BACKGROUND_FOLD_BATCH });
  const left = await app.db.select({ n: sql<number>`count(*)::int` }).from(responses).where(and(eq(responses.status, 'complete'), eq(responses.counted, false)));
  t.equal(left[0].n, 0, `no complete response is left uncounted after one run over ${backlog} (batches of ${BACKGROUND_FOLD_BATCH})`);
  t.equal(base(await loadAggregates(app.db, surveyId)), before + backlog, 'the report base grew by the backlog');
});
