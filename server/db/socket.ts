// The running server shares its embedded database (PGlite) with CLI commands over a local
// socket that speaks the PostgreSQL wire protocol, so `befund link create`, `demo`, `export` …
// write into the very database the server answers from, with the ordinary `pg` client.
//
// Written here rather than taken from @electric-sql/pglite-socket (see the README, "Die
// eingebettete Datenbank"): PGlite is ONE session, shared by the server's own queries and every
// socket connection. A connection's transaction must therefore hold PGlite's transaction mutex
// from its first statement until PostgreSQL reports the session idle again, and so must an
// extended-protocol batch (Parse … Sync); otherwise a CLI statement would run inside the
// server's transaction (and be rolled back with it), or the server's inside the CLI's.
// pglite-socket takes only the per-message query mutex.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/** pg finds a unix socket as `<host>/.s.PGSQL.<port>`. */
export const SOCKET_PORT = 5432;

export function socketFile(dir: string): string {
  return path.join(dir, `.s.PGSQL.${SOCKET_PORT}`);
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** A simple-protocol query message. */
function queryMessage(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('Q', 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** The status of the last ReadyForQuery in a response: I(dle), T(ransaction), E(rror in transaction). */
function readyStatus(out: Uint8Array): string | undefined {
  const b = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  let status: string | undefined;
  for (let i = 0; i + 5 <= b.length; ) {
    const len = b.readInt32BE(i + 1);
    if (b[i] === 0x5a && i + 5 < b.length) status = String.fromCharCode(b[i + 5]);
    i += 1 + len;
  }
  return status;
}

/** Waits for a PGlite mutex and keeps it until the returned function is called. */
function hold(run: (fn: () => Promise<void>) => Promise<void>): Promise<() => void> {
  return new Promise((acquired) => {
    void run(() => new Promise<void>((release) => acquired(release)));
  });
}

export interface Bridge {
  close(): Promise<void>;
}

export interface BridgeOptions {
  /** A connection that holds a transaction open without sending anything for this long is closed (and rolled back). */
  idleInTransactionMs: number;
  onError?(err: unknown): void;
}

export async function serveOverSocket(db: PGlite, dir: string, options: BridgeOptions): Promise<Bridge> {
  const file = socketFile(dir);
  // Left behind by a server killed with -9; ours now, as we hold the lock (lock.ts).
  fs.rmSync(file, { force: true });
  const open = new Set<{ socket: net.Socket; done: Promise<void> }>();

  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    let release: (() => void) | null = null;
    let idle: NodeJS.Timeout | undefined;
    let chain: Promise<void> = Promise.resolve();
    let closed = false;

    const exec = (message: Uint8Array) => db._runExclusiveQuery(() => db.execProtocolRaw(message));
    const letGo = () => {
      clearTimeout(idle);
      release?.();
      release = null;
    };
    const handle = async (type: number, message: Buffer): Promise<void> => {
      if (closed) return;
      if (!release) release = await hold((fn) => db._runExclusiveTransaction(fn));
      clearTimeout(idle);
      const out = await exec(message);
      if (out.length && !closed) socket.write(out);
      // A transaction or an unfinished Parse … Sync batch keeps the database to itself.
      if ((type === 0x53 || type === 0x51 || type === 0) && readyStatus(out) === 'I') letGo();
      else idle = setTimeout(() => socket.destroy(), options.idleInTransactionMs);
    };
    const cleanup = async () => {
      if (!release) return;
      // End whatever this connection left open: a pending batch, then its transaction.
      try {
        const status = readyStatus(await exec(SYNC));
        if (status !== 'I') await exec(queryMessage('ROLLBACK'));
      } finally {
        letGo();
      }
    };
    const fail = (err: unknown) => {
      options.onError?.(err);
      socket.destroy();
    };

    socket.on('data', (data) => {
      buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) return;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, len);
          buffer = buffer.subarray(len);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code !== PROTOCOL_3) {
            socket.destroy(); // a cancel request (nothing to cancel in one session) or garbage
            return;
          }
          started = true;
          chain = chain.then(() => handle(0, message)).catch(fail);
          continue;
        }
        if (buffer.length < 5) return;
        const len = buffer.readInt32BE(1);
        if (buffer.length < len + 1) return;
        const type = buffer[0];
        const message = buffer.subarray(0, len + 1);
        buffer = buffer.subarray(len + 1);
        if (type === 0x58) {
          socket.end(); // Terminate: the close handler rolls back what is left
          return;
        }
        chain = chain.then(() => handle(type, message)).catch(fail);
      }
    });
    socket.on('error', () => {}); // a client that went away; 'close' follows
    const entry = { socket, done: Promise.resolve() };
    entry.done = new Promise<void>((resolve) => {
      socket.on('close', () => {
        closed = true;
        chain = chain.then(cleanup).catch((err) => options.onError?.(err));
        void chain.finally(() => {
          open.delete(entry);
          resolve();
        });
      });
    });
    open.add(entry);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(file, 0o600); // only the user who runs the server (and root) may connect
  server.on('error', (err) => options.onError?.(err));

  return {
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of open) c.socket.destroy();
      await Promise.all([...open].map((c) => c.done));
      await closing;
      fs.rmSync(file, { force: true });
    },
  };
}
