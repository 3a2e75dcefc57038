// A forked TypeScript child (through tsx) that answers commands over IPC, one reply per request id.
import { type ChildProcess, fork } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  /** The first message the child sent (its `ready` message). */
  ready: Record<string, unknown>;
  ask(cmd: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Asks the child to close, and kills it (this child only) if it does not exit in time. */
  close(timeoutMs?: number): Promise<void>;
}

export async function forkChild(script: string, env: Record<string, string>, execArgv: string[] = [], readyTimeoutMs = 120_000): Promise<Child> {
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: ${script} was not ready within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
    child.once('exit', (code) => reject(new Error(`bench: ${script} exited with ${code} before it was ready`)));
    child.on('message', (m: Record<string, unknown>) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve(m);
      } else if (typeof m.id === 'number') pending.get(m.id)?.(m);
    });
  });
  const ask = (cmd: string, timeoutMs = 120_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => reject(new Error(`bench: no answer to ${cmd} within ${timeoutMs / 1000} s`)), timeoutMs);
      pending.set(id, (m) => {
        clearTimeout(timer);
        pending.delete(id);
        if (m.error) reject(new Error(String(m.error)));
        else resolve(m);
      });
      child.send({ id, cmd });
    });
  return {
    process: child,
    ready,
    ask,
    async close(timeoutMs = 15_000) {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([ask('close', timeoutMs).catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs))]);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
