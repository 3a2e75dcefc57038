// Every statistic in analysis/stats is checked against R on the same fixture tables. The R code
// is generated from the fixtures below, so changing a formula (or a fixture) changes one side
// only and the test fails. One Rscript run computes everything; results are printed as
// "name value" lines with 17 significant digits.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import {
  chiSquare,
  cramersV,
  type FrequencyTable,
  frequencies,
  kruskalWallis,
  mannWhitney,
  numericSummary,
  ordinalSummary,
  rankingSummary,
  wilson,
} from '../../analysis/stats/index.ts';

const TOLERANCE = 1e-9;

// ---- fixtures: tiny tables with ties, zeros and unequal groups ----
const wilsonCases: [number, number][] = [
  [0, 10],
  [10, 10],
  [3, 17],
  [1, 5],
  [45, 120],
];
const likert: FrequencyTable = { '1': 3, '2': 0, '3': 5, '4': 7, '5': 2 }; // n = 17, odd
const likertEven: FrequencyTable = { '1': 1, '2': 4, '3': 1, '4': 4, '5': 0 }; // n = 10, median between codes
const numbers: FrequencyTable = { '-2': 1, '1.5': 2, '3': 1, '7.25': 3, '10': 4 };
const table2x2 = [
  [12, 5],
  [7, 14],
];
const table3x4 = [
  [10, 4, 3, 6],
  [3, 8, 1, 2],
  [5, 5, 2, 9],
];
// a zero row and a zero column, which are dropped before the test (R itself gives NaN)
const tableWithZeros = [
  [8, 0, 3],
  [0, 0, 0],
  [2, 0, 9],
];
const twoGroups: FrequencyTable[] = [
  { '1': 2, '2': 3, '3': 6, '4': 4, '5': 1 },
  { '1': 0, '2': 1, '3': 3, '4': 7, '5': 6 },
];
const fourGroups: FrequencyTable[] = [
  { '1': 1, '2': 2, '3': 4 },
  { '2': 3, '3': 3, '4': 2, '5': 1 },
  {}, // an empty group is dropped
  { '1': 4, '2': 1 },
  { '3': 1, '4': 5, '5': 5 },
];
const ranking: Record<string, FrequencyTable> = {
  newsletter: { '1': 4, '2': 3, '3': 2 },
  events: { '1': 2, '2': 5, '3': 1, '4': 1 },
  journals: { '1': 3, '2': 1, '3': 5 },
  website: { '2': 1, '3': 1, '4': 5 },
};

// ---- R code generation ----
const rVector = (table: FrequencyTable): string => {
  const keys = Object.keys(table);
  return `rep(c(${keys.join(', ')}), c(${keys.map((k) => table[k]).join(', ')}))`;
};
const rMatrix = (m: number[][]): string =>
  `matrix(c(${m.flat().join(', ')}), nrow = ${m.length}, byrow = TRUE)`;
const rOut = (name: string, expr: string) => `out("${name}", ${expr})`;

const rLines: string[] = ['out <- function(name, v) for (i in seq_along(v)) cat(name, i, sprintf("%.17g", v[i]), "\\n")'];
const js = new Map<string, number>();
const put = (name: string, values: number | readonly number[]) => {
  (typeof values === 'number' ? [values] : values).forEach((v, i) => {
    js.set(`${name} ${i + 1}`, v);
  });
};

// frequencies: percent of valid
const freq = frequencies(likert, { base: 20 });
put('freq.percent', freq.rows.map((r) => r.percent));
put('freq.valid', freq.valid);
rLines.push(`x <- c(${Object.values(likert).join(', ')})`, rOut('freq.percent', '100 * x / sum(x)'), rOut('freq.valid', 'sum(x)'));

wilsonCases.forEach(([x, n], i) => {
  const w = wilson(x, n);
  put(`wilson${i}`, w ? [w.lower, w.upper, w.estimate] : []);
  rLines.push(`w <- prop.test(${x}, ${n}, correct = FALSE)`, rOut(`wilson${i}`, 'c(w$conf.int, w$estimate)'));
});

