// Mann-Whitney U (Wilcoxon rank-sum) test of two groups from their frequency tables, as R's
// `wilcox.test(x, y, exact = FALSE, correct = TRUE)`: normal approximation with tie-corrected
// variance and continuity correction. Effect size r = |z| / sqrt(n).
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { type FrequencyTable, numericCounts, pooledRanks } from './table.ts';

export interface MannWhitneyResult {
  name: 'mann-whitney';
  /** W as R reports it: the rank sum of x minus nx(nx + 1)/2. */
  statistic: number;
  /** The continuity-corrected z. */
  z: number;
  p: number;
  /** r = |z| / sqrt(nx + ny). */
  effect: number;
  n: number;
  df: null;
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
  // 2 · P(Z > |z|) through the lower tail, which keeps precision for small p
  const p = Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
  return { name: 'mann-whitney', statistic, z, p, effect: Math.abs(z) / Math.sqrt(n), n, df: null };
}
