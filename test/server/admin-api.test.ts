// The researcher and admin API beyond surveys: export, responses (paged, NDJSON), admin erasure,
// tokens and the audit log — each with 401, 403 where a role can be too low, the happy path and
// bad input — and `befund purge`.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import t from 'tap';
import { answerCounts, responses, surveys } from '../../server/db/schema.ts';
import { purgeExpired } from '../../server/commands/purge.ts';
import { recentAudit } from '../../server/repositories/audit.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { runCli, runInProcess } from '../helpers/cli.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const researcher = await researcherHeaders(app);
const admin = await researcherHeaders(app, 'admin');
const survey = await seedSurvey(app);
const link = await seedLink(app, survey.surveyId);
const catalogue = (await app.versions.get(survey.versionId)).catalogue as Catalogue;

async function answer(data: Record<string, unknown>, complete = true): Promise<string> {
  const id = randomUUID();
  await insertResponse(app.db, { id, surveyId: survey.surveyId, versionId: survey.versionId, catalogue, link, data, complete, locale: 'de' });
  return id;
}
const ids = [
  await answer({ org: 'kammer', satisfaction: 4 }),
  await answer({ org: 'verband', satisfaction: 2 }),
  await answer({ org: 'kammer' }, false),
  await answer({ org: 'verband', why: 'geheim' }),
  await answer({ org: 'kammer', satisfaction: 1 }),
];

const get = (url: string, headers?: Record<string, string>) => app.inject({ url, headers });

