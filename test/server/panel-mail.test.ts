// Partner panel mail (issue 14): invitations and reminders through a real SMTP server in this
// process (smtp-server): headers, text and HTML parts, links that open the survey, at most one
// invitation and one reminder per round, reminders only to those who have not completed or
// opted out, temporary refusals retried with backoff, permanent ones and a dead server recorded
// per participant, and the templates' placeholders checked (in a file, too, before anything is sent).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import t from 'tap';
import { sendDue, type SendOptions } from '../../server/mail/send.ts';
import { DEFAULT_TEMPLATES, lintTemplates, readTemplates } from '../../server/mail/templates.ts';
import { responseRates } from '../../server/repositories/panel-rates.ts';
import { importParticipants, listParticipants } from '../../server/repositories/participants.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { seedSurvey } from '../helpers/fixtures.ts';
import { smtp } from '../helpers/smtp.ts';

const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2', PUBLIC_URL: 'https://befund.example.org' });
t.teardown(cleanup);
const survey = await seedSurvey(app, 'mail');
const people = ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => ({
  line: i + 2,
  email: `${n}@example.org`,
  name: n === 'b' ? null : `Person ${n.toUpperCase()}`,
  organisation: 'IHK',
  segment: i < 3 ? 'sme' : 'works_council',
  label: null,
  language: (n === 'f' ? 'en' : 'de') as 'de' | 'en',
}));
await importParticipants(app.db, survey.surveyId, people, 'test');
const transportFor = (port: number) => {
  const smtpTransport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, greetingTimeout: 10_000 });
  return { sendMail: (m: Parameters<typeof smtpTransport.sendMail>[0]) => smtpTransport.sendMail(m) };
};
const options = (port: number, extra: Partial<SendOptions> = {}): SendOptions => ({
  surveyId: survey.surveyId,
  kind: 'invitation',
  transport: transportFor(port),
  from: 'Studienteam <studie@example.org>',
  publicUrl: 'https://befund.example.org',
  templates: DEFAULT_TEMPLATES,
  closes: new Date('2027-01-31T12:00:00Z'),
  ratePerSecond: 200,
  backoffMs: () => 20,
  ...extra,
});
const state = async () => new Map((await listParticipants(app.db, survey.surveyId, 'test')).map((p) => [p.email, p]));

