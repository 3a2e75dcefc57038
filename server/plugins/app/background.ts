// Background jobs: folding new complete responses into the report counts (every second),
// publishing shared reports' releases once each changed group gained k responses (every ten
// seconds) and delivering webhooks (every three seconds). Never on a respondent's path; one run of a job
// at a time; stopped and awaited before the database closes.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { usedServer } from '../../db/embedded.ts';
import { isDatabaseUnavailable } from '../../db/outage.ts';
import { foldPending } from '../../repositories/counts.ts';
import { autoRelease } from '../../repositories/releases.ts';
import { deliverDue, purgeFailedDeliveries, type RetrySchedule } from '../../repositories/webhooks.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** `retries`: when each failed delivery may be tried again (in memory; see webhooks.ts). */
    webhooks: { deliverDue(): Promise<number>; retries: RetrySchedule };
    counts: { fold(): Promise<number> };
    /** Publishes a release where every changed group gained ≥ k responses (releases.ts). */
    releases: { auto(): Promise<number> };
  }
}

/**
 * Runs `job` every `ms`; a call while it runs joins the running one. While the database is
 * down the timer does not call the job at all, and after a failure it waits twice as long each
 * time (up to a minute). An outage is logged once by the database monitor, not here per
 * attempt; any other failure is logged once until the job succeeds again.
 */
export function every(app: FastifyInstance, name: string, ms: number, job: () => Promise<number>): () => Promise<number> {
  let running: Promise<number> | null = null;
  let failures = 0;
  let notBefore = 0;
  let reported = false;
  const run = () => {
    running ??= job()
      .then((n) => {
        if (reported) app.log.info(`${name} works again`);
        failures = 0;
        notBefore = 0;
        reported = false;
        return n;
      })
      .catch((err) => {
        failures++;
        notBefore = Date.now() + Math.min(60_000, ms * 2 ** failures);
        app.dbHealth.report(err);
        if (!isDatabaseUnavailable(err) && !reported) {
          reported = true;
          app.log.warn({ err }, `${name} failed; retrying with backoff`);
        }
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  let wasDown = false;
  const tick = () => {
    const up = app.dbHealth.state().up;
    if (up && wasDown) notBefore = 0; // the database is back: no need to wait out the backoff
    wasDown = !up;
    if (!up || Date.now() < notBefore) return;
    void run();
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(tick, ms);
    timer.unref();
  });
  app.addHook('preClose', async () => {
    clearInterval(timer);
    await running;
  });
  return run;
}

/** Responses per transaction of the background fold (see below). */
export const BACKGROUND_FOLD_BATCH = 250;

export default fp(
  async (app) => {
    // Small batches: a batch is parsed and tallied on the event loop in one piece, and at 2,000
    // responses that held answers back long enough to lift ingest's p99 from ~75 ms to ~120 ms
    // (npm run bench -- --only ingest). Report reads fold what is left in larger batches.
    app.decorate('counts', { fold: every(app, 'counting responses', 1000, () => foldPending(app.db, { batch: BACKGROUND_FOLD_BATCH })) });
    // A CLI command working through a running server's embedded database leaves releases and
    // webhooks to that server: on the embedded database a delivery holds no row lock during its
    // POST (it would hold the whole database), so two processes could send one twice.
    const guest = app.dbKind === 'pglite' && usedServer();
    const idle = async () => 0;
    app.decorate('releases', { auto: guest ? idle : every(app, 'releasing shared reports', 10_000, () => autoRelease(app.db, app.config.minGroupSize)) });
    const retries: RetrySchedule = new Map();
    // Registered before the job's own preClose hook (which awaits the run), so a shutdown waits
    // only for the deliveries in flight, not for the rest of a long backlog.
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.decorate('webhooks', {
      deliverDue: guest
        ? idle
        : every(app, 'webhook delivery', 3000, async () => {
          const { concurrency, allowPrivate, failedRetentionDays } = app.config.webhooks;
          const delivered = await deliverDue(app.db, { schedule: retries, holdLock: app.dbKind === 'postgres', concurrency, allowPrivate, stop: () => closing });
          await purgeFailedDeliveries(app.db, failedRetentionDays);
          return delivered;
        }),
      retries,
    });
  },
  { name: 'background', dependencies: ['db'] },
);
