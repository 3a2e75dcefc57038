// Partner panel, list and personal links (issue 14): import with header mapping and refused
// lines, Windows-1252 and XLSX files, dedupe, edit, erase and purge (audited), personal links
// bound to the list's segment and label with resume, single use and opt-out, participation
// kept apart from the answers, and response rates for researchers only.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { personalToken, tokenKey } from '../../server/repositories/participants.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedSurvey } from '../helpers/fixtures.ts';
import { loggedIn } from '../helpers/session.ts';

const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2' });
t.teardown(cleanup);
await seedSurvey(app, 'panel');
const headers = await researcherHeaders(app);
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const importFile = (file: string | Uint8Array, validRows = false) =>
  app.inject({ method: 'POST', url: '/api/v1/surveys/panel/participants/import', headers, payload: { file: b64(file), validRows } });
const list = async () => (await app.inject({ url: '/api/v1/surveys/panel/participants', headers })).json().participants as { id: string; email: string; segment: string; label: string | null; progress: string; optedOut: boolean; language: string }[];
const rows = async <T>(q: ReturnType<typeof sql>) => ((await app.db.execute(q)) as unknown as { rows: T[] }).rows;

t.test(`a list with a malformed e-mail, a duplicate and an unknown segment is refused with line numbers, nothing imported (${dbLabel})`, async (t) => {
  const csv = 'E-Mail;Name;Organisation;Zielgruppe;Label;Sprache\nanna@example.org;Anna;IHK;KMU;Nord;de\nkein-at-zeichen;Bert;HWK;sme;;de\nANNA@example.org;Anna B;IHK;sme;;de\ncarl@example.org;Carl;DGB;astronauts;;en\ndora@example.org;Dora;;works_council;;fr\n';
  const res = await importFile(csv);
  t.equal(res.statusCode, 422);
  const { errors, message } = res.json();
  t.same(errors.map((e: { line: number }) => e.line), [3, 4, 5, 6]);
  t.match(errors[0].message, /^Zeile 3: „kein-at-zeichen“ ist keine gültige E-Mail-Adresse\.$/);
  t.match(errors[1].message, /Zeile 4: ANNA@example\.org steht schon in Zeile 2/);
  t.match(errors[2].message, /Zeile 5: Das Segment „astronauts“ ist unbekannt/);
  t.match(errors[3].message, /Zeile 6: Die Sprache „fr“ ist unbekannt/);
  t.match(errors[0].en, /^Line 3: /);
  t.match(message, /^Nichts importiert: 4 Zeile/);
  t.equal((await list()).length, 0, 'nothing imported');
  const valid = await importFile(csv, true);
  t.equal(valid.statusCode, 200);
  t.equal(valid.json().added, 1);
  const [anna] = await list();
  t.same([anna.email, anna.segment, anna.label], ['anna@example.org', 'sme', 'Nord'], 'German segment name mapped to its key');
  const missing = await importFile('Name;Segment\nX;sme\n');
  t.match(missing.json().errors[0].message, /^Zeile 1: Die Spalte „E-Mail“ fehlt/);
});

t.test('a CSV in Windows-1252 and an XLSX are read; names already on the list are kept once', async (t) => {
  const latin = Buffer.from('email,name,organisation,segment,label,language\r\njuergen@example.org,Jürgen Müßig,Handwerkskammer Köln,intermediary,Süd,de\r\nanna@example.org,Anna,IHK,sme,,de\r\n', 'latin1');
  const res = await importFile(latin);
  t.equal(res.statusCode, 200);
  t.same([res.json().added, res.json().existing, res.json().encoding], [1, 1, 'windows-1252']);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Liste');
  ws.addRow(['Segment', 'E-Mail', 'Name', 'Sprache', 'Label']);
  ws.addRow(['works_council', 'ella@example.org', 'Ella', 'en', 'Nord']);
  ws.addRow(['works_council', 'fritz@example.org', 'Fritz', 'de', 'Nord']);
  const xlsx = new Uint8Array(await wb.xlsx.writeBuffer());
  const x = await importFile(xlsx);
  t.equal(x.statusCode, 200);
  t.equal(x.json().added, 2);
  const all = await list();
  t.equal(all.find((p) => p.email === 'juergen@example.org')?.label, 'Süd');
  t.equal(all.find((p) => p.email === 'ella@example.org')?.language, 'en');
  t.equal(all.length, 4);
});

