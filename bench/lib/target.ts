// Where a benchmark stores its data: a fresh `bench_<random>` database on the PostgreSQL server
// named by DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres), or a fresh PGlite
// folder under the system temp dir. Never the user's database or ./data; both are removed after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://root@127.0.0.1:5432/postgres';
export type Kind = 'postgres' | 'pglite';

export function serverUrl(): { url: string; fromEnv: boolean } {
  const env = process.env.DATABASE_URL;
  return env ? { url: env, fromEnv: true } : { url: DEFAULT_DATABASE_URL, fromEnv: false };
}

export interface Target {
  kind: Kind;
  /** The environment for buildApp / the CLI: DATABASE_URL, or DATA_DIR for PGlite. */
  env: Record<string, string>;
  /** Where, in words, for tables and JSON (no credentials). */
  label: string;
  drop(): Promise<void>;
}

function describe(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export async function createTarget(kind: Kind): Promise<Target> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'befund-bench-'));
    return {
      kind,
      env: { DATA_DIR: dir },
      label: `PGlite in ${dir}`,
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = serverUrl().url;
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `bench: cannot reach PostgreSQL at ${describe(base)} (${(err as { code?: string }).code ?? String(err)}): start it or set DATABASE_URL to a server where you may create databases`,
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    label: `PostgreSQL ${describe(url.toString())}`,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The PostgreSQL server's version, for the machine description. */
export async function postgresVersion(): Promise<string> {
  const c = new pg.Client({ connectionString: serverUrl().url });
  await c.connect();
  try {
    const { rows } = await c.query<{ v: string }>("select current_setting('server_version') as v");
    return rows[0].v;
  } finally {
    await c.end();
  }
}
