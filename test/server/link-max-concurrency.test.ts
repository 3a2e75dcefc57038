// A link's maximum holds when answers arrive at once: the link row is locked while a complete
// answer is stored and its counter raised, so of 60 concurrent answers over real HTTP to a link
// with room for 10, exactly 10 are stored. Completing partial saves, erasing and the counter of
// links made before the counter existed obey the same count.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { links, responses } from '../../server/db/schema.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const valid = { org: 'verband', channels: ['web'], satisfaction: 4 };

async function post(token: string, body: Record<string, unknown>) {
  const res = await fetch(`${base}/api/v1/links/${token}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function put(id: string, key: string, body: Record<string, unknown>) {
  const res = await fetch(`${base}/api/v1/responses/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-resume-key': key }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const stored = async (linkId: number, status: 'complete' | 'partial' = 'complete') =>
  (await app.db.select({ n: sql<number>`count(*)::int` }).from(responses).where(and(eq(responses.linkId, linkId), eq(responses.status, status))))[0].n;
const counter = async (linkId: number) => (await app.db.select({ c: links.completedCount }).from(links).where(eq(links.id, linkId)))[0].c;
function tally(codes: number[]): Record<number, number> {
  const m: Record<number, number> = {};
  for (const c of codes) m[c] = (m[c] ?? 0) + 1;
  return m;
}

t.test(`60 concurrent answers to a link with a maximum of 10: 10 × 201, 50 × 410, 10 stored (${dbLabel})`, async (t) => {
  const link = await seedLink(app, survey.surveyId, { maxResponses: 10 });
  const results = await Promise.all(Array.from({ length: 60 }, () => post(link.token, { id: randomUUID(), complete: true, data: valid })));
  const codes = tally(results.map((r) => r.status));
  t.same(codes, { 201: 10, 410: 50 }, `answers: ${JSON.stringify(codes)}`);
  t.ok(
    results.filter((r) => r.status === 410).every((r) => r.body.reason === 'full'),
    'every refusal says the link is full',
  );
  t.equal(await stored(link.id), 10, '10 rows stored');
  t.equal(await counter(link.id), 10);
});

t.test('the same 10 ids sent again, each 3 times at once after the link filled: all 200, nothing counted twice', async (t) => {
  const link = await seedLink(app, survey.surveyId, { maxResponses: 10 });
  const ids = Array.from({ length: 10 }, () => randomUUID());
  const first = await Promise.all(ids.map((id) => post(link.token, { id, complete: true, data: valid })));
  t.same(tally(first.map((r) => r.status)), { 201: 10 });
  const again = await Promise.all(ids.flatMap((id) => [1, 2, 3].map(() => post(link.token, { id, complete: true, data: valid }))));
  t.same(tally(again.map((r) => r.status)), { 200: 30 }, 'a replay of a committed id answers 200 whatever the link state');
  t.equal(await stored(link.id), 10);
  t.equal(await counter(link.id), 10);
});

t.test('partial saves do not take places; 20 concurrent completions (PUT) of partial saves on a link with room for 5: 5 completed', async (t) => {
  const link = await seedLink(app, survey.surveyId, { maxResponses: 5 });
  const saves = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const id = randomUUID();
      const res = await post(link.token, { id, complete: false, data: { org: 'verband' } });
      return { id, status: res.status, key: res.body.resumeKey as string };
    }),
  );
  t.same(tally(saves.map((s) => s.status)), { 201: 20 }, 'partial saves are not counted against the maximum');
  const done = await Promise.all(saves.map((s) => put(s.id, s.key, { complete: true, data: valid })));
  const codes = tally(done.map((r) => r.status));
  t.same(codes, { 200: 5, 410: 15 }, `completions: ${JSON.stringify(codes)}`);
  t.equal(await stored(link.id), 5);
  t.equal(await stored(link.id, 'partial'), 15, 'the refused ones stay partial, nothing lost');
  t.equal(await counter(link.id), 5);
});

t.test('complete POSTs replaying 12 partial saves at once on a link with room for 4: 4 × 200, 8 × 410 "full"', async (t) => {
  const link = await seedLink(app, survey.surveyId, { maxResponses: 4 });
  const ids = Array.from({ length: 12 }, () => randomUUID());
  for (const id of ids) t.equal((await post(link.token, { id, complete: false, data: { org: 'verband' } })).status, 201);
  const done = await Promise.all(ids.map((id) => post(link.token, { id, complete: true, data: valid })));
  const codes = tally(done.map((r) => r.status));
  t.same(codes, { 200: 4, 410: 8 }, `completions: ${JSON.stringify(codes)}`);
  t.equal(await stored(link.id), 4);
  t.equal(await counter(link.id), 4);
});

t.test('an erased complete answer gives its place back (the maximum counts stored complete answers)', async (t) => {
  const link = await seedLink(app, survey.surveyId, { maxResponses: 2 });
  const a = await post(link.token, { id: randomUUID(), complete: true, data: valid });
  await post(link.token, { id: randomUUID(), complete: true, data: valid });
  t.equal((await post(link.token, { id: randomUUID(), complete: true, data: valid })).status, 410);
  const res = await fetch(`${base}/api/v1/responses/${a.body.id}`, { method: 'DELETE', headers: { 'x-resume-key': a.body.resumeKey as string } });
  t.equal(res.status, 204);
  t.equal(await counter(link.id), 1);
  t.equal((await post(link.token, { id: randomUUID(), complete: true, data: valid })).status, 201, 'the erased place is taken again');
  t.equal((await post(link.token, { id: randomUUID(), complete: true, data: valid })).status, 410);
  t.equal(await stored(link.id), 2);
});

t.test('links without a maximum keep no counter and take every answer', async (t) => {
  const link = await seedLink(app, survey.surveyId);
  const results = await Promise.all(Array.from({ length: 20 }, () => post(link.token, { id: randomUUID(), complete: true, data: valid })));
  t.same(tally(results.map((r) => r.status)), { 201: 20 });
  t.equal(await counter(link.id), null);
});

t.test('migration 0006 on a database with answers: links with a maximum start from their complete answers', async (t) => {
  const capped = await seedLink(app, survey.surveyId, { maxResponses: 3 });
  const open = await seedLink(app, survey.surveyId);
  for (const complete of [true, true, false]) await post(capped.token, { id: randomUUID(), complete, data: complete ? valid : { org: 'verband' } });
  await post(open.token, { id: randomUUID(), complete: true, data: valid });
  // Back to the schema before 0006, then the migration's own statements, as on an existing database.
  await app.db.execute(sql`alter table links drop column completed_count`);
  await app.db.execute(sql`drop table server_secrets`);
  const file = readFileSync(new URL('../../server/db/migrations/0006_link_max_counter_and_shared_secrets.sql', import.meta.url), 'utf8');
  for (const statement of file.split('--> statement-breakpoint')) await app.db.execute(sql.raw(statement));
  t.equal(await counter(capped.id), 2, 'two complete answers, the partial one not counted');
  t.equal(await counter(open.id), null);
  t.equal((await post(capped.token, { id: randomUUID(), complete: true, data: valid })).status, 201);
  t.equal((await post(capped.token, { id: randomUUID(), complete: true, data: valid })).status, 410, 'the third place was the last');
});
