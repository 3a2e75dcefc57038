// After a realistic run (links opened, answers given, partial saves continued and completed,
// replays, erasure by the respondent and by an admin, reports, share keys, exports, the
// workspace; webhooks off), the whole database (every table of every schema, every column, read
// with SQL) and the whole log (at trace level) are searched for what must not be kept:
//   - the client's address (IPv4 and IPv6, and the loopback addresses inject uses),
//   - its user agent (a distinctive one),
//   - answer text: in the log never; in the database not once the answer is erased,
//   - any time finer than a day (a time of day other than midnight, or an epoch number) in a
//     row that holds a response id, and any response id in a log line (every line has a
//     millisecond time).
// Tables that keep precise times without a response id beside them are listed in the output.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { createToken } from '../../server/repositories/tokens.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { smallSurvey } from '../helpers/fixtures.ts';

const UA = 'Mozilla/5.0 (BefundScan; UA-Marker-5d21) Gecko/20100101 Firefox/999.0';
const IPS = ['203.0.113.77', '2001:db8:0:0:0:0:0:77', '198.51.100.23', '127.0.0.1'];
/** Forms in which an address could be written down. */
const IP_PATTERNS = [/203\.0\.113\.77/, /2001:db8:(0:)*:?77/i, /2001:db8::77/i, /198\.51\.100\.23/, /127\.0\.0\.1/, /(^|[^\w:])::1(?![\w:])/, /::ffff:/i];
const KEPT = 'Behalten-Marker-3b9e';
const ERASED = 'Geloescht-Marker-8f2d';

