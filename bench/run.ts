// `npm run bench [-- --only ingest|analysis|page|embedded|webhooks|attack|startup|demo|panel] [--quick] [--profile] [--rows N (panel)] [--labels L (analysis)]`
// Runs the benchmarks one after another, prints each table and the goals with their margins, and
// writes JSON to bench/results/ (git-ignored). Never part of `npm test`.
//
// Databases: every benchmark creates its own `bench_<random>` database on the PostgreSQL server
// named by DATABASE_URL — or, when DATABASE_URL is unset, on postgres://root@127.0.0.1:5432/postgres
// — and drops it afterwards; PGlite runs use a fresh temp folder. Load goes to 127.0.0.1 only.
import { parseArgs } from 'node:util';
import { runAnalysis } from './analysis.ts';
import { runAttackBench } from './attack.ts';
import { runDemoBench } from './demo.ts';
import { runIngest } from './ingest.ts';
import { runPage } from './page.ts';
import { runPanelBench } from './panel.ts';
import { runStartup } from './startup.ts';
import { runWebhooks } from './webhooks.ts';
import { type BenchResult, goalTable, machine, writeResult } from './lib/report.ts';
import { postgresVersion, serverUrl } from './lib/target.ts';

const NAMES = ['ingest', 'analysis', 'page', 'embedded', 'webhooks', 'attack', 'startup', 'demo', 'panel'] as const;
type Name = (typeof NAMES)[number];

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false }, rows: { type: 'string' }, labels: { type: 'string' } },
  strict: true,
});
const only = (values.only ?? NAMES.join(',')).split(',').map((s) => s.trim()) as Name[];
const unknown = only.filter((n) => !NAMES.includes(n));
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}: choose from ${NAMES.join(', ')} (e.g. npm run bench -- --only ingest --quick)`);
  process.exit(2);
}
const quick = values.quick === true;

const db = serverUrl();
const pgVersion = await postgresVersion().catch(() => 'unreachable');
const where = new URL(db.url);
console.log(
  `Befund benchmarks${quick ? ' (quick)' : ''}: ${only.join(', ')}\n` +
    `PostgreSQL ${pgVersion} at ${where.hostname}:${where.port || 5432} (${db.fromEnv ? 'DATABASE_URL' : 'DATABASE_URL unset: default postgres://root@127.0.0.1:5432/postgres'}); each benchmark uses its own bench_<random> database and drops it.\n` +
    `Machine: ${JSON.stringify(machine())}`,
);

const steps: Record<Name, () => Promise<BenchResult[]>> = {
  ingest: async () => [await runIngest({ kind: 'postgres', quick, profile: values.profile })],
  analysis: async () => [await runAnalysis({ kind: 'postgres', quick, labels: values.labels ? Number(values.labels) : undefined })],
  page: async () => [await runPage({ quick })],
  embedded: async () => [await runIngest({ kind: 'pglite', quick, profile: values.profile }), await runAnalysis({ kind: 'pglite', quick })],
  webhooks: async () => [await runWebhooks({ quick })],
  attack: async () => [await runAttackBench({ quick })],
  startup: async () => [await runStartup({ quick })],
  demo: async () => [await runDemoBench({ quick })],
  panel: async () => [await runPanelBench({ quick, n: values.rows ? Number(values.rows) : undefined })],
};

const results: BenchResult[] = [];
const started = Date.now();
for (const name of only) {
  try {
    for (const r of await steps[name]()) {
      results.push(r);
      console.log(`→ ${writeResult(r, { quick, postgres: pgVersion })}`);
    }
  } catch (err) {
    console.error(`\n${name} failed: ${(err as Error).stack ?? String(err)}`);
    results.push({ id: name, title: name, goals: [{ goal: `${name} ran`, measured: 'failed', met: false, margin: (err as Error).message }], figures: {} });
  }
}
console.log(goalTable(results));
console.log(`\n${results.flatMap((r) => r.goals).filter((g) => g.met).length} of ${results.flatMap((r) => r.goals).length} goals met in ${Math.round((Date.now() - started) / 1000)} s.`);
