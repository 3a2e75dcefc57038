// A throw-away PostgreSQL cluster of its own (Debian's pg_createcluster), on a free port, for
// tests that stop, restart or freeze the database. The shared server is never touched.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Cluster {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP (freeze) or SIGCONT (thaw) every process of the cluster. */
  signal(sig: 'SIGSTOP' | 'SIGCONT'): void;
  drop(): Promise<void>;
}

/** Why the cluster cannot be made here, or null when it can. */
export function clusterUnavailable(): string | null {
  for (const tool of ['pg_createcluster', 'pg_ctlcluster', 'pg_dropcluster']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      return `${tool} is missing: install Debian's postgresql-common and postgresql (apt-get install postgresql) to run this test`;
    }
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function createCluster(): Promise<Cluster> {
  const version = fs
    .readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))[0];
  const name = `befund_t_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  try {
    await run('pg_createcluster', [version, name, '-p', String(port), '--start', '-o', 'max_connections=200', '--', '--auth=trust']);
  } catch (err) {
    execFileSync('pg_dropcluster', ['--stop', version, name], { stdio: 'ignore' });
    throw err;
  }
  let dropped = false;
  const pids = (): number[] => {
    const file = `/var/lib/postgresql/${version}/${name}/postmaster.pid`;
    if (!fs.existsSync(file)) return [];
    const main = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    let children: number[] = [];
    try {
      children = execFileSync('pgrep', ['-P', String(main)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      /* no children */
    }
    return [main, ...children];
  };
  const dropSync = () => {
    if (dropped) return;
    dropped = true;
    for (const pid of pids()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
    try {
      execFileSync('pg_dropcluster', ['--stop', version, name], { stdio: 'ignore' });
    } catch {
      /* best effort */
    }
  };
  process.once('exit', dropSync); // a test that dies midway still leaves no cluster behind
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await run('pg_ctlcluster', [version, name, 'stop', '-m', 'fast']);
    },
    start: async () => {
      await run('pg_ctlcluster', [version, name, 'start']);
    },
    signal(sig) {
      const all = pids();
      for (const pid of sig === 'SIGSTOP' ? all : [...all].reverse()) {
        try {
          process.kill(pid, sig);
        } catch {
          /* gone */
        }
      }
    },
    drop: async () => {
      dropSync();
      process.removeListener('exit', dropSync);
    },
  };
}
