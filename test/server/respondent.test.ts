import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { answerCounts, links, responses } from '../../server/db/schema.ts';
import { importSurvey } from '../../server/repositories/surveys.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedLink, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app);
const link = await seedLink(app, survey.surveyId, { segment: 'works_council', label: 'Betriebsrat Nord' });

const post = (body: Record<string, unknown>, token = link.token) =>
  app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: body });
const stored = async (id: string) => (await app.db.select().from(responses).where(eq(responses.id, id)))[0];

t.test(`link info gives the survey and the audience (${dbLabel})`, async (t) => {
  const res = await app.inject(`/api/v1/links/${link.token}`);
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.audience, 'works_council');
  t.equal(body.version, 1);
  t.same(body.survey.title, { de: 'Kleine Testumfrage', en: 'Small test survey' });
});

t.test('an unknown token gets 404 with no hint whether it ever existed', async (t) => {
  const api = await app.inject('/api/v1/links/doesnotexist');
  t.equal(api.statusCode, 404);
  t.same(api.json(), { message: 'Dieser Link ist ungültig.' });
  const page = await app.inject('/s/doesnotexist');
  t.equal(page.statusCode, 404);
  t.match(page.body, /Dieser Link ist ungültig/);
});

t.test('the respondent page is HTML with a strict Content-Security-Policy', async (t) => {
  const res = await app.inject(`/s/${link.token}`);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(String(res.headers['content-security-policy']), /script-src 'self'(;|$)/);
  t.match(res.body, /\/assets\/respondent(\.[0-9a-f]{8})?\.js/, 'the bundle, by its hashed name once web/dist is built');
});

t.test('a complete valid response is stored with segment and label from the link, and counted', async (t) => {
  const id = randomUUID();
  const res = await post({ id, complete: true, data: { org: 'verband', channels: ['web'], satisfaction: 4 }, segment: 'sme' });
  t.equal(res.statusCode, 201);
  t.equal(res.json().id, id);
  t.type(res.json().resumeKey, 'string');
  const row = await stored(id);
  t.equal(row.status, 'complete');
  t.equal(row.segment, 'works_council', 'segment from the link, not from the body');
  t.equal(row.linkLabel, 'Betriebsrat Nord');
  t.same(row.data, { org: 'verband', channels: ['web'], satisfaction: 4 });
  t.notOk('ip' in row || 'userAgent' in row, 'no address or user agent column');
  t.match(row.createdOn, /^\d{4}-\d{2}-\d{2}$/, 'only the date is kept');
  await app.counts.fold(); // the background job counts it within a second; here, at once
  t.equal((await stored(id)).counted, true, 'folded into the report counts');
  const counts = await app.db.select().from(answerCounts).where(eq(answerCounts.linkId, link.id));
  const find = (variable: string, value: string) => counts.find((c) => c.variable === variable && c.value === value)?.n;
  t.equal(find('_n', '1'), 1, 'base counted');
  t.equal(find('org', 'verband'), 1);
  t.equal(find('channels.web', '1'), 1);
  t.equal(find('channels.news', '0'), 1);
  t.equal(find('satisfaction', '4'), 1);
});

t.test('a replay of the same id answers 200 and stores nothing new', async (t) => {
  const id = randomUUID();
  const body = { id, complete: true, data: { org: 'kammer', why: 'Nähe' } };
  t.equal((await post(body)).statusCode, 201);
  const again = await post({ ...body, data: { org: 'verband' } });
  t.equal(again.statusCode, 200);
  t.same(again.json(), { id });
  t.same((await stored(id)).data, { org: 'kammer', why: 'Nähe' });
});

t.test('two racing requests with the same id store one response', async (t) => {
  const id = randomUUID();
  const body = { id, complete: true, data: { org: 'kammer' } };
  const [a, b] = await Promise.all([post(body), post(body)]);
  t.same([a.statusCode, b.statusCode].sort(), [200, 201]);
  const rows = await app.db.select().from(responses).where(eq(responses.id, id));
  t.equal(rows.length, 1);
});

const tampered: [string, Record<string, unknown>, string][] = [
  ['a missing required answer', { channels: ['web'] }, 'org'],
  ['an unknown key', { org: 'kammer', salary: 5000 }, 'salary'],
  ['a value outside the choices', { org: 'ministerium' }, 'org'],
  ['a wrong type', { org: 'kammer', satisfaction: 'sehr' }, 'satisfaction'],
];
for (const [what, data, question] of tampered) {
  t.test(`${what} is refused with 422 naming the question "${question}" and nothing is stored`, async (t) => {
    const id = randomUUID();
    const res = await post({ id, complete: true, data });
    t.equal(res.statusCode, 422);
    const errors = res.json().errors as { question: string; message: string }[];
    t.ok(errors.some((e) => e.question === question && e.message.length > 0), JSON.stringify(errors));
    t.equal(await stored(id), undefined);
  });
}

t.test('an answer to a hidden question is stripped, the rest stored', async (t) => {
  const id = randomUUID();
  const res = await post({ id, complete: true, data: { org: 'verband', why: 'versteckt' } });
  t.equal(res.statusCode, 201);
  t.same((await stored(id)).data, { org: 'verband' });
});

