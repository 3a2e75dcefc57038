// Route × credential matrix. The routes come from the app's own route tree, never from a list
// kept here; the table below says, for each of them, which credentials may reach it. A new route
// without a row fails the first test with a sentence saying what to add. Then every route is
// called once with every kind of credential, right and wrong (a revoked link, another response's
// resume key, another survey's or audience's share key, an expired or revoked share key, a wrong
// or revoked bearer token, a session without CSRF token, after logout, past its expiry or of a
// revoked token): a credential in the
// row's list must get through (2xx, or 3xx that is not the login page), every other must be
// refused (401, 403, 404, 410, or 303 to the login page). Nothing may answer 5xx.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { adminSessions, mailRounds, openTexts, reportShares } from '../../server/db/schema.ts';
import { foldPending } from '../../server/repositories/counts.ts';
import { createLink, revokeLink, sha256 } from '../../server/repositories/links.ts';
import { addParticipant } from '../../server/repositories/participants.ts';
import { insertThroughLink } from '../../server/repositories/responses.ts';
import { createShare, revokeShare } from '../../server/repositories/shares.ts';
import { createToken, revokeToken } from '../../server/repositories/tokens.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedSurvey, smallSurvey } from '../helpers/fixtures.ts';
import { appRoutes } from '../helpers/routes.ts';

const KINDS = [
  'none',
  'link',
  'link-revoked',
  'resume',
  'resume-wrong',
  'resume-other',
  'share',
  'share-other-survey',
  'share-other-audience',
  'share-expired',
  'share-revoked',
  'researcher',
  'admin',
  'bearer-wrong',
  'bearer-revoked',
  'session',
  'session-no-csrf',
  'session-ended',
  'session-expired',
  'session-token-revoked',
  'admin-session',
] as const;
type Kind = (typeof KINDS)[number];

const ANYONE: readonly Kind[] = KINDS;
const LINK: Kind[] = ['link'];
const RESUME: Kind[] = ['resume'];
/** Bearer token of a researcher or admin, or a workspace session (reading needs no CSRF token). */
const RESEARCHER_READ: Kind[] = ['researcher', 'admin', 'session', 'session-no-csrf', 'admin-session'];
const RESEARCHER_WRITE: Kind[] = ['researcher', 'admin', 'session', 'admin-session'];
const ADMIN: Kind[] = ['admin', 'admin-session'];
/** The workspace takes its session cookie only, never a bearer token. */
const WORKSPACE_READ: Kind[] = ['session', 'session-no-csrf', 'admin-session'];
const WORKSPACE_WRITE: Kind[] = ['session', 'admin-session'];
/** A report page: its share key, or anyone who may read every report. */
const REPORT: Kind[] = ['share', ...RESEARCHER_READ];

interface Ctx {
  responseId: string;
  linkId: number;
  shareId: number;
  tokenId: number;
}
interface Row {
  allow: readonly Kind[];
  query?: string;
  /** JSON body, or form fields when `form` is set. */
  body?: (ctx: Ctx) => Record<string, unknown>;
  form?: boolean;
}
const newSlug = () => `neu-${randomUUID().slice(0, 8)}`;
const definitionText = JSON.stringify(smallSurvey);
/** A one-question XLSForm file (pyxform's one-file CSV layout), base64 as the workspace's form sends it. */
const xlsformFile = Buffer.from('survey,type,name,label\n,text,matrix_frage,Frage\nsettings,form_title\n,Matrix\n').toString('base64');
/** A pending upload belongs to the session that made it: only that one may see, publish or discard it. */
const UPLOADER_READ: Kind[] = ['session', 'session-no-csrf'];
const UPLOADER_WRITE: Kind[] = ['session'];

/**
 * Who may reach each route. HEAD follows GET. Add a row here for every new route: which of the
 * credential kinds above may reach it, and a valid query and body, so that only the credential
 * decides.
 */
