// Analysis at scale: load N synthetic complete responses to the demo survey (10k → 100k → 1M,
// appended step by step), then time in a fresh child process (bench/analysis-probe.ts) the
// three audience reports in-process and over the report route, against the baseline of one SQL
// jsonb_each group-by over the same table; and the `befund analyze` command as a whole process.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPglite, usePgPool } from '../server/db/client.ts';
import { createLink } from '../server/repositories/links.ts';
import { importSurvey } from '../server/repositories/surveys.ts';
import { appendResponses, createPoolTables, demoPool, type LoadPlan, type Sql, verifyLoad, writeCounts } from './lib/bulk.ts';
import { forkChild } from './lib/child.ts';
import { timeCommand } from './lib/command.ts';
import { analysisGoals, type ExportRun, printAnalysis, type SizeResult } from './lib/analysis-report.ts';
import type { BenchResult } from './lib/report.ts';
import { createTarget, type Kind, type Target } from './lib/target.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLUG = 'om-partner-befragung';
const DEMO = path.join(ROOT, 'surveys', 'definitions', `${SLUG}.json`);

export interface AnalysisOptions {
  kind: Kind;
  quick: boolean;
  sizes?: number[];
}

interface Loader {
  sql: Sql;
  plan: LoadPlan;
  close(): Promise<void>;
}

/** Opens the target for loading; imports the demo survey and its links the first time. */
async function openLoader(target: Target, poolSize: number, existing?: LoadPlan): Promise<Loader> {
  let db: Parameters<typeof importSurvey>[0];
  let sqlClient: Sql;
  let close: () => Promise<void>;
  if (target.kind === 'postgres') {
    const url = target.env.DATABASE_URL;
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    db = await usePgPool(pool, url);
    sqlClient = pool;
    close = () => pool.end();
  } else {
    const opened = await openPglite(target.env.DATA_DIR);
    db = opened.db;
    sqlClient = opened.client;
    close = () => opened.client.close();
  }
  if (existing) return { sql: sqlClient, plan: existing, close };
  const definition = JSON.parse(readFileSync(DEMO, 'utf8')) as Record<string, unknown>;
  const imported = await importSurvey(db, { slug: SLUG, definition }, 'bench');
  const labels: [string, string][] = [
    ['intermediary', 'Standard'],
    ['intermediary', 'Kammer Nord'],
    ['intermediary', 'Verband Süd'],
    ['sme', 'Standard'],
    ['works_council', 'Standard'],
  ];
  const links = [];
  for (const [segment, label] of labels) links.push(await createLink(db, { surveyId: imported.surveyId, segment, label }, 'bench'));
  const [row] = (await sqlClient.query('select catalogue from survey_versions where id = $1', [imported.versionId])).rows;
  process.stderr.write(`analysis: preparing ${poolSize} synthetic responses (survey-core, cached after the first run) …\n`);
  const plan: LoadPlan = {
    surveyId: imported.surveyId,
    versionId: imported.versionId,
    catalogue: row.catalogue as LoadPlan['catalogue'],
    links: links.map((l) => ({ id: l.id, segment: l.segment, label: l.label })),
    pool: demoPool(definition, poolSize),
  };
  await createPoolTables(sqlClient, plan);
  return { sql: sqlClient, plan, close };
}

