// Authentication for researcher and admin routes: a bearer token, or else the workspace
// session cookie (server/plugins/app/session.ts). 401 without either, 403 with the wrong role.
// A state-changing request authenticated by the session cookie must also carry a valid CSRF
// token. Failed attempts are rate-limited per client (the address is used for the limiter only
// and never stored or logged).
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpError } from '../../errors.ts';
import { type Role, roleAllows, verifyToken } from '../../repositories/tokens.ts';
import session, { isUnsafeMethod } from './session.ts';

type Actor = { id: number; role: Role; name: string };

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyInstance {
    requireRole(role: Role): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Who is asking, if anyone: a bearer token or a workspace session (never throws; no CSRF check). */
    optionalActor(request: FastifyRequest): Promise<Actor | undefined>;
  }
}

export default fp(
  async (app) => {
    await app.register(rateLimit, { global: false });
    await app.register(session);
    const failures = new Map<string, { n: number; until: number }>();
    const MAX_FAILURES = 20;
    const WINDOW_MS = 60_000;

    app.decorateRequest('actor', undefined);
    const bearer = (request: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    app.decorate('optionalActor', async (request: FastifyRequest) => {
      const token = bearer(request);
      if (token) return verifyToken(app.db, token);
      return (await app.session(request))?.actor;
    });
    app.decorate('requireRole', (role: Role) => async (request: FastifyRequest) => {
      const now = Date.now();
      const key = request.ip;
      const seen = failures.get(key);
      if (seen && seen.until > now && seen.n >= MAX_FAILURES)
        throw httpError(429, 'Zu viele fehlgeschlagene Anmeldungen: bitte eine Minute warten');
      const token = bearer(request);
      const viaSession = !token;
      const actor = token ? await verifyToken(app.db, token) : (await app.session(request))?.actor;
      if (!actor) {
        const entry = seen && seen.until > now ? seen : { n: 0, until: now + WINDOW_MS };
        entry.n += 1;
        failures.set(key, entry);
        throw httpError(401, 'Anmeldung erforderlich: senden Sie "Authorization: Bearer <Token>" (befund token create --role researcher) oder melden Sie sich unter /admin/login an');
      }
      if (!roleAllows(actor.role, role)) throw httpError(403, `Diese Aktion erfordert die Rolle "${role}"`);
      if (viaSession && isUnsafeMethod(request.method)) await app.verifyCsrf(request);
      request.actor = actor;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