t.test('personal links: segment and label from the list, resume, single use, participation apart from the answer', async (t) => {
  const key = await tokenKey(app.db);
  const ella = (await list()).find((p) => p.email === 'ella@example.org');
  if (!ella) throw new Error('ella missing');
  const token = personalToken(key, ella.id);
  t.ok(Buffer.from(token, 'base64url').length * 8 >= 128, 'token has ≥ 128 bits');
  const stored = await rows<{ token_hash: string }>(sql`select token_hash from participants where id = ${ella.id}`);
  t.not(stored[0].token_hash, token, 'only a hash is stored');
  t.notMatch(JSON.stringify(await rows(sql`select * from participants`)), token);
  t.equal((await app.inject(`/s/${token}`)).statusCode, 200);
  const info = await app.inject(`/api/v1/links/${token}`);
  t.equal(info.json().audience, 'works_council');
  const id = randomUUID();
  const first = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id, complete: false, data: { org: 'kammer' }, segment: 'sme', label: 'gefälscht' } });
  t.equal(first.statusCode, 201);
  const resumeKey = first.json().resumeKey;
  const [resp] = await rows<{ segment: string; link_label: string }>(sql`select segment, link_label from responses where id = ${id}`);
  t.same([resp.segment, resp.link_label], ['works_council', 'Nord'], 'segment and label from the list, never from the client');
  t.equal((await list()).find((p) => p.id === ella.id)?.progress, 'partial');
  const done = await app.inject({ method: 'PUT', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': resumeKey }, payload: { complete: true, data: { org: 'kammer', satisfaction: 4 } } });
  t.equal(done.statusCode, 200, 'resume completes through the resume key as for shared links');
  t.equal((await list()).find((p) => p.id === ella.id)?.progress, 'complete');
  const again = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), complete: true, data: { org: 'kammer' } } });
  t.equal(again.statusCode, 410, 'single use');
  t.equal((await app.inject(`/s/${token}`)).statusCode, 410);
  // no column of the response names the participant, and participation holds no response id or time
  const responseCols = await rows<{ column_name: string }>(sql`select column_name from information_schema.columns where table_name = 'responses'`);
  t.notOk(responseCols.some((c) => /participant/.test(c.column_name)), 'no participant id on the response row');
  const partCols = (await rows<{ column_name: string; data_type: string }>(sql`select column_name, data_type from information_schema.columns where table_name = 'participation'`)).map((c) => `${c.column_name}:${c.data_type}`).sort();
  t.same(partCols, ['completed_on:date', 'id:uuid', 'participant_id:uuid', 'survey_id:integer']);
  const [p] = await rows<{ pending_key_hash: string | null }>(sql`select pending_key_hash from participants where id = ${ella.id}`);
  t.equal(p.pending_key_hash, null, 'nothing of the resume key is kept once completed');
  const [link] = await rows<{ panel: boolean }>(sql`select l.panel from links l join responses r on r.link_id = l.id where r.id = ${id}`);
  t.equal(link.panel, true);
});

t.test('opt-out from the link: the GET changes nothing, the POST opts out and closes the link', async (t) => {
  const key = await tokenKey(app.db);
  const fritz = (await list()).find((p) => p.email === 'fritz@example.org');
  if (!fritz) throw new Error('fritz missing');
  const token = personalToken(key, fritz.id);
  t.equal((await app.inject(`/o/${token}`)).statusCode, 200);
  t.equal((await list()).find((p) => p.id === fritz.id)?.optedOut, false);
  const out = await app.inject({ method: 'POST', url: `/o/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
  t.equal(out.statusCode, 200);
  t.equal((await list()).find((p) => p.id === fritz.id)?.optedOut, true);
  t.equal((await app.inject(`/api/v1/links/${token}`)).statusCode, 410);
  t.equal((await app.inject({ method: 'POST', url: `/o/${'x'.repeat(32)}` })).statusCode, 404);
});

t.test('response rates per segment and label for researchers; none without a researcher token', async (t) => {
  const res = await app.inject({ url: '/api/v1/surveys/panel/participants/rates', headers });
  t.equal(res.statusCode, 200);
  const wc = res.json().bySegment.find((r: { segment: string }) => r.segment === 'works_council');
  t.same([wc.participants, wc.opened, wc.complete, wc.optedOut], [2, 1, 1, 1]);
  t.match(wc.warning, /erst 1 vollständige Antworten, weniger als 2/);
  t.same(res.json().byDay.map((d: { segment: string; complete: number }) => [d.segment, d.complete]), [['works_council', 1]]);
  t.equal((await app.inject('/api/v1/surveys/panel/participants/rates')).statusCode, 401);
  t.equal((await app.inject('/api/v1/surveys/panel/participants')).statusCode, 401);
});

t.test('add, edit, dedupe, erase per person and purge, each audited without the address', async (t) => {
  const add = (email: string, segment = 'sme') => app.inject({ method: 'POST', url: '/api/v1/surveys/panel/participants', headers, payload: { email, segment } });
  t.equal((await add('gina@example.org')).statusCode, 201);
  t.equal((await add('GINA@example.org')).statusCode, 409);
  t.match((await add('hans@example.org', 'marsians')).json().message, /segment: „marsians“ ist unbekannt/);
  t.equal((await add('kein-at')).statusCode, 400);
  const gina = (await list()).find((p) => p.email === 'gina@example.org');
  if (!gina) throw new Error('gina missing');
  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/surveys/panel/participants/${gina.id}`, headers, payload: { label: 'West' } })).statusCode, 204);
  t.equal((await list()).find((p) => p.id === gina.id)?.label, 'West');
  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/surveys/panel/participants/${gina.id}`, headers, payload: { email: 'anna@example.org' } })).statusCode, 409);
  const csv = await app.inject({ url: '/api/v1/surveys/panel/participants?format=csv', headers });
  t.match(csv.body, /^\uFEFFemail;name;organisation;segment;label;language;opted_out;status/);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/surveys/panel/participants/${gina.id}`, headers })).statusCode, 204);
  t.notOk((await list()).some((p) => p.id === gina.id));
  const before = (await rows<{ n: number }>(sql`select count(*)::int as n from responses`))[0].n;
  const purged = await app.inject({ method: 'DELETE', url: '/api/v1/surveys/panel/participants?confirm=yes', headers });
  t.equal(purged.json().purged, 4);
  t.equal((await rows<{ n: number }>(sql`select count(*)::int as n from participation`))[0].n, 0, 'participation goes with the list');
  t.equal((await rows<{ n: number }>(sql`select count(*)::int as n from responses`))[0].n, before, 'the answers stay');
  const audit = await rows<{ action: string; details: unknown }>(sql`select action, details from audit_log where action like 'participants.%' order by id`);
  const actions = new Set(audit.map((a) => a.action));
  for (const a of ['participants.import', 'participants.read', 'participants.add', 'participants.edit', 'participants.erase', 'participants.purge', 'participants.opt_out']) t.ok(actions.has(a), a);
  t.notMatch(JSON.stringify(audit), /@example\.org/, 'no address in the audit log');
});

