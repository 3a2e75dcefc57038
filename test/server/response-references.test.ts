// Responses carry no foreign keys to their survey, version and link (migration 0015: the key
// checks locked those three rows for share on every answer). What the keys did on delete is kept
// by triggers, for an operator deleting in SQL (the app itself never deletes those rows): a
// deleted survey or link takes its responses with it, a version that has responses stays.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);

async function answer(token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    const res = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id, complete: i % 2 === 0, locale: 'de', data: { org: i % 3 === 0 ? 'kammer' : 'verband' } } });
    if (res.statusCode !== 201) throw new Error(`answer: ${res.statusCode} ${res.body}`);
    ids.push(id);
  }
  return ids;
}
async function stored(ids: string[]): Promise<number> {
  const result = (await app.db.execute(sql`select count(*)::int as n from responses where id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`)) as unknown as { rows: { n: number }[] };
  return Number(result.rows[0].n);
}
async function refusal(statement: ReturnType<typeof sql>): Promise<{ code?: string; message: string } | null> {
  try {
    await app.db.execute(statement);
    return null;
  } catch (err) {
    const e = err as { code?: string; message: string; cause?: { code?: string; message: string } };
    return e.cause?.code ? e.cause : e;
  }
}

t.test(`deleting in SQL: responses follow their survey and link, an answered version stays (${dbLabel})`, async (t) => {
  const one = await seedSurvey(app, 'eins');
  const other = await seedSurvey(app, 'andere');
  const [a, b] = [await seedLink(app, one.surveyId, { label: 'A' }), await seedLink(app, one.surveyId, { label: 'B' })];
  const c = await seedLink(app, other.surveyId, { label: 'C' });
  const [idsA, idsB, idsC] = [await answer(a.token, 6), await answer(b.token, 4), await answer(c.token, 5)];

  const refused = await refusal(sql`delete from survey_versions where id = ${one.versionId}`);
  t.equal(refused?.code, '23503', 'deleting an answered version is refused as a foreign-key violation');
  t.match(refused?.message ?? '', /hat gespeicherte Antworten/, 'with a sentence that says why');
  t.equal(await stored([...idsA, ...idsB]), 10, 'and its responses are all still there');

  await app.db.execute(sql`delete from links where token = ${a.token}`);
  t.equal(await stored(idsA), 0, "deleting link A deletes A's 6 responses");
  t.equal(await stored(idsB), 4, "and none of link B's");

  await app.db.execute(sql`delete from surveys where id = ${one.surveyId}`);
  t.equal(await stored(idsB), 0, 'deleting the survey deletes the rest of its responses (and its versions with them)');
  t.equal(await stored(idsC), 5, "another survey's responses stay");

  const unanswered = await seedSurvey(app, 'leer');
  t.equal(await refusal(sql`delete from survey_versions where id = ${unanswered.versionId}`), null, 'a version without responses can be deleted');
});