t.test(`researcher routes answer 401 without a token and with a revoked one (${dbLabel})`, async (t) => {
  for (const url of ['/api/v1/surveys/klein/export?format=csv', '/api/v1/surveys/klein/codebook', '/api/v1/surveys/klein/responses', '/api/v1/surveys/klein/responses.ndjson']) {
    t.equal((await get(url)).statusCode, 401, url);
  }
  const created = await app.inject({ method: 'POST', url: '/api/v1/admin/tokens', headers: admin, payload: { role: 'researcher', name: 'kurz' } });
  const token = created.json();
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/admin/tokens/${token.id}`, headers: admin })).statusCode, 204);
  t.equal((await get('/api/v1/surveys/klein/responses', { authorization: `Bearer ${token.token}` })).statusCode, 401, 'a revoked token is refused');
});

t.test('admin routes answer 401 without a token and 403 for a researcher', async (t) => {
  const calls = [
    { method: 'GET' as const, url: '/api/v1/admin/tokens' },
    { method: 'POST' as const, url: '/api/v1/admin/tokens', payload: { role: 'researcher', name: 'x' } },
    { method: 'DELETE' as const, url: '/api/v1/admin/tokens/1' },
    { method: 'GET' as const, url: '/api/v1/admin/audit' },
    { method: 'DELETE' as const, url: `/api/v1/admin/responses/${ids[0]}` },
  ];
  for (const call of calls) {
    t.equal((await app.inject(call)).statusCode, 401, `${call.method} ${call.url} without token`);
    t.equal((await app.inject({ ...call, headers: researcher })).statusCode, 403, `${call.method} ${call.url} as researcher`);
  }
  t.equal((await get('/api/v1/surveys/klein/responses')).statusCode, 401);
});

t.test('the export route streams each format and refuses a bad format and an unknown survey', async (t) => {
  const csv = await get('/api/v1/surveys/klein/export?format=csv', researcher);
  t.equal(csv.statusCode, 200);
  t.equal(csv.body.trim().split('\r\n').length, 5, 'header and four complete responses');
  const json = await get('/api/v1/surveys/klein/export?format=json&status=all', researcher);
  t.equal(json.body.trim().split('\n').length, 5);
  t.equal(JSON.parse(json.body.split('\n')[0]).response_id, ids[0]);
  const xlsx = await get('/api/v1/surveys/klein/export?format=xlsx', researcher);
  t.equal(xlsx.statusCode, 200);
  t.equal(xlsx.rawPayload.subarray(0, 2).toString('latin1'), 'PK', 'a zip container');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  t.same(book.worksheets.map((w) => w.name), ['Daten', 'Codebuch']);
  const [data, codes] = book.worksheets;
  t.equal(data.rowCount, 5, 'header and four complete responses');
  t.same((data.getRow(1).values as unknown[]).slice(1, 8), ['response_id', 'version', 'segment', 'link_label', 'status', 'completed_on', 'org']);
  t.same((data.getRow(2).values as unknown[]).slice(1, 3), [ids[0], 1]);
  t.match(String(codes.getRow(2).getCell(4).value), /KEINE Unterdrückung/);
  t.equal((await get('/api/v1/surveys/klein/export?format=pdf', researcher)).statusCode, 400);
  t.equal((await get('/api/v1/surveys/klein/export', researcher)).statusCode, 400, 'format is required');
  t.equal((await get('/api/v1/surveys/klein/export?format=csv&labels=bunt', researcher)).statusCode, 400);
  t.equal((await get('/api/v1/surveys/nix/export?format=csv', researcher)).statusCode, 404);
  t.equal((await get('/api/v1/surveys/nix/codebook', researcher)).statusCode, 404);
});

t.test('responses are listed by cursor, filtered by status and date, and streamed as NDJSON', async (t) => {
  const first = await get('/api/v1/surveys/klein/responses?limit=2', researcher);
  t.equal(first.statusCode, 200);
  const page1 = first.json();
  t.same(page1.responses.map((r: { id: string }) => r.id), ids.slice(0, 2));
  t.type(page1.next, 'number');
  const page2 = (await get(`/api/v1/surveys/klein/responses?limit=2&after=${page1.next}`, researcher)).json();
  t.same(page2.responses.map((r: { id: string }) => r.id), ids.slice(2, 4));
  const page3 = (await get(`/api/v1/surveys/klein/responses?limit=2&after=${page2.next}`, researcher)).json();
  t.same(page3.responses.map((r: { id: string }) => r.id), ids.slice(4));
  t.equal(page3.next, null, 'the last page has no cursor');
  t.same(page3.responses[0].data, { org: 'kammer', satisfaction: 1 });
  t.equal(page3.responses[0].version, 1);
  const partial = (await get('/api/v1/surveys/klein/responses?status=partial', researcher)).json();
  t.same(partial.responses.map((r: { id: string }) => r.id), [ids[2]]);
  const future = (await get('/api/v1/surveys/klein/responses?since=2999-01-01', researcher)).json();
  t.same(future.responses, [], 'nothing changed since a future date');
  const ndjson = await get('/api/v1/surveys/klein/responses.ndjson?status=complete', researcher);
  t.equal(ndjson.statusCode, 200);
  t.match(ndjson.headers['content-type'], /ndjson/);
  t.same(ndjson.body.trim().split('\n').map((l) => JSON.parse(l).id), [ids[0], ids[1], ids[3], ids[4]]);
  for (const bad of ['limit=0', 'limit=5000', 'after=-1', 'status=fertig', 'since=gestern']) {
    t.equal((await get(`/api/v1/surveys/klein/responses?${bad}`, researcher)).statusCode, 400, bad);
  }
  t.equal((await get('/api/v1/surveys/klein/responses.ndjson?status=fertig', researcher)).statusCode, 400);
  t.equal((await get('/api/v1/surveys/nix/responses', researcher)).statusCode, 404);
  t.equal((await get('/api/v1/surveys/nix/responses.ndjson', researcher)).statusCode, 404);
});

const countOf = async (variable: string, value: string) => {
  await app.counts.fold();
  const rows = await app.db
    .select({ n: sql<number>`coalesce(sum(${answerCounts.n}), 0)::int` })
    .from(answerCounts)
    .where(and(eq(answerCounts.variable, variable), eq(answerCounts.value, value)));
  return rows[0].n;
};

t.test('an admin erases a response by id: the row and its counts go, an audit entry without answers stays', async (t) => {
  const before = await countOf('org', 'verband');
  const res = await app.inject({ method: 'DELETE', url: `/api/v1/admin/responses/${ids[3]}`, headers: admin });
  t.equal(res.statusCode, 204);
  t.same(await app.db.select().from(responses).where(eq(responses.id, ids[3])), []);
  t.equal(await countOf('org', 'verband'), before - 1, 'counts subtracted');
  const erasures = (await recentAudit(app.db)).filter((e) => e.action === 'response.erase');
  const entry = erasures[0];
  t.ok(entry, 'audited');
  t.match(entry?.target, /^survey:\d+$/, 'the entry names the survey');
  t.notMatch(JSON.stringify(erasures), ids[3], 'no entry names the erased response (its id beside an exact time)');
  t.match(entry?.actor, /^token:\d+$/);
  t.notMatch(JSON.stringify(entry), /geheim|verband/, 'no answers in the audit entry');
  const again = await app.inject({ method: 'DELETE', url: `/api/v1/admin/responses/${ids[3]}`, headers: admin });
  t.equal(again.statusCode, 404);
  const bad = await app.inject({ method: 'DELETE', url: '/api/v1/admin/responses/nicht-eine-uuid', headers: admin });
  t.equal(bad.statusCode, 400);
});

t.test('admins list, create and revoke tokens; a created token works once shown', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/admin/tokens', headers: admin, payload: { role: 'researcher', name: 'R-Skript' } });
  t.equal(created.statusCode, 201);
  const token = created.json();
  t.match(token.token, /^bef_/);
  t.equal((await get('/api/v1/surveys/klein/responses', { authorization: `Bearer ${token.token}` })).statusCode, 200);
  const list = (await get('/api/v1/admin/tokens', admin)).json();
  const listed = list.tokens.find((x: { id: number }) => x.id === token.id);
  t.same([listed.name, listed.role, listed.revokedAt], ['R-Skript', 'researcher', null]);
  t.notMatch(JSON.stringify(list), /bef_/, 'tokens themselves are never listed');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/admin/tokens/${token.id}`, headers: admin })).statusCode, 204);
  t.equal((await get('/api/v1/surveys/klein/responses', { authorization: `Bearer ${token.token}` })).statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/tokens', headers: admin, payload: { role: 'boss', name: 'x' } })).statusCode, 400);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/tokens', headers: admin, payload: { role: 'admin', name: '' } })).statusCode, 400);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/admin/tokens/abc', headers: admin })).statusCode, 400);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/admin/tokens/99999', headers: admin })).statusCode, 404);
});

