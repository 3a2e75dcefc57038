// Numbers (text inputType number, slider, expression): n, mean, SD and quartiles. Minimum and
// maximum are left out, because each is one respondent's value. Shown where the scope's n is
// shown and at least minGroupSize.
import type { Variable } from '../../../surveys/types.ts';
import { numericSummary } from '../../stats/index.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import type { ReportContext } from '../context.ts';
import type { Comparison, GroupResult, NumberStats, Suppressed } from '../model.ts';

const ANSWERED = 'a';

function stats(ctx: ReportContext, variable: string, units: readonly string[], n: Figure): NumberStats | Suppressed {
  if (isSuppressed(n)) return n;
  const table: Record<string, number> = {};
  for (const u of units) for (const [v, c] of Object.entries(ctx.index.table(variable, u))) table[v] = (table[v] ?? 0) + c;
  const s = numericSummary(table);
  if (!s || s.n < ctx.minGroupSize) return { suppressed: true, reason: 'small-group' };
  return { n: s.n, mean: s.mean, sd: s.sd, q1: s.q1, median: s.median, q3: s.q3 };
}

export function summariseNumber(ctx: ReportContext, v: Variable): { n: Figure; number: NumberStats | Suppressed; comparison?: Comparison } {
  const answered = (u: string) => ({ [ANSWERED]: Object.values(ctx.index.table(v.key, u)).reduce((a, b) => a + b, 0) });
  const pv = ctx.protectCounts(`${v.key}#answered`, answered, [ANSWERED], true);
  const n = pv.n(ctx.scope);
  const out: { n: Figure; number: NumberStats | Suppressed; comparison?: Comparison } = { n, number: stats(ctx, v.key, ctx.scope, n) };
  if (ctx.groups.length >= 2) {
    const bySegment: Record<string, GroupResult> = {};
    const dropped: string[] = [];
    for (const g of ctx.groups) {
      const gn = pv.n(g.units);
      const number = stats(ctx, v.key, g.units, gn);
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
