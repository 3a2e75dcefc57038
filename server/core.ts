// buildCore(config) → a Fastify instance with the config, the database (migrated), the compiled
// validators and the background jobs, but no HTTP routes. The CLI commands and `openStudy` use it
// directly: they need the database, not the web server, and loading the routes (report pages,
// charts, OpenAPI, the workspace) cost each command ~100 MB of memory. `buildApp` adds the rest.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import { loggerOptions as logOptions } from './logging.ts';
import { fastifyTrustProxy } from './trust-proxy.ts';
import background from './plugins/app/background.ts';
import { openEmbedded } from './db/embedded.ts';
import db from './plugins/app/db.ts';
import { recountStale } from './repositories/recount.ts';
import validators from './plugins/app/validators.ts';

export interface BuildOptions {
  /** A pino destination for tests that read the log. */
  logStream?: NodeJS.WritableStream;
  /** `befund serve`: share the embedded database with CLI commands over a local socket (db/embedded.ts). */
  shareEmbedded?: boolean;
}

/** The request and error log: see logging.ts for what may appear in it. */
export function loggerOptions(config: Config, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return logOptions(config.logLevel, stream);
}

export async function buildCore(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    // Behind a reverse proxy, TRUST_PROXY makes request.ip the client's address (for the abuse limits).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    // Slow or idle clients cannot hold sockets open: the whole request must arrive within
    // requestTimeout (checked every second, not Node's default 30 s), an idle socket closes
    // after connectionTimeout, a kept-alive one after keepAliveTimeout.
    requestTimeout: config.timeouts.httpRequestMs,
    connectionTimeout: config.timeouts.httpConnectionMs,
    keepAliveTimeout: config.timeouts.httpKeepAliveMs,
    http: { connectionsCheckingInterval: 1_000, headersTimeout: Math.min(config.timeouts.httpRequestMs, 10_000) },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  // Opened before the plugins: it may wait for another process's lock on DATA_DIR (up to a
  // minute) and migrates, which must not count against avvio's 10 s plugin timeout.
  const embedded = config.databaseUrl
    ? undefined
    : await openEmbedded(config, { serve: options.shareEmbedded === true, onError: (err) => app.log.warn({ err }, 'embedded database socket') });
  await app.register(db, { config, embedded });
  // Counts stored before the way they are derived changed (migration 0014: dynamic panels count
  // persons) are rebuilt from the responses before anything reads them. Here, not in a plugin:
  // a large survey may take longer than avvio's 10 s plugin timeout.
  const recounted = await recountStale(app.db);
  if (recounted > 0) app.log.info({ surveys: recounted }, 'recounted stored answers (dynamic panels now count persons)');
  await app.register(validators);
  await app.register(background);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}
