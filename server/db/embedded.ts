// Opening the embedded database (PGlite in DATA_DIR) so that the server and CLI commands can
// use it at the same time without losing anything:
// - `befund serve` takes the folder's lock, opens PGlite and serves it on a local socket
//   (socket.ts); a second server on the same folder refuses to start with the fix;
// - a CLI command (or a researcher's script through openStudy) connects to that socket with
//   `pg` when a server runs, and otherwise takes the lock itself and opens PGlite directly;
//   a server started meanwhile waits for it;
// - a lock left by a process that is gone (kill -9, power cut) is broken, not obeyed (lock.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';
import { assertUsableDataDir, type Db, openPglite, overPgPool } from './client.ts';
import { holderAlive, type LockInfo, tryLock } from './lock.ts';
import { type Bridge, SOCKET_PORT, serveOverSocket, socketFile } from './socket.ts';

export interface Embedded {
  db: Db;
  /** `direct`: this process opened PGlite; `server`: it talks to the running server's PGlite. */
  via: 'direct' | 'server';
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** True for `befund serve`: share the database with CLI commands; refuse a second server. */
  serve: boolean;
  /** How long to wait for a CLI command that has the folder open directly. */
  waitMs?: number;
  onError?(err: unknown): void;
}

/** "befund demo" for the CLI, the script's name for a researcher's own script. */
function commandName(): string {
  const script = path.basename(process.argv[1] ?? 'node');
  return /^befund(\.js)?$/.test(script) ? `befund ${process.argv[2] ?? ''}`.trim() : script;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let throughServer = false;
/** True once this process worked through a running server's socket (cli.ts words a lost connection for it). */
export function usedServer(): boolean {
  return throughServer;
}

export async function openEmbedded(config: Config, options: EmbeddedOptions): Promise<Embedded> {
  const dataDir = config.dataDir;
  if (dataDir === 'memory://') {
    const { db, client } = await openPglite(dataDir);
    return { db, via: 'direct', close: () => client.close() };
  }
  assertUsableDataDir(dataDir);
  const socketDir = options.serve ? socketFolder(dataDir) : undefined;
  try {
    return await lockOrConnect(config, options, socketDir);
  } catch (err) {
    if (socketDir && socketDir !== dataDir) fs.rmSync(socketDir, { recursive: true, force: true });
    throw err;
  }
}

async function lockOrConnect(config: Config, options: EmbeddedOptions, socketDir: string | undefined): Promise<Embedded> {
  const dataDir = config.dataDir;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  let told = false;
  for (;;) {
    const role = options.serve ? 'server' : 'command';
    const got = tryLock(dataDir, { role, command: commandName(), socketDir });
    if ('info' in got) {
      try {
        return await openDirect(config, got.info, options, got.release);
      } catch (err) {
        got.release();
        throw err;
      }
    }
    const holder = got.holder;
    if (holder.role === 'server') {
      if (options.serve) throw secondServer(dataDir, holder);
      const shared = await connectToServer(config, holder, options);
      if (shared) return shared;
      // The server is still opening the database, or has just gone: look again.
    } else if (!told) {
      told = true;
      process.stderr.write(
        `befund: Warte, bis ${holder.command} (PID ${holder.pid}) fertig ist – der Befehl nutzt DATA_DIR=${dataDir} gerade direkt …\n` +
          `befund: Waiting for ${holder.command} (PID ${holder.pid}) to finish – it is using DATA_DIR=${dataDir} directly …\n`,
      );
    }
    if (Date.now() > deadline) throw stillBusy(dataDir, holder, options.waitMs ?? 60_000);
    await sleep(200);
  }
}

function secondServer(dataDir: string, holder: LockInfo): UserError {
  return new UserError(
    `Auf DATA_DIR=${dataDir} läuft schon ein Befund-Server (PID ${holder.pid}): nutzen Sie ihn (Befehle wie npx befund demo arbeiten über ihn mit), beenden Sie ihn, oder starten Sie diesen Server mit einem anderen DATA_DIR.\n` +
      `A Befund server (PID ${holder.pid}) is already running on DATA_DIR=${dataDir}: use it (commands such as npx befund demo work through it), stop it, or start this server with another DATA_DIR.`,
  );
}

function stillBusy(dataDir: string, holder: LockInfo, waitMs: number): UserError {
  const s = Math.round(waitMs / 1000);
  const what = holder.role === 'server' ? `der Befund-Server (PID ${holder.pid})` : `${holder.command} (PID ${holder.pid})`;
  const whatEn = holder.role === 'server' ? `the Befund server (PID ${holder.pid})` : `${holder.command} (PID ${holder.pid})`;
  return new UserError(
    `DATA_DIR=${dataDir} ist seit ${s} s belegt: ${what} nutzt die Datenbank. Warten Sie, bis er fertig ist, oder beenden Sie ihn, und versuchen Sie es dann noch einmal.\n` +
      `DATA_DIR=${dataDir} has been busy for ${s} s: ${whatEn} is using the database. Wait for it to finish or stop it, then try again.`,
  );
}

/** Where the server's socket goes: in DATA_DIR, or a private temporary folder if that path is too long for a socket. */
function socketFolder(dataDir: string): string {
  if (socketFile(dataDir).length <= 100) return dataDir;
  return fs.mkdtempSync(path.join(os.tmpdir(), 'befund-'));
}

async function openDirect(config: Config, lock: LockInfo, options: EmbeddedOptions, release: () => void): Promise<Embedded> {
  const { db, client } = await openPglite(config.dataDir);
  let bridge: Bridge | undefined;
  const socketDir = lock.socketDir;
  if (options.serve && socketDir) {
    try {
      bridge = await serveOverSocket(client as PGlite, socketDir, { idleInTransactionMs: config.timeouts.idleInTransactionMs, onError: options.onError });
    } catch (err) {
      await client.close();
      throw err;
    }
  }
  return {
    db,
    via: 'direct',
    async close() {
      try {
        await bridge?.close(); // CLI connections end first (their open transactions roll back)
        await client.close(); // flushes PGlite's files
      } finally {
        if (socketDir && socketDir !== config.dataDir) fs.rmSync(socketDir, { recursive: true, force: true });
        release();
      }
    },
  };
}

/** A pool on the running server's socket, or null if it does not answer (starting, or gone). */
async function connectToServer(config: Config, holder: LockInfo, options: EmbeddedOptions): Promise<Embedded | null> {
  if (!holder.socketDir || !holderAlive(holder)) return null;
  const { default: Pg } = await import('pg');
  const pool = new Pg.Pool({
    host: holder.socketDir,
    port: SOCKET_PORT,
    user: 'postgres',
    database: 'postgres',
    max: 4,
    connectionTimeoutMillis: config.timeouts.connectMs,
    // A server that stops answering (frozen) fails the command instead of hanging it.
    query_timeout: config.timeouts.statementMs + 5_000,
  });
  // A server that stops while a command runs fails that command's queries (cli.ts names the
  // fix); the connection's own error must not end the process with a stack trace.
  pool.on('error', (err) => options.onError?.(err));
  pool.on('connect', (client: pg.PoolClient) => client.on('error', () => {}));
  try {
    await pool.query('select 1');
  } catch {
    await pool.end().catch(() => {});
    return null;
  }
  const db = overPgPool(pool);
  throughServer = true;
  return {
    db,
    via: 'server',
    // pool.end() waits for every checked-out client; after the server died, one may never come
    // back, and a promise nobody can settle would let the process exit 0 in silence.
    close: async () => {
      await Promise.race([pool.end().catch(() => {}), sleep(2_000)]);
    },
  };
}