t.test('the default templates pass the linter; unknown and missing placeholders do not', async (t) => {
  t.same(lintTemplates(DEFAULT_TEMPLATES), []);
  const bad = structuredClone(DEFAULT_TEMPLATES);
  bad.invitation.de.text = 'Hallo {vorname}, bitte antworten Sie.';
  bad.reminder.en.subject = 'Your link {link}';
  const problems = lintTemplates(bad);
  t.match(problems.join('\n'), /Einladung \(de\), Text: Den Platzhalter \{vorname\} gibt es nicht/);
  t.match(problems.join('\n'), /Einladung \(de\): Der Text braucht den Platzhalter \{link\}/);
  t.match(problems.join('\n'), /Erinnerung \(en\): Der Link gehört nicht in den Betreff/);
  const typos = structuredClone(DEFAULT_TEMPLATES);
  typos.invitation.en.text = DEFAULT_TEMPLATES.invitation.en.text.replace('{name}', '{ Name }').replace('{closes}', '{closes');
  const found = lintTemplates(typos).join('\n');
  t.match(found, /Einladung \(en\), Text: \{ Name \} ist falsch geschrieben, gemeint ist wohl \{name\}/);
  t.match(found, /Einladung \(en\), Text: Eine geschweifte Klammer „\{“ gehört zu keinem Platzhalter/);
});

t.test('a templates file (befund invite --templates, MAIL_TEMPLATES for the server) is checked before anything is sent', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-templates-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bad = structuredClone(DEFAULT_TEMPLATES);
  bad.reminder.de.text = 'Hallo {vorname}, hier ist Ihr Link: {link}';
  const file = path.join(dir, 'vorlagen.json');
  fs.writeFileSync(file, JSON.stringify(bad));
  const read = readTemplates(file);
  t.equal(read.templates, undefined);
  t.match(read.problems.join('\n'), /vorlagen\.json: Erinnerung \(de\), Text: Den Platzhalter \{vorname\} gibt es nicht/);
  t.match(read.problems.join('\n'), /vorlagen\.json: Erinnerung \(de\): Der Text braucht den Platzhalter \{optout\}/);
  fs.writeFileSync(path.join(dir, 'kaputt.json'), '{"invitation":');
  t.match(readTemplates(path.join(dir, 'kaputt.json')).problems[0], /keine lesbare JSON-Datei/);
  fs.writeFileSync(path.join(dir, 'gut.json'), JSON.stringify(DEFAULT_TEMPLATES));
  t.same(readTemplates(path.join(dir, 'gut.json')).problems, []);
  const cli = await runCli(['invite', '--survey', 'egal', '--dry-run'], { MAIL_TEMPLATES: file, DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' });
  t.equal(cli.code, 2);
  t.match(cli.stderr, /Die Vorlagen sind fehlerhaft, nichts gesendet:\n.*\{vorname\} gibt es nicht/);
  t.notMatch(cli.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
});

t.test(`invitations: one per participant, with From, To, List-Unsubscribe, text and HTML, and a link that opens the survey (${dbLabel})`, async (t) => {
  // c is refused for good, d twice for now
  const server = await smtp((to, n) => (to === 'c@example.org' ? 550 : to === 'd@example.org' && n <= 2 ? 451 : undefined));
  t.teardown(server.close);
  const result = await sendDue(app.db, options(server.port));
  t.same([result.sent, result.failed, result.uncertain], [5, 1, 0]);
  // d's two refusals (more only if a busy machine let a connection time out)
  t.ok(result.retries >= 2, `${result.retries} temporary failures retried`);
  t.same(server.received.map((m) => m.to).sort(), ['a@example.org', 'b@example.org', 'd@example.org', 'e@example.org', 'f@example.org']);
  const s = await state();
  t.equal(s.get('c@example.org')?.invitation, 'failed');
  t.match(s.get('c@example.org')?.lastMailError, /^SMTP 550/);
  t.equal(s.get('d@example.org')?.invitation, 'sent');
  for (const m of server.received) {
    t.equal(m.headers.from, 'Studienteam <studie@example.org>');
    t.equal(m.headers.to, m.to);
    const optout = /^<(https:\/\/befund\.example\.org\/o\/[A-Za-z0-9_-]{32})>$/.exec(m.headers['list-unsubscribe'])?.[1];
    t.ok(optout, 'List-Unsubscribe names the opt-out address');
    t.equal(m.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    const link = /https:\/\/befund\.example\.org\/s\/[A-Za-z0-9_-]{32}/.exec(m.text)?.[0] as string;
    t.ok(link, 'the text part has the personal link');
    t.ok(m.html.includes(`<a href="${link}">`), 'the HTML part links it');
    t.ok(m.text.includes(optout as string), 'the text part has the opt-out address');
    const english = m.to === 'f@example.org';
    t.match(m.headers.subject, english ? /^Invitation/ : /^Einladung/);
    t.match(m.text, english ? /until 31 January 2027/ : /bis zum 31\. Januar 2027/);
    if (m.to === 'b@example.org') t.match(m.text, /^Guten Tag Damen und Herren,/);
    const page = await app.inject(new URL(link).pathname);
    t.equal(page.statusCode, 200, `${m.to}: the link opens the survey`);
  }
  const again = await sendDue(app.db, options(server.port));
  t.equal(again.sent + again.failed, 0, 'nobody gets a second invitation');
  t.equal(server.received.length, 5);
  const rates = await responseRates(app.db, survey.surveyId, 2);
  const sme = rates.bySegment.find((r) => r.segment === 'sme');
  t.same([sme?.invited, sme?.bounced, sme?.opened], [2, 1, 2]);
});

t.test('a server that is down: retried with backoff, then recorded as failed; nothing sent twice', async (t) => {
  await importParticipants(app.db, survey.surveyId, [{ ...people[0], email: 'g@example.org', line: 2 }], 'test');
  const down = await smtp();
  const port = down.port;
  await down.close();
  const result = await sendDue(app.db, options(port, { maxAttempts: 3 }));
  t.same([result.sent, result.failed, result.retries], [0, 1, 2]);
  const g = (await state()).get('g@example.org');
  t.equal(g?.invitation, 'failed');
  t.match(g?.lastMailError, /ECONNREFUSED|ECONNECTION|ESOCKET/);
});

t.test('reminders go only to the invited who have not completed and not opted out, once per round', async (t) => {
  const server = await smtp();
  t.teardown(server.close);
  const invited = await state();
  // a answers completely through the link in the invitation; e opts out
  const { personalToken, tokenKey } = await import('../../server/repositories/participants.ts');
  const key = await tokenKey(app.db);
  const tokenOf = (email: string) => personalToken(key, invited.get(email)?.id as string);
  const answer = await app.inject({ method: 'POST', url: `/api/v1/links/${tokenOf('a@example.org')}/responses`, payload: { id: randomUUID(), complete: true, data: { org: 'kammer', satisfaction: 5 } } });
  t.equal(answer.statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: `/o/${tokenOf('e@example.org')}` })).statusCode, 200);
  const first = await sendDue(app.db, options(server.port, { kind: 'reminder', round: 1 }));
  t.equal(first.sent, 3);
  t.same(server.received.map((m) => m.to).sort(), ['b@example.org', 'd@example.org', 'f@example.org'], 'not a (completed), c and g (never invited), e (opted out)');
  t.match(server.received.find((m) => m.to === 'd@example.org')?.headers.subject, /^Erinnerung/);
  t.equal((await sendDue(app.db, options(server.port, { kind: 'reminder', round: 1 }))).sent, 0, 'the same round sends nothing twice');
  t.equal((await sendDue(app.db, options(server.port, { kind: 'reminder', round: 2 }))).sent, 3);
  const rates = await responseRates(app.db, survey.surveyId, 2);
  const sme = rates.bySegment.find((r) => r.segment === 'sme');
  t.same([sme?.complete, sme?.rate], [1, 0.5]);
  t.match(sme?.warning, /erst 1 vollständige/);
  t.same(rates.byDay.map((d) => [d.segment, d.complete]), [['sme', 1]]);
});