t.test('the workspace forms: mistakes answered with a sentence on a page, and without SMTP the mail-merge CSV instead of sending', async (t) => {
  const b = await loggedIn(app);
  const page = await b.get('/admin/surveys/panel/panel');
  t.equal(page.statusCode, 200);
  t.match(page.body, /Der Server hat kein SMTP_URL und MAIL_FROM/);
  t.match(page.body, /href="\/api\/v1\/surveys\/panel\/participants\/mail-merge\.csv"/, 'the mail-merge CSV is offered');
  t.notMatch(page.body, /action="\/admin\/surveys\/panel\/panel\/rounds"/, 'no send form without SMTP');
  const merge = await b.get('/api/v1/surveys/panel/participants/mail-merge.csv');
  t.equal(merge.statusCode, 200, 'the session downloads it');
  const bad = await b.post('/admin/surveys/panel/panel/participants', { email: 'kein-at', segment: 'sme', language: 'de' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /keine gültige E-Mail-Adresse/);
  t.notMatch(bad.body, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  const unknown = await b.post('/admin/surveys/panel/panel/participants', { email: 'ida@example.org', segment: 'marsians', language: 'de' });
  t.equal(unknown.statusCode, 422);
  t.match(unknown.body, /„marsians“ ist unbekannt/);
  t.equal((await b.post('/admin/surveys/panel/panel/participants', { email: 'ida@example.org', segment: 'sme', language: 'en', name: '' })).statusCode, 303);
  const ida = (await list()).find((p) => p.email === 'ida@example.org');
  t.same([ida?.language, ida?.segment], ['en', 'sme']);
  t.equal((await b.post('/admin/surveys/panel/panel/participants', { email: 'IDA@example.org', segment: 'sme' })).statusCode, 409, 'a duplicate is refused');
  const empty = await b.post('/admin/surveys/panel/panel/import', { csv: '' });
  t.equal(empty.statusCode, 422);
  t.match(empty.body, /Wählen Sie eine Datei oder fügen Sie die Liste ein/);
  const refused = await b.post('/admin/surveys/panel/panel/rounds', { kind: 'invitation' });
  t.equal(refused.statusCode, 409);
  t.match(refused.body, /kein SMTP_URL und MAIL_FROM: laden Sie die CSV für den Serienbrief herunter/);
  const forged = await b.post(`/admin/surveys/panel/panel/participants/${ida?.id}/remove`, { _csrf: 'falsch' }, false);
  t.equal(forged.statusCode, 403, 'a form without the CSRF token changes nothing');
  t.equal((await b.post(`/admin/surveys/panel/panel/participants/${ida?.id}/remove`, {})).statusCode, 303);
  t.notOk((await list()).some((p) => p.email === 'ida@example.org'));
});
