// Runs the `befund` command: runCli in a child process, as a user would; runInProcess inside the
// test process, through the same dispatch and error wording (server/cli-run.ts), without the
// 2–5 s of CPU a new Node, tsx and PGlite start cost. Each command keeps one runCli test, for the
// bin, the exit code and the stderr of a real process.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { OWN_PROCESS, runCommand } from '../../server/cli-run.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/befund.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A stream that keeps what is written to it. */
function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/**
 * `befund <args…>` inside this process, with the environment runCli would give the child
 * (process.env overlaid with `env`; an undefined value unsets) and its stdout and stderr kept.
 * Paths are relative to the project root, as for runCli. Not for `serve` and `run`, which own
 * their process.
 */
export async function runInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  if (OWN_PROCESS.includes(args[0])) throw new Error(`befund ${args[0]} runs in a process of its own: use runCli`);
  if (process.cwd() !== root) throw new Error(`runInProcess resolves paths from ${root}, the test runs in ${process.cwd()}`);
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const stdout = collector();
  const stderr = collector();
  const code = await runCommand(args, { env: merged, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Starts `befund serve` and resolves once it prints that it is running. */
export function startServer(env: Record<string, string | undefined>): Promise<{ child: ChildProcess; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (/Befund läuft auf/.test(out) && /Status: /.test(out))
        resolve({
          child,
          output: () => out,
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              child.once('close', (code) => done(code));
              child.kill(signal);
            }),
        });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}
