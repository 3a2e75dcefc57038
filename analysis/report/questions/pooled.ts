// A variable of a dynamic panel or dynamic matrix (`q.inner`, `q.col`), where one person may
// give several entries. The unit is the person (issue 12): the counts hold, per value, the persons
// who named it in at least one entry, and `_p` the persons who gave the variable any value
// (analysis/extract.ts PERSONS_VARIABLE). Each value is then protected like a checkbox option:
// a 0/1 table per person (named it / answered but never named it), so n < k, the group-attribute
// rule, the audit with the bases (persons ≤ respondents) and the published set all hold in
// persons. Shares are of the persons who answered and do not add up to 100 %.
import type { Variable } from '../../../surveys/types.ts';
import { PERSONS_VARIABLE } from '../../extract.ts';
import { wilson } from '../../stats/index.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import { groupFigures, labelOf, percentOf, type ReportContext, valueList } from '../context.ts';
import type { Comparison, GroupResult, LocalizedText, OptionResult } from '../model.ts';
import type { ProtectedVariable } from '../protection.ts';

const BINARY = ['1', '0'];
const ANSWERED = 'a';

/** Told beside every pooled question's figures. */
export const POOLED_NOTE: LocalizedText = {
  de: 'Mehrere Einträge je Person möglich: gezählt werden Personen, die eine Antwort in mindestens einem Eintrag nannten; die Anteile ergeben zusammen nicht 100 %.',
  en: 'Several entries per person possible: counted are persons who gave an answer in at least one entry; the shares do not add up to 100 %.',
};

/** Told beside a pooled number: n counts persons, the mean all their entries. */
export const POOLED_NUMBER_NOTE: LocalizedText = {
  de: 'Mehrere Einträge je Person möglich: n zählt Personen, der Mittelwert und die Quartile gehen über alle ihre Einträge.',
  en: 'Several entries per person possible: n counts persons; the mean and quartiles are over all their entries.',
};

/** Persons in a unit who gave the pooled variable a value in any entry. */
export function personsOf(ctx: ReportContext, key: string): (unit: string) => number {
  return (u) => ctx.index.table(PERSONS_VARIABLE, u)[key] ?? 0;
}

/** The persons who answered a pooled variable, protected (one column per unit). */
export function protectedPersons(ctx: ReportContext, key: string): ProtectedVariable {
  const persons = personsOf(ctx, key);
  return ctx.protectCounts(`${key}#persons`, (u) => ({ [ANSWERED]: persons(u) }), [ANSWERED], true);
}

export interface PooledSummary {
  n: Figure;
  counts: Record<string, Figure>;
  options: OptionResult[];
  comparison?: Comparison;
}

export function summarisePooled(ctx: ReportContext, variable: Variable): PooledSummary {
  const values = valueList(
    variable.values?.map((c) => c.value),
    ctx.index.valuesOf(variable.key),
  );
  const persons = personsOf(ctx, variable.key);
  const pvs = new Map<string, ProtectedVariable>();
  for (const x of values)
    pvs.set(
      x,
      ctx.protectCounts(
        `${variable.key}\u0000${x}#persons`,
        (u) => {
          const named = ctx.index.table(variable.key, u)[x] ?? 0;
          return { '1': named, '0': Math.max(0, persons(u) - named) };
        },
        BINARY,
      ),
    );
  const answered = protectedPersons(ctx, variable.key);
  // every value's table has n = the persons who answered; take one whose n is shown, if any
  const respondents = (units: readonly string[]): Figure => {
    let first: Figure | null = null;
    for (const pv of [...pvs.values(), answered]) {
      const n = pv.n(units);
      if (!isSuppressed(n)) return n;
      first ??= n;
    }
    return first ?? 0;
  };
  const named = (units: readonly string[], n: Figure): Record<string, Figure> => {
    const counts: Record<string, Figure> = {};
    for (const [x, pv] of pvs) counts[x] = isSuppressed(n) ? n : groupFigures(pv, units, ['1']).counts['1'];
    return counts;
  };
  const n = respondents(ctx.scope);
  const counts = named(ctx.scope, n);
  const options: OptionResult[] = values.map((value) => {
    const count = counts[value];
    const option: OptionResult = { value, label: labelOf(variable.values, value), count, percent: percentOf(count, n) };
    if (isSuppressed(count)) option.interval = count;
    else if (isSuppressed(n)) option.interval = n;
    else {
      const w = wilson(count, n);
      if (w) option.interval = { lower: w.lower, upper: w.upper };
    }
    return option;
  });
  const summary: PooledSummary = { n, counts, options };
  if (ctx.groups.length >= 2) {
    const bySegment: Record<string, GroupResult> = {};
    const dropped: string[] = [];
    for (const g of ctx.groups) {
      const gn = respondents(g.units);
      const suppressed = isSuppressed(gn);
      bySegment[g.key] = { label: g.label, n: gn, counts: named(g.units, gn), suppressed };
      if (suppressed || gn === 0) dropped.push(g.key);
    }
    summary.comparison = {
      by: 'segment',
      bySegment,
      dropped,
      test: null,
      testOmitted: { de: 'Kein Test: Eine Person kann mehrere Antworten nennen.', en: 'No test: one person may give several answers.' },
    };
  }
  return summary;
}
