// Multiple choice (checkbox, tagbox): per option the share of respondents choosing it, from its
// 0/1 variable `q.choice`. Shares do not sum to 100 %. The comparison shows per segment how many
// chose each option; no single test covers several 0/1 answers of the same person.
import { type CatalogueQuestion, OTHER_CHOSEN } from '../../../surveys/types.ts';
import { wilson } from '../../stats/index.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import { groupFigures, labelOf, percentOf, type ReportContext } from '../context.ts';
import type { Comparison, GroupResult, LocalizedText, OptionResult } from '../model.ts';
import type { ProtectedVariable } from '../protection.ts';

const BINARY = ['1', '0'];

export interface MultipleSummary {
  n: Figure;
  counts: Record<string, Figure>;
  options: OptionResult[];
  comparison?: Comparison;
}

/** The option codes of a checkbox question whose 0/1 variables hold data or are declared. */
export function multipleOptions(q: CatalogueQuestion): string[] {
  // "other" chosen is `q.other.chosen` (catalogues before it existed have no such row)
  return q.variables.filter((v) => v.measure === 'binary').map((v) => v.key.slice(q.name.length + 1));
}

function chosen(pvs: Map<string, ProtectedVariable>, units: readonly string[], n: Figure): Record<string, Figure> {
  const counts: Record<string, Figure> = {};
  for (const [code, pv] of pvs) counts[code] = isSuppressed(n) ? n : groupFigures(pv, units, ['1']).counts['1'];
  return counts;
}

export function summariseMultiple(ctx: ReportContext, q: CatalogueQuestion): MultipleSummary {
  const pvs = new Map<string, ProtectedVariable>();
  for (const code of multipleOptions(q)) pvs.set(code, ctx.protect(`${q.name}.${code}`, BINARY));
  const label = (value: string) => (value === OTHER_CHOSEN ? (q.choices?.find((c) => c.value === 'other')?.label ?? { de: 'Sonstiges', en: 'Other' }) : labelOf(q.choices, value));
  return binarySummary(ctx, pvs, [], label, {
    de: 'Kein Test: Bei Mehrfachnennungen gibt es keinen gemeinsamen Test über alle Optionen.',
    en: 'No test: with multiple answers no single test covers all options.',
  });
}

/**
 * Shares of persons from 0/1 tables, one per value (`pvs`): a checkbox's options, or the values
 * of a dynamic panel counted per person (pooled.ts). Every table's n is the number of persons who
 * answered, as is each of `alsoN`'s; the first shown one is taken, if any.
 */
export function binarySummary(
  ctx: ReportContext,
  pvs: Map<string, ProtectedVariable>,
  alsoN: readonly ProtectedVariable[],
  label: (value: string) => LocalizedText,
  testOmitted: LocalizedText,
): MultipleSummary {
  const respondents = (units: readonly string[]): Figure => {
    let first: Figure | null = null;
    for (const pv of [...pvs.values(), ...alsoN]) {
      const n = pv.n(units);
      if (!isSuppressed(n)) return n;
      first ??= n;
    }
    return first ?? 0;
  };
  const n = respondents(ctx.scope);
  const counts = chosen(pvs, ctx.scope, n);
  const options: OptionResult[] = [...pvs.keys()].map((value) => {
    const count = counts[value];
    const option: OptionResult = { value, label: label(value), count, percent: percentOf(count, n) };
    if (isSuppressed(count)) option.interval = count;
    else if (isSuppressed(n)) option.interval = n;
    else {
      const w = wilson(count, n);
      if (w) option.interval = { lower: w.lower, upper: w.upper };
    }
    return option;
  });
  const summary: MultipleSummary = { n, counts, options };
  if (ctx.groups.length >= 2) {
    const bySegment: Record<string, GroupResult> = {};
    const dropped: string[] = [];
    for (const g of ctx.groups) {
      const gn = respondents(g.units);
      const suppressed = isSuppressed(gn);
      bySegment[g.key] = { label: g.label, n: gn, counts: chosen(pvs, g.units, gn), suppressed };
      if (suppressed || gn === 0) dropped.push(g.key);
    }
    summary.comparison = { by: 'segment', bySegment, dropped, test: null, testOmitted };
  }
  return summary;
}
