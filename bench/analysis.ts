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
import { listAudiences, loadProfile } from '../analysis/profiles/index.ts';
import { seededRandom } from '../surveys/synthetic.ts';
import { createLink } from '../server/repositories/links.ts';
import { replaceSurveyProfiles } from '../server/repositories/profiles.ts';
import { importSurvey } from '../server/repositories/surveys.ts';
import { appendResponses, createPoolTables, demoPool, type LoadPlan, type Sql, verifyLoad, writeCounts } from './lib/bulk.ts';
import { forkChild } from './lib/child.ts';
import { timeCommand } from './lib/command.ts';
import { analysisGoals, type ExportRun, printAnalysis, type SizeResult } from './lib/analysis-report.ts';
import { type BenchResult, goal, ms, num, table } from './lib/report.ts';
import { createTarget, type Kind, type Target } from './lib/target.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLUG = 'om-partner-befragung';
const DEMO = path.join(ROOT, 'surveys', 'definitions', `${SLUG}.json`);

export interface AnalysisOptions {
  kind: Kind;
  quick: boolean;
  sizes?: number[];
  /** Spread the responses over this many link labels (many small ones, a few big ones) and open
   *  the label filter to share keys in every audience's profile: protection at scale (issue 12). */
  labels?: number;
}

interface Loader {
  sql: Sql;
  plan: LoadPlan;
  close(): Promise<void>;
}

