// Decorates the app with `db` (Drizzle) on PGlite or, with DATABASE_URL, on @fastify/postgres,
// and with `dbHealth`: what the last probe found and a probe bounded by its own short timeout.
// On PostgreSQL the pool has statement, lock, connection and client timeouts, every client has
// an error listener, and work fails at once with 503 while a monitor finds the server down.
import fastifyPostgres from '@fastify/postgres';
import { sql } from 'drizzle-orm';
import fp from 'fastify-plugin';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { type Db, usePgPool } from '../../db/client.ts';
import { type Embedded, openEmbedded } from '../../db/embedded.ts';
import { guardPool } from '../../db/guard.ts';
import { DbMonitor, type DbState } from '../../db/outage.ts';

export interface DbHealth {
  /** What the last probe found; always up on the embedded database. */
  state(): DbState;
  /** Probes now; answers within the health timeout whatever the database does. */
  probe(): Promise<DbState>;
  /** Hands a failed query to the monitor (a lost connection triggers a probe at once). */
  report(err: unknown): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    dbKind: 'pglite' | 'postgres';
    dbHealth: DbHealth;
  }
}

export default fp(
  async (app, opts: { config: Config; embedded?: Embedded }) => {
    const { config } = opts;
    const t = config.timeouts;
    if (config.databaseUrl) {
      await app.register(fastifyPostgres, {
        connectionString: config.databaseUrl,
        max: 20,
        connectionTimeoutMillis: t.connectMs,
        statement_timeout: t.statementMs,
        lock_timeout: t.lockMs,
        idle_in_transaction_session_timeout: t.idleInTransactionMs,
        // The client's own limit, for a server that stopped answering: past the server's.
        query_timeout: t.statementMs + 5_000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        application_name: 'befund',
      });
      const url = config.databaseUrl;
      const monitor = new DbMonitor({
        timeoutMs: t.healthMs,
        intervalMs: 500,
        connect: async () => {
          const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: t.healthMs, query_timeout: t.healthMs, application_name: 'befund-probe' });
          client.on('error', () => {});
          await client.connect();
          return client;
        },
        onChange: (state) => {
          if (state.up) app.log.info('database reachable again');
          else app.log.warn({ reason: state.reason }, `database ${state.reason === 'timeout' ? 'does not answer in time' : 'unreachable'}; requests get 503 until it is back`);
        },
      });
      // Errors on connections are expected during an outage; the monitor logs the outage once.
      guardPool(app.pg.pool, monitor, () => {});
      app.decorate('db', await usePgPool(app.pg.pool, url, t.connectMs));
      app.decorate('dbKind', 'postgres' as const);
      app.decorate('dbHealth', { state: () => monitor.state, probe: () => monitor.probe(), report: (err: unknown) => monitor.report(err) });
      app.addHook('onReady', async () => monitor.start());
      // Registered after @fastify/postgres, so this runs before the pool closes.
      app.addHook('onClose', async () => monitor.stop());
    } else {
      // Opened directly, or through the running server's socket when one uses DATA_DIR.
      const embedded = opts.embedded ?? (await openEmbedded(config, { serve: false, onError: (err) => app.log.warn({ err }, 'embedded database socket') }));
      const db = embedded.db;
      app.decorate('db', db);
      app.decorate('dbKind', 'pglite' as const);
      // The embedded database lives in this process: it is up whenever the process is.
      const up: DbState = { up: true };
      app.decorate('dbHealth', {
        state: () => up,
        probe: async (): Promise<DbState> => {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<DbState>((resolve) => {
            timer = setTimeout(() => resolve({ up: false, reason: 'timeout', since: Date.now() }), t.healthMs);
          });
          const check = db.execute(sql`select 1`).then(
            (): DbState => up,
            (): DbState => ({ up: false, reason: 'unreachable', since: Date.now() }),
          );
          return Promise.race([check, timeout]).finally(() => clearTimeout(timer));
        },
        report: () => {},
      });
      // Closing flushes PGlite's files, so they are never left half-written, and frees DATA_DIR.
      app.addHook('onClose', async () => embedded.close());
    }
  },
  { name: 'db' },
);
