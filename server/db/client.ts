// Opens the one database the app uses: embedded PGlite (the zero-setup default) or a real
// PostgreSQL pool. Both give the same Drizzle type and run the same committed migrations.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { ConfigError } from '../config.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export { schema };

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Embedded PGlite under `dataDir` (or in memory for `memory://`), migrated. Loaded only when used. */
export async function openPglite(dataDir: string): Promise<{ db: Db; client: PGlite }> {
  if (dataDir !== 'memory://') assertUsableDataDir(dataDir);
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create(dataDir === 'memory://' ? undefined : path.join(dataDir, 'pglite'));
  const db = drizzlePglite({ client, schema, casing: 'snake_case' });
  await migratePglite(db, { migrationsFolder });
  return { db: db as unknown as Db, client };
}

/**
 * Drizzle over a pg pool (from @fastify/postgres), migrated under an advisory lock. Migrations
 * run on a connection of their own, without the pool's statement and client timeouts, so a
 * long index build is not cancelled halfway.
 */
export async function usePgPool(pool: pg.Pool, url: string, connectTimeoutMs = 10_000): Promise<Db> {
  const { default: Pg } = await import('pg');
  const conn = new Pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  conn.on('error', () => {}); // a lost connection fails the migration's query; nothing else to do
  await conn.connect().catch((err: unknown) => {
    throw new ConfigError(describePgError(err, url));
  });
  try {
    // Several processes may start at once against one database; migrate one at a time.
    await conn.query('select pg_advisory_lock(7240001)');
    const db = drizzlePg({ client: conn, schema, casing: 'snake_case' });
    await migratePg(db, { migrationsFolder });
  } finally {
    await conn.query('select pg_advisory_unlock(7240001)').catch(() => {});
    await conn.end().catch(() => {});
  }
  return overPgPool(pool);
}

/** The node-postgres pools behind the Db instances made by overPgPool (a transaction has none). */
const pgPools = new WeakMap<Db, pg.Pool>();

/** Drizzle over a node-postgres pool (PostgreSQL, or the embedded server's socket); pgPoolOf finds the pool again. */
export function overPgPool(pool: pg.Pool): Db {
  const db = drizzlePg({ client: pool, schema, casing: 'snake_case' }) as unknown as Db;
  pgPools.set(db, pool);
  return db;
}

/** The node-postgres pool behind `db`, or undefined for PGlite opened in this process and for a transaction. */
export function pgPoolOf(db: Db): pg.Pool | undefined {
  return pgPools.get(db);
}

export function assertUsableDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unbekannter Fehler';
    throw new ConfigError(
      `DATA_DIR=${dataDir} ist nicht les- oder schreibbar (${code}): geben Sie dem Server Schreibrechte auf diesen Ordner oder setzen Sie DATA_DIR auf einen anderen Ordner`,
    );
  }
}

/** Turns a connection failure into one sentence that names the fix. */
export function describePgError(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string };
  let where = url;
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}`;
  } catch {
    /* keep the raw value */
  }
  const db = (() => {
    try {
      return new URL(url).pathname.slice(1) || '(Standard)';
    } catch {
      return '?';
    }
  })();
  switch (e.code) {
    case 'ECONNREFUSED':
      return `DATABASE_URL ist gesetzt, aber der Server ${where} hat die Verbindung abgelehnt: starten Sie PostgreSQL oder entfernen Sie DATABASE_URL, um die eingebettete Datenbank zu nutzen`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DATABASE_URL nennt den Rechner ${where}, der nicht gefunden wurde: prüfen Sie den Rechnernamen in DATABASE_URL`;
    case '3D000':
      return `Die Datenbank "${db}" auf ${where} existiert nicht: legen Sie sie an (createdb ${db}) oder korrigieren Sie DATABASE_URL`;
    case '28P01':
    case '28000':
      return `PostgreSQL auf ${where} hat die Anmeldung abgelehnt: prüfen Sie Benutzer und Passwort in DATABASE_URL`;
    default:
      return `Keine Verbindung zu PostgreSQL auf ${where} (${e.code ?? e.message ?? 'unbekannter Fehler'}): prüfen Sie DATABASE_URL`;
  }
}
