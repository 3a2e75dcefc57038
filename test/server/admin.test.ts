// The researcher's workspace through inject: login with a token in a form, the session cookie's
// flags, CSRF on every form, logout, expiry with the token, and pages without a session.
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { adminSessions, auditLog } from '../../server/db/schema.ts';
import { FAILURE_LIMITS } from '../../server/plugins/app/auth.ts';
import { sessionCookie } from '../../server/plugins/app/session.ts';
import { sha256 } from '../../server/repositories/links.ts';
import { revokeToken } from '../../server/repositories/tokens.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';
import { loggedIn as loggedInApp, tokenOf as tokenOfApp, workspaceClient } from '../helpers/session.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app);
await seedLink(app, survey.surveyId, { segment: 'sme', label: 'IHK <Aachen>' });
const tokenOf = (role: 'researcher' | 'admin' = 'researcher') => tokenOfApp(app, role);
const browser = () => workspaceClient(app);
const loggedIn = (role: 'researcher' | 'admin' = 'researcher') => loggedInApp(app, role);

t.test(`a page without a session sends the browser to the login page (${dbLabel})`, async (t) => {
  const b = browser();
  for (const url of ['/admin', '/admin/surveys/klein', '/admin/audit']) {
    const res = await b.get(url);
    t.equal(res.statusCode, 303, url);
    t.match(res.headers.location, /^\/admin\/login/, `${url} redirects to the login page`);
  }
  const json = await b.get('/admin/surveys/klein/counts.json');
  t.equal(json.statusCode, 303, 'the live counter endpoint gives nothing away either');
  const post = await b.post('/admin/surveys/klein/links', { audience: 'sme' });
  t.equal(post.statusCode, 401, 'a form post without a session is refused');
  t.equal((await b.get('/admin/login')).statusCode, 200);
});

t.test('a wrong token gets an error message and no session cookie', async (t) => {
  const b = browser();
  const page = await b.get('/admin/login');
  t.match(page.body, /<input id="bf-token" name="token" type="password"/, 'the token is typed into a password field');
  t.match(page.body, /<form method="post" action="\/admin\/login"/, 'and sent by POST, never in the URL');
  const res = await b.post('/admin/login', { token: 'bef_not-a-real-token' });
  t.equal(res.statusCode, 401);
  t.match(res.body, /Anmeldung fehlgeschlagen: Das Token ist unbekannt oder widerrufen/);
  t.notOk(res.cookies.some((c: { name: string }) => c.name === app.sessionCookie.name), 'no session cookie is set');
  t.equal((await b.get('/admin')).statusCode, 303, 'still logged out');
});

t.test('the right token gives an HttpOnly, SameSite=Strict session cookie that opens the workspace', async (t) => {
  const b = browser();
  await b.get('/admin/login?lang=en');
  const res = await b.post('/admin/login?lang=en', { token: await tokenOf() });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, '/admin?lang=en', 'the language is kept');
  const setCookie = String(res.headers['set-cookie']);
  t.match(setCookie, /befund_session=[\w-]{40,}/, 'a random session id');
  t.match(setCookie, /HttpOnly/);
  t.match(setCookie, /SameSite=Strict/);
  t.match(setCookie, /Max-Age=28800/, 'eight hours');
  t.notMatch(setCookie, /Secure/, 'not Secure on plain-http loopback, or the browser would drop it');
  const hashes = (await app.db.select().from(adminSessions)).map((s) => s.idHash);
  const id = b.jar[app.sessionCookie.name];
  t.ok(hashes.includes(sha256(id)) && !hashes.includes(id), 'the database holds only a hash of the session id');
  const home = await b.get('/admin');
  t.equal(home.statusCode, 200);
  t.match(home.body, /Kleine Testumfrage/);
  const detail = await b.get('/admin/surveys/klein?lang=en');
  t.match(detail.body, /IHK &lt;Aachen&gt;/, 'labels are escaped');
  t.match(detail.body, /<svg[^>]*viewBox/, 'each link has a QR code as SVG');
  t.match(detail.body, /Live counter/, 'English on request');
  const counts = await b.get('/admin/surveys/klein/counts.json');
  t.same(JSON.parse(counts.body), { complete: 0, partial: 0, links: {} });
});

