// The straightforward algorithm of analysis/suppress.ts as of f11a2d5 (dense vectors over all
// atoms, the span rebuilt from scratch), kept unchanged as the reference for the differential test
// test/analysis/suppress-differential.test.ts: the faster protectTable must hide exactly the same
// figures. Not used by the app.

// Small-group protection for one variable's table of counts (rows: groups, columns: values).
//
// The rule, applied per question (each call gets that question's own counts, so skipped items
// shrink a group) and per cell:
//  1. primary: a group (segment, link label, or the total) with fewer than `minGroupSize`
//     answers is suppressed as a whole; so is every count of 1 … minGroupSize − 1. A count of 0
//     rests on nobody and stays shown. Group attribute (where `attributeValues` are given): a
//     group with fewer than 2 × minGroupSize answers, all in one value, has all its answer
//     cells (zeros too) treated as primary, since they would tell every member's answer.
//  2. complementary: every published figure is a sum over "atoms" (unit × value; a unit is the
//     finest group, e.g. one link). A hidden figure is recoverable exactly when its atom vector
//     lies in the linear span of the shown figures (row total minus shown cells, total minus
//     shown segments, a segment minus its shown link labels, and every combination). It is not
//     when some perturbation y of the atoms changes it but no shown figure: then the true table
//     and the table ± y look the same. So per primary figure that is still recoverable, the
//     cheapest such y is chosen and every shown figure it changes is hidden:
//       - a rectangle (+1 −1 / −1 +1 on two units × two values) for a cell: another value in the
//         same row, another group's cell in the same column and the fourth corner; every n and
//         the total (which holds both units) stay shown;
//       - a move of one answer between two units for a whole small group: one more group is
//         hidden, and only if the group was recoverable (e.g. total minus the shown groups).
//     Cost: first no atom taken below 0 (so y works both ways), then no figure of the total,
//     then Σ weight × (count + 1) of the newly hidden figures (a breakdown's `weight`, default
//     1), then the smallest cells. Already hidden figures cost nothing, so patterns are shared.
//     Then pruning shows again every complementary figure, most valuable first, whose showing
//     reveals no primary one, until no hidden figure is derivable at all. An exact span check
//     (Gaussian elimination) decides throughout; the perturbations only choose what to hide.
//  3. statistics of a group that rest on its cells (percentages, median, mean, intervals,
//     top-2-box, a test) are shown only where none of its cells is suppressed (`complete`),
//     because e.g. n · mean would give one more equation for the hidden cells.
// Open-text lists use the same function with one value column counting the texts.
// Suppressed figures are `{ suppressed: true, reason }`, never 0; `notice` gives the wording.

import {
  type Auditor,
  DEFAULT_MIN_GROUP_SIZE,
  type Figure,
  type ProtectedGroup,
  type ProtectedTable,
  type SuppressionInput,
  type SuppressionReason,
  suppressionNotice,
} from '../../analysis/suppress.ts';

// The types and the notice are analysis/suppress.ts's own; what is kept here is the algorithm.

const EPS = 1e-9;

/** The linear span of published figures (Gaussian elimination): what can be derived from them. */
export class Span {
  private rows: { pivot: number; vec: Float64Array }[] = [];
  reduce(v: Float64Array): Float64Array {
    const r = Float64Array.from(v);
    for (const { pivot, vec } of this.rows) {
      const f = r[pivot];
      if (Math.abs(f) > EPS) for (let i = 0; i < r.length; i++) r[i] -= f * vec[i];
    }
    return r;
  }
  add(v: Float64Array): void {
    const r = this.reduce(v);
    let pivot = -1;
    for (let i = 0; i < r.length; i++) if (Math.abs(r[i]) > EPS && (pivot < 0 || Math.abs(r[i]) > Math.abs(r[pivot]))) pivot = i;
    if (pivot >= 0) this.addReduced(r, pivot);
  }
  /** Adds a vector already reduced by this span, with a non-zero entry at `pivot` (taken over). */
  addReduced(r: Float64Array, pivot: number): { pivot: number; vec: Float64Array } {
    const f = r[pivot];
    for (let i = 0; i < r.length; i++) r[i] /= f;
    const row = { pivot, vec: r };
    this.rows.push(row);
    return row;
  }
  contains(v: Float64Array): boolean {
    return this.reduce(v).every((x) => Math.abs(x) <= EPS);
  }
}