/** Opens the target for loading; imports the demo survey and its links the first time. */
async function openLoader(target: Target, poolSize: number, existing?: LoadPlan, spread?: { labels: number; n: number }): Promise<Loader> {
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
  const labels: [string, string][] = spread
    ? labelLinks(spread.labels)
    : [
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
  if (spread) {
    plan.assign = assignLabels(plan, spread.n);
    // every audience's profile opens the label filter to share keys: segment × label groups are
    // then published and protected (analysis/report/published.ts), the most work protection has
    const profiles = listAudiences().map((a) => ({ ...loadProfile(a), shared: { filters: ['segment', 'label'] } }));
    const checked = await replaceSurveyProfiles(db, imported.surveyId, { profiles }, 'bench');
    if (!checked.ok) throw new Error(`bench: profiles with the label filter were refused: ${JSON.stringify(checked.mistakes)}`);
  }
  await createPoolTables(sqlClient, plan);
  return { sql: sqlClient, plan, close };
}

/** Share of labels per segment, as the responses (bench/lib/bulk.ts SEGMENTS). */
const LABEL_SHARES: [string, number][] = [
  ['intermediary', 0.5],
  ['sme', 0.3],
  ['works_council', 0.2],
];
/** One label in BIG_EVERY is a big one (a chamber, an association); the others are small partners. */
const BIG_EVERY = 25;

/** `count` links with a label each, spread over the segments: "Partner 001" … */
function labelLinks(count: number): [string, string][] {
  const out: [string, string][] = [];
  LABEL_SHARES.forEach(([segment, share], i) => {
    const mine = i === LABEL_SHARES.length - 1 ? count - out.length : Math.round(count * share);
    for (let j = 0; j < mine; j++) out.push([segment, `Partner ${String(out.length + 1).padStart(3, '0')}`]);
  });
  return out;
}

/**
 * Which link each response 1…n comes through: within its segment (fixed by its pool entry), the
 * small labels get 1–40 responses each (seeded), the big ones (every BIG_EVERY-th) share the rest,
 * in a seeded random order, so small and big labels fill alongside each other.
 */
function assignLabels(plan: LoadPlan, n: number): Int32Array {
  const rnd = seededRandom(12);
  const P = plan.pool.length;
  const bySegment = new Map<string, number[]>();
  for (let g = 1; g <= n; g++) {
    const seg = plan.pool[Number((BigInt(g) * 7919n) % BigInt(P))].segment;
    if (!bySegment.has(seg)) bySegment.set(seg, []);
    bySegment.get(seg)?.push(g);
  }
  const assign = new Int32Array(n);
  for (const [seg, gs] of bySegment) {
    const mine = plan.links.map((l, i) => ({ l, i })).filter((x) => x.l.segment === seg);
    if (mine.length === 0) throw new Error(`bench: no link for segment ${seg}`);
    const big = mine.filter((_, j) => j % BIG_EVERY === 0).map((x) => x.i);
    const slots: number[] = [];
    for (const [j, x] of mine.entries()) if (j % BIG_EVERY !== 0) for (let c = 1 + Math.floor(rnd() * 40); c > 0 && slots.length < gs.length; c--) slots.push(x.i);
    for (let j = 0; slots.length < gs.length; j++) slots.push(big[j % big.length]);
    for (let j = slots.length - 1; j > 0; j--) {
      const r = Math.floor(rnd() * (j + 1));
      [slots[j], slots[r]] = [slots[r], slots[j]];
    }
    gs.forEach((g, j) => {
      assign[g - 1] = slots[j];
    });
  }
  return assign;
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
/** Exports are measured at this size: the issue's "100,000 responses under 300 MB". */
const EXPORT_AT = 100_000;

/** BENCH_CPU_PROF=<folder>: the probe writes a V8 CPU profile there (node --cpu-prof) when it exits. */
const cpuProf = () => (process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []);

async function measure(target: Target, n: number, quick: boolean, withFullCli: boolean, share = false): Promise<Omit<SizeResult, 'n' | 'loadMs' | 'verified'>> {
  const probe = await forkChild(fileURLToPath(new URL('./analysis-probe.ts', import.meta.url)), {
    ...target.env,
    BENCH_SLUG: SLUG,
    BENCH_REPS: quick ? '3' : '5',
    BENCH_BASELINE_REPS: n >= 1_000_000 || quick ? '1' : '2',
    ...(share ? { BENCH_SHARE: '1' } : {}),
  }, cpuProf(), 900_000);
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
export async function loadDemo(target: Target, n: number, quick: boolean, before?: LoadState, labels?: number): Promise<LoadState> {
  const label = target.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const loader = await openLoader(target, quick ? 300 : 600, before?.plan, labels ? { labels, n } : undefined);
  if (loader.plan.assign && loader.plan.assign.length < n) throw new Error('bench: --labels loads one size only');
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
  if (opts.labels) return runAnalysisLabels(opts, opts.labels);
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

/** The README's figures for three reports at 1,000,000 responses over 5 links (same bench, few labels). */
const FEW_LABELS_1M = { pipelineMs: 751, routeMs: 2230 };
const REPORT_GOAL_MS = 3000;

/**
 * `--labels L`: 1,000,000 responses (quick: 100,000) over L link labels, every audience's profile
 * opening the label filter; the three reports warm in-process and over the report route, with
 * the whole published set protected, and the share-key reads of data.json (the release).
 */
async function runAnalysisLabels(opts: AnalysisOptions, labels: number): Promise<BenchResult> {
  const n = opts.sizes?.[0] ?? (opts.quick ? 100_000 : 1_000_000);
  const label = opts.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const target = await createTarget(opts.kind);
  let result: SizeResult;
  try {
    const state = await loadDemo(target, n, opts.quick, undefined, labels);
    process.stderr.write(`analysis (${label}): timing reports at ${n.toLocaleString('en-US')} responses over ${labels} link labels …\n`);
    const probe = await forkChild(fileURLToPath(new URL('./analysis-probe.ts', import.meta.url)), {
      ...target.env,
      BENCH_SLUG: SLUG,
      BENCH_REPS: process.env.BENCH_REPS ?? (opts.quick ? '1' : '3'),
      BENCH_BASELINE_REPS: '0',
      BENCH_SHARE: '1',
      // on a busy shared machine a 1 s health probe right after the load's vacuum can declare the
      // database down (and a long protection run would shed the next request): timing, not health
      DB_HEALTH_TIMEOUT_MS: '15000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
    }, cpuProf(), 3_600_000);
    const results = probe.ready.results as SizeResult['probe'] & { share?: ShareRun; groups?: GroupShape };
    await probe.close();
    result = { n, loadMs: state.loadMs, verified: state.verified, probe: results, cliJson: { wallMs: 0, peakRssMiB: 0, innerMs: 0 } };
  } finally {
    await target.drop();
  }
  const p = result.probe as SizeResult['probe'] & { share?: ShareRun; groups?: GroupShape };
  const w = p.pipeline.warm;
  const g = p.groups;
  console.log(
    table(
      `Protection at scale on ${label}: ${num(n)} responses over ${labels} link labels (${g ? `${g.links} links, ${g.under5} with 1–4 responses, ${g.under41} with ≤ 40, largest ${num(g.largest)}` : ''}); label filter open to share keys in every profile; warm medians`,
      ['', '3 reports (in-process)', 'of which SQL', 'reports', 'route ×3', 'share read ×3 (built)', 'share read ×3 (cached)', 'RSS'],
      [
        [
          `${labels} labels`,
          ms(w.totalMs),
          ms(w.sqlMs),
          ms(w.reportsMs),
          ms(p.route.warm.totalMs),
          p.share ? ms(p.share.builtMs) : '–',
          p.share ? ms(p.share.cachedMs) : '–',
          `${p.peakRssMiB} MiB`,
        ],
        ['5 links (README, 1M)', ms(FEW_LABELS_1M.pipelineMs), '', '', ms(FEW_LABELS_1M.routeMs), '', '', ''],
      ],
    ),
  );
  if (p.share) console.log(`share reads (data.json with a share key, 3 audiences): first ${ms(p.share.firstMs)} (publishes the first release; ${p.share.preparing ?? 0} answers 503 'being prepared' before it), built again (lang=en) ${ms(p.share.builtMs)}, cached ${ms(p.share.cachedMs)}`);
  console.log(`load ${(result.loadMs / 1000).toFixed(0)} s; ${result.verified}`);
  const worst = Math.max(w.totalMs, p.route.warm.totalMs, p.share?.builtMs ?? 0);
  return {
    id: opts.kind === 'postgres' ? 'analysis-labels' : 'analysis-labels-pglite',
    title: `Protection at scale: ${num(n)} responses, ${labels} link labels (${label})`,
    goals: [goal(`three reports warm at ${num(n)} responses and ${labels} labels (slowest of in-process, route, share read)`, worst, REPORT_GOAL_MS, 'at most', 'ms')],
    figures: { n, labels, result },
  };
}

interface ShareRun {
  firstMs: number;
  builtMs: number;
  cachedMs: number;
  /** Answers "503, being prepared" (REPORT_WAIT_MS) the first round got before its reports. */
  preparing?: number;
  bytes: number;
}
interface GroupShape {
  links: number;
  under5: number;
  under41: number;
  largest: number;
}
