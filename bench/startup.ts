// Start-up time of `befund serve` on the embedded database (issue 15): the compiled build
// (scripts/build.ts, as `npm start` runs it) on a fresh DATA_DIR (first start: create the
// database, migrate, import surveys/definitions) and again on the same folder (warm start),
// beside the same two through tsx from the TypeScript sources (BEFUND_SOURCE=1). Time runs from
// spawning node to the printed "Status:" line, after the server listens; CPU is the process's
// user + system time until then (/proc), which a busy machine stretches far less than the wall
// clock. `npm run bench -- --only startup`
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../scripts/build.ts';
import { processCpu } from './lib/proc-cpu.ts';
import { type BenchResult, goal, table } from './lib/report.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** User + system CPU seconds of a running process, all threads (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  const cpu = pid === undefined ? null : processCpu(pid);
  return cpu ? cpu.cpuMs / 1000 : Number.NaN;
}

/** Spawns `befund serve`, resolves with the ms and CPU s until it printed its URLs, then stops it. */
function startOnce(args: string[], env: Record<string, string>): Promise<{ ms: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', MAX_EVENT_LOOP_DELAY_MS: '0', ...env },
    });
    let out = '';
    let ms = 0;
    let cpu = Number.NaN;
    const onData = (d: Buffer) => {
      out += d;
      if (!ms && /Status: /.test(out)) {
        ms = performance.now() - started;
        cpu = cpuSeconds(child.pid);
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => (ms ? resolve({ ms, cpu }) : reject(new Error(`befund serve exited with ${code} before it listened: ${out.slice(-500)}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runStartup({ quick = false }: { quick?: boolean } = {}): Promise<BenchResult> {
  const cache = path.join(ROOT, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const out = fs.mkdtempSync(path.join(cache, 'befund-bench-build-'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-bench-startup-'));
  const warmRuns = quick ? 1 : 3;
  try {
    const build = await buildAll({ outdir: out });
    const variants: { name: string; args: string[]; env: Record<string, string> }[] = [
      { name: 'compiled (npm start)', args: [path.join(out, 'cli.js'), 'serve'], env: {} },
      { name: 'TypeScript through tsx', args: [path.join(ROOT, 'bin', 'befund.js'), 'serve'], env: { BEFUND_SOURCE: '1' } },
    ];
    const rows: { name: string; first: number; firstCpu: number; warm: number; warmCpu: number; warmAll: number[] }[] = [];
    for (const v of variants) {
      const dataDir = path.join(tmp, v.name.replace(/\W+/g, '-'));
      const first = await startOnce(v.args, { ...v.env, DATA_DIR: dataDir });
      const warm: { ms: number; cpu: number }[] = [];
      for (let i = 0; i < warmRuns; i++) warm.push(await startOnce(v.args, { ...v.env, DATA_DIR: dataDir }));
      const warmAll = warm.map((w) => w.ms);
      rows.push({ name: v.name, first: first.ms, firstCpu: first.cpu, warm: median(warmAll), warmCpu: median(warm.map((w) => w.cpu)), warmAll });
    }
    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      table(
        `Start-up of befund serve on PGlite (build: server ${build.ms.server} ms, web ${build.ms.web} ms; warm = median of ${warmRuns})`,
        ['variant', 'first start s', 'CPU s', 'warm start s', 'CPU s'],
        rows.map((r) => [r.name, s(r.first), r.firstCpu.toFixed(1), s(r.warm), r.warmCpu.toFixed(1)]),
      ),
    );
    const [compiled, source] = rows;
    return {
      id: 'startup',
      title: 'Start-up time (compiled build vs tsx)',
      goals: [
        goal('compiled first start (fresh DATA_DIR) ≤ 19 s, the time measured before the build (issue 15)', compiled.first / 1000, 19, 'at most', ' s', 1),
        goal('compiled warm start ≤ the same start through tsx', compiled.warm / 1000, source.warm / 1000, 'at most', ' s', 1),
        goal('compiled warm start CPU ≤ the same start through tsx', compiled.warmCpu, source.warmCpu, 'at most', ' s CPU', 1),
      ],
      figures: { build: build.ms, modules: build.inputs.length, warmRuns, rows },
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