/** Is `target` an exact linear combination of `shown`? Exported for the attack test. */
export function derivable(target: Float64Array, shown: readonly Float64Array[]): boolean {
  const span = new Span();
  for (const v of shown) span.add(v);
  return span.contains(target);
}

// ---- the published figures ----
interface Place {
  grouping: string; // '' for the total
  group: string;
  value: string | null; // null: the group's n
}
interface Aggregate {
  vec: Float64Array;
  total: number;
  places: Place[];
  /** Unit indices the figure adds up. */
  units: number[];
  inUnit: Uint8Array;
  /** Value column, or -1 for a group's n. */
  value: number;
  /** What hiding it costs per answer (the largest weight of its places). */
  weight: number;
  /** A figure of the total: hidden only where no other figures can protect a cell. */
  isTotal: boolean;
  suppressed: SuppressionReason | null;
  /** Primary: must never be derivable from shown figures. */
  primary: boolean;
}

const TOTAL = '';

function buildAggregates(input: SuppressionInput): { aggregates: Aggregate[]; groups: Map<string, number[]> } {
  const V = input.values.length;
  const U = input.units.length;
  const unitIndex = new Map(input.units.map((u, i) => [u.id, i]));
  const bySignature = new Map<string, number>();
  /** grouping\u0000group → aggregate indices: [n, ...cells] */
  const groups = new Map<string, number[]>();
  const aggregates: Aggregate[] = [];
  const publish = (grouping: string, group: string, units: number[], weight: number) => {
    const ids: number[] = [];
    const sorted = [...new Set(units)].sort((a, b) => a - b);
    for (const cell of [null, ...input.values.map((_, v) => v)]) {
      const atoms = sorted.flatMap((u) => (cell === null ? input.values.map((_, v) => u * V + v) : [u * V + cell]));
      const signature = atoms.join(',');
      let id = bySignature.get(signature);
      if (id === undefined) {
        const vec = new Float64Array(U * V);
        let total = 0;
        for (const a of atoms) {
          vec[a] = 1;
          total += input.units[Math.floor(a / V)].counts[input.values[a % V]] ?? 0;
        }
        const inUnit = new Uint8Array(U);
        for (const u of sorted) inUnit[u] = 1;
        id = aggregates.length;
        aggregates.push({ vec, total, places: [], units: sorted, inUnit, value: cell ?? -1, weight, isTotal: false, suppressed: null, primary: false });
        bySignature.set(signature, id);
      }
      const agg = aggregates[id];
      agg.weight = Math.max(agg.weight, weight);
      agg.isTotal ||= grouping === TOTAL && input.totalWeight === undefined;
      agg.places.push({ grouping, group, value: cell === null ? null : input.values[cell] });
      ids.push(id);
    }
    groups.set(`${grouping}\u0000${group}`, ids);
  };
  publish(
    TOTAL,
    TOTAL,
    input.units.map((_, i) => i),
    input.totalWeight ?? 1,
  );
  for (const g of input.groupings) {
    for (const group of g.groups) {
      publish(
        g.name,
        group.key,
        group.units.map((id) => {
          const i = unitIndex.get(id);
          if (i === undefined) throw new Error(`The group "${group.key}" of "${g.name}" names the unknown unit "${id}".`);
          return i;
        }),
        g.weight ?? 1,
      );
    }
  }
  return { aggregates, groups };
}

/** A perturbation of the atoms: +1 / −1 on a few (unit, value) counts. */
type Perturbation = { atom: number; sign: number }[];

const dot = (y: Perturbation, a: Aggregate) => y.reduce((s, { atom, sign }) => s + sign * a.vec[atom], 0);

