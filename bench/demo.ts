// `befund demo --responses N` as a user runs it (issue 15, part 4): the CLI spawned on a fresh
// PostgreSQL database and on a fresh PGlite folder, timed from spawn to exit; the load average
// beside it, since the machine may be shared. Goal: 100,000 responses in ≤ 60 s on PostgreSQL.
// `npm run bench -- --only demo` (N = 100,000; --quick: 10,000).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchResult, goal, num, table } from './lib/report.ts';
import { createTarget, type Kind } from './lib/target.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `befund demo --responses n` with `env`; the seconds from spawn to exit. */
function demoOnce(n: number, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'befund.js'), 'demo', '--responses', String(n), '--json'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`befund demo exited with ${code}: ${out.slice(-500)}`));
      const stored = (JSON.parse(out.slice(out.indexOf('{'))) as { stored: number }).stored;
      if (stored !== n) return reject(new Error(`befund demo stored ${stored} of ${n}`));
      resolve((performance.now() - started) / 1000);
    });
  });
}

export async function runDemoBench({ quick = false }: { quick?: boolean } = {}): Promise<BenchResult> {
  const n = quick ? 10_000 : 100_000;
  const rows: { kind: Kind; seconds: number; perSecond: number; loadBefore: number; loadAfter: number }[] = [];
  for (const kind of ['postgres', 'pglite'] as Kind[]) {
    const target = await createTarget(kind);
    try {
      const loadBefore = os.loadavg()[0];
      const seconds = await demoOnce(n, target.env);
      rows.push({ kind, seconds, perSecond: n / seconds, loadBefore, loadAfter: os.loadavg()[0] });
    } finally {
      await target.drop();
    }
  }
  console.log(
    table(
      `befund demo --responses ${num(n)} (CLI spawned, start-up included; ${os.cpus().length} cores)`,
      ['database', 'total s', 'responses/s', 'load before', 'load after'],
      rows.map((r) => [r.kind, r.seconds.toFixed(1), num(r.perSecond), r.loadBefore.toFixed(1), r.loadAfter.toFixed(1)]),
    ),
  );
  const pg = rows[0];
  return {
    id: 'demo',
    title: 'Demo data (befund demo)',
    goals: [goal(`befund demo --responses ${num(n)} on PostgreSQL in ≤ ${quick ? 6 : 60} s (issue 15)`, pg.seconds, quick ? 6 : 60, 'at most', ' s', 1)],
    figures: { n, rows },
  };
}
