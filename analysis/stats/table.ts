// Frequency tables (value → count) are how analysis receives data: storage keeps counts, never
// raw responses. These helpers read a table of numeric codes as if it were the expanded data.

/** A frequency table: answer value (as stored, a string) → number of respondents. */
export type FrequencyTable = Record<string, number>;

/** One distinct numeric value and how often it occurs. */
export interface NumericCount {
  value: number;
  count: number;
}

/**
 * The table's entries as numbers, ascending, without zero counts. Throws with the offending value
 * when a key is not a number or a count is not a non-negative integer.
 */
export function numericCounts(table: FrequencyTable): NumericCount[] {
  const rows: NumericCount[] = [];
  for (const [key, count] of Object.entries(table)) {
    const value = key.trim() === '' ? Number.NaN : Number(key);
    if (!Number.isFinite(value)) throw new Error(`The value "${key}" is not a number: numeric statistics need numeric codes.`);
    if (!Number.isInteger(count) || count < 0) throw new Error(`The count ${count} for "${key}" is not a whole number ≥ 0.`);
    if (count > 0) rows.push({ value, count });
  }
  return rows.sort((a, b) => a.value - b.value);
}

/** The number of observations in the expanded data. */
export function total(rows: readonly NumericCount[]): number {
  return rows.reduce((sum, r) => sum + r.count, 0);
}

/** The i-th smallest observation (0-based) of the expanded data. */
export function nth(rows: readonly NumericCount[], i: number): number {
  let seen = 0;
  for (const r of rows) {
    seen += r.count;
    if (i < seen) return r.value;
  }
  throw new RangeError(`Index ${i} is outside a table of ${seen} observations.`);
}

/** Mean and sample SD (n − 1) with a two-pass sum, so large codes lose no precision. */
export function moments(rows: readonly NumericCount[]): { n: number; mean: number; sd: number } {
  const n = total(rows);
  const mean = rows.reduce((sum, r) => sum + r.value * r.count, 0) / n;
  const ss = rows.reduce((sum, r) => sum + r.count * (r.value - mean) ** 2, 0);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN };
}

/**
 * Mid-ranks of the pooled groups, as R's `rank()` gives them to ties, plus the tie sizes.
 * `groups[g]` are the numeric counts of group g; the result gives each group's rank sum and n.
 */
export function pooledRanks(groups: readonly (readonly NumericCount[])[]): {
  rankSums: number[];
  ns: number[];
  n: number;
  tieSizes: number[];
} {
  const pooled = new Map<number, number[]>();
  groups.forEach((rows, g) => {
    for (const r of rows) {
      const perGroup = pooled.get(r.value) ?? new Array<number>(groups.length).fill(0);
      perGroup[g] += r.count;
      pooled.set(r.value, perGroup);
    }
  });
  const rankSums = new Array<number>(groups.length).fill(0);
  const tieSizes: number[] = [];
  let below = 0;
  for (const value of [...pooled.keys()].sort((a, b) => a - b)) {
    const perGroup = pooled.get(value) as number[];
    const t = perGroup.reduce((a, b) => a + b, 0);
    const midRank = below + (t + 1) / 2;
    perGroup.forEach((c, g) => {
      rankSums[g] += c * midRank;
    });
    tieSizes.push(t);
    below += t;
  }
  return { rankSums, ns: groups.map(total), n: below, tieSizes };
}
