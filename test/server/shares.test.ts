// Report share links: a key shown once, scoped to one survey and one audience, revocable and
// expiring; canViewReport() is the check the report page relies on.
import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditLog, reportShares } from '../../server/db/schema.ts';
import { sha256 } from '../../server/repositories/links.ts';
import { canViewReport, createShare, listShares, revokeShare } from '../../server/repositories/shares.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app);
const other = await seedSurvey(app, 'andere', { ...smallSurvey, title: 'Andere Umfrage' });
const headers = await researcherHeaders(app);

t.test(`a share is created with a key shown once, listed without it, and revoked (${dbLabel})`, async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/surveys/klein/shares', headers, payload: { audience: 'sme', label: 'Für die Kammer' } });
  t.equal(res.statusCode, 201);
  const created = res.json();
  t.match(created.key, /^[\w-]{32}$/, '192 random bits, base64url');
  t.equal(created.url, `${app.config.publicUrl}/reports/klein/sme?key=${created.key}`);
  t.equal(created.state, 'active');
  const [row] = await app.db.select().from(reportShares).where(eq(reportShares.id, created.id));
  t.equal(row.keyHash, sha256(created.key), 'only the hash is stored');

  const list = await app.inject({ url: '/api/v1/surveys/klein/shares', headers });
  t.equal(list.statusCode, 200);
  const listed = list.json().shares.find((s: { id: number }) => s.id === created.id);
  t.match(listed, { audience: 'sme', label: 'Für die Kammer', state: 'active', expiresAt: null });
  t.notOk('key' in listed, 'the list never shows the key again');
  t.notMatch(list.body, created.key);

  t.ok(await canViewReport(app.db, { slug: 'klein', audience: 'sme', key: created.key }), 'the key opens its report');
  const del = await app.inject({ method: 'DELETE', url: `/api/v1/surveys/klein/shares/${created.id}`, headers });
  t.equal(del.statusCode, 204);
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'sme', key: created.key }), 'a revoked key opens nothing');
  const again = await app.inject({ method: 'DELETE', url: `/api/v1/surveys/klein/shares/${created.id}`, headers });
  t.equal(again.statusCode, 404, 'revoking twice is a 404');
  const relisted = (await listShares(app.db, survey.surveyId)).find((s) => s.id === created.id);
  t.equal(relisted?.state, 'revoked');

  const actions = (await app.db.select().from(auditLog).where(eq(auditLog.target, `share:${created.id}`))).map((a) => a.action);
  t.same(actions, ['share.create', 'share.revoke'], 'every change is audited');
  t.notMatch(JSON.stringify(await app.db.select().from(auditLog)), created.key, 'the audit log never holds the key');
});

t.test('a key is scoped to one survey and one audience', async (t) => {
  const { key } = await createShare(app.db, { surveyId: survey.surveyId, audience: 'works_council' }, 'test');
  t.ok(await canViewReport(app.db, { slug: 'klein', audience: 'works_council', key }));
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'sme', key }), 'not another audience');
  t.notOk(await canViewReport(app.db, { slug: 'andere', audience: 'works_council', key }), 'not another survey');
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'works_council', key: `${key}x` }), 'not a changed key');
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'works_council' }), 'not without a key');
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'works_council', key: '' }), 'not with an empty key');
});

t.test('an expired key is refused', async (t) => {
  const soon = await createShare(app.db, { surveyId: other.surveyId, audience: 'sme', expiresAt: new Date(Date.now() + 60_000) }, 'test');
  t.ok(await canViewReport(app.db, { slug: 'andere', audience: 'sme', key: soon.key }), 'valid before its expiry');
  await app.db.update(reportShares).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(reportShares.id, soon.id));
  t.notOk(await canViewReport(app.db, { slug: 'andere', audience: 'sme', key: soon.key }), 'refused after it');
  t.equal((await listShares(app.db, other.surveyId)).find((s) => s.id === soon.id)?.state, 'expired');
  const past = await app.inject({ method: 'POST', url: '/api/v1/surveys/andere/shares', headers, payload: { audience: 'sme', expiresAt: '2020-01-01' } });
  t.equal(past.statusCode, 400, 'an expiry in the past is refused when creating');
});

t.test('a researcher may view every report without a key; nobody else may', async (t) => {
  t.ok(await canViewReport(app.db, { slug: 'klein', audience: 'sme', actor: { role: 'researcher' } }));
  t.ok(await canViewReport(app.db, { slug: 'klein', audience: 'intermediary', actor: { role: 'admin' } }));
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'sme', actor: null }));
});

t.test('the share API refuses unknown audiences, unknown surveys, and callers without a token', async (t) => {
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/surveys/klein/shares', headers, payload: { audience: 'everyone' } });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().message, /Zielgruppe unbekannt; bekannt sind: intermediary, sme, works_council/);
  t.equal((await app.inject({ url: '/api/v1/surveys/gibtsnicht/shares', headers })).statusCode, 404);
  t.equal((await app.inject({ url: '/api/v1/surveys/klein/shares' })).statusCode, 401);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/surveys/klein/shares/1' })).statusCode, 401);
  t.notOk(await revokeShare(app.db, other.surveyId, 99_999, 'test'), 'revoking an unknown share changes nothing');
});

t.test('in the workspace a new share link is shown once and can be revoked there', async (t) => {
  const login = await app.inject({ url: '/admin/login' });
  const jar: Record<string, string> = Object.fromEntries(login.cookies.map((c: { name: string; value: string }) => [c.name, c.value]));
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const form = (fields: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  const token = headers.authorization.slice('Bearer '.length);
  const done = await app.inject({ method: 'POST', url: '/admin/login', cookies: jar, ...form({ token, _csrf: csrfOf(login.body) }) });
  jar[app.sessionCookie.name] = done.cookies.find((c: { name: string }) => c.name === app.sessionCookie.name)?.value ?? '';
  const page = await app.inject({ url: '/admin/surveys/klein', cookies: jar });

  const created = await app.inject({ method: 'POST', url: '/admin/surveys/klein/shares', cookies: jar, ...form({ _csrf: csrfOf(page.body), audience: 'intermediary', label: 'Netzwerk', expiresAt: '' }) });
  t.equal(created.statusCode, 201);
  const url = /<input id="bf-new-share"[^>]*value="([^"]+)"/.exec(created.body)?.[1] ?? '';
  t.match(url, /\/reports\/klein\/intermediary\?key=[\w-]{32}$/, 'the new link is on the page');
  const key = new URL(url.replaceAll('&amp;', '&')).searchParams.get('key') ?? '';
  t.ok(await canViewReport(app.db, { slug: 'klein', audience: 'intermediary', key }));
  const reload = await app.inject({ url: '/admin/surveys/klein', cookies: jar });
  t.notMatch(reload.body, key, 'and never again');
  t.match(reload.body, /Netzwerk/);

  const id = /<tr id="share-(\d+)">\s*<td><code>intermediary<\/code><\/td>\s*<td>Netzwerk</.exec(reload.body)?.[1];
  const revoked = await app.inject({ method: 'POST', url: `/admin/surveys/klein/shares/${id}/revoke`, cookies: jar, ...form({ _csrf: csrfOf(reload.body) }) });
  t.equal(revoked.statusCode, 303);
  t.notOk(await canViewReport(app.db, { slug: 'klein', audience: 'intermediary', key }), 'revoked from the workspace');
});
