// Prints the test files whose result can depend on the database they run on: `.ci/run` runs
// these a second time with DATABASE_URL (PostgreSQL); the others cannot tell the two databases
// apart and ran once, in the embedded pass.
//
// Read from the import graph, not from a list, so a new test is never left out by mistake: a
// file depends on the database when any of its own modules (node_modules aside) is database code
// (server/db/), imports `pg` or PGlite, mentions DATABASE_URL, or spawns the befund command.
// Unsure means included: a false "depends" costs one file's time, never coverage.
//
//   node scripts/database-tests.js            the files, one per line
//   node scripts/database-tests.js --explain  every test file with its verdict and the reason
//   node scripts/database-tests.js --all      every test file npm test runs (.ci/run's list)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { testFiles } from './test-files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const DATABASE_PACKAGES = new Set(['pg', '@electric-sql/pglite', '@fastify/postgres', 'drizzle-orm/node-postgres', 'drizzle-orm/pglite']);
/** Why one of a test's own modules makes it depend on the database, or null. */
function reason(input, imports) {
  if (input.startsWith('server/db/')) return `imports ${input}`;
  const pkg = imports.find((i) => i.external && DATABASE_PACKAGES.has(i.path));
  if (pkg) return `${input} imports ${pkg.path}`;
  const text = readFileSync(path.join(root, input), 'utf8');
  if (text.includes('DATABASE_URL')) return `${input} mentions DATABASE_URL`;
  if (text.includes('bin/befund')) return `${input} spawns the befund command`;
  return null;
}

const files = testFiles();
if (process.argv.includes('--all')) {
  console.log(files.join('\n'));
  process.exit(0);
}
const result = await build({
  absWorkingDir: root,
  entryPoints: files,
  bundle: true,
  write: false,
  metafile: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir: 'out',
  logLevel: 'silent',
});
const inputsOf = new Map();
for (const output of Object.values(result.metafile.outputs)) if (output.entryPoint) inputsOf.set(output.entryPoint, Object.keys(output.inputs));

const explain = process.argv.includes('--explain');
/** Each module's reason, read once: most modules are shared by many test files. */
const reasons = new Map();
const reasonOf = (input) => {
  if (!reasons.has(input)) reasons.set(input, reason(input, result.metafile.inputs[input]?.imports ?? []));
  return reasons.get(input);
};
let dependent = 0;
for (const file of files) {
  const inputs = inputsOf.get(file);
  // A file esbuild could not map is kept: unsure means included.
  const why = inputs ? inputs.map(reasonOf).find(Boolean) : 'not analysed';
  if (why) dependent++;
  if (explain) console.log(`${why ? 'database  ' : 'no database'} ${file}${why ? `  (${why})` : ''}`);
  else if (why) console.log(file);
}
if (explain) console.log(`${dependent} of ${files.length} test files depend on the database`);
