// Builds the real app for a test file: embedded PGlite in memory, or — when DATABASE_URL is
// set — a fresh database on that PostgreSQL server, dropped again afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config.ts';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  cleanup(): Promise<void>;
}

/** A fresh, empty database URL on the server named by DATABASE_URL, and how to drop it. */
export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `befund_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function buildTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const base = process.env.DATABASE_URL;
  const fresh = base ? await freshPostgresDatabase(base) : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    // Test files share two busy cores, and the process running a test also runs its checks
    // between requests: load shedding would answer some of them 503 when those checks keep the
    // loop busy for seconds. Off in test apps; test/server/overload.test.ts turns it on.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // For the same reason the health probe may wait 10 s: on a busy machine a 1 s probe declared
    // a healthy database down and the route answered 503 (seen in the differential test).
    // test/server/db-outage.test.ts tests the production default on a server of its own.
    DB_HEALTH_TIMEOUT_MS: '10000',
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
    ...env,
  });
  const app = await buildApp(config, options);
  await app.ready();
  return {
    app,
    config,
    async cleanup() {
      await app.close();
      await fresh?.drop();
    },
  };
}

/** The database the suite runs on, for test names. */
export const dbLabel = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
