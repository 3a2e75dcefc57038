// Admin route for the audit log: who did what, when — never the answers.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recentAudit } from '../repositories/audit.ts';

const Message = z.object({ message: z.string() });
const Entry = z.object({ id: z.number(), at: z.date(), actor: z.string(), action: z.string(), target: z.string().nullable(), details: z.unknown() });

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/admin/audit',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['admin'],
        summary: 'Die neuesten Einträge des Audit-Logs, neueste zuerst',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ entries: z.array(Entry) }), 400: Message, 401: Message, 403: Message },
      },
    },
    async (request) => ({ entries: await recentAudit(app.db, request.query.limit) }),
  );
};
export default auditRoutes;
