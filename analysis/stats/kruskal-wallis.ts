// Kruskal-Wallis rank-sum test from one frequency table of numeric codes per group, with the
// tie correction, as R's `kruskal.test(list(...))`. Likert answers are full of ties, so the
// correction matters. Empty groups are dropped (R refuses them).
import { chiSquareUpperTail } from './chi-square.ts';
import { type FrequencyTable, numericCounts, pooledRanks } from './table.ts';

export interface KruskalWallisResult {
  name: 'kruskal-wallis';
  statistic: number;
  df: number;
  p: number;
  /** Effect size η²(H) = (H − k + 1) / (n − k), as in rstatix's `kruskal_effsize`. */
  effect: number;
  n: number;
  /** Indices into the input of the groups that held data. */
  groups: number[];
}

/** Null when fewer than two groups hold data, or when all answers are tied (H undefined). */
export function kruskalWallis(groups: readonly FrequencyTable[]): KruskalWallisResult | null {
  const parsed = groups.map(numericCounts);
  const kept = parsed.map((_, i) => i).filter((i) => parsed[i].length > 0);
  if (kept.length < 2) return null;
  const { rankSums, ns, n, tieSizes } = pooledRanks(kept.map((i) => parsed[i]));
  const ties = tieSizes.reduce((sum, t) => sum + t ** 3 - t, 0);
  const correction = 1 - ties / (n ** 3 - n);
  if (correction <= 0) return null;
  const sum = rankSums.reduce((acc, r, g) => acc + (r * r) / ns[g], 0);
  const statistic = ((12 * sum) / (n * (n + 1)) - 3 * (n + 1)) / correction;
  const k = kept.length;
  const df = k - 1;
  return {
    name: 'kruskal-wallis',
    statistic,
    df,
    p: chiSquareUpperTail(statistic, df),
    effect: n > k ? (statistic - k + 1) / (n - k) : Number.NaN,
    n,
    groups: kept,
  };
}
