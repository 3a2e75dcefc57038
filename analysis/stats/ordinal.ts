// Summary of an ordinal (Likert, rating) variable from its frequency table of numeric codes.
import { quantileType7 } from './quantiles.ts';
import { type FrequencyTable, moments, numericCounts } from './table.ts';

export interface OrdinalSummary {
  n: number;
  median: number;
  mean: number;
  /** Sample SD (n − 1); NaN for a single answer. */
  sd: number;
  /** Answers in the two highest codes of the scale. */
  top2Count: number;
  /** top2Count / n, a share between 0 and 1. */
  top2Share: number;
}

/**
 * `scale` lists the codes the scale offers (e.g. [1, 2, 3, 4, 5]); the top-2 box is its two
 * highest codes, even when nobody chose them. A code outside the scale is an error, because it
 * means the catalogue and the data disagree.
 */
export function ordinalSummary(table: FrequencyTable, scale: readonly number[]): OrdinalSummary | null {
  if (scale.length < 2) throw new Error('A top-2 box needs a scale with at least two codes.');
  const rows = numericCounts(table);
  const outside = rows.find((r) => !scale.includes(r.value));
  if (outside) throw new Error(`The code ${outside.value} is not on the scale ${scale.join(', ')}.`);
  if (rows.length === 0) return null;
  const { n, mean, sd } = moments(rows);
  const top = [...scale].sort((a, b) => b - a).slice(0, 2);
  const top2Count = rows.filter((r) => top.includes(r.value)).reduce((sum, r) => sum + r.count, 0);
  return { n, median: quantileType7(rows, n, 0.5), mean, sd, top2Count, top2Share: top2Count / n };
}
