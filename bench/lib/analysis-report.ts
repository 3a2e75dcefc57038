// The analysis benchmark's table and goals, kept apart from the loading and timing.
import { type Goal, goal, ms, num, table } from './report.ts';

interface PipelineRun {
  sqlMs: number;
  reportsMs: number;
  chartsMs: number;
  totalMs: number;
  charts: number;
  countRows: number;
  texts: number;
}

export interface SizeResult {
  n: number;
  loadMs: number;
  verified: string;
  probe: {
    pipeline: { cold: PipelineRun; warm: PipelineRun; warmRuns: number[] };
    route: { cold: { totalMs: number; bytes: number }; warm: { totalMs: number; bytes: number }; warmRuns: number[] };
    baseline: { best: number; runs: number[]; groups: number };
    peakRssMiB: number;
  };
  cliJson: { wallMs: number; peakRssMiB: number; innerMs: number };
  cliAll?: { wallMs: number; peakRssMiB: number; innerMs: number };
  /** `befund export` per format, at 100,000 responses only. */
  exports?: ExportRun[];
}

export interface ExportRun {
  format: string;
  wallMs: number;
  peakRssMiB: number;
  megabytes: number;
}

export function printAnalysis(label: string, results: SizeResult[]): void {
  console.log(
    table(
      `Analysis on ${label}: three audience reports (intermediary, sme, works_council), warm medians`,
      ['responses', 'load', 'SQL', 'reports', 'charts', '3 reports', 'route ×3', 'baseline', 'faster', 'RSS'],
      results.map((r) => {
        const w = r.probe.pipeline.warm;
        return [
          num(r.n),
          `${(r.loadMs / 1000).toFixed(0)} s`,
          ms(w.sqlMs),
          ms(w.reportsMs),
          ms(w.chartsMs),
          ms(w.totalMs),
          ms(r.probe.route.warm.totalMs),
          ms(r.probe.baseline.best),
          `${(r.probe.baseline.best / w.totalMs).toFixed(1)}×`,
          `${r.probe.peakRssMiB} MiB`,
        ];
      }),
    ),
  );
  console.log(
    table(
      `befund analyze --audience all as a process (${label}; includes start-up)`,
      ['responses', 'formats', 'wall', 'inside', 'peak RSS'],
      results.flatMap((r) => [
        [num(r.n), 'json', ms(r.cliJson.wallMs), ms(r.cliJson.innerMs), `${r.cliJson.peakRssMiB} MiB`],
        ...(r.cliAll ? [[num(r.n), 'json,svg,html,csv', ms(r.cliAll.wallMs), ms(r.cliAll.innerMs), `${r.cliAll.peakRssMiB} MiB`]] : []),
      ]),
    ),
  );
  const exported = results.filter((r) => r.exports);
  if (exported.length)
    console.log(
      table(
        `befund export, every complete response, as a process (${label}; includes start-up)`,
        ['responses', 'format', 'wall', 'file', 'peak RSS'],
        exported.flatMap((r) => (r.exports ?? []).map((e) => [num(r.n), e.format, ms(e.wallMs), `${e.megabytes.toFixed(0)} MB`, `${e.peakRssMiB} MiB`])),
      ),
    );
}

/** Cost growth: the exponent k in t ∝ n^k between the smallest and the largest size. */
export function growthExponent(results: SizeResult[], pick: (r: SizeResult) => number): number | undefined {
  if (results.length < 2) return undefined;
  const a = results[0];
  const b = results[results.length - 1];
  return Math.log(pick(b) / pick(a)) / Math.log(b.n / a.n);
}

export function analysisGoals(label: string, results: SizeResult[]): Goal[] {
  const goals: Goal[] = [];
  const at = (n: number) => results.find((r) => r.n === n);
  const small = at(10_000);
  if (small) goals.push(goal(`${label} 10k: three reports ≤ 200 ms warm`, small.probe.pipeline.warm.totalMs, 200, 'at most', ' ms'));
  const big = at(1_000_000);
  if (big) {
    goals.push(goal(`${label} 1M: three reports ≤ 3 s warm`, big.probe.pipeline.warm.totalMs, 3000, 'at most', ' ms'));
    goals.push(goal(`${label} 1M: ≥ 7× faster than the jsonb_each baseline`, big.probe.baseline.best / big.probe.pipeline.warm.totalMs, 7, 'at least', '×', 1));
  }
  const rss = Math.max(...results.flatMap((r) => [r.probe.peakRssMiB, r.cliJson.peakRssMiB, r.cliAll?.peakRssMiB ?? 0]));
  goals.push(goal(`${label}: peak RSS of the Node process ≤ 512 MB`, rss * 1.048576, 512, 'at most', ' MB'));
  for (const r of results)
    for (const e of r.exports ?? []) goals.push(goal(`${label} ${num(r.n)}: befund export --format ${e.format} peak RSS ≤ 300 MB`, e.peakRssMiB * 1.048576, 300, 'at most', ' MB'));
  const k = growthExponent(results, (r) => r.probe.pipeline.warm.totalMs);
  if (k !== undefined) {
    const span = `${num(results[0].n)}→${num(results[results.length - 1].n)}`;
    goals.push(goal(`${label}: cost grows no worse than linearly (exponent ≤ 1, ${span})`, k, 1, 'at most', '', 2));
  }
  return goals;
}
