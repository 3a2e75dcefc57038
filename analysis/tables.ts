// Small helpers that turn aggregated counts into the frequency tables the statistics take.
import type { FrequencyTable } from './stats/index.ts';
import type { CountRow } from './types.ts';

/** value → count for one variable, optionally restricted to some rows (e.g. one segment). */
export function tableOf(counts: readonly CountRow[], variable: string, keep: (row: CountRow) => boolean = () => true): FrequencyTable {
  const table: FrequencyTable = {};
  for (const row of counts) if (row.variable === variable && keep(row)) table[row.value] = (table[row.value] ?? 0) + row.n;
  return table;
}

/**
 * A groups × values matrix of counts for one variable (rows in `groups` order, columns in
 * `values` order), as chiSquare takes it. `groupOf` names the group of a count row.
 */
export function crosstab(
  counts: readonly CountRow[],
  variable: string,
  groups: readonly string[],
  values: readonly string[],
  groupOf: (row: CountRow) => string = (row) => row.segment,
): number[][] {
  const m = groups.map(() => values.map(() => 0));
  for (const row of counts) {
    if (row.variable !== variable) continue;
    const g = groups.indexOf(groupOf(row));
    const v = values.indexOf(row.value);
    if (g >= 0 && v >= 0) m[g][v] += row.n;
  }
  return m;
}