t.test(`after a realistic run, neither database nor log holds an address, a user agent, erased answers or a precise time beside a response id (${dbLabel})`, async (t) => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // MIN_GROUP_SIZE 2: the report has something to show after a handful of answers.
  const { app, cleanup } = await buildTestApp({ LOG_LEVEL: 'trace', MIN_GROUP_SIZE: '2' }, { logStream });
  t.teardown(cleanup);

  let nth = 0;
  const call = async (opts: { method?: string; url: string; payload?: unknown; headers?: Record<string, string>; cookies?: Record<string, string> }): Promise<LightMyRequestResponse> => {
    const remoteAddress = IPS[nth++ % IPS.length];
    return app.inject({
      method: (opts.method ?? 'GET') as 'GET',
      url: opts.url,
      payload: opts.payload as string,
      cookies: opts.cookies,
      remoteAddress,
      headers: { 'user-agent': UA, 'x-forwarded-for': IPS[0], 'accept-language': 'de-DE,de;q=0.9', ...opts.headers },
    });
  };
  const expect = (res: LightMyRequestResponse, status: number | number[], what: string) => {
    const ok = Array.isArray(status) ? status.includes(res.statusCode) : res.statusCode === status;
    if (!ok) t.fail(`${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  };

  const admin = await createToken(app.db, 'admin', 'scan-admin', 'test');
  const researcher = await createToken(app.db, 'researcher', 'scan-researcher', 'test');
  const bearer = { authorization: `Bearer ${researcher.token}` };
  const adminBearer = { authorization: `Bearer ${admin.token}` };

  // The researcher sets up a survey with two links, through the API.
  expect(await call({ method: 'POST', url: '/api/v1/surveys', headers: bearer, payload: { slug: 'scan', definition: smallSurvey } }), 201, 'import');
  const linkA = JSON.parse(expect(await call({ method: 'POST', url: '/api/v1/surveys/scan/links', headers: bearer, payload: { audience: 'sme', label: 'Kammer Nord' } }), 201, 'link').body);
  const linkB = JSON.parse(expect(await call({ method: 'POST', url: '/api/v1/surveys/scan/links', headers: bearer, payload: { audience: 'works_council', label: 'BR Süd' } }), 201, 'link').body);
  const tokenOf = (l: { url: string }) => l.url.split('/s/')[1];

  // Respondents answer: complete answers, partial saves continued later, replays.
  const ids: string[] = [];
  const answer = (why: string, extra: Record<string, unknown> = {}) => ({ org: 'kammer', why, channels: ['web', 'other'], 'channels-Comment': `${why} (Kanal)`, satisfaction: 4, ...extra });
  for (const [i, token] of [tokenOf(linkA), tokenOf(linkB)].entries()) {
    expect(await call({ url: `/s/${token}` }), 200, 'respondent page');
    expect(await call({ url: `/api/v1/links/${token}` }), 200, 'survey for the page');
    for (let k = 0; k < 6; k++) {
      const id = randomUUID();
      ids.push(id);
      expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id, complete: true, data: answer(`${KEPT} ${i}-${k}`, { satisfaction: (k % 5) + 1 }) } }), 201, 'answer');
      if (k === 0) expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id, complete: true, data: answer(`${KEPT} ${i}-${k}`) } }), 200, 'replay');
    }
  }
  const token = tokenOf(linkA);
  // A partial save continued with PUT, then completed.
  const partial = randomUUID();
  ids.push(partial);
  const saved = JSON.parse(expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: partial, complete: false, data: { org: 'verband' } } }), 201, 'partial save').body);
  expect(await call({ url: `/api/v1/responses/${partial}`, headers: { 'x-resume-key': saved.resumeKey } }), 200, 'resume');
  expect(await call({ method: 'PUT', url: `/api/v1/responses/${partial}`, headers: { 'x-resume-key': saved.resumeKey }, payload: { complete: false, data: { org: 'verband', satisfaction: 2 } } }), 200, 'continue');
  expect(await call({ method: 'PUT', url: `/api/v1/responses/${partial}`, headers: { 'x-resume-key': saved.resumeKey }, payload: { complete: true, data: answer(`${KEPT} continued`, { org: 'verband' }) } }), 200, 'complete');
  // A partial save whose 201 was "lost", completed by the complete POST.
  const lost = randomUUID();
  ids.push(lost);
  expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: lost, complete: false, data: { org: 'kammer' } } }), 201, 'partial');
  expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: lost, complete: true, data: answer(`${KEPT} lost`) } }), 200, 'completion');
  // A partial save that stays partial.
  const open = randomUUID();
  ids.push(open);
  expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: open, complete: false, data: { org: 'kammer', why: `${KEPT} partial` } } }), 201, 'partial');

  // Erasure: by the respondent (complete and partial), and by an admin.
  for (const complete of [true, false]) {
    const id = randomUUID();
    ids.push(id);
    const r = JSON.parse(expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id, complete, data: answer(`${ERASED} selbst ${complete}`) } }), 201, 'answer to erase').body);
    expect(await call({ method: 'DELETE', url: `/api/v1/responses/${id}`, headers: { 'x-resume-key': r.resumeKey } }), 204, 'erased by the respondent');
  }
  const byAdmin = randomUUID();
  ids.push(byAdmin);
  expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: byAdmin, complete: true, data: answer(`${ERASED} admin`) } }), 201, 'answer to erase');
  await new Promise((r) => setTimeout(r, 1500)); // let the background fold count it first
  expect(await call({ method: 'DELETE', url: `/api/v1/admin/responses/${byAdmin}`, headers: adminBearer }), 204, 'erased by an admin');

  // Bad input and wrong credentials are part of a real day too.
  expect(await call({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), complete: true, data: { why: `${KEPT} refused` } } }), 422, 'refused answer');
  expect(await call({ url: '/api/v1/surveys', headers: { authorization: 'Bearer bef_falsch' } }), 401, 'wrong token');
  expect(await call({ url: `/api/v1/responses/${ids[0]}`, headers: { 'x-resume-key': 'falsch' } }), 404, 'wrong resume key');

  // Reports, share keys, releases, exports.
  await new Promise((r) => setTimeout(r, 1500));
  for (const audience of ['sme', 'works_council', 'intermediary']) expect(await call({ url: `/api/v1/surveys/scan/report?audience=${audience}`, headers: bearer }), [200, 422], 'report');
  const share = JSON.parse(expect(await call({ method: 'POST', url: '/api/v1/surveys/scan/shares', headers: bearer, payload: { audience: 'sme', label: 'Vorstand' } }), 201, 'share').body);
  for (const path of ['', '/data.json', '/tables.csv']) expect(await call({ url: `/reports/scan/sme${path}?key=${share.key}` }), [200, 422], `shared report${path}`);
  expect(await call({ url: '/reports/scan/sme/data.json?segment=sme', headers: bearer }), [200, 422], 'researcher report');
  for (const format of ['csv', 'xlsx', 'sav', 'json']) expect(await call({ url: `/api/v1/surveys/scan/export?format=${format}&status=all`, headers: bearer }), 200, `export ${format}`);
  expect(await call({ url: '/api/v1/surveys/scan/responses?status=all', headers: bearer }), 200, 'responses');
  expect(await call({ url: '/api/v1/surveys/scan/responses.ndjson', headers: bearer }), 200, 'ndjson');
  expect(await call({ url: '/api/v1/surveys/scan/codebook', headers: bearer }), 200, 'codebook');
  expect(await call({ url: '/api/v1/admin/audit', headers: adminBearer }), 200, 'audit');

  // The workspace: login, pages, the live counter, a new link, logout.
  const jar: Record<string, string> = {};
  const keep = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
    return /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  };
  const loginCsrf = keep(await call({ url: '/admin/login' }));
  keep(expect(await call({ method: 'POST', url: '/admin/login', cookies: jar, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: researcher.token, _csrf: loginCsrf }).toString() }), 303, 'login'));
  const csrf = keep(expect(await call({ url: '/admin/surveys/scan', cookies: jar }), 200, 'survey page'));
  expect(await call({ url: '/admin/surveys/scan/counts.json', cookies: jar }), 200, 'counter');
  expect(await call({ method: 'POST', url: '/admin/surveys/scan/links', cookies: jar, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ audience: 'sme', label: 'Neu', _csrf: csrf }).toString() }), [201, 303], 'workspace link');
  expect(await call({ method: 'POST', url: '/admin/logout', cookies: jar, headers: { 'x-csrf-token': csrf } }), 303, 'logout');
  await new Promise((r) => setTimeout(r, 1500)); // background jobs run once more

  // ---- the dump ------------------------------------------------------------------------
  const rowsOf = (res: unknown) => ((res as { rows?: unknown[] }).rows ?? (res as unknown[])) as Record<string, unknown>[];
  const tables = rowsOf(
    await app.db.execute(
      sql.raw(`select table_schema as s, table_name as n from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_%' order by 1, 2`),
    ),
  ).map((r) => ({ schema: String(r.s), name: String(r.n) }));
  t.ok(tables.some((x) => x.name === 'responses') && tables.length >= 8, `${tables.length} tables dumped`);
  const erasedIds = ids.slice(-3);
  const idPattern = new RegExp(ids.join('|'), 'i');
  const clock = /\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?/g;
  const subDay = (text: string) => [...text.matchAll(clock)].some((m) => `${m[1]}:${m[2]}:${m[3]}` !== '00:00:00' || (m[4] && /[1-9]/.test(m[4])));
  const epoch = /(?<![\w.:-])1[6-9]\d{8}(\d{3})?(?![\w.:])/;
  const problems: string[] = [];
  const preciseWithoutId = new Set<string>();
  const keptTextIn = new Set<string>();
  for (const { schema, name } of tables) {
    const rows = rowsOf(await app.db.execute(sql.raw(`select row_to_json(x)::text as j from "${schema}"."${name}" x`))).map((r) => String(r.j));
    for (const row of rows) {
      const where = `${schema}.${name}: ${row.slice(0, 240)}`;
      if (row.includes(UA) || row.includes('UA-Marker')) problems.push(`user agent in ${where}`);
      for (const p of IP_PATTERNS) if (p.test(row)) problems.push(`address ${p} in ${where}`);
      if (row.includes(ERASED)) problems.push(`erased answer text in ${where}`);
      for (const id of erasedIds) if (row.includes(id) && name === 'responses') problems.push(`erased response still stored: ${where}`);
      if (row.includes(KEPT)) keptTextIn.add(name);
      const hasId = idPattern.test(row);
      const precise = subDay(row) || epoch.test(row);
      if (hasId && precise) problems.push(`time finer than a day beside a response id in ${where}`);
      if (!hasId && precise) preciseWithoutId.add(`${schema}.${name}`);
    }
  }
  t.comment(`tables with precise times and no response id beside them: ${[...preciseWithoutId].sort().join(', ') || 'none'}`);
  t.comment(`tables holding kept answer text: ${[...keptTextIn].sort().join(', ')}`);
  t.ok(keptTextIn.has('responses'), 'the scan reads the answers (kept text found where it belongs)');

  t.same(problems, [], 'the database holds no address, no user agent, no erased answer and no precise time beside a response id (the erasure audit entry included)');

  // ---- the log ---------------------------------------------------------------------------
  t.ok(lines.length > 50, `${lines.length} log lines read`);
  const logProblems: string[] = [];
  for (const line of lines) {
    if (line.includes(UA) || line.includes('UA-Marker')) logProblems.push(`user agent: ${line.slice(0, 240)}`);
    for (const p of IP_PATTERNS) if (p.test(line)) logProblems.push(`address ${p}: ${line.slice(0, 240)}`);
    if (line.includes(KEPT) || line.includes(ERASED)) logProblems.push(`answer text: ${line.slice(0, 240)}`);
    if (idPattern.test(line)) logProblems.push(`response id beside the line's millisecond time: ${line.slice(0, 240)}`);
    if (line.includes(linkA.url.split('/s/')[1]) || line.includes(share.key) || line.includes(researcher.token)) logProblems.push(`a secret (link token, share key or bearer token): ${line.slice(0, 240)}`);
  }
  t.same(logProblems, [], 'the log holds no address, no user agent, no answer text, no response id and no secret');
});