t.test('a partial save skips required answers, then PUT completes it and GET resumes it', async (t) => {
  const id = randomUUID();
  const first = await post({ id, complete: false, data: { satisfaction: 2 } });
  t.equal(first.statusCode, 201);
  const key = first.json().resumeKey as string;
  t.equal((await stored(id)).status, 'partial');
  const resumed = await app.inject({ url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': key } });
  t.same(resumed.json(), { id, data: { satisfaction: 2 }, complete: false });
  const incomplete = await app.inject({ method: 'PUT', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': key }, payload: { complete: true, data: { satisfaction: 2 } } });
  t.equal(incomplete.statusCode, 422, 'completing still needs the required answer');
  const done = await app.inject({ method: 'PUT', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': key }, payload: { complete: true, data: { org: 'kammer', satisfaction: 2 } } });
  t.equal(done.statusCode, 200);
  t.equal((await stored(id)).status, 'complete');
  const late = await app.inject({ method: 'PUT', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': key }, payload: { complete: true, data: { org: 'verband' } } });
  t.equal(late.statusCode, 409);
  const wrongKey = await app.inject({ url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': 'nope' } });
  t.equal(wrongKey.statusCode, 404);
});

t.test('a respondent erases their own response with the resume key and its counts go', async (t) => {
  const id = randomUUID();
  const res = await post({ id, complete: true, data: { org: 'kammer', satisfaction: 5 } });
  const key = res.json().resumeKey as string;
  await app.counts.fold();
  const before = (await app.db.select().from(answerCounts).where(eq(answerCounts.linkId, link.id))).find((c) => c.variable === 'satisfaction' && c.value === '5')?.n ?? 0;
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': 'falsch' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': key } })).statusCode, 204);
  t.equal(await stored(id), undefined);
  const after = (await app.db.select().from(answerCounts).where(eq(answerCounts.linkId, link.id))).find((c) => c.variable === 'satisfaction' && c.value === '5')?.n ?? 0;
  t.equal(after, before - 1);
});

t.test('a revoked, full or not yet open link answers 410 and shows a closed page', async (t) => {
  const revoked = await seedLink(app, survey.surveyId);
  const headers = await researcherHeaders(app);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/surveys/klein/links/${revoked.id}`, headers })).statusCode, 204);
  const gone = await post({ id: randomUUID(), complete: true, data: { org: 'kammer' } }, revoked.token);
  t.equal(gone.statusCode, 410);
  t.equal(gone.json().reason, 'closed');
  const full = await seedLink(app, survey.surveyId, { maxResponses: 1 });
  t.equal((await post({ id: randomUUID(), complete: true, data: { org: 'kammer' } }, full.token)).statusCode, 201);
  const refused = await post({ id: randomUUID(), complete: true, data: { org: 'kammer' } }, full.token);
  t.equal(refused.statusCode, 410);
  t.equal(refused.json().reason, 'full');
  const later = await seedLink(app, survey.surveyId, { opensAt: new Date(Date.now() + 86_400_000) });
  const notOpen = await app.inject(`/api/v1/links/${later.token}`);
  t.equal(notOpen.statusCode, 410);
  t.equal(notOpen.json().reason, 'not_open');
  const page = await app.inject(`/s/${full.token}`);
  t.equal(page.statusCode, 410);
  t.match(page.body, /geschlossen/);
});

// The server remembers links it took answers through, but checks every answer against the
// database in the same statement that stores it: changes made by another process count at once.
t.test('a link revoked by another process refuses the next answer, though this one took answers through it', async (t) => {
  const channel = await seedLink(app, survey.surveyId, { label: 'Zweiter Kanal' });
  t.equal((await post({ id: randomUUID(), complete: true, data: { org: 'kammer' } }, channel.token)).statusCode, 201, 'answered once');
  await app.db.update(links).set({ revokedAt: new Date() }).where(eq(links.id, channel.id)); // not through this app
  const id = randomUUID();
  const gone = await post({ id, complete: true, data: { org: 'verband' } }, channel.token);
  t.equal(gone.statusCode, 410);
  t.equal(gone.json().reason, 'closed');
  t.notOk(await stored(id), 'nothing stored');
});

t.test('a new version imported by another process applies to the next answer at once', async (t) => {
  const first = await seedSurvey(app, 'versioniert');
  const channel = await seedLink(app, first.surveyId);
  t.equal((await post({ id: randomUUID(), complete: true, data: { org: 'kammer' } }, channel.token)).statusCode, 201, 'answered against version 1');
  const [p1, ...rest] = smallSurvey.pages;
  const size = { type: 'radiogroup', name: 'groesse', title: 'Größe', isRequired: true, choices: ['klein', 'gross'] };
  const second = await importSurvey(app.db, { slug: 'versioniert', definition: { ...smallSurvey, pages: [{ ...p1, elements: [...p1.elements, size] }, ...rest] } }, 'another process');
  t.equal(second.version, 2);
  const id = randomUUID();
  const refused = await post({ id, complete: true, data: { org: 'kammer' } }, channel.token);
  t.equal(refused.statusCode, 422, 'version 2 requires the new question');
  t.same(refused.json().errors.map((e: { question: string }) => e.question), ['groesse']);
  t.notOk(await stored(id), 'nothing stored');
  const ok = await post({ id, complete: true, data: { org: 'kammer', groesse: 'klein' } }, channel.token);
  t.equal(ok.statusCode, 201);
  t.equal((await stored(id)).versionId, second.versionId, 'stored against version 2');
});
