import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** The OpenAPI document, for researchers only. */
const docs: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/docs', { preHandler: app.requireRole('researcher'), schema: { hide: true } }, async () => app.swagger());
};
export default docs;