t.test('behind https the cookies are Secure and carry the __Host- prefix', async (t) => {
  const c = sessionCookie('https://befund.example.org');
  t.equal(c.name, '__Host-befund_session');
  t.equal(c.csrfName, '__Host-befund_csrf');
  t.same(c.options, { path: '/', httpOnly: true, sameSite: 'strict', secure: true });
  t.equal(sessionCookie('http://127.0.0.1:3000').options.secure, false);
});

t.test('a form post without a valid CSRF token is refused and changes nothing', async (t) => {
  const b = await loggedIn();
  const before = (await b.get('/admin/surveys/klein')).body.match(/data-link-id=/g)?.length;
  const missing = await b.post('/admin/surveys/klein/links', { audience: 'sme', label: 'ohne Token' }, false);
  t.equal(missing.statusCode, 403);
  t.match(missing.body, /Das Formular ist abgelaufen oder stammt nicht von dieser Seite/);
  const forged = await b.post('/admin/surveys/klein/links', { audience: 'sme', _csrf: 'forged-token' }, false);
  t.equal(forged.statusCode, 403, 'a made-up token is refused');

  const other = await loggedIn();
  const foreign = await b.post('/admin/surveys/klein/links', { audience: 'sme', _csrf: other.csrf }, false);
  t.equal(foreign.statusCode, 403, "another session's token is refused");
  t.equal((await b.get('/admin/surveys/klein')).body.match(/data-link-id=/g)?.length, before, 'no link was created');

  const ok = await b.post('/admin/surveys/klein/links', { audience: 'works_council', label: 'Betriebsrat Nord' });
  t.equal(ok.statusCode, 303, 'with its token the same form works');
  t.match((await b.get('/admin/surveys/klein')).body, /Betriebsrat Nord/);
});

t.test('the JSON API accepts the session for reads, and for writes only with a CSRF token', async (t) => {
  const b = await loggedIn();
  const read = await app.inject({ url: '/api/v1/surveys/klein/links', cookies: b.jar });
  t.equal(read.statusCode, 200);
  const write = await app.inject({ method: 'POST', url: '/api/v1/surveys/klein/shares', cookies: b.jar, payload: { audience: 'sme' } });
  t.equal(write.statusCode, 403, 'a cookie alone cannot change anything');
  const withToken = await app.inject({ method: 'POST', url: '/api/v1/surveys/klein/shares', cookies: b.jar, headers: { 'x-csrf-token': b.csrf }, payload: { audience: 'sme' } });
  t.equal(withToken.statusCode, 201);
});

t.test('logout ends the session on the server, not just in the browser', async (t) => {
  const b = await loggedIn();
  const stolen = { ...b.jar };
  const res = await b.post('/admin/logout', {});
  t.equal(res.statusCode, 303);
  t.match(res.headers.location, /^\/admin\/login\?out=1/);
  t.match(String(res.headers['set-cookie']), /befund_session=;/, 'the cookie is cleared');
  t.equal((await b.get(res.headers.location as string)).body.includes('Sie sind abgemeldet.'), true);
  const replay = await app.inject({ url: '/admin', cookies: stolen });
  t.equal(replay.statusCode, 303, 'the old cookie no longer opens the workspace');
  const audit = await app.db.select().from(auditLog).where(eq(auditLog.action, 'admin.logout'));
  t.ok(audit.length >= 1, 'logout is audited');
});

