// Partner panel, mail rounds the running server sends (issue 14): the researcher schedules an
// invitation run or a reminder round through the API; the server's own background job sends it
// when it is due, through a real SMTP server in this process (smtp-server), with the sender
// `befund invite` uses: one mail per participant, reminders only to the invited who have not
// completed or opted out, at most PANEL_MAX_REMINDERS rounds. A round a killed server left
// running is taken over once its lease ran out, and the mail it cut off is not sent again.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { RoundRefused, scheduleRound } from '../../server/mail/rounds.ts';
import { listParticipants, personalToken, tokenKey } from '../../server/repositories/participants.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedSurvey } from '../helpers/fixtures.ts';
import { smtp } from '../helpers/smtp.ts';

const server = await smtp();
t.teardown(server.close);
const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2', PUBLIC_URL: 'https://befund.example.org', SMTP_URL: `smtp://127.0.0.1:${server.port}`, MAIL_FROM: 'Studienteam <studie@example.org>', PANEL_MAX_REMINDERS: '2' });
t.teardown(cleanup);
const survey = await seedSurvey(app, 'runden');
const headers = await researcherHeaders(app);
const api = '/api/v1/surveys/runden';
const csv = `email,name,segment,language\n${['a', 'b', 'c', 'd', 'e'].map((n, i) => `${n}@example.org,Person ${n.toUpperCase()},${i < 3 ? 'sme' : 'works_council'},${n === 'e' ? 'en' : 'de'}`).join('\n')}\n`;
const imported = await app.inject({ method: 'POST', url: `${api}/participants/import`, headers, payload: { file: Buffer.from(csv).toString('base64') } });
if (imported.statusCode !== 200) throw new Error(imported.body);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits (bounded) for the server's own job to do something; the job runs every 5 s. */
async function until(what: string, cond: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 120_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await sleep(100);
  }
}
const rounds = async () => (await app.inject({ url: `${api}/mail-rounds`, headers })).json().rounds as { id: number; kind: string; round: number | null; state: string; result: Record<string, number> | null }[];
const people = async () => new Map((await listParticipants(app.db, survey.surveyId, 'test')).map((p) => [p.email, p]));
const count = (to: string) => server.received.filter((m) => m.to === to).length;

t.test('without SMTP_URL a round is refused with the way to the mail-merge CSV', async (t) => {
  const refused = await scheduleRound(app.db, { ...app.config.mail, smtpUrl: undefined }, survey.surveyId, { kind: 'invitation', dueAt: new Date(), closes: null }, 'test').catch((e) => e);
  t.ok(refused instanceof RoundRefused);
  t.equal(refused.status, 409);
  t.match(refused.message, /SMTP_URL.*Serienbrief/);
});

t.test(`a round planned for later waits, and can be cancelled until it starts (${dbLabel})`, async (t) => {
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const res = await app.inject({ method: 'POST', url: `${api}/mail-rounds`, headers, payload: { kind: 'invitation', at: later } });
  t.equal(res.statusCode, 201, res.body);
  t.same([res.json().state, res.json().dueAt], ['scheduled', later]);
  t.equal(await app.mailRounds.runDue(), 0, 'not due: nothing sent');
  t.equal(server.received.length, 0);
  t.equal((await app.inject({ method: 'DELETE', url: `${api}/mail-rounds/${res.json().id}`, headers })).statusCode, 204);
  const again = await app.inject({ method: 'DELETE', url: `${api}/mail-rounds/${res.json().id}`, headers });
  t.equal(again.statusCode, 409);
  t.match(again.json().message, /nicht mehr geplant/);
  t.equal((await app.inject({ method: 'DELETE', url: `${api}/mail-rounds/99999`, headers })).statusCode, 404);
  const bad = await app.inject({ method: 'POST', url: `${api}/mail-rounds`, headers, payload: { kind: 'newsletter', at: 'morgen' } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /kind: invitation oder reminder/);
  t.equal((await app.inject({ url: `${api}/mail-rounds` })).statusCode, 401, 'researchers only');
});

t.test('a round a killed server left running is taken over once its lease ran out; the mail it cut off is not sent again', async (t) => {
  // What a server killed during c's mail leaves: the round running with its lease, c "sending".
  await app.db.execute(sql`insert into mail_rounds (survey_id, kind, due_at, state, lease_until) values (${survey.surveyId}, 'invitation', now() - interval '10 minutes', 'running', now() - interval '1 minute')`);
  await app.db.execute(sql`update participants set invitation = 'sending' where survey_id = ${survey.surveyId} and email = 'c@example.org'`);
  await until('the server sends the round', async () => (await rounds()).some((r) => r.kind === 'invitation' && r.state === 'done'));
  const done = (await rounds()).find((r) => r.state === 'done');
  t.same([done?.result?.sent, done?.result?.uncertain], [4, 1]);
  t.same(server.received.map((m) => m.to).sort(), ['a@example.org', 'b@example.org', 'd@example.org', 'e@example.org']);
  const p = await people();
  t.equal(p.get('c@example.org')?.invitation, 'uncertain');
  t.match(p.get('c@example.org')?.lastMailError, /Zustellung ungewiss/);
  t.match(server.received.find((m) => m.to === 'e@example.org')?.headers.subject, /^Invitation/);
});

t.test('a reminder round at the time the researcher set: only to the invited who have not completed or opted out, at most PANEL_MAX_REMINDERS', async (t) => {
  const key = await tokenKey(app.db);
  const p = await people();
  const token = (email: string) => personalToken(key, p.get(email)?.id as string);
  const answered = await app.inject({ method: 'POST', url: `/api/v1/links/${token('a@example.org')}/responses`, payload: { id: randomUUID(), complete: true, data: { org: 'kammer', satisfaction: 4 } } });
  t.equal(answered.statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: `/o/${token('d@example.org')}` })).statusCode, 200);
  const before = server.received.length;
  const at = new Date(Date.now() + 1500).toISOString();
  const res = await app.inject({ method: 'POST', url: `${api}/mail-rounds`, headers, payload: { kind: 'reminder', at, closes: '2027-01-31T12:00:00Z' } });
  t.equal(res.statusCode, 201, res.body);
  await until('the server sends the reminder round', async () => (await rounds()).some((r) => r.kind === 'reminder' && r.state === 'done'));
  const reminded = server.received.slice(before);
  t.same(reminded.map((m) => m.to).sort(), ['b@example.org', 'c@example.org', 'e@example.org'], 'not a (completed) nor d (opted out); c, uncertain, is reminded');
  for (const m of reminded) t.match(m.headers.subject, /^(Erinnerung|Reminder)/);
  t.match(reminded.find((m) => m.to === 'b@example.org')?.text, /bis zum 31\. Januar 2027/);
  const round = (await rounds()).find((r) => r.kind === 'reminder');
  t.same([round?.round, round?.result?.sent], [1, 3]);
  t.equal((await people()).get('b@example.org')?.remindersSent, 1);

  const second = await app.inject({ method: 'POST', url: `${api}/mail-rounds`, headers, payload: { kind: 'reminder', at: new Date(Date.now() + 3_600_000).toISOString() } });
  t.equal(second.statusCode, 201);
  const third = await app.inject({ method: 'POST', url: `${api}/mail-rounds`, headers, payload: { kind: 'reminder' } });
  t.equal(third.statusCode, 409);
  t.match(third.json().message, /Höchstens 2 Erinnerungen \(PANEL_MAX_REMINDERS\): 2 sind gesendet oder geplant/);
  for (const to of ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org', 'e@example.org']) t.ok(count(to) <= 2, `${to}: at most one invitation and one reminder so far`);
});
