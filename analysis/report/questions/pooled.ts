// A variable of a dynamic panel or dynamic matrix (`q.inner`, `q.col`), where one person may
// give several entries. The unit is the person (issue 12): the counts hold, per value, the persons
// who named it in at least one entry, and `_p` the persons who gave the variable any value
// (analysis/extract.ts PERSONS_VARIABLE). Each value is then protected like a checkbox option:
// a 0/1 table per person (named it / answered but never named it), so n < k, the group-attribute
// rule, the audit with the bases (persons ≤ respondents) and the published set all hold in
// persons. Shares are of the persons who answered and do not add up to 100 %.
import type { Variable } from '../../../surveys/types.ts';
import { PERSONS_VARIABLE } from '../../extract.ts';
import { labelOf, type ReportContext, valueList } from '../context.ts';
import type { LocalizedText } from '../model.ts';
import type { ProtectedVariable } from '../protection.ts';
import { binarySummary, type MultipleSummary } from './multiple.ts';

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

export function summarisePooled(ctx: ReportContext, variable: Variable): MultipleSummary {
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
  return binarySummary(ctx, pvs, [protectedPersons(ctx, variable.key)], (value) => labelOf(variable.values, value), {
    de: 'Kein Test: Eine Person kann mehrere Antworten nennen.',
    en: 'No test: one person may give several answers.',
  });
}
