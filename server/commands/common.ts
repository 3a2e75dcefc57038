// Shared by the CLI commands: argument parsing with user-facing errors, an app without a
// listening socket (the same database path as the server), and --json output.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildCore } from '../core.ts';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';

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
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const app = await buildCore(config);
  await app.ready();
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Prints `value` as JSON with --json, or the human text otherwise. */
export function output(json: boolean | undefined, value: unknown, human: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : human);
}
