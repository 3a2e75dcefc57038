// One rule for an answer id sent again: through the same link it is a replay and gets 200,
// whatever the link's state now (a complete POST for a stored partial save completes it,
// validated); through another link it gets 409; continuing with PUT obeys the link's state.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { links, responses, surveys } from '../../server/db/schema.ts';
import { revokeLink } from '../../server/repositories/links.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app);
const other = await seedSurvey(app, 'andere', smallSurvey);
const valid = { org: 'verband', channels: ['web'], satisfaction: 4 };

const post = (token: string, body: Record<string, unknown>) => app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: body });
const put = (id: string, key: string, body: Record<string, unknown>) =>
  app.inject({ method: 'PUT', url: `/api/v1/responses/${id}`, payload: body, headers: { 'x-resume-key': key } });
const rowsOf = async (id: string) => app.db.select().from(responses).where(eq(responses.id, id));

t.test(`a committed id sent again after the link was revoked: 200, stored once (${dbLabel})`, async (t) => {
  const link = await seedLink(app, survey.surveyId);
  const id = randomUUID();
  t.equal((await post(link.token, { id, complete: true, data: valid })).statusCode, 201);
  await revokeLink(app.db, survey.surveyId, link.id, 'test');
  const again = await post(link.token, { id, complete: true, data: valid });
  t.equal(again.statusCode, 200, 'the respondent is told it is stored, not "closed"');
  t.same(again.json(), { id });
  t.equal((await rowsOf(id)).length, 1);
  const fresh = await post(link.token, { id: randomUUID(), complete: true, data: valid });
  t.equal(fresh.statusCode, 410, 'a new answer through the revoked link is refused');
});

t.test('a committed id sent again after the link filled up: 200; a new id: 410 "full"', async (t) => {
  const link = await seedLink(app, survey.surveyId, { maxResponses: 1 });
  const id = randomUUID();
  t.equal((await post(link.token, { id, complete: true, data: valid })).statusCode, 201);
  t.equal((await post(link.token, { id, complete: true, data: valid })).statusCode, 200);
  const fresh = await post(link.token, { id: randomUUID(), complete: true, data: valid });
  t.equal(fresh.statusCode, 410);
  t.equal(fresh.json().reason, 'full');
});

t.test('the same id through another survey\'s link: 409, and the stored answer is unchanged', async (t) => {
  const mine = await seedLink(app, survey.surveyId, { segment: 'sme' });
  const theirs = await seedLink(app, other.surveyId, { segment: 'works_council' });
  const id = randomUUID();
  t.equal((await post(mine.token, { id, complete: true, data: valid })).statusCode, 201);
  const res = await post(theirs.token, { id, complete: true, data: { ...valid, org: 'kammer' } });
  t.equal(res.statusCode, 409);
  t.match(res.json().message, /anderen Link/);
  const [row] = await rowsOf(id);
  t.equal(row.linkId, mine.id);
  t.same(row.data, valid);
});

t.test('a partial save whose 201 was lost, then the complete POST with the same id: the row is completed', async (t) => {
  const link = await seedLink(app, survey.surveyId);
  const id = randomUUID();
  t.equal((await post(link.token, { id, complete: false, data: { org: 'verband' } })).statusCode, 201);
  const invalid = await post(link.token, { id, complete: true, data: { channels: ['web'] } });
  t.equal(invalid.statusCode, 422, 'the completion is validated: the required organisation is missing');
  t.equal((await rowsOf(id))[0].status, 'partial');
  const done = await post(link.token, { id, complete: true, data: valid });
  t.equal(done.statusCode, 200);
  const [row] = await rowsOf(id);
  t.equal(row.status, 'complete', 'the thank-you page is true: the answer counts');
  t.same(row.data, valid);
  t.type(row.completedOn, 'string');
});

t.test('continuing with PUT obeys the link: revoked or archived gives 410, nothing changes', async (t) => {
  for (const close of ['revoke', 'archive'] as const) {
    const target = close === 'archive' ? await seedSurvey(app, `archiv-${randomUUID().slice(0, 8)}`, smallSurvey) : survey;
    const link = await seedLink(app, target.surveyId);
    const id = randomUUID();
    const first = await post(link.token, { id, complete: false, data: { org: 'verband' } });
    t.equal(first.statusCode, 201);
    const key = first.json().resumeKey as string;
    t.equal((await put(id, key, { complete: false, data: { org: 'kammer' } })).statusCode, 200, 'open: continuing works');
    if (close === 'revoke') await revokeLink(app.db, target.surveyId, link.id, 'test');
    else await app.db.update(surveys).set({ archivedAt: new Date() }).where(eq(surveys.id, target.surveyId));
    const res = await put(id, key, { complete: true, data: valid });
    t.equal(res.statusCode, 410, `${close}: 410`);
    t.equal(res.json().reason, 'closed');
    const [row] = await rowsOf(id);
    t.equal(row.status, 'partial');
    t.same(row.data, { org: 'kammer' });
  }
});

t.test('a link that closes by the database clock is closed at once, whatever the app clock says', async (t) => {
  const link = await seedLink(app, survey.surveyId);
  await app.db.update(links).set({ closesAt: sql`now() - interval '1 second'` }).where(eq(links.id, link.id));
  const res = await post(link.token, { id: randomUUID(), complete: true, data: valid });
  t.equal(res.statusCode, 410);
  t.equal(res.json().reason, 'closed');
});
