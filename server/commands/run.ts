// `befund run SCRIPT.ts [ARGS…]`: runs a researcher's TypeScript script with the project's
// configuration (DATABASE_URL, DATA_DIR, MIN_GROUP_SIZE …). The script imports `befund/study`
// and `befund/analysis`; `process.argv.slice(2)` holds its own arguments.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.ts';

const USAGE = 'befund run SCRIPT.ts [ARGUMENTE …]';

/** Set to true by the production build (scripts/build.ts); undefined when the sources run through tsx. */
declare const BEFUND_COMPILED: boolean | undefined;

export default async function run(argv: string[]): Promise<void> {
  const [script, ...rest] = argv;
  if (!script) throw new UserError(`Welches Skript? Aufruf: ${USAGE}`);
  const file = path.resolve(script);
  if (!fs.existsSync(file)) throw new UserError(`Das Skript ${script} gibt es nicht. Aufruf: ${USAGE}`);
  process.argv = [process.argv[0], file, ...rest];
  // The compiled build loads tsx only here, for the script and the TypeScript it imports
  // (befund/study, befund/analysis).
  if (typeof BEFUND_COMPILED !== 'undefined') (await import('tsx/esm/api')).register();
  await import(pathToFileURL(file).href);
}
