// A `befund` command as its own process, as a user runs it: wall time and peak RSS from
// /usr/bin/time (Debian package `time`), and its stdout.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TimedCommand {
  wallMs: number;
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/** `befund …command` with `env` on top of this process's: wall time, peak RSS (from /usr/bin/time) and its output. */
export function timeCommand(env: Record<string, string>, command: string[], timeoutMs = 600_000): Promise<TimedCommand> {
  const args = ['-f', 'BENCH_TIME %e %M', process.execPath, path.join(ROOT, 'bin', 'befund.js'), ...command];
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', args, { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => reject(new Error(`bench: /usr/bin/time could not start (${err.message}): install the Debian package "time"`)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const m = stderr.match(/BENCH_TIME ([\d.]+) (\d+)/);
      if (code !== 0 || !m) return reject(new Error(`bench: befund ${command[0]} failed (${code}): ${stderr.slice(-500)}`));
      resolve({ wallMs: Number(m[1]) * 1000, peakRssMiB: Math.round(Number(m[2]) / 1024), stdout, stderr });
    });
  });
}