t.test('admins read the audit log, newest first, limited', async (t) => {
  const res = await get('/api/v1/admin/audit?limit=3', admin);
  t.equal(res.statusCode, 200);
  const entries = res.json().entries;
  t.equal(entries.length, 3);
  t.ok(entries[0].id > entries[1].id, 'newest first');
  t.ok((await get('/api/v1/admin/audit', admin)).json().entries.some((e: { action: string }) => e.action === 'export'), 'exports are audited');
  t.equal((await get('/api/v1/admin/audit?limit=0', admin)).statusCode, 400);
  t.equal((await get('/api/v1/admin/audit?limit=viele', admin)).statusCode, 400);
});

t.test('purge deletes only responses past the retention period and subtracts their counts', async (t) => {
  await app.db.update(surveys).set({ retentionDays: 30 }).where(eq(surveys.id, survey.surveyId));
  const old = [ids[0], ids[2]];
  await app.db.update(responses).set({ createdOn: sql`current_date - 40`, completedOn: sql`current_date - 31` }).where(eq(responses.id, ids[0]));
  await app.db.update(responses).set({ createdOn: sql`current_date - 35` }).where(eq(responses.id, ids[2]));
  // Created long ago but completed recently: kept, the completion date counts.
  await app.db.update(responses).set({ createdOn: sql`current_date - 90`, completedOn: sql`current_date - 29` }).where(eq(responses.id, ids[1]));
  const kammer = await countOf('org', 'kammer');
  const purged = await purgeExpired(app.db, 'test');
  t.same(purged, [{ survey: 'klein', retentionDays: 30, deleted: 2, complete: 1, partial: 1 }]);
  const left = await app.db.select({ id: responses.id }).from(responses).where(eq(responses.surveyId, survey.surveyId));
  t.same(left.map((r) => r.id).sort(), [ids[1], ids[4]].sort());
  t.notOk(left.some((r) => old.includes(r.id)));
  t.equal(await countOf('org', 'kammer'), kammer - 1, 'the complete one is subtracted from the counts');
  const audit = await recentAudit(app.db);
  t.ok(audit.some((e) => e.action === 'purge' && e.target === 'klein'), 'the purge is audited');
  t.same(await purgeExpired(app.db, 'test'), [{ survey: 'klein', retentionDays: 30, deleted: 0, complete: 0, partial: 0 }], 'a second purge finds nothing');
});

t.test('befund purge prints what it deleted', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-purge-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const other = await buildTestApp({ DATA_DIR: dir });
  const s = await seedSurvey(other.app, 'alt');
  const l = await seedLink(other.app, s.surveyId);
  const cat = (await other.app.versions.get(s.versionId)).catalogue as Catalogue;
  for (const org of ['kammer', 'verband']) {
    await insertResponse(other.app.db, { id: randomUUID(), surveyId: s.surveyId, versionId: s.versionId, catalogue: cat, link: l, data: { org }, complete: true, locale: 'de' });
  }
  await other.app.db.update(surveys).set({ retentionDays: 7 }).where(eq(surveys.id, s.surveyId));
  await other.app.db.update(responses).set({ completedOn: sql`current_date - 8` }).where(eq(responses.surveyId, s.surveyId));
  await other.app.close();
  t.teardown(other.cleanup);
  const env = { DATA_DIR: other.config.dataDir, DATABASE_URL: other.config.databaseUrl ?? '' };
  const human = await runCli(['purge'], env);
  t.equal(human.code, 0, human.stderr);
  t.match(human.stdout, /alt: 2 gelöscht \(2 vollständig, 0 unvollständig\), Aufbewahrung 7 Tage/);
  t.match(human.stdout, /Insgesamt 2 Antworten gelöscht/);
  const json = await runInProcess(['purge', '--json'], env);
  t.same(JSON.parse(json.stdout), { deleted: 0, surveys: [{ survey: 'alt', retentionDays: 7, deleted: 0, complete: 0, partial: 0 }] });
});
