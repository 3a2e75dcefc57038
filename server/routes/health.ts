// GET /healthz: 200 when the database answers, else 503 naming why (unreachable / timeout).
// Bounded by its own short timeout (DB_HEALTH_TIMEOUT_MS) and never queued behind the pool.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RETRY_AFTER_SECONDS } from '../db/outage.ts';

const REASON_TEXT = {
  unreachable: 'Datenbank nicht erreichbar',
  timeout: 'Datenbank antwortet nicht rechtzeitig',
} as const;

const health: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }),
          503: z.object({ status: z.literal('unavailable'), database: z.enum(['pglite', 'postgres']), reason: z.enum(['unreachable', 'timeout']), message: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      const state = await app.dbHealth.probe();
      if (state.up) return { status: 'ok' as const, database: app.dbKind };
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ status: 'unavailable' as const, database: app.dbKind, reason: state.reason, message: REASON_TEXT[state.reason] });
    },
  );
};
export default health;
