// Numbers (text inputType number, slider, expression): a summary that may not determine any
// individual value (issue 12, part 2). Shown where the scope's n is shown and at least k
// (minGroupSize):
//  - below 2k answers only n and the mean: with n ≤ 9 the mean, SD and the three quartiles give
//    up to five equations, enough to pin several (for n = 5 all) of the values;
//  - from 2k on also SD, median and quartiles.
//  - Minimum and maximum are never shown, for any n: each is one respondent's value. (The brief
//    allowed them from 2k on; they are left out because "no individual value" admits no n.)
// One rule for every reader: the researcher's live view, report.json/data.json, HTML and CSV
// tables, chart specs and their aria text all derive from this model, so nothing else can show more.
import type { Variable } from '../../../surveys/types.ts';
import { numericSummary } from '../../stats/index.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import type { ReportContext } from '../context.ts';
import type { Comparison, GroupResult, NumberStats, Suppressed } from '../model.ts';

const ANSWERED = 'a';

/** From how many answers a number summary shows spread and quartiles (2k). */
export function spreadThreshold(minGroupSize: number): number {
  return 2 * minGroupSize;
}

/** The published summary of number answers (value → count): n and mean below 2k, never min/max. */
export function publishedNumberStats(table: Record<string, number>, minGroupSize: number, persons?: number): NumberStats | Suppressed {
  const s = numericSummary(table);
  // a dynamic panel's number: the entries of `persons` people; the thresholds and n count persons
  const n = persons ?? s?.n ?? 0;
  if (!s || n < minGroupSize) return { suppressed: true, reason: 'small-group' };
  if (n < spreadThreshold(minGroupSize)) return { n, mean: s.mean };
  return { n, mean: s.mean, sd: s.sd, q1: s.q1, median: s.median, q3: s.q3 };
}

function stats(ctx: ReportContext, variable: string, units: readonly string[], n: Figure, pooled: boolean): NumberStats | Suppressed {
  if (isSuppressed(n)) return n;
  const table: Record<string, number> = {};
  for (const u of units) for (const [v, c] of Object.entries(ctx.index.table(variable, u))) table[v] = (table[v] ?? 0) + c;
  return publishedNumberStats(table, ctx.minGroupSize, pooled ? n : undefined);
}

/**
 * `persons`: a number of a dynamic panel or matrix (pooled.ts), where one person may give several
 * entries: n and the thresholds count the persons who gave any, the mean goes over their entries.
 */
export function summariseNumber(ctx: ReportContext, v: Variable, persons?: (unit: string) => number): { n: Figure; number: NumberStats | Suppressed; comparison?: Comparison } {
  const answered = (u: string) => ({ [ANSWERED]: persons ? persons(u) : Object.values(ctx.index.table(v.key, u)).reduce((a, b) => a + b, 0) });
  const pv = ctx.protectCounts(`${v.key}#${persons ? 'persons' : 'answered'}`, answered, [ANSWERED], true);
  const pooled = persons !== undefined;
  const n = pv.n(ctx.scope);
  const out: { n: Figure; number: NumberStats | Suppressed; comparison?: Comparison } = { n, number: stats(ctx, v.key, ctx.scope, n, pooled) };
  if (ctx.groups.length >= 2) {
    const bySegment: Record<string, GroupResult> = {};
    const dropped: string[] = [];
    for (const g of ctx.groups) {
      const gn = pv.n(g.units);
      const number = stats(ctx, v.key, g.units, gn, pooled);
      bySegment[g.key] = { label: g.label, n: gn, counts: {}, suppressed: isSuppressed(gn), number };
      if (isSuppressed(gn) || gn === 0) dropped.push(g.key);
    }
    out.comparison = {
      by: 'segment',
      bySegment,
      dropped,
      test: null,
      testOmitted: { de: 'Kein Test für Zahlenangaben.', en: 'No test for numeric answers.' },
    };
  }
  return out;
}
