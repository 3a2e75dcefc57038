// buildApp(config) → FastifyInstance. No listen() here, so tests inject.
// Order as in fastify/demo: external plugins (security) → app plugins (db, errors) → routes.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import auth from './plugins/app/auth.ts';
import db from './plugins/app/db.ts';
import { installErrorHandler } from './plugins/app/errors.ts';
import validators from './plugins/app/validators.ts';
import background from './plugins/app/background.ts';
import security from './plugins/external/security.ts';
import assets from './plugins/external/assets.ts';
import openapi from './plugins/external/openapi.ts';
import docs from './routes/docs.ts';
import health from './routes/health.ts';
import respondent from './routes/respondent.ts';
import surveysRoutes from './routes/surveys.ts';
import exportsRoutes from './routes/exports.ts';
import responsesAdminRoutes from './routes/responses-admin.ts';
import tokensRoutes from './routes/tokens.ts';
import auditRoutes from './routes/audit.ts';
import reportsRoutes from './routes/reports.ts';
import reportPages from './routes/report-pages.ts';
import sharesRoutes from './routes/shares.ts';
import adminRoutes from './routes/admin/index.ts';

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

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    trustProxy: false,
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);

  await app.register(security);
  await app.register(assets);
  await app.register(openapi);
  await app.register(db, { config });
  await app.register(auth);
  await app.register(validators);
  await app.register(background);
  installErrorHandler(app);

  await app.register(health);
  await app.register(respondent);
  await app.register(surveysRoutes);
  await app.register(exportsRoutes);
  await app.register(responsesAdminRoutes);
  await app.register(tokensRoutes);
  await app.register(auditRoutes);
  await app.register(reportsRoutes);
  await app.register(reportPages);
  await app.register(sharesRoutes);
  await app.register(adminRoutes, { prefix: '/admin' });
  await app.register(docs);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}
