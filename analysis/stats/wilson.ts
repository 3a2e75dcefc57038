// Wilson score interval for a proportion, as R's `prop.test(x, n, correct = FALSE)$conf.int`.
// It stays inside [0, 1] and behaves at 0 % and 100 %, unlike the Wald interval.

/** qnorm(0.975): the two-sided 95 % normal quantile, to double precision. */
const Z95 = 1.959963984540054;

export interface WilsonInterval {
  estimate: number;
  lower: number;
  upper: number;
}

/** Wilson 95 % interval for x successes in n trials; null when n is 0. */
export function wilson(x: number, n: number): WilsonInterval | null {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || x > n) {
    throw new Error(`wilson(${x}, ${n}) needs whole numbers with 0 ≤ x ≤ n.`);
  }
  if (n === 0) return null;
  const p = x / n;
  const z22n = (Z95 * Z95) / (2 * n);
  const spread = Z95 * Math.sqrt((p * (1 - p)) / n + z22n / (2 * n));
  // R sets the bound to exactly 0 or 1 at the edges instead of evaluating the formula there
  const lower = p <= 0 ? 0 : (p + z22n - spread) / (1 + 2 * z22n);
  const upper = p >= 1 ? 1 : (p + z22n + spread) / (1 + 2 * z22n);
  return { estimate: p, lower, upper };
}
