// buildCore(config) → a Fastify instance with the config, the database (migrated), the compiled
// validators and the background jobs, but no HTTP routes. The CLI commands and `openStudy` use it
// directly: they need the database, not the web server, and loading the routes (report pages,
// charts, OpenAPI, the workspace) cost each command ~100 MB of memory. `buildApp` adds the rest.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import background from './plugins/app/background.ts';
import db from './plugins/app/db.ts';
import validators from './plugins/app/validators.ts';

export interface BuildOptions {
  /** A pino destination for tests that read the log. */
  logStream?: NodeJS.WritableStream;
}

/** Privacy default: requests are logged by method and path only — no IP, no user agent. */
export function loggerOptions(config: Config, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    redact: ['req.headers', 'req.remoteAddress', 'req.remotePort', 'req.hostname'],
  };
}

export async function buildCore(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    trustProxy: false,
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  await app.register(db, { config });
  await app.register(validators);
  await app.register(background);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}
