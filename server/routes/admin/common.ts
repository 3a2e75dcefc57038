// Shared pieces of the workspace routes: the page view (language, CSRF token, actor), HTML
// replies, and the session guard.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { href, type View } from '../../../web/admin/html/layout.ts';
import { langOf, TEXTS } from '../../../web/admin/html/texts.ts';
import { httpError } from '../../errors.ts';
import { isUnsafeMethod } from '../../plugins/app/session.ts';
import { SLUG_PATTERN } from '../../repositories/surveys.ts';

export const LangQuery = z.object({ lang: z.string().optional() });
export const SlugParams = z.object({ slug: z.string().regex(SLUG_PATTERN) });

/** Form fields arrive as strings; an empty field means "not given". */
export const blank = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export function langOfRequest(request: FastifyRequest): 'de' | 'en' {
  return langOf((request.query as { lang?: unknown } | undefined)?.lang);
}

export function viewOf(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): View {
  const actor = request.adminSession?.actor;
  return {
    lang: langOfRequest(request),
    csrf: app.csrfToken(request, reply),
    actor: actor ? { name: actor.name, role: actor.role } : null,
    path: request.url.split('?')[0],
  };
}

export function sendHtml(reply: FastifyReply, html: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** Who acted, as the audit log writes it (the same form as the bearer-token API). */
export function actorOf(request: FastifyRequest): string {
  return `token:${request.adminSession?.actor.id}`;
}

/**
 * preHandler of every workspace route but login: without a live session a page view is sent to
 * the login page, anything else gets 401; a state-changing request must carry a CSRF token.
 */
export function requireSession(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await app.session(request);
    if (!session) {
      const lang = langOfRequest(request);
      if (request.method === 'GET' || request.method === 'HEAD') {
        const path = request.url.split('?')[0];
        return reply.redirect(href('/admin/login', lang, path === '/admin' ? {} : { next: path }), 303);
      }
      throw httpError(401, TEXTS[lang].sessionEnded);
    }
    if (isUnsafeMethod(request.method)) await app.verifyCsrf(request);
  };
}
