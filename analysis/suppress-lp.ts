// Secondary suppression by optimisation (the classic audit + cell selection loop of τ-ARGUS and
// sdcTable), with the HiGHS solver (WASM, loaded once when this module is first imported).
//
// The linear rule of `protectTable` makes sure no hidden figure is a linear combination of shown
// ones. An attacker also knows that counts are never negative, so a shown 0 pins every cell under
// it and a hidden figure can still be narrowed to fewer than k values. The audit asks, per primary
// figure p, for its feasible interval over all tables x ≥ 0 that give every shown figure its
// value (an LP: min and max of p·x). Where the interval holds fewer than k whole values, cell
// selection chooses the cheapest set of shown figures to hide so that it can move by k − 1:
//   perturbations u (up) and w (down) of the atoms with x + u ≥ 0 and x − w ≥ 0,
//   p·u + p·w ≥ k − 1, every shown figure f unchanged (f·u = f·w = 0) unless it is hidden
//   (z_f in [0, 1]; |f·u|, |f·w| ≤ M z_f), minimising Σ cost_f · z_f (figures already hidden are
//   free); the LP relaxation, every figure with z_f > 0 is hidden (the MIP with binary z_f is
//   too slow for a report request).
// Then the audit runs again, until every primary figure holds k values. Hiding more never
// reveals anything, so the linear rule still holds afterwards.
// Cost (issue 12): one model serves the whole audit (a figure hidden on the way has its row made
// free, the same LP as a model built anew), and every table a solve finds is kept: hiding only
// widens the feasible set, so those tables stay feasible, and where they already give a primary
// figure k whole values its solves are skipped. The answers are those of building a model per
// round and solving every figure (test/analysis/suppress-lp-differential.test.ts).
import { createHash } from 'node:crypto';
import type { Highs } from 'highs';

type Loader = () => Promise<Highs>;
async function load(): Promise<Highs> {
  const m = await import('highs');
  // the package's types are read as CommonJS, its ESM build exports the loader as default
  const d = (m as unknown as { default: Loader | { default: Loader } }).default;
  return typeof d === 'function' ? d() : d.default();
}

const highs: Highs = await load();

export interface AuditFigure {
  /** Atom indices the figure adds up. */
  atoms: number[];
  hidden: boolean;
  /** Must keep a feasible interval of at least k values. */
  primary: boolean;
  /** What hiding it costs (only for shown figures). */
  cost: number;
}

