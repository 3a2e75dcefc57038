// Login and logout of the workspace. The token travels in a POST body only and is exchanged for
// a session cookie. Only failed attempts count against the client's limit (server/plugins/app/
// auth.ts), and the token is always checked first: the right token logs in however many wrong
// ones came from the same address.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { escapeHtml, href } from '../../../web/admin/html/layout.ts';
import { loginPage } from '../../../web/admin/html/login.ts';
import { TEXTS } from '../../../web/admin/html/texts.ts';
import { httpError } from '../../errors.ts';
import { audit } from '../../repositories/audit.ts';
import { createSession, deleteSession, SESSION_TTL_MS } from '../../repositories/sessions.ts';
import { verifyToken } from '../../repositories/tokens.ts';
import { actorOf, LangQuery, langOfRequest, requireSession, sendHtml, viewOf } from './common.ts';

/** Only a workspace path, never another site ("//evil.example" or "/\\evil"). */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[\w\-/.]*)?$/.test(next) ? next : '/admin';
}

const loginRoutes: FastifyPluginAsyncZod = async (app) => {
  const cookie = app.sessionCookie;

  app.get('/login', { schema: { hide: true, querystring: LangQuery.extend({ out: z.string().optional(), next: z.string().optional() }) } }, async (request, reply) => {
    const lang = langOfRequest(request);
    if (await app.session(request)) return reply.redirect(href('/admin', lang), 303);
    const notice = request.query.out ? { kind: 'ok' as const, html: escapeHtml(TEXTS[lang].loggedOut) } : undefined;
    return sendHtml(reply, loginPage(viewOf(app, request, reply), { notice, next: request.query.next }));
  });

  app.post(
    '/login',
    {
      schema: { hide: true, querystring: LangQuery, body: z.object({ token: z.string().max(200), next: z.string().max(300).optional(), _csrf: z.string().optional() }) },
      preHandler: async (request) => app.verifyCsrf(request),
    },
    async (request, reply) => {
      const actor = request.body.token ? await verifyToken(app.db, request.body.token.trim()) : undefined;
      if (!actor) {
        request.log.warn('admin login refused');
        if (await app.credentialFailed(request, reply, 'login')) throw httpError(429, TEXTS[langOfRequest(request)].loginRateLimited);
        const html = loginPage(viewOf(app, request, reply), { notice: { kind: 'error', html: escapeHtml(TEXTS[langOfRequest(request)].loginFailed) }, next: request.body.next });
        return sendHtml(reply, html, 401);
      }
      const session = await createSession(app.db, actor.id);
      await audit(app.db, `token:${actor.id}`, 'admin.login', `token:${actor.id}`);
      reply.setCookie(cookie.name, session.id, { ...cookie.options, maxAge: SESSION_TTL_MS / 1000 });
      return reply.redirect(href(safeNext(request.body.next), langOfRequest(request)), 303);
    },
  );

  app.post('/logout', { schema: { hide: true, querystring: LangQuery }, preHandler: requireSession(app) }, async (request, reply) => {
    await deleteSession(app.db, request.cookies[cookie.name] ?? '');
    await audit(app.db, actorOf(request), 'admin.logout', actorOf(request));
    reply.clearCookie(cookie.name, cookie.options);
    return reply.redirect(href('/admin/login', langOfRequest(request), { out: '1' }), 303);
  });
};
export default loginRoutes;
