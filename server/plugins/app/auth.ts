// Authentication for researcher and admin routes: a bearer token, or else the workspace
// session cookie (server/plugins/app/session.ts). 401 without either, 403 with the wrong role.
// A state-changing request authenticated by the session cookie must also carry a valid CSRF
// token.
//
// Abuse limits count failures only, per client address (@fastify/rate-limit, in memory, in a
// bounded LRU: the address is never stored or logged). A credential is always checked first, so
// a valid token or login is never refused however many failures came from the same address
// (an office behind one NAT, a reverse proxy without TRUST_PROXY); past the limit, a wrong
// credential gets 429 with Retry-After instead of 401. The key is the client, not the wrong
// credential itself: a guesser sends a new one every time.
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
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
    /**
     * Counts a wrong credential (token, session cookie or login) against the client's address;
     * true when the client is now past its limit: the caller answers 429 (Retry-After is set).
     */
    credentialFailed(request: FastifyRequest, reply: FastifyReply, kind: keyof typeof FAILURE_LIMITS): Promise<boolean>;
  }
}

/** Wrong credentials per client address and minute before 429: enough for typos, far too few for guessing. */
export const FAILURE_LIMITS = { api: 20, login: 10 } as const;
const WINDOW_MS = 60_000;

export default fp(
  async (app) => {
    await app.register(rateLimit, { global: false });
    await app.register(session);
    // One limiter per kind, keyed on the client's address (an IPv6 client by its /64, which
    // one machine usually holds whole); each keeps at most 5,000 addresses, the oldest dropped.
    const limiters = Object.fromEntries(
      Object.entries(FAILURE_LIMITS).map(([kind, max]) => [kind, app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator: (request) => normalizeIP(request.ip) })]),
    ) as Record<keyof typeof FAILURE_LIMITS, ReturnType<typeof app.createRateLimit>>;
    app.decorate('credentialFailed', async (request: FastifyRequest, reply: FastifyReply, kind: keyof typeof FAILURE_LIMITS) => {
      const limit = await limiters[kind](request);
      if (limit.isAllowed || !limit.isExceeded) return false;
      reply.header('retry-after', String(limit.ttlInSeconds));
      return true;
    });

    app.decorateRequest('actor', undefined);
    const bearer = (request: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    app.decorate('optionalActor', async (request: FastifyRequest) => {
      const token = bearer(request);
      if (token) return verifyToken(app.db, token);
      return (await app.session(request))?.actor;
    });
    app.decorate('requireRole', (role: Role) => async (request: FastifyRequest, reply: FastifyReply) => {
      const token = bearer(request);
      const viaSession = !token;
      const actor = token ? await verifyToken(app.db, token) : (await app.session(request))?.actor;
      if (!actor) {
        // Only a credential that was presented and is wrong counts; asking without one is no guess.
        const presented = token !== undefined || request.cookies[app.sessionCookie.name] !== undefined;
        if (presented && (await app.credentialFailed(request, reply, 'api')))
          throw httpError(429, 'Zu viele fehlgeschlagene Anmeldungen von dieser Adresse: bitte eine Minute warten. Ein gültiges Token wird weiterhin angenommen.');
        throw httpError(401, 'Anmeldung erforderlich: senden Sie "Authorization: Bearer <Token>" (befund token create --role researcher) oder melden Sie sich unter /admin/login an');
      }
      if (!roleAllows(actor.role, role)) throw httpError(403, `Diese Aktion erfordert die Rolle "${role}"`);
      if (viaSession && isUnsafeMethod(request.method)) await app.verifyCsrf(request);
      request.actor = actor;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
