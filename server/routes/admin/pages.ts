// Workspace pages: the survey overview (with the upload of a new survey) and the audit log.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { href } from '../../../web/admin/html/layout.ts';
import { auditPage, overviewPage } from '../../../web/admin/html/overview.ts';
import { TEXTS } from '../../../web/admin/html/texts.ts';
import type { UploadResult } from '../../../web/admin/html/upload.ts';
import { httpError } from '../../errors.ts';
import { recentAudit } from '../../repositories/audit.ts';
import { surveyOverview } from '../../repositories/workspace.ts';
import { actorOf, LangQuery, langOfRequest, requireSession, sendHtml, viewOf } from './common.ts';
import { importUpload } from './upload.ts';

const pagesRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);

  app.get('/', { schema: { hide: true, querystring: LangQuery }, preHandler: guard }, async (request, reply) =>
    sendHtml(reply, overviewPage(viewOf(app, request, reply), await surveyOverview(app.db))),
  );

  app.post(
    '/surveys',
    { schema: { hide: true, querystring: LangQuery, body: z.object({ _csrf: z.string().optional(), slug: z.string().max(63), definition: z.string().max(2_000_000) }) }, preHandler: guard },
    async (request, reply) => {
      const result = await importUpload(app.db, request.body.slug.trim(), request.body.definition, actorOf(request), langOfRequest(request));
      if (result.kind !== 'refused') return reply.redirect(href(`/admin/surveys/${request.body.slug.trim()}`, langOfRequest(request), { v: String(result.version), same: result.kind === 'unchanged' ? '1' : '0' }), 303);
      const upload: UploadResult = { ...result, slug: request.body.slug };
      return sendHtml(reply, overviewPage(viewOf(app, request, reply), await surveyOverview(app.db), upload), 422);
    },
  );

  app.get(
    '/audit',
    { schema: { hide: true, querystring: LangQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).default(200) }) }, preHandler: guard },
    async (request, reply) => {
      if (request.adminSession?.actor.role !== 'admin') throw httpError(403, TEXTS[langOfRequest(request)].auditAdminOnly);
      return sendHtml(reply, auditPage(viewOf(app, request, reply), await recentAudit(app.db, request.query.limit)));
    },
  );
};
export default pagesRoutes;
