// Mann-Whitney U (Wilcoxon rank-sum) test of two groups from their frequency tables, as R's
// `wilcox.test(x, y)` with its defaults: the exact p-value when both groups have fewer than 50
// answers and no value occurs twice in the pooled data, otherwise the normal approximation with
// tie-corrected variance and continuity correction. Effect size r = |z| / sqrt(n), z from the
// normal approximation either way (R gives no z for the exact test).
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { type FrequencyTable, numericCounts, pooledRanks } from './table.ts';

export interface MannWhitneyResult {
  name: 'mann-whitney';
  /** W as R reports it: the rank sum of x minus nx(nx + 1)/2. */
  statistic: number;
  /** The continuity-corrected z. */
  z: number;
  p: number;
  /** Which p-value: exact (R's default for small samples without ties) or the normal approximation. */
  method: 'exact' | 'normal';
  /** r = |z| / sqrt(nx + ny). */
  effect: number;
  n: number;
  df: null;
}

/** R's default: exact when both groups are smaller than 50. */
const EXACT_BELOW = 50;

/**
 * The null distribution of W for group sizes m and n: counts[w] = number of ways to place the m
 * ranks of x among m + n so that W = w (the coefficients of the Gaussian binomial [m+n, m]), as
 * doubles, like R's cwilcox.
 */
function wilcoxonCounts(m: number, n: number): number[] {
  // layer[i] = polynomial (counts by W) of choosing i of the first k ranks for x
  let layer: number[][] = [[1]];
  for (let k = 1; k <= m + n; k++) {
    const next: number[][] = [];
    for (let i = 0; i <= Math.min(k, m); i++) {
      // the k-th rank goes to x (i − 1 chosen before it) or to y (i chosen before, each of them
      // now beaten by one more y: W grows by i)
      const withX = i > 0 && i - 1 < layer.length ? layer[i - 1] : [];
      const withY = i < layer.length && k - 1 - i >= 0 ? layer[i] : [];
      const poly = new Array<number>(Math.max(withX.length, withY.length + i)).fill(0);
      withX.forEach((c, w) => {
        poly[w] += c;
      });
      withY.forEach((c, w) => {
        poly[w + i] += c;
      });
      next.push(poly);
    }
    layer = next;
  }
  return layer[m];
}

/** Two-sided exact p of W, summing the shorter tail as R's pwilcox does. */
function exactP(statistic: number, m: number, n: number): number {
  const counts = wilcoxonCounts(m, n);
  const all = counts.reduce((a, b) => a + b, 0);
  // P(W ≥ w) = P(W ≤ mn − w) by symmetry
  const q = statistic > (m * n) / 2 ? m * n - statistic : statistic;
  let tail = 0;
  for (let w = 0; w <= q; w++) tail += (counts[w] ?? 0) / all;
  return Math.min(1, 2 * tail);
}

/** Null when a group is empty or every answer is tied (variance 0). */
export function mannWhitney(x: FrequencyTable, y: FrequencyTable): MannWhitneyResult | null {
  const gx = numericCounts(x);
  const gy = numericCounts(y);
  if (gx.length === 0 || gy.length === 0) return null;
  const { rankSums, ns, n, tieSizes } = pooledRanks([gx, gy]);
  const [nx, ny] = ns;
  const statistic = rankSums[0] - (nx * (nx + 1)) / 2;
  const ties = tieSizes.reduce((sum, t) => sum + t ** 3 - t, 0);
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - ties / (n * (n - 1))));
  if (!(sigma > 0)) return null;
  const shift = statistic - (nx * ny) / 2;
  const z = (shift - Math.sign(shift) * 0.5) / sigma;
  const exact = nx < EXACT_BELOW && ny < EXACT_BELOW && tieSizes.every((t) => t === 1);
  // 2 · P(Z > |z|) through the lower tail, which keeps precision for small p
  const p = exact ? exactP(statistic, nx, ny) : Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
  return { name: 'mann-whitney', statistic, z, p, method: exact ? 'exact' : 'normal', effect: Math.abs(z) / Math.sqrt(n), n, df: null };
}