export interface AuditProblem {
  /** True count of every atom (unit × value). */
  atomValues: number[];
  figures: AuditFigure[];
  /** The protection width: a primary figure's interval must hold at least k whole values. */
  k: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the persistent model type of highs
type Model = any;

function newModel(): Model {
  const m = highs.createModel();
  // presolve off: the audit re-solves one model with another objective, from the last basis
  // time_limit: seconds per solve (HiGHS adds up the runs of one model; AuditModel re-solves its
  // model per target and resets the clocks before each run)
  m.options.set({ output_flag: false, presolve: 'off', time_limit: 20 });
  return m;
}

function status(m: Model): string {
  const s = m.getModelStatus();
  const c = highs.constants.modelStatus;
  return s === c.optimal ? 'optimal' : s === c.infeasible ? 'infeasible' : s === c.timeLimit ? 'time' : `status ${s}`;
}

/**
 * The cheapest shown figures whose hiding lets `target` move by k − 1 in total (up and down)
 * without any other shown figure changing or any atom going below 0. Null if none does.
 */
export function selectComplements(problem: AuditProblem, target: number[]): number[] | null {
  const A = problem.atomValues.length;
  const x = problem.atomValues;
  const M = x.reduce((s, v) => s + v, 0) + problem.k;
  const shown = problem.figures.map((f, i) => ({ f, i })).filter(({ f }) => !f.hidden && f.atoms.length > 0);
  // only figures that share atoms with some chain from the target matter, but the LP is small
  // enough to take them all
  const m = newModel();
  try {
    // columns: u[0..A), w[A..2A), z[2A..2A+S)
    const S = shown.length;
    m.addVars([...x.map((v) => -v), ...new Array(A).fill(-M)], [...new Array(A).fill(M), ...x]);
    m.addVars(new Array(S).fill(0), new Array(S).fill(1));
    m.changeColsCost(
      { kind: 'range', from: 2 * A, to: 2 * A + S - 1 },
      shown.map(({ f }) => f.cost),
    );
    // the rows in one call (HiGHS copies its matrix per call: row by row took a third of the time),
    // in the order, and with the entries, of adding them one by one
    const lower: number[] = [problem.k - 1];
    const upper: number[] = [Number.POSITIVE_INFINITY];
    const starts: number[] = [0];
    const indices: number[] = [...target, ...target.map((a) => A + a)];
    const values: number[] = new Array(2 * target.length).fill(1);
    starts.push(indices.length);
    shown.forEach(({ f }, s) => {
      for (const off of [0, A]) {
        for (const [lo, hi, coef] of [
          [Number.NEGATIVE_INFINITY, 0, -M],
          [0, Number.POSITIVE_INFINITY, M],
        ]) {
          lower.push(lo);
          upper.push(hi);
          for (const a of f.atoms) {
            indices.push(off + a);
            values.push(1);
          }
          indices.push(2 * A + s);
          values.push(coef);
          starts.push(indices.length);
        }
      }
    });
    m.addRows({
      lower: Float64Array.from(lower),
      upper: Float64Array.from(upper),
      matrix: { format: 'csr', numRows: lower.length, numCols: 2 * A + S, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    });
    m.changeObjectiveSense(highs.constants.objectiveSense.minimize);
    m.run();
    const st = status(m);
    if (st === 'infeasible') return null;
    const sol = m.getSolution();
    if (st !== 'optimal' && !(sol?.colValue?.length > 0)) return null;
    const out: number[] = [];
    shown.forEach(({ i }, s) => {
      if (sol.colValue[2 * A + s] > 1e-7) out.push(i);
    });
    return out;
  } finally {
    m.dispose();
  }
}

/**
 * The audit + selection loop: the figures (indices into problem.figures) to hide as well so that
 * every primary figure's feasible interval under the shown ones and x ≥ 0 holds at least k whole
 * values. Mutates nothing; the caller hides them.
 */
export function auditNonNegative(problem: AuditProblem): number[] {
  // the same table is audited again for every report and filter of a release: remember answers
  // (a digest: with hundreds of link labels the problem's text runs to megabytes)
  const key = createHash('sha256')
    .update(JSON.stringify([problem.k, problem.atomValues, problem.figures.map((f) => [f.atoms, f.hidden, f.primary, f.cost])]))
    .digest('base64');
  const known = memo.get(key);
  if (known) return known;
  const out = audit(problem);
  if (memo.size >= MEMO) memo.delete(memo.keys().next().value as string);
  memo.set(key, out);
  return out;
}

const MEMO = 2000;
const memo = new Map<string, number[]>();

/**
 * One audit model over the whole audit: the shown figures' rows, a row relaxed (free) once its
 * figure is hidden, so every solve is the LP a model built afresh from the shown figures would
 * solve (as the reference, test/helpers/suppress-lp-reference.ts, does), from the last basis. Every optimal table it finds goes to `pool`.
 */
class AuditModel {
  private readonly m: Model;
  /** Per distinct atom list of the figures: its row and how many shown figures hold it. */
  private readonly rows = new Map<string, { row: number; shown: number }>();
  constructor(
    problem: AuditProblem,
    private readonly pool: Pool,
  ) {
    const A = problem.atomValues.length;
    const cap = problem.atomValues.reduce((s, v) => s + v, 0) + 1;
    this.m = newModel();
    this.m.addVars(new Array(A).fill(0), new Array(A).fill(cap));
    const bounds: number[] = [];
    const starts: number[] = [0];
    const indices: number[] = [];
    for (const f of problem.figures) {
      if (f.hidden || f.atoms.length === 0) continue;
      const key = f.atoms.join(',');
      const known = this.rows.get(key);
      if (known) {
        known.shown++;
        continue;
      }
      this.rows.set(key, { row: this.rows.size, shown: 1 });
      bounds.push(f.atoms.reduce((s, a) => s + problem.atomValues[a], 0));
      indices.push(...f.atoms);
      starts.push(indices.length);
    }
    // in one call: HiGHS copies its matrix per call
    const values = Float64Array.from(indices, () => 1);
    const matrix = { format: 'csr' as const, numRows: bounds.length, numCols: A, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values };
    if (bounds.length > 0) this.m.addRows({ lower: Float64Array.from(bounds), upper: Float64Array.from(bounds), matrix });
  }
  /** A shown figure is hidden now: its row holds no more once no shown figure has its atoms. */
  hide(f: AuditFigure): void {
    if (f.atoms.length === 0) return;
    const r = this.rows.get(f.atoms.join(','));
    if (!r) return;
    r.shown--;
    if (r.shown === 0) this.m.changeRowBounds(r.row, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  }
  /** Max or min of Σ x over `t` (before rounding to whole values). */
  bound(t: number[], sense: 'min' | 'max'): number {
    const m = this.m;
    m.changeColsCost({ kind: 'set', indices: t }, t.map(() => 1));
    m.changeObjectiveSense(sense === 'min' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize);
    m.zeroAllClocks();
    m.run();
    const st = status(m);
    const value = st === 'optimal' ? (m.getObjectiveValue() as number) : Number.NaN;
    if (st === 'optimal') this.pool.add(m.getSolution().colValue);
    m.changeColsCost({ kind: 'set', indices: t }, t.map(() => 0));
    if (st !== 'optimal') throw new Error(`The suppression audit found no table (${st}).`);
    return value;
  }
  dispose(): void {
    this.m.dispose();
  }
}

/**
 * Tables found feasible so far (the true one, and every LP optimum): per primary figure the
 * largest and smallest sum they give it. Hiding more only widens the feasible set, so a table
 * found once stays feasible for the rest of the audit.
 */
class Pool {
  readonly hi: number[];
  readonly lo: number[];
  constructor(
    private readonly targets: number[][],
    atomValues: number[],
  ) {
    this.hi = targets.map((t) => t.reduce((s, a) => s + atomValues[a], 0));
    this.lo = this.hi.slice();
  }
  add(x: ArrayLike<number>): void {
    this.targets.forEach((t, i) => {
      let v = 0;
      for (const a of t) v += x[a];
      if (v > this.hi[i]) this.hi[i] = v;
      if (v < this.lo[i]) this.lo[i] = v;
    });
  }
  /** Whole values the pool proves within the interval, rounded inwards (a solver's tolerance
   *  never makes it claim more than the LP would). */
  wholeHi(i: number): number {
    return Math.floor(this.hi[i] + 1e-7);
  }
  wholeLo(i: number): number {
    return Math.ceil(this.lo[i] - 1e-7);
  }
}

function audit(problem: AuditProblem): number[] {
  const figures = problem.figures.map((f) => ({ ...f }));
  const p: AuditProblem = { ...problem, figures };
  const primaries = figures.filter((f) => f.primary && f.atoms.length > 0);
  if (primaries.length === 0) return [];
  const k = problem.k;
  const targets = primaries.map((f) => f.atoms);
  const truth = targets.map((t) => t.reduce((s, a) => s + problem.atomValues[a], 0));
  const pool = new Pool(targets, problem.atomValues);
  const model = new AuditModel(p, pool);
  // Does primary i keep k whole values? The reference's answer (its feasibleIntervals with width
  // k): a table already found that spans k values proves it without a solve; else the max (and
  // where that is not enough, the min), a bound a hair from an integer counting as that integer.
  const holds = (i: number): boolean => {
    if (pool.wholeHi(i) - pool.wholeLo(i) + 1 >= k) return true;
    const hi = Math.floor(model.bound(targets[i], 'max') + 1e-6);
    if (hi >= truth[i] + k - 1 || hi - pool.wholeLo(i) + 1 >= k) return true;
    const lo = Math.ceil(model.bound(targets[i], 'min') - 1e-6);
    return hi - lo + 1 >= k;
  };
  try {
    const added: number[] = [];
    // A round of the reference finds the failing primary figures first and then, in order, selects
    // for each that an earlier selection of the round has not protected yet. Hiding more only
    // widens every interval, so a figure fails at its turn only if it failed at the start: asking
    // at its turn alone selects for the same figures, in the same order, with one check each.
    for (let guard = 0; guard <= figures.length; guard++) {
      let failed = false;
      let progressed = false;
      for (const [at, f] of primaries.entries()) {
        if (holds(at)) continue;
        failed = true;
        const chosen = selectComplements(p, f.atoms);
        const fresh = (chosen ?? figures.map((g, i) => (g.hidden ? -1 : i)).filter((i) => i >= 0 && figures[i].atoms.some((a) => f.atoms.includes(a)))).filter((i) => !figures[i].hidden);
        for (const h of fresh) {
          figures[h].hidden = true;
          model.hide(figures[h]);
          added.push(h);
          progressed = true;
        }
      }
      if (!failed || !progressed) break;
    }
    return added;
  } finally {
    model.dispose();
  }
}
