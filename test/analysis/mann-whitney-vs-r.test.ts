// Differential test of Mann-Whitney against R's `wilcox.test(x, y)` with R's defaults, on random
// samples: small without ties (R: exact p), small with ties and large ones (R: normal
// approximation with continuity correction), and the edge of R's rule (49 and 50 answers). W, p
// and which method was used must agree; figures are compared by the rule of
// test/analysis/stats-vs-r.test.ts (1e-9, absolute or relative), with no exceptions.
// MW_R_SEED=<number> (or "random") draws other samples; the seed is printed in every test name.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { type FrequencyTable, mannWhitney } from '../../analysis/stats/index.ts';
import { prng } from '../surveys/random-answers.ts';

const TOLERANCE = 1e-9;
const close = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE || Math.abs(a - b) <= TOLERANCE * Math.abs(b);

const chosen = process.env.MW_R_SEED;
const SEED = chosen === 'random' ? Date.now() % 1_000_000 : Number(chosen) || 20_261_206;
const rnd = prng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

type Sample = { kind: string; x: number[]; y: number[] };

/** Distinct values across both groups, some of them decimals and negative. */
function distinct(nx: number, ny: number): { x: number[]; y: number[] } {
  const seen = new Set<number>();
  while (seen.size < nx + ny) seen.add(int(-500, 500) / (rnd() < 0.3 ? 4 : 1));
  const all = [...seen].sort(() => rnd() - 0.5);
  return { x: all.slice(0, nx), y: all.slice(nx) };
}

/** Answers on a 1–k scale (ties certain once n > k), the second group shifted a little at random. */
function scale(nx: number, ny: number, k: number): { x: number[]; y: number[] } {
  const shift = rnd() < 0.5 ? 0 : 1;
  return {
    x: Array.from({ length: nx }, () => int(1, k)),
    y: Array.from({ length: ny }, () => Math.min(k, int(1, k) + (rnd() < 0.4 ? shift : 0))),
  };
}

const samples: Sample[] = [];
for (let i = 0; i < 40; i++) samples.push({ kind: 'small, no ties', ...distinct(int(1, 15), int(1, 15)) });
for (let i = 0; i < 10; i++) samples.push({ kind: 'small, no ties, up to 49', ...distinct(int(30, 49), int(30, 49)) });
samples.push({ kind: '49 and 49, no ties', ...distinct(49, 49) });
samples.push({ kind: '50 and 10, no ties', ...distinct(50, 10) });
// one group wholly above the other: the smallest p the exact test can give
samples.push({ kind: 'separated, no ties', x: Array.from({ length: 20 }, (_, i) => i + 100), y: Array.from({ length: 20 }, (_, i) => i) });
for (let i = 0; i < 30; i++) samples.push({ kind: 'small, ties', ...scale(int(2, 20), int(2, 20), int(3, 7)) });
for (let i = 0; i < 15; i++) samples.push({ kind: 'large, no ties', ...distinct(int(50, 150), int(20, 150)) });
for (let i = 0; i < 15; i++) samples.push({ kind: 'large, ties', ...scale(int(50, 300), int(50, 300), 5) });

const table = (xs: number[]): FrequencyTable => {
  const out: FrequencyTable = {};
  for (const v of xs) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
};

const rCode = [
  'out <- function(i, v) cat(i, sprintf("%.17g", v), "\\n")',
  ...samples.map(
    (s, i) =>
      `w <- suppressWarnings(wilcox.test(c(${s.x.join(', ')}), c(${s.y.join(', ')}))); out(${i}, c(w$statistic, w$p.value, as.integer(grepl("exact", w$method))))`,
  ),
].join('\n');

function runR(): Map<number, number[]> | string {
  let stdout: string;
  try {
    // the code is too long for `-e`: R reads it from stdin
    stdout = execFileSync('Rscript', ['-'], { input: rCode, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'Rscript was not found: install r-base-core (apt-get install r-base-core) so statistics can be checked against R.';
    return `Rscript failed: ${(error as Error).message}`;
  }
  const values = new Map<number, number[]>();
  for (const line of stdout.trim().split('\n')) {
    const [i, ...rest] = line.trim().split(/\s+/);
    values.set(Number(i), rest.map(Number));
  }
  return values;
}

const r = runR();

t.test(`R is available to check Mann-Whitney (seed ${SEED})`, async (t) => {
  t.type(r, Map, typeof r === 'string' ? r : 'Rscript ran');
});

if (r instanceof Map) {
  const kinds = [...new Set(samples.map((s) => s.kind))];
  for (const kind of kinds) {
    t.test(`Mann-Whitney W, p and method equal R's wilcox.test: ${kind} (seed ${SEED})`, async (t) => {
      for (const [i, s] of samples.entries()) {
        if (s.kind !== kind) continue;
        const ours = mannWhitney(table(s.x), table(s.y));
        const [w, p, exact] = r.get(i) as number[];
        const what = `sample ${i} (${s.x.length} and ${s.y.length})`;
        if (!ours) {
          t.fail(`${what}: no result, R gives W = ${w}, p = ${p}`);
          continue;
        }
        t.equal(ours.method, exact === 1 ? 'exact' : 'normal', `${what}: method as R`);
        t.ok(close(ours.statistic, w), `${what}: W ours ${ours.statistic}, R ${w}`);
        t.ok(close(ours.p, p), `${what}: p ours ${ours.p}, R ${p}`);
      }
    });
  }

  t.test('the samples reach both of R’s methods', async (t) => {
    const methods = [...r.values()].map((v) => v[2]);
    t.ok(methods.filter((m) => m === 1).length >= 50, 'at least 50 exact tests');
    t.ok(methods.filter((m) => m === 0).length >= 50, 'at least 50 normal approximations');
  });
}