const TABLE: Record<string, Row> = {
  'GET /healthz': { allow: ANYONE },
  'GET /assets/*': { allow: ANYONE },
  'GET /api/docs': { allow: RESEARCHER_READ },
  'GET /s/:token': { allow: LINK },
  'GET /api/v1/links/:token': { allow: LINK },
  'POST /api/v1/links/:token/responses': { allow: LINK, body: () => ({ id: randomUUID(), data: { org: 'verband' }, complete: false }) },
  'GET /api/v1/responses/:id': { allow: RESUME },
  'PUT /api/v1/responses/:id': { allow: RESUME, body: () => ({ data: { org: 'verband' }, complete: false }) },
  'DELETE /api/v1/responses/:id': { allow: RESUME },
  'GET /api/v1/surveys': { allow: RESEARCHER_READ },
  'POST /api/v1/surveys': { allow: RESEARCHER_WRITE, body: () => ({ slug: newSlug(), definition: smallSurvey }) },
  'POST /api/v1/surveys/xlsform': { allow: RESEARCHER_WRITE, body: () => ({ fileName: 'matrix.csv', file: xlsformFile, slug: newSlug() }) },
  'GET /api/v1/surveys/:slug': { allow: RESEARCHER_READ },
  'PATCH /api/v1/surveys/:slug': { allow: RESEARCHER_WRITE, body: () => ({ retentionDays: 3650 }) },
  'GET /api/v1/surveys/:slug/links': { allow: RESEARCHER_READ },
  'POST /api/v1/surveys/:slug/links': { allow: RESEARCHER_WRITE, body: () => ({ audience: 'sme', label: 'Matrix' }) },
  'DELETE /api/v1/surveys/:slug/links/:id': { allow: RESEARCHER_WRITE },
  'PUT /api/v1/surveys/:slug/webhook': { allow: RESEARCHER_WRITE, body: () => ({ url: null }) },
  'GET /api/v1/surveys/:slug/export': { allow: RESEARCHER_READ, query: 'format=csv' },
  'GET /api/v1/surveys/:slug/codebook': { allow: RESEARCHER_READ },
  'GET /api/v1/surveys/:slug/responses': { allow: RESEARCHER_READ },
  'GET /api/v1/surveys/:slug/responses.ndjson': { allow: RESEARCHER_READ },
  'GET /api/v1/surveys/:slug/report': { allow: RESEARCHER_READ, query: 'audience=sme' },
  'GET /api/v1/surveys/:slug/shares': { allow: RESEARCHER_READ },
  'POST /api/v1/surveys/:slug/shares': { allow: RESEARCHER_WRITE, body: () => ({ audience: 'sme' }) },
  'DELETE /api/v1/surveys/:slug/shares/:id': { allow: RESEARCHER_WRITE },
  'GET /api/v1/surveys/:slug/releases': { allow: RESEARCHER_READ },
  'GET /api/v1/surveys/:slug/profiles': { allow: RESEARCHER_READ },
  'PUT /api/v1/surveys/:slug/profiles': { allow: RESEARCHER_WRITE, body: () => ({ profiles: [] }) },
  'POST /api/v1/surveys/:slug/releases': { allow: RESEARCHER_WRITE, body: () => ({}) },
  'GET /api/v1/surveys/:slug/open-texts': { allow: RESEARCHER_READ },
  'PUT /api/v1/surveys/:slug/open-texts/:id': { allow: RESEARCHER_WRITE, body: () => ({ approved: true }) },
  'DELETE /api/v1/admin/responses/:id': { allow: ADMIN },
  'GET /api/v1/admin/tokens': { allow: ADMIN },
  'POST /api/v1/admin/tokens': { allow: ADMIN, body: () => ({ role: 'researcher', name: 'matrix' }) },
  'DELETE /api/v1/admin/tokens/:id': { allow: ADMIN },
  'GET /api/v1/admin/audit': { allow: ADMIN },
  'GET /admin': { allow: WORKSPACE_READ },
  'GET /admin/': { allow: WORKSPACE_READ },
  'GET /admin/login': { allow: ANYONE },
  // The login form carries the token in its body (see request()): a valid one gets through.
  'POST /admin/login': { allow: ['researcher', 'admin'], form: true, body: () => ({}) },
  'POST /admin/logout': { allow: WORKSPACE_WRITE, form: true, body: () => ({}) },
  'POST /admin/surveys': { allow: WORKSPACE_WRITE, form: true, body: () => ({ slug: newSlug(), definition: definitionText }) },
  'GET /admin/surveys/:slug': { allow: WORKSPACE_READ },
  'GET /admin/surveys/:slug/counts.json': { allow: WORKSPACE_READ },
  'POST /admin/surveys/:slug/links': { allow: WORKSPACE_WRITE, form: true, body: () => ({ audience: 'sme', label: 'Matrix' }) },
  'GET /admin/surveys/:slug/links/:id/qr.svg': { allow: WORKSPACE_READ },
  'POST /admin/surveys/:slug/links/:id/revoke': { allow: WORKSPACE_WRITE, form: true, body: () => ({}) },
  'POST /admin/surveys/:slug/shares': { allow: WORKSPACE_WRITE, form: true, body: () => ({ audience: 'sme' }) },
  'POST /admin/surveys/:slug/shares/:id/revoke': { allow: WORKSPACE_WRITE, form: true, body: () => ({}) },
  'POST /admin/surveys/:slug/releases': { allow: WORKSPACE_WRITE, form: true, body: () => ({}) },
  'POST /admin/surveys/:slug/versions': { allow: WORKSPACE_WRITE, form: true, body: () => ({ definition: definitionText }) },
  'POST /admin/surveys/:slug/xlsform': { allow: WORKSPACE_WRITE, form: true, body: () => ({ fileName: 'matrix.csv', file: xlsformFile }) },
  'POST /admin/xlsform': { allow: WORKSPACE_WRITE, form: true, body: () => ({ fileName: 'matrix.csv', file: xlsformFile, slug: newSlug() }) },
  'GET /admin/previews/:id': { allow: UPLOADER_READ },
  'GET /admin/previews/:id/survey.json': { allow: UPLOADER_READ },
  'POST /admin/previews/:id/publish': { allow: UPLOADER_WRITE, form: true, body: () => ({}) },
  'POST /admin/previews/:id/discard': { allow: UPLOADER_WRITE, form: true, body: () => ({}) },
  'GET /admin/surveys/:slug/profiles': { allow: WORKSPACE_READ },
  'POST /admin/surveys/:slug/profiles': { allow: WORKSPACE_WRITE, form: true, body: () => ({ profiles: JSON.stringify({ profiles: [] }) }) },
  'GET /admin/surveys/:slug/texts': { allow: WORKSPACE_READ },
  'POST /admin/surveys/:slug/texts/:id': { allow: WORKSPACE_WRITE, form: true, body: () => ({ approved: '1' }) },
  'GET /admin/audit': { allow: ['admin-session'] },
  'GET /admin/surveys/:slug/panel': { allow: WORKSPACE_READ },
  'GET /api/v1/surveys/:slug/participants': { allow: RESEARCHER_READ },
  'POST /api/v1/surveys/:slug/participants': { allow: RESEARCHER_WRITE, body: () => ({ email: `${randomUUID()}@example.org`, segment: 'sme' }) },
  'POST /api/v1/surveys/:slug/participants/import': { allow: RESEARCHER_WRITE, body: () => ({ file: Buffer.from(`email;segment\n${randomUUID()}@example.org;sme\n`).toString('base64') }) },
  'PATCH /api/v1/surveys/:slug/participants/:id': { allow: RESEARCHER_WRITE, body: () => ({ label: 'Matrix' }) },
  'DELETE /api/v1/surveys/:slug/participants/:id': { allow: RESEARCHER_WRITE },
  'DELETE /api/v1/surveys/:slug/participants': { allow: RESEARCHER_WRITE, query: 'confirm=yes' },
  'GET /api/v1/surveys/:slug/participants/rates': { allow: RESEARCHER_READ },
  'GET /api/v1/surveys/:slug/participants/mail-merge.csv': { allow: RESEARCHER_READ },
  'GET /api/v1/surveys/:slug/mail-rounds': { allow: RESEARCHER_READ },
  'POST /api/v1/surveys/:slug/mail-rounds': { allow: RESEARCHER_WRITE, body: () => ({ kind: 'invitation', at: '2099-01-01T09:00:00Z' }) },
  'DELETE /api/v1/surveys/:slug/mail-rounds/:id': { allow: RESEARCHER_WRITE },
  'POST /admin/surveys/:slug/panel/import': { allow: WORKSPACE_WRITE, form: true, body: () => ({ csv: `email;segment\n${randomUUID()}@example.org;sme\n` }) },
  'POST /admin/surveys/:slug/panel/participants': { allow: WORKSPACE_WRITE, form: true, body: () => ({ email: `${randomUUID()}@example.org`, segment: 'sme' }) },
  'POST /admin/surveys/:slug/panel/participants/:id': { allow: WORKSPACE_WRITE, form: true, body: () => ({ email: `${randomUUID()}@example.org`, segment: 'sme', label: 'Matrix' }) },
  'POST /admin/surveys/:slug/panel/participants/:id/remove': { allow: WORKSPACE_WRITE, form: true, body: () => ({}) },
  'POST /admin/surveys/:slug/panel/rounds': { allow: WORKSPACE_WRITE, form: true, body: () => ({ kind: 'invitation', at: '2099-01-01T09:00' }) },
  'POST /admin/surveys/:slug/panel/rounds/:id/cancel': { allow: WORKSPACE_WRITE, form: true, body: () => ({}) },
  // The opt-out page takes a personal link's token only (none of the kinds above).
  'GET /o/:token': { allow: [] },
  'POST /o/:token': { allow: [] },
  'GET /reports/:slug/:audience': { allow: REPORT },
  'GET /reports/:slug/:audience/data.json': { allow: REPORT },
  'GET /reports/:slug/:audience/tables.csv': { allow: REPORT },
  'GET /reports/:slug/:audience/report.pdf': { allow: REPORT },
};

