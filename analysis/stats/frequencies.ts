// Counts and percentages of valid answers for one variable. "No answer" is the base (complete
// responses that saw the question) minus the valid answers, and is reported apart.
import type { FrequencyTable } from './table.ts';

export interface FrequencyRow {
  value: string;
  count: number;
  /** Percent of valid answers (0–100); NaN when nobody answered. */
  percent: number;
}

export interface Frequencies {
  rows: FrequencyRow[];
  /** Valid answers: the sum of all counts. */
  valid: number;
  /** Base minus valid answers; null when no base was given. */
  noAnswer: number | null;
  base: number | null;
}

export interface FrequencyOptions {
  /** Complete responses the question was asked of; must be at least the valid n. */
  base?: number;
  /** Row order (e.g. the catalogue's choice order). Values missing from the table get count 0. */
  order?: readonly string[];
}

export function frequencies(table: FrequencyTable, options: FrequencyOptions = {}): Frequencies {
  const values = options.order ? [...options.order] : Object.keys(table);
  for (const key of Object.keys(table)) {
    if (!values.includes(key)) values.push(key); // never drop a counted value silently
  }
  const valid = Object.values(table).reduce((a, b) => a + b, 0);
  const base = options.base ?? null;
  if (base !== null && base < valid) {
    throw new Error(`The base ${base} is smaller than the ${valid} valid answers: pass the number of complete responses.`);
  }
  return {
    rows: values.map((value) => {
      const count = table[value] ?? 0;
      return { value, count, percent: valid > 0 ? (100 * count) / valid : Number.NaN };
    }),
    valid,
    noAnswer: base === null ? null : base - valid,
    base,
  };
}