/** `befund analyze --audience all` as its own process. */
async function runCli(env: Record<string, string>, formats: string): Promise<{ wallMs: number; peakRssMiB: number; innerMs: number }> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'befund-bench-out-'));
  try {
    const r = await timeCommand(env, ['analyze', '--survey', SLUG, '--audience', 'all', '--out', out, '--format', formats, '--json']);
    return { wallMs: r.wallMs, peakRssMiB: r.peakRssMiB, innerMs: Number((JSON.parse(r.stdout) as { ms: number }).ms) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `befund export` of every complete response in each format, as its own process: wall time, peak RSS, file size. */
async function runExports(env: Record<string, string>): Promise<ExportRun[]> {
  const runs: ExportRun[] = [];
  for (const format of EXPORT_FORMATS) {
    const out = mkdtempSync(path.join(os.tmpdir(), 'befund-bench-export-'));
    try {
      process.stderr.write(`analysis: befund export --format ${format} …\n`);
      const file = path.join(out, `export.${format}`);
      const r = await timeCommand(env, ['export', '--survey', SLUG, '--format', format, '--out', file]);
      runs.push({ format, wallMs: r.wallMs, peakRssMiB: r.peakRssMiB, megabytes: statSync(file).size / 1e6 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return runs;
}
const EXPORT_FORMATS = ['csv', 'xlsx', 'sav', 'json'] as const;
/** Exports are measured at this size: the "100,000 responses under 300 MB". */
const EXPORT_AT = 100_000;

async function measure(target: Target, n: number, quick: boolean, withFullCli: boolean): Promise<Omit<SizeResult, 'n' | 'loadMs' | 'verified'>> {
  const probe = await forkChild(fileURLToPath(new URL('./analysis-probe.ts', import.meta.url)), {
    ...target.env,
    BENCH_SLUG: SLUG,
    BENCH_REPS: quick ? '3' : '5',
    BENCH_BASELINE_REPS: n >= 1_000_000 || quick ? '1' : '2',
  }, [], 900_000);
  const results = probe.ready.results as SizeResult['probe'];
  await probe.close();
  process.stderr.write('analysis: befund analyze --format json …\n');
  const cliJson = await runCli(target.env, 'json');
  const cliAll = withFullCli ? await runCli(target.env, 'json,svg,html,csv') : undefined;
  const exports = n === EXPORT_AT ? await runExports(target.env) : undefined;
  return { probe: results, cliJson, cliAll, exports };
}

export interface LoadState {
  plan: LoadPlan;
  loaded: number;
  loadMs: number;
  verified: string;
}

/**
 * Brings the demo survey on `target` to `n` complete responses (appending to an earlier load),
 * with answer_counts and open_texts, vacuumed and checked; the connection is closed afterwards,
 * so a PGlite folder is free for the app.
 */
export async function loadDemo(target: Target, n: number, quick: boolean, before?: LoadState): Promise<LoadState> {
  const label = target.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const loader = await openLoader(target, quick ? 300 : 600, before?.plan);
  try {
    const t0 = performance.now();
    const progress = (done: number) => process.stderr.write(`\ranalysis (${label}): loaded ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} responses`);
    await appendResponses(loader.sql, loader.plan, (before?.loaded ?? 0) + 1, n, progress);
    const countRows = await writeCounts(loader.sql, loader.plan, n);
    process.stderr.write(`\nanalysis (${label}): ${countRows} answer_counts rows; vacuum analyze …\n`);
    for (const t of ['responses', 'answer_counts', 'open_texts']) await loader.sql.query(`vacuum analyze ${t}`);
    const loadMs = performance.now() - t0;
    const verified = await verifyLoad(loader.sql, loader.plan.surveyId);
    if (!verified.ok) throw new Error(`bench: the bulk load does not match the app's counting rules: ${verified.detail}`);
    return { plan: loader.plan, loaded: n, loadMs, verified: verified.detail };
  } finally {
    await loader.close();
  }
}

export async function runAnalysis(opts: AnalysisOptions): Promise<BenchResult> {
  const sizes = opts.sizes ?? (opts.kind === 'pglite' ? [10_000] : opts.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]);
  const label = opts.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const target = await createTarget(opts.kind);
  const results: SizeResult[] = [];
  try {
    let state: LoadState | undefined;
    for (const n of sizes) {
      state = await loadDemo(target, n, opts.quick, state);
      process.stderr.write(`analysis (${label}): timing reports at ${n.toLocaleString('en-US')} responses …\n`);
      results.push({ n, loadMs: state.loadMs, verified: state.verified, ...(await measure(target, n, opts.quick, n === sizes[0])) });
    }
  } finally {
    await target.drop();
  }
  printAnalysis(label, results);
  return {
    id: opts.kind === 'postgres' ? 'analysis' : 'analysis-pglite',
    title: `Analysis at scale (${label})`,
    goals: analysisGoals(label, results),
    figures: { sizes: results },
  };
}
