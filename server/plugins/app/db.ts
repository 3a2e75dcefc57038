// Decorates the app with `db` (Drizzle) on PGlite or, with DATABASE_URL, on @fastify/postgres.
import fastifyPostgres from '@fastify/postgres';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { type Db, openPglite, usePgPool } from '../../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    dbKind: 'pglite' | 'postgres';
  }
}

export default fp(
  async (app, opts: { config: Config }) => {
    const { config } = opts;
    if (config.databaseUrl) {
      await app.register(fastifyPostgres, { connectionString: config.databaseUrl, max: 20 });
      // An idle connection the server drops (restart, failover, a terminated backend) must not
      // crash the process: pg reports it on the pool, and the pool opens a new one when needed.
      app.pg.pool.on('error', (err) => app.log.warn({ err }, 'an idle database connection was closed by the server'));
      app.decorate('db', await usePgPool(app.pg.pool, config.databaseUrl));
      app.decorate('dbKind', 'postgres' as const);
    } else {
      const { db, client } = await openPglite(config.dataDir);
      app.decorate('db', db);
      app.decorate('dbKind', 'pglite' as const);
      // Closing flushes PGlite's files, so they are never left half-written.
      app.addHook('onClose', async () => client.close());
    }
  },
  { name: 'db' },
);
