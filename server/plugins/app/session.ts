// The workspace session: a cookie with a random id, looked up server-side on each request, and
// CSRF protection (@fastify/csrf-protection) bound to that session.
//
// Cookie flags: HttpOnly and SameSite=Strict always. Secure (and the `__Host-` name prefix)
// only when PUBLIC_URL is https: on plain-http loopback a browser drops Secure cookies, and
// there the token would cross the wire in clear text anyway.
//
// CSRF: the secret lives in its own HttpOnly, SameSite=Strict cookie; every token is bound to
// the session (userInfo = sha256 of the session id), so a token from one session or from the
// login page is useless in another. Forms carry it as `_csrf`, scripts as `x-csrf-token`.
//
// Several instances: sessions live in the database, and the key that binds CSRF tokens is the
// same on every instance and across restarts: derived from SESSION_SECRET when it is set, else
// made once and kept in the database (server_secrets). So any instance accepts a form another
// one served, and a form left open across a restart still goes through.
import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpError } from '../../errors.ts';
import { findSession, type Session, sharedSecret } from '../../repositories/sessions.ts';

export interface SessionCookie {
  name: string;
  csrfName: string;
  options: { path: '/'; httpOnly: true; sameSite: 'strict'; secure: boolean };
}

/** Cookie names and flags for a deployment at `publicUrl`. */
export function sessionCookie(publicUrl: string): SessionCookie {
  const secure = publicUrl.startsWith('https://');
  const prefix = secure ? '__Host-' : '';
  return { name: `${prefix}befund_session`, csrfName: `${prefix}befund_csrf`, options: { path: '/', httpOnly: true, sameSite: 'strict', secure } };
}

const ANONYMOUS = 'anonymous';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** Resolved by `app.session(request)`: null when there is no live session. */
    adminSession?: Session | null;
  }
  interface FastifyInstance {
    sessionCookie: SessionCookie;
    /** The live workspace session of this request (looked up once per request). */
    session(request: FastifyRequest): Promise<Session | null>;
    /** Throws 403 unless the request carries a CSRF token valid for its session. */
    verifyCsrf(request: FastifyRequest): Promise<void>;
    /** A CSRF token for forms on this page, bound to the request's session. */
    csrfToken(request: FastifyRequest, reply: FastifyReply): string;
  }
}

export function isUnsafeMethod(method: string): boolean {
  return UNSAFE.has(method);
}

export default fp(
  async (app: FastifyInstance) => {
    const cookie = sessionCookie(app.config.publicUrl);
    app.decorate('sessionCookie', cookie);
    if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
    const secret = app.config.sessionSecret;
    const hmacKey = secret ? createHmac('sha256', secret).update('befund csrf').digest('hex') : await sharedSecret(app.db, 'csrf');
    await app.register(csrfProtection, {
      cookieKey: cookie.csrfName,
      cookieOpts: cookie.options,
      csrfOpts: { hmacKey },
      getUserInfo: (request: FastifyRequest) => request.adminSession?.idHash ?? ANONYMOUS,
    });

    app.decorateRequest('adminSession', undefined);
    app.decorate('session', async (request: FastifyRequest) => {
      if (request.adminSession === undefined) {
        const id = request.cookies[cookie.name];
        request.adminSession = (id && (await findSession(app.db, id))) || null;
      }
      return request.adminSession;
    });

    app.decorate('verifyCsrf', async (request: FastifyRequest) => {
      await app.session(request);
      await new Promise<void>((resolve, reject) => {
        // The plugin answers a failure through reply.send(error); catch it as a rejection instead.
        const reply = { send: () => reject(httpError(403, 'Das Formular ist abgelaufen oder stammt nicht von dieser Seite: bitte laden Sie die Seite neu und senden Sie es noch einmal')) };
        app.csrfProtection(request, reply as unknown as FastifyReply, () => resolve());
      });
    });

    app.decorate('csrfToken', (request: FastifyRequest, reply: FastifyReply) =>
      reply.generateCsrf({ userInfo: request.adminSession?.idHash ?? ANONYMOUS } as Parameters<FastifyReply['generateCsrf']>[0]),
    );
  },
  { name: 'admin-session', dependencies: ['db'] },
);
