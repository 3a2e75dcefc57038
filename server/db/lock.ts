// Who holds the embedded database folder (DATA_DIR): a lock file `befund.lock` beside PGlite's
// files. PGlite is one database session inside one process; two processes opening the same
// folder each get their own copy and overwrite each other's files. So exactly one process opens
// it: a running `befund serve` (which then serves it to CLI commands over a local socket, see
// socket.ts), or a CLI command while no server runs.
//
// The lock is created atomically with its whole content (written to a private file, then
// hard-linked to the lock's name, which fails if it exists). A lock whose process is gone is
// stale and is broken: after kill -9, after a reboot (another boot id), or when the pid now
// belongs to a process started at another time.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type LockRole = 'server' | 'command';

export interface LockInfo {
  pid: number;
  role: LockRole;
  /** What the holder runs, for the sentence a waiting process prints ("befund demo"). */
  command: string;
  /** The folder of the server's socket (`.s.PGSQL.5432` in it); only for role `server`. */
  socketDir?: string;
  /** Tells this holder's lock apart from a later one of the same pid. */
  nonce: string;
  bootId?: string;
  startTime?: string;
}

export const LOCK_FILE = 'befund.lock';

export function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Linux only: which boot this is, and when a process started (clock ticks since boot). */
function bootId(): string | undefined {
  return readOr('/proc/sys/kernel/random/boot_id');
}

function startTime(pid: number): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name in parentheses may hold spaces; field 22 counts from the start.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19];
}

/** True while the lock's process still runs (the same process, not a later one with its pid). */
export function holderAlive(info: LockInfo): boolean {
  if (!Number.isInteger(info.pid) || info.pid <= 0) return false;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const boot = bootId();
  if (info.bootId && boot && info.bootId !== boot) return false;
  const started = startTime(info.pid);
  if (info.startTime && started && info.startTime !== started) return false;
  return true;
}

/** The lock's content, or null when there is none (or it cannot be read as a lock). */
export function readLock(dataDir: string): LockInfo | null {
  const text = readOr(lockPath(dataDir));
  if (!text) return null;
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' && typeof info.nonce === 'string' ? info : null;
  } catch {
    return null;
  }
}

export interface HeldLock {
  info: LockInfo;
  release(): void;
}

/**
 * Takes the lock, or returns who holds it. A stale lock (its process is gone) is broken first;
 * breaking renames it to a private name and checks it is still the stale one, so two processes
 * breaking the same stale lock at once cannot remove the lock one of them just took.
 */
export function tryLock(dataDir: string, want: Omit<LockInfo, 'pid' | 'nonce' | 'bootId' | 'startTime'>): HeldLock | { holder: LockInfo } {
  const file = lockPath(dataDir);
  const info: LockInfo = { ...want, pid: process.pid, nonce: randomBytes(8).toString('hex'), bootId: bootId(), startTime: startTime(process.pid) };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(file, JSON.stringify(info))) {
      return {
        info,
        release() {
          // Only our own lock: never remove one a later process took after ours was broken.
          if (readLock(dataDir)?.nonce === info.nonce) fs.rmSync(file, { force: true });
        },
      };
    }
    const holder = readLock(dataDir);
    if (holder && holderAlive(holder)) return { holder };
    breakStale(file, holder);
  }
  throw new Error(`could not take the lock ${file}`);
}

/** Creates `file` with `content` only if it does not exist; the content is complete when it appears. */
function create(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // A file system without hard links: exclusive create, then write (a reader may briefly see it empty).
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function breakStale(file: string, stale: LockInfo | null): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    throw err;
  }
  let moved: LockInfo | null = null;
  try {
    moved = JSON.parse(fs.readFileSync(aside, 'utf8')) as LockInfo;
  } catch {
    /* unreadable: it was a broken lock */
  }
  if (moved && moved.nonce !== stale?.nonce && holderAlive(moved)) {
    // Another process took the lock between our read and our rename: put it back.
    try {
      fs.linkSync(aside, file);
    } catch {
      /* a third one took it meanwhile; theirs stands */
    }
  }
  fs.rmSync(aside, { force: true });
}
