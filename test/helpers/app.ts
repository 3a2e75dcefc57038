// Builds the real app for a test file: embedded PGlite in memory, or — when DATABASE_URL is
// set — a fresh database on that PostgreSQL server, dropped again afterwards.
//
// The in-memory PGlite starts from a template: the data folder of a database that ran
// initdb and every committed migration (through the app's own openPglite), dumped once to the
// system's temporary folder and keyed by the migration files and the PGlite version. Each
// app loads that dump (about 1.3 s of CPU) instead of running initdb and the migrations again
// (about 4 s); the app's migrate step still runs and finds nothing left to do.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
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

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/db/migrations');

/** A hash of the migration files and the PGlite version: the template's name. */
function templateKey(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${path.relative(migrationsDir, p)}\0`).update(fs.readFileSync(p));
    }
  };
  walk(migrationsDir);
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite'); // <package>/dist/index.cjs
  const version = (JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '../package.json'), 'utf8')) as { version: string }).version;
  return `${version}-${h.digest('hex').slice(0, 16)}`;
}

const originalCreate = PGlite.create.bind(PGlite) as (...args: unknown[]) => Promise<PGlite>;
let templateBlob: Promise<Blob> | undefined;
let buildingTemplate = false;
let appsBuilding = 0;

/** The migrated database's data folder as a tar: from the temporary folder, or made now. */
function template(): Promise<Blob> {
  templateBlob ??= (async () => {
    const file = path.join(os.tmpdir(), `befund-pglite-template-${templateKey()}.tar`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const { openPglite } = await import('../../server/db/client.ts');
    buildingTemplate = true;
    let opened: Awaited<ReturnType<typeof openPglite>>;
    try {
      opened = await openPglite('memory://');
    } finally {
      buildingTemplate = false;
    }
    const dump = await opened.client.dumpDataDir('none');
    await opened.client.close();
    const bytes = Buffer.from(await dump.arrayBuffer());
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file); // whole or not at all, for the test files starting beside this one
    return new Blob([bytes]);
  })();
  return templateBlob;
}

// While buildTestApp builds an app, the app's in-memory PGlite (PGlite.create() without a data
// folder) starts from the template. Every other PGlite.create call is left as it is.
(PGlite as unknown as { create: (...args: unknown[]) => Promise<PGlite> }).create = async (...args: unknown[]) => {
  if (appsBuilding > 0 && !buildingTemplate && args.every((a) => a === undefined)) return originalCreate({ loadDataDir: await template() });
  return originalCreate(...args);
};

export async function buildTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const base = process.env.DATABASE_URL;
  const fresh = base ? await freshPostgresDatabase(base) : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    // Test files share two busy cores, and the process running a test also runs its checks
    // between requests: load shedding would answer some of them 503 when those checks keep the
    // loop busy for seconds. Off in test apps; test/serial/overload.test.ts turns it on.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // For the same reason the health probe may wait 10 s: on a busy machine a 1 s probe declared
    // a healthy database down and the route answered 503 (seen in the differential test).
    // test/serial/db-outage.test.ts tests the production default on a server of its own.
    DB_HEALTH_TIMEOUT_MS: '10000',
    // And a report read waits for its build however long a busy machine takes (production: 20 s,
    // then 503 with Retry-After); test/server/report-prepare.test.ts tests that with 0.
    REPORT_WAIT_MS: '600000',
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
    ...env,
  });
  appsBuilding++;
  let app: FastifyInstance;
  try {
    app = await buildApp(config, options);
  } finally {
    appsBuilding--;
  }
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
