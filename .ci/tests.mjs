// Runs compiled tap test files (npm run build:tests) as plain node processes, N at a time, for
// .ci/run. Each file is still a tap test (the same `tap` library, TAP output, exit code); what this
// replaces is tap's runner, which starts every test file with three loaders of its own (tap's
// process info, which hands every loaded module's source to the main thread and measures its
// lines for coverage reports; its module mocks; source maps), about 2–3 s of CPU per file and
// ~200 files per CI run, though CI reports no coverage and no test mocks a module.
//
//   node .ci/tests.mjs [--jobs N] [--timeout SECONDS] [--database-url URL] ENTRY…
//
// ENTRY is `pglite:test/a/b.test.ts` or `postgres:test/a/b.test.ts`: the source file, run as
// .test-build/test/a/b.test.js, on the embedded database or with DATABASE_URL=URL. The files of
// a sharded test (name-1.test.ts, name-2.test.ts …) are the longest and start first, so that no
// long file starts near the end; the rest keep their order. A file fails when it exits with
// another code than 0, when its summary counts a failure or is missing, or when it runs longer
// than the timeout (then it is killed). Prints every file's output as it finishes, and at the end
// tap's summary line `# { total: N, pass: N, fail: N }` over all files.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '600' },
    'database-url': { type: 'string' },
  },
  allowPositionals: true,
});
const jobs = Math.max(1, Number(values.jobs));
const timeoutMs = Number(values.timeout) * 1000;

/** @typedef {{ db: 'pglite' | 'postgres', file: string }} Entry */
/** @type {Entry[]} */
const entries = positionals.map((p) => {
  const [db, file] = p.split(/:(.*)/s);
  if ((db !== 'pglite' && db !== 'postgres') || !file) throw new Error(`not an entry: ${p} (pglite:FILE or postgres:FILE)`);
  if (db === 'postgres' && !values['database-url']) throw new Error(`${p} needs --database-url`);
  return { db, file };
});
const sharded = (e) => /-\d+\.test\.ts$/.test(e.file);
const queue = [...entries.filter(sharded), ...entries.filter((e) => !sharded(e))];

const totals = { total: 0, pass: 0, fail: 0, skip: 0, todo: 0 };
/** CPU seconds per file and database, for the table at the end. */
const cpuByFile = [];

/**
 * CPU seconds of this process's finished children so far (Linux: cutime + cstime in
 * /proc/self/stat, in clock ticks of 1/100 s), or null elsewhere. Read when a child has been
 * reaped, the difference to the read before is that child's CPU, its own children included.
 */
function childrenCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}
let lastChildrenCpu = childrenCpu();
const failedFiles = [];
const started = Date.now();

/** tap's summary comment (the last one): `# { total: 5, pass: 4, fail: 1, skip: 0 }`. */
function summary(output) {
  const lines = output.match(/^# \{ total: .*\}$/gm);
  if (!lines) return null;
  const counts = {};
  for (const m of lines.at(-1).matchAll(/(\w+): (\d+)/g)) counts[m[1]] = Number(m[2]);
  return counts;
}

function run(entry) {
  return new Promise((resolve) => {
    const js = path.join('.test-build', entry.file.replace(/\.ts$/, '.js'));
    const env = { ...process.env, TAP: '1', TAP_TIMEOUT: String(timeoutMs / 1000) };
    if (entry.db === 'postgres') env.DATABASE_URL = values['database-url'];
    else delete env.DATABASE_URL;
    const t0 = Date.now();
    const child = spawn(process.execPath, [js], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const cpuNow = childrenCpu();
      const cpu = cpuNow === null || lastChildrenCpu === null ? null : cpuNow - lastChildrenCpu;
      lastChildrenCpu = cpuNow;
      if (cpu !== null) cpuByFile.push({ cpu, name: `${entry.file} on ${entry.db}` });
      const counts = summary(output);
      for (const k of Object.keys(totals)) totals[k] += counts?.[k] ?? 0;
      const problem = timedOut
        ? `killed after ${timeoutMs / 1000} s`
        : code !== 0
          ? `exit ${code ?? signal}`
          : !counts
            ? 'no tap summary'
            : counts.fail
              ? `${counts.fail} failed`
              : null;
      if (problem) {
        failedFiles.push(`${entry.file} (${entry.db}): ${problem}`);
        // A crash before any assertion still counts as one failure.
        if (!counts?.fail) totals.fail++;
      }
      const cpuText = cpu === null ? '' : `, ${cpu.toFixed(1)} s CPU`;
      process.stdout.write(`\n# ${problem ? 'not ok' : 'ok'} - ${entry.file} on ${entry.db}, ${secs} s${cpuText}${problem ? `: ${problem}` : ''}\n`);
      process.stdout.write(output.replace(/^/gm, '    '));
      resolve();
    });
  });
}

async function worker() {
  for (let e = queue.shift(); e; e = queue.shift()) await run(e);
}
await Promise.all(Array.from({ length: Math.min(jobs, entries.length) }, worker));

const cpuTotal = cpuByFile.reduce((sum, f) => sum + f.cpu, 0);
process.stdout.write(`\n# ${entries.length} files, ${jobs} at a time, ${((Date.now() - started) / 1000).toFixed(0)} s${cpuByFile.length ? `, ${cpuTotal.toFixed(0)} s of CPU in the test processes` : ''}\n`);
if (cpuByFile.length) {
  process.stdout.write('# most CPU:\n');
  for (const f of cpuByFile.sort((a, b) => b.cpu - a.cpu).slice(0, 15)) process.stdout.write(`#   ${f.cpu.toFixed(1).padStart(6)} s  ${f.name}\n`);
}
if (failedFiles.length) process.stdout.write(`# failed:\n${failedFiles.map((f) => `#   ${f}\n`).join('')}`);
process.stdout.write(`# { total: ${totals.total}, pass: ${totals.pass}, fail: ${totals.fail}, skip: ${totals.skip}, todo: ${totals.todo} }\n`);
process.exitCode = failedFiles.length ? 1 : 0;
