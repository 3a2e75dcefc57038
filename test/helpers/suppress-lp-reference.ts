// REFERENCE COPY (test/helpers): analysis/suppress-lp.ts as of 3797363, before the audit kept one
// model and a pool of found tables (issue 12); the differential test compares the two. Do not optimise.
//
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
import { createHash } from 'node:crypto';
import type { Highs } from 'highs';
import type { AuditProblem } from '../../analysis/suppress-lp.ts';

type Loader = () => Promise<Highs>;
async function load(): Promise<Highs> {
  const m = await import('highs');
  // the package's types are read as CommonJS, its ESM build exports the loader as default
  const d = (m as unknown as { default: Loader | { default: Loader } }).default;
  return typeof d === 'function' ? d() : d.default();
}

const highs: Highs = await load();

// biome-ignore lint/suspicious/noExplicitAny: the persistent model type of highs
type Model = any;

function newModel(): Model {
  const m = highs.createModel();
  // presolve off: the audit re-solves one model with another objective, from the last basis
  // time_limit: seconds per solve (HiGHS adds up the runs of one model; feasibleIntervals re-solves
  // its model per target and resets the clocks before each run)
  m.options.set({ output_flag: false, presolve: 'off', time_limit: 20 });
  return m;
}

function status(m: Model): string {
  const s = m.getModelStatus();
  const c = highs.constants.modelStatus;
  return s === c.optimal ? 'optimal' : s === c.infeasible ? 'infeasible' : s === c.timeLimit ? 'time' : `status ${s}`;
}

/**
 * Min and max of Σ x over `target` on tables x ≥ 0 that give every shown figure its value. With
 * `width`, the min is computed only where the max is less than the true value + width − 1 (else
 * the interval holds `width` values anyway and the min is reported as the true value).
 */
export function feasibleIntervals(problem: AuditProblem, targets: number[][], width?: number): [number, number][] {
  const A = problem.atomValues.length;
  const cap = problem.atomValues.reduce((s, v) => s + v, 0) + 1;
  const m = newModel();
  try {
    m.addVars(new Array(A).fill(0), new Array(A).fill(cap));
    const seen = new Set<string>();
    for (const f of problem.figures) {
      if (f.hidden || f.atoms.length === 0) continue;
      const key = f.atoms.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      const v = f.atoms.reduce((s, a) => s + problem.atomValues[a], 0);
      m.addRow(v, v, { indices: f.atoms, values: f.atoms.map(() => 1) });
    }
    const out: [number, number][] = [];
    const all = [...Array(A).keys()];
    for (const t of targets) {
      const bound = (sense: 'min' | 'max') => {
        m.changeColsCost({ kind: 'set', indices: t }, t.map(() => 1));
        m.changeObjectiveSense(sense === 'min' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize);
        // HiGHS counts time_limit over every run of a model: each solve gets the full limit
        m.zeroAllClocks();
        m.run();
        const st = status(m);
        const value = st === 'optimal' ? (m.getObjectiveValue() as number) : Number.NaN;
        m.changeColsCost({ kind: 'set', indices: all }, new Array(A).fill(0));
        if (st !== 'optimal') throw new Error(`The suppression audit found no table (${st}).`);
        return value;
      };
      // whole values only: an LP bound a hair away from an integer counts as that integer
      const hi = Math.floor(bound('max') + 1e-6);
      const truth = t.reduce((s, a) => s + problem.atomValues[a], 0);
      out.push([width !== undefined && hi >= truth + width - 1 ? truth : Math.ceil(bound('min') - 1e-6), hi]);
    }
    return out;
  } finally {
    m.dispose();
  }
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
    m.addRow(problem.k - 1, Number.POSITIVE_INFINITY, { indices: [...target, ...target.map((a) => A + a)], values: new Array(2 * target.length).fill(1) });
    shown.forEach(({ f }, s) => {
      for (const off of [0, A]) {
        const idx = [...f.atoms.map((a) => off + a), 2 * A + s];
        m.addRow(Number.NEGATIVE_INFINITY, 0, { indices: idx, values: [...f.atoms.map(() => 1), -M] });
        m.addRow(0, Number.POSITIVE_INFINITY, { indices: idx, values: [...f.atoms.map(() => 1), M] });
      }
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

function audit(problem: AuditProblem): number[] {
  const figures = problem.figures.map((f) => ({ ...f }));
  const p: AuditProblem = { ...problem, figures };
  const primaries = figures.filter((f) => f.primary && f.atoms.length > 0);
  if (primaries.length === 0) return [];
  const added: number[] = [];
  for (let guard = 0; guard <= figures.length; guard++) {
    const intervals = feasibleIntervals(
      p,
      primaries.map((f) => f.atoms),
      problem.k,
    );
    const failing = primaries.filter((_, i) => intervals[i][1] - intervals[i][0] + 1 < problem.k);
    if (failing.length === 0) break;
    let progressed = false;
    for (const [j, f] of failing.entries()) {
      if (j > 0) {
        const [[lo, hi]] = feasibleIntervals(p, [f.atoms], problem.k);
        if (hi - lo + 1 >= problem.k) continue; // an earlier selection protects it already
      }
      const chosen = selectComplements(p, f.atoms);
      const fresh = (chosen ?? figures.map((g, i) => (g.hidden ? -1 : i)).filter((i) => i >= 0 && figures[i].atoms.some((a) => f.atoms.includes(a)))).filter((i) => !figures[i].hidden);
      for (const i of fresh) {
        figures[i].hidden = true;
        added.push(i);
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return added;
}
