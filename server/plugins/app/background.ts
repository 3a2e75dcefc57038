// Background jobs: folding new complete responses into the report counts (every second) and
// delivering webhooks (every three seconds). Never on a respondent's path; one run of a job
// at a time; stopped and awaited before the database closes.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { foldPending } from '../../repositories/counts.ts';
import { deliverDue } from '../../repositories/webhooks.ts';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: { deliverDue(): Promise<number> };
    counts: { fold(): Promise<number> };
  }
}

/** Runs `job` every `ms`; a call while it runs joins the running one. */
function every(app: FastifyInstance, name: string, ms: number, job: () => Promise<number>): () => Promise<number> {
  let running: Promise<number> | null = null;
  const run = () => {
    running ??= job()
      .catch((err) => {
        app.log.warn({ err }, `${name} failed`);
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(run, ms);
    timer.unref();
  });
  app.addHook('preClose', async () => {
    clearInterval(timer);
    await running;
  });
  return run;
}

export default fp(
  async (app) => {
    app.decorate('counts', { fold: every(app, 'counting responses', 1000, () => foldPending(app.db)) });
    app.decorate('webhooks', { deliverDue: every(app, 'webhook delivery', 3000, () => deliverDue(app.db)) });
  },
  { name: 'background', dependencies: ['db'] },
);