t.test('revoking the token ends its sessions at once', async (t) => {
  const token = await tokenOf();
  const b = browser();
  await b.get('/admin/login');
  await b.post('/admin/login', { token });
  t.equal((await b.get('/admin')).statusCode, 200);
  const [session] = await app.db.select().from(adminSessions).where(eq(adminSessions.idHash, sha256(b.jar[app.sessionCookie.name])));
  await revokeToken(app.db, session.tokenId, 'test');
  t.equal((await b.get('/admin')).statusCode, 303);
});

t.test('an expired session opens nothing', async (t) => {
  const b = await loggedIn();
  await app.db.update(adminSessions).set({ expiresAt: new Date(Date.now() - 1000) });
  t.equal((await b.get('/admin')).statusCode, 303);
});

t.test('the audit log page is for admins; researchers are told why not', async (t) => {
  const researcher = await loggedIn('researcher');
  const refused = await researcher.get('/admin/audit');
  t.equal(refused.statusCode, 403);
  t.match(refused.body, /Das Audit-Log sehen nur Administratorinnen und Administratoren/);
  const admin = await loggedIn('admin');
  const page = await admin.get('/admin/audit');
  t.equal(page.statusCode, 200);
  t.match(page.body, /admin\.login/, 'logins are in the log');
});

t.test('an uploaded definition with problems shows the findings per element; a good one becomes the next version', async (t) => {
  const b = await loggedIn();
  const broken = JSON.stringify({ pages: [{ name: 'p1', elements: [{ type: 'radiogroup', name: 'q1' }, { type: 'text', name: 'q1' }] }] });
  const refused = await b.post('/admin/surveys/klein/versions', { definition: broken });
  t.equal(refused.statusCode, 422);
  t.match(refused.body, /<table class="bf-table bf-findings">/);
  t.match(refused.body, /<code>q1<\/code>/, 'the element is named');
  const notJson = await b.post('/admin/surveys/klein/versions', { definition: '{ pages: ' });
  t.match(notJson.body, /Die Definition ist kein gültiges JSON/);
  const { smallSurvey } = await import('../helpers/fixtures.ts');
  const changed = { ...smallSurvey, title: { de: 'Kleine Testumfrage, zweite Fassung', en: 'Second' } };
  const ok = await b.post('/admin/surveys/klein/versions', { definition: JSON.stringify(changed) });
  t.equal(ok.statusCode, 303);
  t.match((await b.get(ok.headers.location as string)).body, /Version 2 angelegt\./);
  const same = await b.post('/admin/surveys/klein/versions', { definition: JSON.stringify(changed) });
  t.match((await b.get(same.headers.location as string)).body, /Unverändert: die Definition entspricht Version 2\./);

  const fresh = await b.post('/admin/surveys', { slug: 'neu-hochgeladen', definition: JSON.stringify({ ...smallSurvey, title: 'Neu hochgeladen' }) });
  t.equal(fresh.headers.location, '/admin/surveys/neu-hochgeladen?v=1&same=0', 'a new survey is uploaded from the start page');
  t.match((await b.get('/admin')).body, /Neu hochgeladen/);
});

t.test('failed logins are rate-limited per client; the right token still logs in', async (t) => {
  const b = browser();
  await b.get('/admin/login');
  let last: LightMyRequestResponse | undefined;
  for (let i = 0; i <= FAILURE_LIMITS.login; i++) last = await b.post('/admin/login', { token: `wrong-${i}` });
  t.equal(last?.statusCode, 429);
  t.match(last?.body, /Zu viele Anmeldeversuche/);
  t.ok(Number(last?.headers['retry-after']) > 0, 'Retry-After says when to try again');
  const right = await b.post('/admin/login', { token: await tokenOf() });
  t.equal(right.statusCode, 303, 'the right token from the same client logs in: throttling hurts only the guesser');
  t.equal((await b.get('/admin')).statusCode, 200);
  t.equal((await browser().get('/admin/login')).statusCode, 200, 'another client can still log in');
});
