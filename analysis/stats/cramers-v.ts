// Cramér's V: the effect size that goes with a chi-square test of independence,
// sqrt(χ² / (n · (min(r, c) − 1))), between 0 (no association) and 1.
import type { ChiSquareResult } from './chi-square.ts';

/** Cramér's V of a chi-square result (computed on the kept rows and columns). */
export function cramersV(test: Pick<ChiSquareResult, 'statistic' | 'n' | 'rows' | 'columns'>): number {
  const k = Math.min(test.rows.length, test.columns.length);
  return Math.sqrt(test.statistic / (test.n * (k - 1)));
}
