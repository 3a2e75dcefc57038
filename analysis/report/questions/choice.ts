// One choice variable (single choice, rating, a matrix row): counts, percent of valid answers,
// Wilson intervals, and for ordinal scales median, mean, SD and top-2-box; plus the comparison.
import type { Variable } from '../../../surveys/types.ts';
import { ordinalSummary, wilson } from '../../stats/index.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import { compareGroups } from '../compare.ts';
import { groupFigures, labelOf, percentOf, rawTable, type ReportContext, valueList } from '../context.ts';
import type { Comparison, OptionResult, OrdinalStats, Suppressed } from '../model.ts';

export interface VariableSummary {
  n: Figure;
  counts: Record<string, Figure>;
  options: OptionResult[];
  ordinal?: OrdinalStats | Suppressed;
  comparison?: Comparison;
  complete: boolean;
}

/** The numeric scale of an ordinal variable, or null when its codes are not numbers. */
export function scaleOf(values: readonly string[]): number[] | null {
  const codes = values.map(Number);
  return values.length >= 2 && values.every((v) => v.trim() !== '') && codes.every(Number.isFinite) ? codes : null;
}

export function ordinalStats(table: Record<string, number>, values: readonly string[]): OrdinalStats | null {
  const scale = scaleOf(values);
  if (!scale) return null;
  const s = ordinalSummary(table, scale);
  if (!s) return null;
  const top2Codes = [...values].sort((a, b) => Number(b) - Number(a)).slice(0, 2);
  return { median: s.median, mean: s.mean, sd: s.sd, top2Share: s.top2Share, top2Codes };
}

export function summariseVariable(ctx: ReportContext, variable: Variable): VariableSummary {
  const values = valueList(
    variable.values?.map((c) => c.value),
    ctx.index.valuesOf(variable.key),
  );
  const pv = ctx.protect(variable.key, values);
  const f = groupFigures(pv, ctx.scope);
  const options: OptionResult[] = values.map((value) => {
    const count = f.counts[value];
    const option: OptionResult = { value, label: labelOf(variable.values, value), count, percent: percentOf(count, f.n) };
    if (isSuppressed(count)) option.interval = count;
    else if (isSuppressed(f.n)) option.interval = f.n;
    else {
      const w = wilson(count, f.n);
      if (w) option.interval = { lower: w.lower, upper: w.upper };
    }
    return option;
  });
  const ordinal = variable.measure === 'ordinal' && scaleOf(values) !== null;
  const summary: VariableSummary = { n: f.n, counts: f.counts, options, complete: f.complete };
  if (ordinal) {
    const stats = f.complete ? ordinalStats(rawTable(pv, ctx.scope), values) : null;
    summary.ordinal = stats ?? { suppressed: true, reason: f.suppressed ? 'small-group' : 'complementary' };
  }
  const comparison = compareGroups(ctx, pv, ordinal ? { measure: 'ordinal', ordinal: (t) => ordinalStats(t, values) } : { measure: 'nominal' });
  if (comparison) summary.comparison = comparison;
  return summary;
}
