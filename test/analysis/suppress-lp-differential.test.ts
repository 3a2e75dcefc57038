// The non-negativity audit (analysis/suppress-lp.ts auditNonNegative) against the implementation it
// replaced (test/helpers/suppress-lp-reference.ts: a fresh HiGHS model per audit round and per
// recheck, the max and min of every primary figure solved). The current one keeps one model for the
// whole audit (a hidden figure's row is relaxed) and skips the solves that tables it has already
// found decide; it must hide exactly the same figures, in the same order, on any problem. Random
// problems of two shapes: the joint audit of a question with its report bases
// (analysis/report/joint.ts: per unit the answer columns and "no answer", per published group its
// n, counts and base, groups overlapping through segments, labels and filters), and loose figures
// over arbitrary atoms (as protectTable hands over, hidden ones among them).
import t from 'tap';
import { type AuditFigure, type AuditProblem, auditNonNegative } from '../../analysis/suppress-lp.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { auditNonNegative as referenceAudit } from '../helpers/suppress-lp-reference.ts';

const K = 5;

function count(rnd: () => number): number {
  const r = rnd();
  return r < 0.35 ? 0 : r < 0.65 ? 1 + Math.floor(rnd() * 4) : Math.floor(rnd() * 25);
}

/** The joint audit's shape: unit × (answers + no answer) atoms; per group n, counts and base. */
function jointProblem(rnd: () => number): AuditProblem {
  const W = 2 + Math.floor(rnd() * 3);
  const C = W + 1;
  const U = 2 + Math.floor(rnd() * 10);
  const atomValues: number[] = [];
  for (let u = 0; u < U; u++) {
    for (let j = 0; j < W; j++) atomValues.push(count(rnd));
    atomValues.push(rnd() < 0.5 ? 0 : Math.floor(rnd() * 4));
  }
  const segs = 1 + Math.floor(rnd() * 3);
  const groups: number[][] = [[...Array(U).keys()]];
  for (let s = 0; s < segs; s++) groups.push([...Array(U).keys()].filter((u) => u % segs === s));
  for (let u = 0; u < U; u++) groups.push([u]);
  // filters: random overlapping sets of units
  for (let f = Math.floor(rnd() * 3); f > 0; f--) groups.push([...Array(U).keys()].filter(() => rnd() < 0.5));
  const grand = atomValues.reduce((a, b) => a + b, 0);
  const figures: AuditFigure[] = [];
  const value = (atoms: number[]) => atoms.reduce((s, a) => s + atomValues[a], 0);
  for (const us of groups) {
    if (us.length === 0) continue;
    const weight = 1 + Math.floor(rnd() * 3);
    const nAtoms = us.flatMap((u) => Array.from({ length: W }, (_, j) => u * C + j));
    const n = value(nAtoms);
    const smallGroup = n > 0 && n < K;
    const put = (atoms: number[], primary: boolean) => {
      const hidden = primary || rnd() < 0.12;
      figures.push({ atoms, hidden, primary, cost: weight * (value(atoms) + 1) });
    };
    put(nAtoms, smallGroup);
    for (let j = 0; j < W; j++) {
      const atoms = us.map((u) => u * C + j);
      const v = value(atoms);
      put(atoms, smallGroup || (v > 0 && v < K));
    }
    const base = us.flatMap((u) => Array.from({ length: C }, (_, j) => u * C + j));
    const b = value(base);
    figures.push({ atoms: base, hidden: b > 0 && b < K ? rnd() < 0.9 : rnd() < 0.1, primary: b > 0 && b < K, cost: 1e6 * (grand + 1) });
  }
  // required questions: some "no answer" atoms fixed to 0 are dropped (renumbered)
  if (rnd() < 0.3) {
    const keep = atomValues.map((v, a) => a % C !== W || v !== 0);
    const index: number[] = [];
    let next = 0;
    for (const k of keep) index.push(k ? next++ : -1);
    return {
      atomValues: atomValues.filter((_, a) => keep[a]),
      figures: figures.map((f) => ({ ...f, atoms: f.atoms.map((a) => index[a]).filter((a) => a >= 0) })).filter((f) => f.atoms.length > 0),
      k: K,
    };
  }
  return { atomValues, figures, k: K };
}

/** Loose figures over arbitrary atoms, some of them the same atoms twice. */
function looseProblem(rnd: () => number): AuditProblem {
  const A = 3 + Math.floor(rnd() * 14);
  const atomValues = Array.from({ length: A }, () => count(rnd));
  const figures: AuditFigure[] = [];
  for (let f = 2 + Math.floor(rnd() * 20); f > 0; f--) {
    const atoms = [...Array(A).keys()].filter(() => rnd() < 0.35);
    if (atoms.length === 0) continue;
    const v = atoms.reduce((s, a) => s + atomValues[a], 0);
    const primary = v > 0 && v < K && rnd() < 0.8;
    figures.push({ atoms, hidden: primary || rnd() < 0.15, primary, cost: 1 + Math.floor(rnd() * 4) * (v + 1) });
    if (rnd() < 0.1) figures.push({ atoms: atoms.slice(), hidden: rnd() < 0.5, primary: false, cost: v + 1 });
  }
  return { atomValues, figures, k: K };
}

const CASES = Number(process.env.SUPPRESS_LP_CASES ?? 300);

t.test('auditNonNegative hides the same figures as the reference', async (t) => {
  let differing = 0;
  let hiding = 0;
  let cases = 0;
  for (let seed = 1; seed <= CASES; seed++) {
    const rnd = seededRandom(seed * 7919);
    const problem = seed % 3 === 0 ? looseProblem(rnd) : jointProblem(rnd);
    if (!problem.figures.some((f) => f.primary)) continue;
    cases++;
    const expected = JSON.stringify(referenceAudit(structuredClone(problem)));
    const got = JSON.stringify(auditNonNegative(structuredClone(problem)));
    if (got !== expected) {
      differing++;
      t.equal(got, expected, `seed ${seed}`);
    }
    if (expected !== '[]') hiding++;
  }
  t.equal(differing, 0, `${cases} problems with primary figures`);
  // the problems must exercise the audit: many with something to hide, many with primary figures
  t.ok(cases >= CASES / 2, `${cases} problems with primary figures`);
  t.ok(hiding >= cases / 10, `${hiding} of ${cases} problems hide further figures`);
});
