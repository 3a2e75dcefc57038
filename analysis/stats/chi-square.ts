// Chi-square test of independence on an r×c table of counts, as R's
// `chisq.test(m, correct = FALSE)`. All-zero rows and columns are dropped first: they carry no
// information, and R would return NaN for them.
import gammainc from '@stdlib/math-base-special-gammainc';

export interface ChiSquareResult {
  name: 'chi-square';
  statistic: number;
  df: number;
  p: number;
  /** Expected counts of the kept rows and columns. */
  expected: number[][];
  /** Indices into the input of the rows and columns that were kept. */
  rows: number[];
  columns: number[];
  n: number;
  /** Cells of the kept table whose expected count is below 5. */
  lowExpectedCells: number;
  /** Set when any expected count is below 5 (where R warns the approximation may be wrong). */
  warning?: { de: string; en: string };
}

/** Upper tail of the chi-square distribution: P(X > x) = Q(df/2, x/2), precise for tiny p. */
export function chiSquareUpperTail(x: number, df: number): number {
  return gammainc(x / 2, df / 2, true, true);
}

/** Null when fewer than two rows or two columns hold any count. */
export function chiSquare(table: readonly (readonly number[])[]): ChiSquareResult | null {
  const width = Math.max(0, ...table.map((r) => r.length));
  for (const row of table) {
    if (row.length !== width) throw new Error('Every row of a contingency table needs the same number of columns.');
    for (const c of row) {
      if (!Number.isInteger(c) || c < 0) throw new Error(`The count ${c} is not a whole number ≥ 0.`);
    }
  }
  const rows = table.map((_, i) => i).filter((i) => table[i].some((c) => c > 0));
  const columns = [...Array(width).keys()].filter((j) => table.some((r) => r[j] > 0));
  if (rows.length < 2 || columns.length < 2) return null;
  const m = rows.map((i) => columns.map((j) => table[i][j]));
  const rowSums = m.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = columns.map((_, j) => m.reduce((a, r) => a + r[j], 0));
  const n = rowSums.reduce((a, b) => a + b, 0);
  const expected = rowSums.map((rs) => colSums.map((cs) => (rs * cs) / n));
  let statistic = 0;
  let lowExpectedCells = 0;
  m.forEach((r, i) => {
    r.forEach((o, j) => {
      const e = expected[i][j];
      statistic += (o - e) ** 2 / e;
      if (e < 5) lowExpectedCells += 1;
    });
  });
  const df = (rows.length - 1) * (columns.length - 1);
  const result: ChiSquareResult = {
    name: 'chi-square',
    statistic,
    df,
    p: chiSquareUpperTail(statistic, df),
    expected,
    rows,
    columns,
    n,
    lowExpectedCells,
  };
  if (lowExpectedCells > 0) {
    result.warning = {
      de: `${lowExpectedCells} von ${rows.length * columns.length} erwarteten Häufigkeiten liegen unter 5: Der p-Wert ist nur ein grober Anhaltspunkt.`,
      en: `${lowExpectedCells} of ${rows.length * columns.length} expected counts are below 5: the p-value is only a rough guide.`,
    };
  }
  return result;
}
