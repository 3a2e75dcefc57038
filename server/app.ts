// buildApp(config) → FastifyInstance. No listen() here, so tests inject.
// buildCore (config, database, validators, background jobs) → external plugins (security,
// assets, OpenAPI) → auth and errors → routes.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { type BuildOptions, buildCore } from './core.ts';
import { RETRY_AFTER_SECONDS, requestLocale } from './db/outage.ts';
import { OVERLOAD_CHECK_MS, overloadMonitor } from './overload.ts';
import auth from './plugins/app/auth.ts';
import mailRounds from './plugins/app/mail-rounds.ts';
import { installErrorHandler } from './plugins/app/errors.ts';
import assets from './plugins/external/assets.ts';
import openapi from './plugins/external/openapi.ts';
import security from './plugins/external/security.ts';
import adminRoutes from './routes/admin/index.ts';
import auditRoutes from './routes/audit.ts';
import docs from './routes/docs.ts';
import exportsRoutes from './routes/exports.ts';
import health, { overloadedHealth } from './routes/health.ts';
import reportPages from './routes/report-pages.ts';
import profilesRoutes from './routes/profiles.ts';
import openTextRoutes from './routes/open-texts.ts';
import participantsRoutes from './routes/participants.ts';
import reportsRoutes from './routes/reports.ts';
import respondent from './routes/respondent.ts';
import responsesAdminRoutes from './routes/responses-admin.ts';
import sharesRoutes from './routes/shares.ts';
import surveysRoutes from './routes/surveys.ts';
import tokensRoutes from './routes/tokens.ts';

export { type BuildOptions, loggerOptions } from './core.ts';

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = await buildCore(config, options);
  // The partner panel's scheduled mail rounds: sent by the running server only, not by CLI commands.
  await app.register(mailRounds);
  // Overload: when the event loop lags by more than MAX_EVENT_LOOP_DELAY_MS on average, two
  // seconds in a row (server/overload.ts: why not under-pressure's own measure), new requests
  // get 503 with Retry-After at once instead of queueing behind the backlog.
  const overload = config.timeouts.maxEventLoopDelayMs > 0 ? overloadMonitor(config.timeouts.maxEventLoopDelayMs) : undefined;
  if (overload) app.addHook('onClose', async () => overload.close());
  await app.register(underPressure, {
    ...(overload ? { healthCheck: async () => overload.healthy(), healthCheckInterval: OVERLOAD_CHECK_MS } : {}),
    retryAfter: RETRY_AFTER_SECONDS,
    // A returned object is sent as the reply (the plugin's types only admit void).
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply) => {
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
      // /healthz says why in its own shape (its response schema would refuse the sentence alone)
      if (request.routeOptions.url === '/healthz') return overloadedHealth(app.dbKind);
      return {
        message:
          requestLocale(request) === 'en'
            ? 'The server is overloaded at the moment. Please try again in a few seconds.'
            : 'Der Server ist gerade überlastet. Bitte versuchen Sie es in einigen Sekunden noch einmal.',
      };
    }) as unknown as () => void,
  });
  await app.register(security);
  await app.register(assets);
  await app.register(openapi);
  await app.register(auth);
  installErrorHandler(app);

  await app.register(health);
  await app.register(respondent);
  await app.register(surveysRoutes);
  await app.register(exportsRoutes);
  await app.register(responsesAdminRoutes);
  await app.register(tokensRoutes);
  await app.register(auditRoutes);
  await app.register(reportsRoutes);
  await app.register(profilesRoutes);
  await app.register(openTextRoutes);
  await app.register(reportPages);
  await app.register(sharesRoutes);
  await app.register(participantsRoutes);
  await app.register(adminRoutes, { prefix: '/admin' });
  await app.register(docs);
  return app;
}