/**
 * The perturbations that change the figure `s`: an attacker who sees only figures unchanged by
 * one cannot tell the true table from the table plus (or minus) it, so hiding every shown
 * figure it changes protects `s`. Cheapest kinds first in spirit:
 *  - rectangle (u1, u2 × v, v2): +1 −1 / −1 +1 on two units and two values. Leaves every n
 *    and every group holding both units (the total) unchanged; changes the cells v, v2 of the
 *    groups that separate u1 from u2: "another segment's cell in the same column, another value
 *    in the same row".
 *  - move (u1 → u2 in v): changes n and cell v of the groups separating u1 and u2; the only kind
 *    that hides a group's n, i.e. "one more group as a whole".
 *  - shift (u1: v → v2) and single (u1, v): change groups holding u1, the total among them.
 */
function* perturbationsOf(s: Aggregate, U: number, V: number): Generator<Perturbation> {
  const atom = (u: number, v: number) => u * V + v;
  const outside = [...Array(U).keys()].filter((u) => !s.inUnit[u]);
  for (const u1 of s.units) {
    if (s.value >= 0) {
      const v = s.value;
      for (const u2 of outside) {
        for (let v2 = 0; v2 < V; v2++) {
          if (v2 !== v) {
            yield [
              { atom: atom(u1, v), sign: 1 },
              { atom: atom(u1, v2), sign: -1 },
              { atom: atom(u2, v), sign: -1 },
              { atom: atom(u2, v2), sign: 1 },
            ];
          }
        }
      }
      for (const u2 of outside) {
        yield [
          { atom: atom(u1, v), sign: 1 },
          { atom: atom(u2, v), sign: -1 },
        ];
      }
      for (let v2 = 0; v2 < V; v2++) {
        if (v2 !== v) {
          yield [
            { atom: atom(u1, v), sign: 1 },
            { atom: atom(u1, v2), sign: -1 },
          ];
        }
      }
      yield [{ atom: atom(u1, v), sign: 1 }];
    } else {
      for (let v = 0; v < V; v++) {
        for (const u2 of outside) {
          yield [
            { atom: atom(u1, v), sign: 1 },
            { atom: atom(u2, v), sign: -1 },
          ];
        }
      }
      for (let v = 0; v < V; v++) yield [{ atom: atom(u1, v), sign: 1 }];
    }
  }
}

/** Hiding a figure costs its weight times (count + 1): small cells and few cells first. */
const costOf = (a: Aggregate) => a.weight * (a.total + 1);
/** Most valuable first: the total's figures, then by cost. */
const byValueDesc = (a: Aggregate, b: Aggregate) => Number(b.isTotal) - Number(a.isTotal) || costOf(b) - costOf(a) || b.units.length - a.units.length;

/**
 * How bad a perturbation is, compared in this order:
 *  1. atoms it takes below 0 in one direction (then the true table ± it is not a valid table
 *     both ways, which would bound the hidden figure from one side);
 *  2. figures of the total it changes (the total row stays shown wherever possible);
 *  3. the cost of the shown figures it changes;
 *  4. the sizes of those figures, smallest first (prefer hiding small cells).
 */
type Score = [number, number, number, number[]];
function better(a: Score, b: Score): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return compareLists(a[3], b[3]) < 0;
}

/** Hiding a figure of the total costs this many times a figure elsewhere (the total row stays). */
const TOTAL_COST = 1000;

