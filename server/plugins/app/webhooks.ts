// The webhook worker: every few seconds, deliver what is due. Never on the respondent's path.
import fp from 'fastify-plugin';
import { deliverDue } from '../../repositories/webhooks.ts';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: { deliverDue(): Promise<number> };
  }
}

export default fp(
  async (app) => {
    let running: Promise<number> | null = null;
    const tick = () => {
      running ??= deliverDue(app.db)
        .catch((err) => {
          app.log.warn({ err }, 'webhook delivery failed');
          return 0;
        })
        .finally(() => {
          running = null;
        });
      return running;
    };
    app.decorate('webhooks', { deliverDue: tick });
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(tick, 3000);
      timer.unref();
    });
    app.addHook('preClose', async () => {
      clearInterval(timer);
      await running;
    });
  },
  { name: 'webhooks', dependencies: ['db'] },
);