for (const [name, table] of [['likert', likert], ['likertEven', likertEven]] as const) {
  const o = ordinalSummary(table, [1, 2, 3, 4, 5]);
  put(name, o ? [o.median, o.mean, o.sd, o.top2Share, o.n] : []);
  rLines.push(`x <- ${rVector(table)}`, rOut(name, 'c(median(x), mean(x), sd(x), mean(x >= 4), length(x))'));
}

const s = numericSummary(numbers);
put('numbers', s ? [s.q1, s.median, s.q3, s.min, s.max, s.mean, s.sd, s.n] : []);
rLines.push(
  `x <- ${rVector(numbers)}`,
  rOut('numbers', 'c(quantile(x, c(0.25, 0.5, 0.75), type = 7), min(x), max(x), mean(x), sd(x), length(x))'),
);

const chiCases = [
  ['chi2x2', table2x2],
  ['chi3x4', table3x4],
  ['chiZeros', tableWithZeros],
] as const;
for (const [name, m] of chiCases) {
  const c = chiSquare(m);
  put(name, c ? [c.statistic, c.df, c.p, cramersV(c), c.lowExpectedCells > 0 ? 1 : 0, ...c.expected.flat()] : []);
  rLines.push(
    `m <- ${rMatrix(m as unknown as number[][])}`,
    'm <- m[rowSums(m) > 0, colSums(m) > 0, drop = FALSE]',
    'warned <- 0',
    'c <- withCallingHandlers(chisq.test(m, correct = FALSE), warning = function(w) { warned <<- 1; invokeRestart("muffleWarning") })',
    rOut(name, 'c(c$statistic, c$parameter, c$p.value, sqrt(c$statistic / (sum(m) * (min(dim(m)) - 1))), warned, t(c$expected))'),
  );
}

for (const [name, groups] of [['kw2', twoGroups], ['kw4', fourGroups]] as const) {
  const k = kruskalWallis(groups);
  put(name, k ? [k.statistic, k.df, k.p, k.effect] : []);
  const nonEmpty = groups.filter((g) => Object.values(g).some((c) => c > 0));
  rLines.push(
    `g <- list(${nonEmpty.map(rVector).join(', ')})`,
    'k <- kruskal.test(g)',
    'N <- sum(lengths(g)); K <- length(g)',
    rOut(name, 'c(k$statistic, k$parameter, k$p.value, (k$statistic - K + 1) / (N - K))'),
  );
}

const mw = mannWhitney(twoGroups[0], twoGroups[1]);
const mwSwapped = mannWhitney(fourGroups[0], fourGroups[1]);
put('mw', mw ? [mw.statistic, mw.p, mw.effect] : []);
put('mwSmall', mwSwapped ? [mwSwapped.statistic, mwSwapped.p, mwSwapped.effect] : []);
for (const [name, x, y] of [
  ['mw', twoGroups[0], twoGroups[1]],
  ['mwSmall', fourGroups[0], fourGroups[1]],
] as const) {
  rLines.push(
    `x <- ${rVector(x)}; y <- ${rVector(y)}`,
    // R's defaults: with these ties it takes the normal approximation (and warns that it must)
    'w <- suppressWarnings(wilcox.test(x, y))',
    // R does not return z; |z| is recovered from the two-sided p
    rOut(name, 'c(w$statistic, w$p.value, qnorm(w$p.value / 2, lower.tail = FALSE) / sqrt(length(x) + length(y)))'),
  );
}

const r = rankingSummary(ranking);
put(
  'ranking',
  r.items.flatMap((i) => [i.meanRank, i.firstShare]),
);
rLines.push(
  `items <- list(${Object.values(ranking).map(rVector).join(', ')})`,
  'firsts <- sapply(items, function(x) sum(x == 1))',
  rOut('ranking', 'as.vector(rbind(sapply(items, mean), firsts / sum(firsts)))'),
);

