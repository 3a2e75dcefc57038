// Shared by the CLI commands: argument parsing with user-facing errors, an app without a
// listening socket (the same database path as the server), and --json output.
//
// A command reads its environment and writes its output through commandIo(): the process's own
// for `befund`, or those runCommand (server/cli-run.ts) was given, so that tests can run a command
// inside the test process (no new Node, tsx and PGlite start for each call).
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import { buildCore } from '../core.ts';
import { UserError } from '../errors.ts';

export interface CommandIo {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const current = new AsyncLocalStorage<CommandIo>();

/** The environment and output streams of the command running now (the process's own outside runCommand). */
export function commandIo(): CommandIo {
  return current.getStore() ?? { env: process.env, stdout: process.stdout, stderr: process.stderr };
}

/** Runs `fn` with `io` as what commandIo() returns inside it (and in everything it awaits). */
export function withCommandIo<T>(io: CommandIo, fn: () => Promise<T>): Promise<T> {
  return current.run(io, fn);
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')}\nAufruf: ${usage}`);
  }
}

export function required(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw new UserError(`${flag} fehlt. Aufruf: ${usage}`);
  return value;
}

/** Runs `fn` with the app built from the environment's config, then closes the database. */
export async function withApp<T>(fn: (app: FastifyInstance) => Promise<T>): Promise<T> {
  const io = commandIo();
  const config = loadConfig({ LOG_LEVEL: 'warn', ...io.env });
  // the log goes where the command's output goes (pino's own stdout writer for the process's)
  const app = await buildCore(config, io.stdout === process.stdout ? {} : { logStream: io.stdout });
  await app.ready();
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Prints `value` as JSON with --json, or the human text otherwise. */
export function output(json: boolean | undefined, value: unknown, human: string): void {
  commandIo().stdout.write(`${json ? JSON.stringify(value, null, 2) : human}\n`);
}
