// Segment comparison of one variable: per group n and counts (protected), and the test that fits
// the measure: chi-square with Cramér's V for nominal answers, Kruskal-Wallis (or Mann-Whitney for
// two groups) for ordinal ones. The test is left out when fewer than two groups remain or any
// figure of a remaining group is hidden, since a statistic over hidden cells could reveal them.
import { chiSquare, cramersV, kruskalWallis, mannWhitney } from '../stats/index.ts';
import type { ReportContext } from './context.ts';
import { groupFigures, rawTable } from './context.ts';
import type { Comparison, GroupResult, OrdinalStats, Suppressed, TestResult } from './model.ts';
import type { ProtectedVariable } from './protection.ts';
import { testText } from './test-text.ts';

export interface CompareOptions {
  measure: 'nominal' | 'ordinal';
  /** Per complete group, e.g. its ordinal statistics. */
  ordinal?: (table: Record<string, number>) => OrdinalStats | null;
}

const OMITTED = {
  groups: { de: 'Kein Vergleich: weniger als zwei Gruppen haben genug Antworten.', en: 'No comparison: fewer than two groups have enough answers.' },
  hidden: { de: 'Kein Test: einzelne Werte sind zum Schutz der Befragten ausgeblendet.', en: 'No test: some figures are hidden to protect respondents.' },
  undefined: { de: 'Kein Test: Die Antworten unterscheiden sich nicht genug, um ihn zu berechnen.', en: 'No test: the answers do not vary enough to compute it.' },
};

export function compareGroups(ctx: ReportContext, pv: ProtectedVariable, options: CompareOptions): Comparison | undefined {
  if (ctx.groups.length < 2) return undefined;
  const bySegment: Record<string, GroupResult> = {};
  const dropped: string[] = [];
  const kept: { key: string; table: Record<string, number>; complete: boolean }[] = [];
  for (const g of ctx.groups) {
    const f = groupFigures(pv, g.units);
    const result: GroupResult = { label: g.label, n: f.n, counts: f.counts, suppressed: f.suppressed };
    if (options.ordinal) {
      const stats = f.complete ? options.ordinal(rawTable(pv, g.units)) : null;
      result.ordinal = stats ?? (f.suppressed ? (f.n as Suppressed) : { suppressed: true, reason: 'complementary' });
    }
    bySegment[g.key] = result;
    if (f.suppressed || f.n === 0) dropped.push(g.key);
    else kept.push({ key: g.key, table: rawTable(pv, g.units), complete: f.complete });
  }
  const comparison: Comparison = { by: 'segment', bySegment, dropped, test: null };
  if (kept.length < 2) return { ...comparison, testOmitted: OMITTED.groups };
  if (!kept.every((g) => g.complete)) return { ...comparison, testOmitted: OMITTED.hidden };
  const test = options.measure === 'nominal' ? nominalTest(pv.values, kept) : ordinalTest(kept);
  if (!test) return { ...comparison, testOmitted: OMITTED.undefined };
  return { ...comparison, test: { ...test, text: testText(test) } };
}

function nominalTest(values: readonly string[], groups: { table: Record<string, number> }[]): TestResult | null {
  const chi = chiSquare(groups.map((g) => values.map((v) => g.table[v] ?? 0)));
  if (!chi) return null;
  return {
    name: 'chi-square',
    statistic: chi.statistic,
    df: chi.df,
    p: chi.p,
    effect: cramersV(chi),
    effectName: 'cramers-v',
    effectDf: Math.min(chi.rows.length, chi.columns.length) - 1,
    ...(chi.warning ? { warning: chi.warning } : {}),
  };
}

function ordinalTest(groups: { table: Record<string, number> }[]): TestResult | null {
  if (groups.length === 2) {
    const mw = mannWhitney(groups[0].table, groups[1].table);
    if (!mw) return null;
    return { name: 'mann-whitney', statistic: mw.statistic, df: null, p: mw.p, effect: mw.effect, effectName: 'r', method: mw.method };
  }
  const kw = kruskalWallis(groups.map((g) => g.table));
  if (!kw) return null;
  return { name: 'kruskal-wallis', statistic: kw.statistic, df: kw.df, p: kw.p, effect: kw.effect, effectName: 'eta-squared-h' };
}