// ---- run R once ----
function runR(): Map<string, number> | string {
  let stdout: string;
  try {
    stdout = execFileSync('Rscript', ['-e', rLines.join('\n')], { encoding: 'utf8' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'Rscript was not found: install r-base-core (apt-get install r-base-core) so statistics can be checked against R.';
    return `Rscript failed: ${(error as Error).message}`;
  }
  const values = new Map<string, number>();
  for (const line of stdout.trim().split('\n')) {
    const [name, index, value] = line.trim().split(/\s+/);
    values.set(`${name} ${index}`, Number(value));
  }
  return values;
}

const close = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE || Math.abs(a - b) <= TOLERANCE * Math.abs(b);

const rValues = runR();

t.test('R is available to check the statistics (install r-base-core otherwise)', async (t) => {
  t.type(rValues, Map, typeof rValues === 'string' ? rValues : 'Rscript ran');
});

const groupsOfNames = [...new Set([...js.keys()].map((k) => k.split(' ')[0]))];
const describe: Record<string, string> = {
  'freq.percent': 'percent of valid answers equals R',
  'freq.valid': 'valid n equals R',
  likert: 'median, mean, SD, top-2 share of an odd-sized Likert table equal R',
  likertEven: 'the median between two codes of an even-sized Likert table equals R',
  numbers: 'quartiles (type 7), min, max, mean, SD and n of decimal numbers equal R',
  chi2x2: 'chi-square, df, p, Cramér’s V and expected counts of a 2×2 table equal R',
  chi3x4: 'chi-square of a 3×4 table with expected counts below 5 equals R, warning included',
  chiZeros: 'chi-square after dropping an all-zero row and column equals R on the reduced table',
  kw2: 'Kruskal-Wallis of 2 tied groups equals R',
  kw4: 'Kruskal-Wallis of 4 unequal groups (one empty, dropped) equals R',
  mw: 'Mann-Whitney W, p and r of two tied groups equal R',
  mwSmall: 'Mann-Whitney of two small unequal groups equals R',
  ranking: 'mean rank and share ranked first equal R',
};

if (rValues instanceof Map) {
  for (const group of groupsOfNames) {
    t.test(describe[group] ?? (group.startsWith('wilson') ? `Wilson interval ${group} equals prop.test` : group), async (t) => {
      const names = [...rValues.keys()].filter((k) => k.split(' ')[0] === group);
      const ours = [...js.keys()].filter((k) => k.split(' ')[0] === group);
      t.same(ours.sort(), names.sort(), 'the same figures on both sides');
      for (const name of names) {
        const a = js.get(name) as number;
        const b = rValues.get(name) as number;
        t.ok(close(a, b), `${name}: ours ${a}, R ${b}`);
      }
    });
  }
  t.test('the comparison covers every figure', async (t) => {
    t.equal(js.size, rValues.size);
    t.ok(js.size >= 80, `${js.size} figures compared`);
  });
}

// ---- where R refuses or returns NaN, the functions return null or throw with the reason ----
t.test('degenerate inputs give null instead of NaN', async (t) => {
  t.equal(wilson(0, 0), null, 'no trials: no interval');
  t.equal(chiSquare([[3, 0], [0, 0]]), null, 'one row and one column left after dropping zeros');
  t.equal(kruskalWallis([{ '2': 4 }, { '2': 3 }]), null, 'all answers tied');
  t.equal(kruskalWallis([{ '1': 4 }, {}]), null, 'only one group with data');
  t.equal(mannWhitney({ '3': 2 }, { '3': 5 }), null, 'all answers tied');
  t.equal(mannWhitney({}, { '3': 5 }), null, 'an empty group');
  t.equal(numericSummary({}), null);
  t.equal(ordinalSummary({ '3': 0 }, [1, 2, 3]), null);
});

t.test('bad input is refused with a sentence naming it', async (t) => {
  t.throws(() => numericSummary({ sehr: 2 }), /The value "sehr" is not a number/);
  t.throws(() => ordinalSummary({ '6': 1 }, [1, 2, 3, 4, 5]), /The code 6 is not on the scale 1, 2, 3, 4, 5/);
  t.throws(() => wilson(6, 5), /0 ≤ x ≤ n/);
  t.throws(() => frequencies({ a: 4 }, { base: 3 }), /base 3 is smaller than the 4 valid answers/);
});

t.test('frequencies keep the catalogue order, add unseen values as 0 and report no answer', async (t) => {
  t.same(frequencies({ b: 1, a: 3 }, { base: 6, order: ['a', 'b', 'c'] }), {
    rows: [
      { value: 'a', count: 3, percent: 75 },
      { value: 'b', count: 1, percent: 25 },
      { value: 'c', count: 0, percent: 0 },
    ],
    valid: 4,
    noAnswer: 2,
    base: 6,
  });
});