const rowKey = (method: string, url: string) => `${method === 'HEAD' ? 'GET' : method} ${url}`;

const { app, cleanup } = await buildTestApp({ SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Studienteam <studie@example.org>' });
t.teardown(cleanup);
const routes = appRoutes(app);

t.test('every route of the app has a row in the credential table', async (t) => {
  t.ok(routes.length >= 40, `${routes.length} routes read from the route tree`);
  for (const r of routes) {
    t.ok(
      TABLE[rowKey(r.method, r.url)],
      `${r.method} ${r.url} has no row in the credential table: add "${rowKey(r.method, r.url)}" to TABLE in test/server/route-credentials.test.ts, saying which credentials may reach it (and a valid query and body)`,
    );
  }
  const served = new Set(routes.map((r) => rowKey(r.method, r.url)));
  for (const key of Object.keys(TABLE)) t.ok(served.has(key), `the table's row "${key}" names a route the app no longer has: remove it`);
});

t.test(`each route × each credential is let in or refused as its row says (${dbLabel})`, async (t) => {
  const alpha = await seedSurvey(app, 'alpha');
  const beta = await seedSurvey(app, 'beta');
  const link = await createLink(app.db, { surveyId: alpha.surveyId, segment: 'sme', label: 'A' }, 'test');
  const revoked = await createLink(app.db, { surveyId: alpha.surveyId, segment: 'sme', label: 'B' }, 'test');
  await revokeLink(app.db, alpha.surveyId, revoked.id, 'test');
  const catalogue = (await app.versions.get(alpha.versionId)).catalogue as Catalogue;
  const answer = async (complete = false) => {
    const id = randomUUID();
    const r = await insertThroughLink(app.db, link.token, { id, versionId: alpha.versionId, catalogue, data: { org: 'kammer', satisfaction: 4 }, complete, locale: 'de' });
    return { id, resumeKey: r.resumeKey as string };
  };
  // Enough complete answers that the report pages have something to show.
  for (let i = 0; i < 6; i++) await answer(true);
  const other = await answer();
  const share = await createShare(app.db, { surveyId: alpha.surveyId, audience: 'sme' }, 'test');
  const shareBeta = await createShare(app.db, { surveyId: beta.surveyId, audience: 'sme' }, 'test');
  const shareOtherAudience = await createShare(app.db, { surveyId: alpha.surveyId, audience: 'intermediary' }, 'test');
  const expired = await createShare(app.db, { surveyId: alpha.surveyId, audience: 'sme', expiresAt: new Date(Date.now() + 86_400_000) }, 'test');
  await app.db
    .update(reportShares)
    .set({ expiresAt: new Date(Date.now() - 86_400_000) })
    .where(eq(reportShares.id, expired.id));
  const shareRevoked = await createShare(app.db, { surveyId: alpha.surveyId, audience: 'sme' }, 'test');
  await revokeShare(app.db, alpha.surveyId, shareRevoked.id, 'test');
  const researcher = await createToken(app.db, 'researcher', 'matrix-researcher', 'test');
  const admin = await createToken(app.db, 'admin', 'matrix-admin', 'test');
  const gone = await createToken(app.db, 'researcher', 'matrix-revoked', 'test');
  await revokeToken(app.db, gone.id, 'test');

  let ip = 0;
  const nextIp = () => `10.9.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`; // one per request: no rate limit in the way
  /** A browser: the CSRF secret cookie, a session cookie, and a CSRF token bound to that session. */
  async function login(token: string) {
    const jar: Record<string, string> = {};
    const remoteAddress = nextIp();
    const keep = (res: LightMyRequestResponse) => {
      for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
      return /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    };
    const loginCsrf = keep(await app.inject({ url: '/admin/login', cookies: jar, remoteAddress }));
    const res = await app.inject({ method: 'POST', url: '/admin/login', cookies: jar, remoteAddress, payload: { token, _csrf: loginCsrf } });
    if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    keep(res);
    const page = await app.inject({ url: '/admin', cookies: jar, remoteAddress });
    const csrf = keep(page);
    if (!csrf) throw new Error(`no CSRF token on /admin: ${page.statusCode} ${page.body.slice(0, 300)}`);
    return { jar, csrf };
  }
  const sessions = { researcher: await login(researcher.token), admin: await login(admin.token) };
  const ended = await login(researcher.token);
  const out = await app.inject({ method: 'POST', url: '/admin/logout', cookies: ended.jar, headers: { 'x-csrf-token': ended.csrf }, remoteAddress: nextIp() });
  t.equal(out.statusCode, 303, 'logged out');
  const stale = await login(researcher.token);
  const staleId = Object.entries(stale.jar).find(([name]) => name === app.sessionCookie.name)?.[1] as string;
  await app.db
    .update(adminSessions)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(adminSessions.idHash, sha256(staleId)));
  const doomed = await createToken(app.db, 'researcher', 'matrix-session-revoked', 'test');
  const orphan = await login(doomed.token);
  await revokeToken(app.db, doomed.id, 'test');

  /** The things a route's :id names, fresh for every changing request (a DELETE may use one up). */
  async function freshCtx(): Promise<Ctx> {
    const l = await createLink(app.db, { surveyId: alpha.surveyId, segment: 'sme', label: 'fresh' }, 'test');
    const s = await createShare(app.db, { surveyId: alpha.surveyId, audience: 'sme' }, 'test');
    const tok = await createToken(app.db, 'researcher', 'fresh', 'test');
    const r = await answer();
    const participantId = await addParticipant(app.db, alpha.surveyId, { email: `${randomUUID()}@example.org`, segment: 'sme' }, 'test');
    const [round] = await app.db.insert(mailRounds).values({ surveyId: alpha.surveyId, kind: 'reminder', dueAt: new Date('2099-01-01T09:00:00Z') }).returning({ id: mailRounds.id });
    return { responseId: r.id, linkId: l.id, shareId: s.id, tokenId: tok.id, resumeKey: r.resumeKey, participantId, roundId: round.id } as Ctx & { resumeKey: string };
  }

  const readCtx = (await freshCtx()) as Ctx & { resumeKey: string };
  /** A fresh open text of a complete response (the open-text approval routes name one). */
  async function openTextId(): Promise<number> {
    const id = randomUUID();
    await insertThroughLink(app.db, link.token, { id, versionId: alpha.versionId, catalogue, data: { org: 'kammer', why: 'Matrix', satisfaction: 4 }, complete: true, locale: 'de' });
    await foldPending(app.db, { surveyId: alpha.surveyId });
    const [row] = await app.db.select({ id: openTexts.id }).from(openTexts).where(eq(openTexts.responseId, id));
    return row.id;
  }
  /** A pending XLSForm upload of the researcher's session (the preview routes name one). */
  async function previewId(): Promise<string> {
    const s = sessions.researcher;
    const res = await app.inject({ method: 'POST', url: '/admin/xlsform', cookies: s.jar, headers: { 'x-csrf-token': s.csrf, 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: nextIp(), payload: new URLSearchParams({ fileName: 'matrix.csv', file: xlsformFile, slug: newSlug() }).toString() });
    const id = /\/admin\/previews\/([\w-]+)$/.exec(String(res.headers.location))?.[1];
    if (!id) throw new Error(`no preview: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return id;
  }
  async function request(method: string, url: string, row: Row, kind: Kind) {
    const ctx = (method === 'GET' || method === 'HEAD' ? readCtx : await freshCtx()) as Ctx & { resumeKey: string };
    const id = url.includes('/previews/:id') ? await previewId() : url.includes('/participants/:id') ? (ctx as unknown as { participantId: string }).participantId : /rounds\/:id/.test(url) ? (ctx as unknown as { roundId: number }).roundId : url.includes('texts/') ? await openTextId() : url.includes('/tokens/') ? ctx.tokenId : url.includes('/shares/') ? ctx.shareId : url.includes('/links/') ? ctx.linkId : ctx.responseId;
    const linkToken = kind === 'link' ? link.token : kind === 'link-revoked' ? revoked.token : 'kein-gueltiger-link';
    const path = url
      .replace(':slug', 'alpha')
      .replace(':audience', 'sme')
      .replace(':token', linkToken)
      .replace(':id', String(id))
      .replace('*', 'admin.css');
    const headers: Record<string, string> = {};
    let cookies: Record<string, string> = {};
    const query = new URLSearchParams(row.query ?? '');
    const resumeKey = { resume: ctx.resumeKey, 'resume-other': other.resumeKey }[kind as string] ?? 'kein-gueltiger-schluessel';
    if (url.startsWith('/api/v1/responses/')) headers['x-resume-key'] = resumeKey;
    const key = { share: share.key, 'share-other-survey': shareBeta.key, 'share-other-audience': shareOtherAudience.key, 'share-expired': expired.key, 'share-revoked': shareRevoked.key }[kind as string];
    if (key) query.set('key', key);
    const bearer = { researcher: researcher.token, admin: admin.token, 'bearer-wrong': 'bef_kein-echtes-token', 'bearer-revoked': gone.token }[kind as string];
    let body = row.body?.(ctx);
    if (method === 'POST' && url === '/admin/login') {
      // The login form: a CSRF token from the login page, the credential as the form's token.
      const jar: Record<string, string> = {};
      const page = await app.inject({ url: '/admin/login', remoteAddress: nextIp() });
      for (const c of page.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
      cookies = jar;
      body = { token: bearer ?? 'bef_kein-echtes-token', _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '' };
    } else if (bearer) headers.authorization = `Bearer ${bearer}`;
    // Logging out ends the session it is sent with: a fresh one for that route.
    const mine = url === '/admin/logout' ? { researcher: await login(researcher.token), admin: await login(admin.token) } : sessions;
    const session = { session: mine.researcher, 'session-no-csrf': mine.researcher, 'session-ended': ended, 'session-expired': stale, 'session-token-revoked': orphan, 'admin-session': mine.admin }[kind as string];
    if (session) {
      cookies = session.jar;
      if (kind !== 'session-no-csrf') headers['x-csrf-token'] = session.csrf;
    }
    const qs = query.toString();
    if (body && row.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    return app.inject({
      method: method as 'GET',
      url: qs ? `${path}?${qs}` : path,
      headers,
      cookies,
      remoteAddress: nextIp(),
      ...(body ? { payload: row.form ? new URLSearchParams(body as Record<string, string>).toString() : body } : {}),
    });
  }

  // Logging out ends on the login page ("out=1"), which is getting through, not a refusal.
  const toLogin = (res: LightMyRequestResponse) => res.statusCode === 303 && String(res.headers.location).startsWith('/admin/login') && !String(res.headers.location).includes('out=1');
  const wrong: string[] = [];
  let n = 0;
  for (const r of routes) {
    const row = TABLE[rowKey(r.method, r.url)];
    if (!row) continue; // reported by the first test
    for (const kind of KINDS) {
      const res = await request(r.method, r.url, row, kind);
      n++;
      const allowed = row.allow.includes(kind);
      const through = res.statusCode >= 200 && res.statusCode < 400 && !toLogin(res);
      const refused = [401, 403, 404, 410].includes(res.statusCode) || toLogin(res);
      if (res.statusCode >= 500 || (allowed && !through) || (!allowed && !refused))
        wrong.push(`${r.method} ${r.url} with ${kind}: ${res.statusCode} (${allowed ? 'should get through' : 'should be refused'}) ${res.body.slice(0, 160)}`);
    }
  }
  t.same(wrong, [], `${n} requests (${routes.length} routes × ${KINDS.length} credentials): each let in or refused as the table says`);
});
