// GET /healthz: 200 when the database answers, else 503 naming why (unreachable / timeout).
// Bounded by its own short timeout (DB_HEALTH_TIMEOUT_MS) and never queued behind the pool.
// While requests are shed for overload it answers 503 at once with reason "overloaded"
// (server/app.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RETRY_AFTER_SECONDS } from '../db/outage.ts';

const REASON_TEXT = {
  unreachable: 'Datenbank nicht erreichbar',
  timeout: 'Datenbank antwortet nicht rechtzeitig',
  overloaded: 'Server überlastet',
} as const;

/** What /healthz answers while under-pressure sheds requests (in the route's own shape). */
export function overloadedHealth(database: 'pglite' | 'postgres') {
  return { status: 'unavailable' as const, database, reason: 'overloaded' as const, message: REASON_TEXT.overloaded };
}

const health: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }),
          503: z.object({ status: z.literal('unavailable'), database: z.enum(['pglite', 'postgres']), reason: z.enum(['unreachable', 'timeout', 'overloaded']), message: z.string() }),
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
