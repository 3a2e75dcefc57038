// Admin routes for API tokens: list, create (the token is shown once), revoke.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { httpError } from '../errors.ts';
import { RowId } from './common.ts';
import { createToken, listTokens, revokeToken } from '../repositories/tokens.ts';

const Message = z.object({ message: z.string() });
const Role = z.enum(['admin', 'researcher']);
const TokenOut = z.object({ id: z.number(), name: z.string(), role: Role, createdAt: z.date(), revokedAt: z.date().nullable() });

const tokensRoutes: FastifyPluginAsyncZod = async (app) => {
  const admin = { preHandler: app.requireRole('admin') };

  app.get(
    '/api/v1/admin/tokens',
    { ...admin, schema: { tags: ['admin'], summary: 'Alle API-Tokens (ohne die Tokens selbst)', response: { 200: z.object({ tokens: z.array(TokenOut) }), 401: Message, 403: Message } } },
    async () => ({ tokens: await listTokens(app.db) }),
  );

  app.post(
    '/api/v1/admin/tokens',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Ein Token anlegen; es wird nur in dieser Antwort gezeigt',
        body: z.object({ role: Role, name: z.string().trim().min(1).max(100) }),
        response: { 201: z.object({ id: z.number(), role: Role, name: z.string(), token: z.string() }), 400: Message, 401: Message, 403: Message },
      },
    },
    async (request, reply) => {
      const { role, name } = request.body;
      const created = await createToken(app.db, role, name, `token:${request.actor?.id}`);
      return reply.code(201).header('cache-control', 'no-store').send({ id: created.id, role, name, token: created.token });
    },
  );

  app.delete(
    '/api/v1/admin/tokens/:id',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Ein Token widerrufen',
        params: z.object({ id: RowId }),
        response: { 204: z.null(), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request, reply) => {
      if (!(await revokeToken(app.db, request.params.id, `token:${request.actor?.id}`))) throw httpError(404, `Token ${request.params.id} gibt es nicht`);
      return reply.code(204).send(null);
    },
  );
};
export default tokensRoutes;
