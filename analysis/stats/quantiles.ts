// Quartiles and moments of a numeric variable, computed from its frequency table as if on the
// expanded data. Quantiles follow R's default `quantile(x, type = 7)`.
import { type FrequencyTable, moments, type NumericCount, nth, numericCounts } from './table.ts';

/** R type 7: linear interpolation between order statistics at h = (n − 1)p. */
export function quantileType7(rows: readonly NumericCount[], n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const low = nth(rows, lo);
  if (h === lo) return low;
  return low + (h - lo) * (nth(rows, lo + 1) - low);
}

export interface NumericSummary {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  /** Sample SD (n − 1); NaN for a single observation. */
  sd: number;
}

/** n, min, quartiles, max, mean and SD; null when the table holds no observation. */
export function numericSummary(table: FrequencyTable): NumericSummary | null {
  const rows = numericCounts(table);
  if (rows.length === 0) return null;
  const { n, mean, sd } = moments(rows);
  return {
    n,
    min: rows[0].value,
    q1: quantileType7(rows, n, 0.25),
    median: quantileType7(rows, n, 0.5),
    q3: quantileType7(rows, n, 0.75),
    max: rows[rows.length - 1].value,
    mean,
    sd,
  };
}