/** Applies primary and complementary suppression to one variable's table. */
export function protectTable(input: SuppressionInput, options: { audit?: Auditor } = {}): ProtectedTable {
  const k = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  for (const u of input.units) {
    for (const [value, c] of Object.entries(u.counts)) {
      if (!input.values.includes(value) && c > 0) throw new Error(`The unit "${u.id}" counts the value "${value}", which is not among the columns.`);
    }
  }
  const { aggregates, groups } = buildAggregates(input);
  const U = input.units.length;
  const V = input.values.length;
  const atomCount = (atom: number) => input.units[Math.floor(atom / V)].counts[input.values[atom % V]] ?? 0;

  // 1. primary suppression
  // an empty group hides nobody: it stays shown as 0, like a zero cell
  for (const ids of groups.values()) {
    const n = aggregates[ids[0]].total;
    if (n > 0 && n < k) {
      for (const id of ids) {
        aggregates[id].suppressed ??= 'small-group';
        aggregates[id].primary = true; // even a 0 in a small group says something about its members
      }
    }
  }
  for (const a of aggregates) {
    if (a.total >= 1 && a.total < k) {
      a.suppressed ??= 'small-cell';
      a.primary = true;
    }
  }
  // group-attribute rule: a group below the second threshold whose answers all share one value
  const attr = (input.attributeValues ?? []).map((v) => input.values.indexOf(v)).filter((i) => i >= 0);
  const limit = input.attributeThreshold ?? 2 * k;
  if (attr.length >= 2) {
    for (const ids of groups.values()) {
      const answered = attr.reduce((s, i) => s + aggregates[ids[i + 1]].total, 0);
      if (answered < 1 || answered >= limit || !attr.some((i) => aggregates[ids[i + 1]].total === answered)) continue;
      for (const i of attr) {
        aggregates[ids[i + 1]].suppressed ??= 'small-cell';
        aggregates[ids[i + 1]].primary = true;
      }
    }
  }
  const primaries = aggregates.filter((a) => a.primary && a.units.length > 0);
  const shownVecs = () => aggregates.filter((a) => a.suppressed === null).map((a) => a.vec);
  const hide = (a: Aggregate) => {
    a.suppressed ??= 'complementary';
  };

  // 2. complementary suppression: per primary figure that shown figures still reveal, the
  // cheapest perturbation that changes it; every shown figure it changes is hidden. Figures
  // already hidden cost nothing, so later cells reuse earlier patterns.
  const chosen: Perturbation[] = [];
  let span: Span | null = null;
  for (const s of primaries) {
    if (chosen.some((y) => Math.abs(dot(y, s)) > EPS)) continue; // still valid: we only hid more since
    span ??= spanOf(shownVecs());
    if (!span.contains(s.vec)) continue;
    let best: { y: Perturbation; touched: Aggregate[]; score: Score } | null = null;
    for (const y of perturbationsOf(s, U, V)) {
      const oneSided = y.filter(({ atom }) => atomCount(atom) === 0).length;
      if (best && oneSided > best.score[0]) continue;
      const touched: Aggregate[] = [];
      let totals = 0;
      let cost = 0;
      for (const a of aggregates) {
        if (a.suppressed === null && Math.abs(dot(y, a)) > EPS) {
          touched.push(a);
          if (a.isTotal) totals++;
          cost += costOf(a);
        }
      }
      const score: Score = [oneSided, totals, cost, touched.map((a) => a.total).sort((a, b) => a - b)];
      if (!best || better(score, best.score)) best = { y, touched, score };
    }
    if (!best) continue;
    for (const a of best.touched) hide(a);
    chosen.push(best.y);
    span = null;
  }

  // belt and braces: whatever is still derivable gets the cheapest figure that breaks it hidden
  for (let guard = 0; guard <= aggregates.length; guard++) {
    const shown = spanOf(shownVecs());
    const s = primaries.find((a) => shown.contains(a.vec));
    if (!s) break;
    const candidates = aggregates.filter((a) => a.suppressed === null).sort((a, b) => byValueDesc(b, a));
    const breaking = candidates.find((c) => !derivable(s.vec, aggregates.filter((a) => a.suppressed === null && a !== c).map((a) => a.vec)));
    hide(breaking ?? candidates[0]);
  }

  // 3. pruning: show again every complementary figure, most valuable first, whose showing
  // reveals no primary figure (this also shows any hidden figure that was derivable anyway)
  prune(aggregates, primaries);

  // 4. the audit beyond linear combinations: counts are never negative, so a shown 0 pins the
  // cells under it; the auditor hides what else each primary figure needs to keep k values
  // A primary figure is certified without the solver where single perturbations that no shown
  // figure sees move it up and down by k − 1 in all, atoms staying ≥ 0.
  const certified = (s: Aggregate): boolean => {
    let up = 0;
    let down = 0;
    for (const y of perturbationsOf(s, U, V)) {
      const effect = dot(y, s);
      if (Math.abs(effect) < EPS || aggregates.some((a) => a.suppressed === null && Math.abs(dot(y, a)) > EPS)) continue;
      // applying y·sign(effect) λ times raises s by λ|effect|; the atoms it lowers must stay ≥ 0
      let raise = Number.POSITIVE_INFINITY;
      let lower = Number.POSITIVE_INFINITY;
      for (const { atom, sign } of y) {
        if (sign * effect < 0) raise = Math.min(raise, atomCount(atom));
        else lower = Math.min(lower, atomCount(atom));
      }
      up = Math.max(up, raise * Math.abs(effect));
      down = Math.max(down, lower * Math.abs(effect));
      if (up + down >= k - 1) return true;
    }
    return false;
  };
  const uncertain = options.audit ? primaries.filter((a) => !certified(a)) : [];
  if (options.audit && uncertain.length > 0) {
    const check = new Set(uncertain);
    const atomValues = Array.from({ length: U * V }, (_, a) => atomCount(a));
    const figures = aggregates.map((a) => ({
      atoms: a.units.flatMap((u) => (a.value >= 0 ? [u * V + a.value] : input.values.map((_, v) => u * V + v))),
      hidden: a.suppressed !== null,
      primary: check.has(a),
      cost: (a.isTotal ? TOTAL_COST : 1) * costOf(a),
    }));
    for (const i of options.audit({ atomValues, figures, k })) hide(aggregates[i]);
  }

  // 5. assemble
  const figure = (id: number): Figure => {
    const a = aggregates[id];
    return a.suppressed === null ? a.total : { suppressed: true, reason: a.suppressed };
  };
  const group = (grouping: string, key: string): ProtectedGroup => {
    const ids = groups.get(`${grouping}\u0000${key}`) as number[];
    const counts: Record<string, Figure> = {};
    input.values.forEach((v, i) => {
      counts[v] = figure(ids[i + 1]);
    });
    return {
      key,
      n: figure(ids[0]),
      counts,
      suppressed: aggregates[ids[0]].suppressed !== null,
      complete: ids.every((id) => aggregates[id].suppressed === null),
    };
  };
  return {
    minGroupSize: k,
    total: group(TOTAL, TOTAL),
    groupings: Object.fromEntries(input.groupings.map((g) => [g.name, g.groups.map((x) => group(g.name, x.key))])),
    notice: suppressionNotice(k),
  };
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function spanOf(vecs: readonly Float64Array[]): Span {
  const span = new Span();
  for (const v of vecs) span.add(v);
  return span;
}

/**
 * Shows hidden complementary figures again where that reveals no primary one: with the shown
 * figures' span in echelon form and each primary's residual (non-zero: it is not derivable),
 * showing `c` reveals a primary exactly when the primary's residual is a multiple of c's.
 * Repeats until nothing changes, so no hidden figure is left derivable.
 */
function prune(aggregates: Aggregate[], primaries: Aggregate[]): void {
  const span = spanOf(aggregates.filter((a) => a.suppressed === null).map((a) => a.vec));
  const residuals = primaries.map((p) => span.reduce(p.vec));
  for (let changed = true; changed; ) {
    changed = false;
    const hidden = aggregates.filter((a) => a.suppressed === 'complementary').sort(byValueDesc);
    for (const c of hidden) {
      const r = span.reduce(c.vec);
      let pivot = -1;
      for (let i = 0; i < r.length; i++) if (Math.abs(r[i]) > EPS && (pivot < 0 || Math.abs(r[i]) > Math.abs(r[pivot]))) pivot = i;
      if (pivot >= 0) {
        const reveals = residuals.some((rs) => {
          const f = rs[pivot] / r[pivot];
          return rs.every((x, i) => Math.abs(x - f * r[i]) <= EPS);
        });
        if (reveals) continue;
        const row = span.addReduced(r, pivot);
        for (const rs of residuals) {
          const f = rs[row.pivot];
          if (Math.abs(f) > EPS) for (let i = 0; i < rs.length; i++) rs[i] -= f * row.vec[i];
        }
      }
      c.suppressed = null;
      changed = true;
    }
  }
}
