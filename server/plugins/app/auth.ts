// Bearer-token authentication for researcher and admin routes: 401 without a valid token,
// 403 with the wrong role. Failed attempts are rate-limited per client (the address is used
// for the limiter only and never stored or logged).
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpError } from '../../errors.ts';
import { type Role, roleAllows, verifyToken } from '../../repositories/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: { id: number; role: Role; name: string };
  }
  interface FastifyInstance {
    requireRole(role: Role): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export default fp(
  async (app) => {
    await app.register(rateLimit, { global: false });
    const failures = new Map<string, { n: number; until: number }>();
    const MAX_FAILURES = 20;
    const WINDOW_MS = 60_000;

    app.decorateRequest('actor', undefined);
    app.decorate('requireRole', (role: Role) => async (request: FastifyRequest) => {
      const now = Date.now();
      const key = request.ip;
      const seen = failures.get(key);
      if (seen && seen.until > now && seen.n >= MAX_FAILURES)
        throw httpError(429, 'Zu viele fehlgeschlagene Anmeldungen: bitte eine Minute warten');
      const header = request.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? request.adminSessionToken?.();
      const actor = token ? await verifyToken(app.db, token) : undefined;
      if (!actor) {
        const entry = seen && seen.until > now ? seen : { n: 0, until: now + WINDOW_MS };
        entry.n += 1;
        failures.set(key, entry);
        throw httpError(401, 'Anmeldung erforderlich: senden Sie "Authorization: Bearer <Token>" (befund token create --role researcher)');
      }
      if (!roleAllows(actor.role, role)) throw httpError(403, `Diese Aktion erfordert die Rolle "${role}"`);
      request.actor = actor;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin session plugin: the token behind a logged-in session cookie. */
    adminSessionToken?: () => string | undefined;
  }
}
