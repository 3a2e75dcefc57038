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


export interface SuppressionUnit {
  id: string;
  counts: Record<string, number>;
}

export interface SuppressionGrouping {
  name: string;
  /** Groups of units; a unit may be left out of a grouping but not be in two of its groups. */
  groups: { key: string; units: string[] }[];
  /** What hiding one of its figures costs, per answer, relative to other breakdowns (default 1). */
  weight?: number;
}

export interface SuppressionInput {
  /** The value columns that will be shown (e.g. the choice codes, or `['1', '0']`). */
  values: string[];
  units: SuppressionUnit[];
  /** Published breakdowns, e.g. by segment and by link label. The total is always published. */
  groupings: SuppressionGrouping[];
  minGroupSize?: number;
  /** The answer columns (at least two, e.g. the choice codes without "no answer") for the
   *  group-attribute rule: a group with 1 … attributeThreshold − 1 answers that all fall into one
   *  of them has every answer cell hidden (zeros too), since its shown figures would tell each
   *  member's answer. Left out: no such rule (e.g. a count of texts, a number's answered count). */
  attributeValues?: readonly string[];
  /** Default 2 × minGroupSize. */
  attributeThreshold?: number;
  /** What hiding a figure of the total costs per answer, like a breakdown's `weight`. Given, the
   *  total is a breakdown like the others; left out, it is kept wherever possible (it costs
   *  before any other figure, and 1000 times more in the audit). */
  totalWeight?: number;
}

export type SuppressionReason = 'small-group' | 'small-cell' | 'complementary';
export interface Suppressed {
  suppressed: true;
  reason: SuppressionReason;
}
export type Figure = number | Suppressed;

export interface ProtectedGroup {
  key: string;
  n: Figure;
  counts: Record<string, Figure>;
  /** The group is suppressed as a whole (its n is hidden). */
  suppressed: boolean;
  /** No figure of the group is suppressed, so statistics over its cells may be shown. */
  complete: boolean;
}

export interface ProtectedTable {
  minGroupSize: number;
  total: ProtectedGroup;
  groupings: Record<string, ProtectedGroup[]>;
  notice: { de: string; en: string };
}

export const DEFAULT_MIN_GROUP_SIZE = 5;

/** The text shown in place of a primary suppression (a group or cell of 1 … k − 1 answers). */
export function suppressionNotice(minGroupSize: number): { de: string; en: string } {
  return { de: `weniger als ${minGroupSize} Antworten`, en: `fewer than ${minGroupSize} answers` };
}

/** The text shown in place of a complementary (secondary) suppression: the figure itself may be
 *  large; it is hidden only so that a small one cannot be worked out from it. */
export const COMPLEMENTARY_NOTICE: { de: string; en: string } = { de: 'zum Schutz kleiner Gruppen ausgeblendet', en: 'hidden to protect small groups' };

/** The truthful words for one hidden figure: `primary` (the report's `notice`, "weniger als k
 *  Antworten") for reasons 'small-group' and 'small-cell', COMPLEMENTARY_NOTICE for 'complementary'. */
export function noticeFor<T extends { de: string }>(f: unknown, primary: T): T | { de: string; en: string } {
  return typeof f === 'object' && f !== null && (f as Suppressed).reason === 'complementary' ? COMPLEMENTARY_NOTICE : primary;
}

/** Of several hidden figures behind one shown gap, the one whose words apply: a primary one if any. */
export function mainSuppression(figures: readonly unknown[]): Suppressed | undefined {
  const hidden = figures.filter((f): f is Suppressed => typeof f === 'object' && f !== null && (f as Suppressed).suppressed === true);
  return hidden.find((f) => f.reason !== 'complementary') ?? hidden[0];
}

export function isSuppressed(f: Figure): f is Suppressed {
  return typeof f === 'object';
}

// ---- linear algebra: is a 0/1 atom vector in the span of others? ----
const EPS = 1e-9;

/** One row of the echelon form: its pivot and its non-zero entries (indices ascending). */
export interface SpanRow {
  pivot: number;
  idx: Int32Array;
  val: Float64Array;
}

/**
 * The linear span of published figures (Gaussian elimination): what can be derived from them.
 * Rows are stored sparse (only their non-zero entries), the vector being reduced dense; the
 * arithmetic is that of dense rows (an entry that is 0 in a row changes nothing), in the order
 * the rows were added. A row whose pivot entry is 0 in the vector at its turn changes nothing
 * either, so a reduction visits, in the same order, only the rows whose pivot is non-zero in the
 * vector to start with or was touched by a row applied before (found through `pivotAt`, kept in a
 * heap of row numbers), not every row.
 */
export class Span {
  private rows: SpanRow[] = [];
  /** Per position: 1 + the first row with its pivot there, or 0. */
  private pivotAt = new Int32Array(0);
  /** Further rows with the same pivot as an earlier one (ascending; rare). */
  private readonly more = new Map<number, number[]>();
  /** Rows queued in the current reduction (`epoch`), and the queue itself (a min-heap). */
  private marks = new Int32Array(0);
  private epoch = 0;
  private readonly heap: number[] = [];
  /** Reductions of 0/1 vectors work in `scratch`; `touched` lists the positions written (once
   *  each, `positionMarks`). */
  private scratch = new Float64Array(0);
  private positionMarks = new Int32Array(0);
  private readonly touched: number[] = [];
  /** Reduces `r` in place by every row, in the order they were added. */
  reduceInPlace(r: Float64Array): Float64Array {
    const seeds: number[] = [];
    for (let i = 0; i < r.length; i++) if (r[i] !== 0) seeds.push(i);
    this.nextEpoch(r.length);
    return this.reduceFrom(r, seeds);
  }
  /** Reduces `r`, whose non-zero entries are all at `seeds`. `track`: every position the
   *  reduction writes to is added to `touched` (which holds the seeds, marked, already). */
  private reduceFrom(r: Float64Array, seeds: ArrayLike<number>, track = false): Float64Array {
    const rows = this.rows;
    if (rows.length === 0) return r;
    if (this.pivotAt.length < r.length) this.growPositions(r.length);
    this.heap.length = 0;
    for (let k = 0; k < seeds.length; k++) this.queue(seeds[k], -1);
    const { positionMarks, touched, epoch } = this;
    while (this.heap.length > 0) {
      const j = this.pop();
      const { pivot, idx, val } = rows[j];
      const f = r[pivot];
      if (Math.abs(f) > EPS) {
        for (let k = 0; k < idx.length; k++) {
          const q = idx[k];
          r[q] -= f * val[k];
          this.queue(q, j);
          if (track && positionMarks[q] !== epoch) {
            positionMarks[q] = epoch;
            touched.push(q);
          }
        }
      }
    }
    return r;
  }
  /** Starts a reduction: a fresh mark for queued rows and touched positions. */
  private nextEpoch(length: number): void {
    if (this.positionMarks.length < length) this.positionMarks = new Int32Array(length);
    if (++this.epoch === 0x7fffffff) {
      this.marks.fill(0);
      this.positionMarks.fill(0);
      this.epoch = 1;
    }
  }
  /**
   * The 0/1 vector with ones at `atoms`, reduced, in `scratch` (all 0 elsewhere), its non-zero
   * entries among `touched`; the same numbers as reducing it dense. `release` clears it again.
   */
  private reduceAtoms(atoms: ArrayLike<number>, length: number): Float64Array {
    if (this.scratch.length < length) this.scratch = new Float64Array(length);
    const r = this.scratch.length === length ? this.scratch : this.scratch.subarray(0, length);
    this.nextEpoch(length);
    this.touched.length = 0;
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k];
      r[a] = 1;
      if (this.positionMarks[a] !== this.epoch) {
        this.positionMarks[a] = this.epoch;
        this.touched.push(a);
      }
    }
    return this.reduceFrom(r, atoms, true);
  }
  private release(r: Float64Array): void {
    for (const q of this.touched) r[q] = 0;
  }
  /** `pivotOf` over the touched entries: the largest magnitude above EPS, the first of equals. */
  private touchedPivot(r: Float64Array): number {
    let pivot = -1;
    for (const i of this.touched) {
      const m = Math.abs(r[i]);
      if (m > EPS && (pivot < 0 || m > Math.abs(r[pivot]) || (m === Math.abs(r[pivot]) && i < pivot))) pivot = i;
    }
    return pivot;
  }
  /** Queues the rows after `after` whose pivot is at `position`. */
  private queue(position: number, after: number): void {
    const first = this.pivotAt[position] - 1;
    if (first > after && this.marks[first] !== this.epoch) {
      this.marks[first] = this.epoch;
      this.push(first);
    }
    if (this.more.size === 0) return;
    const more = this.more.get(position);
    if (more) {
      for (const i of more) {
        if (i > after && this.marks[i] !== this.epoch) {
          this.marks[i] = this.epoch;
          this.push(i);
        }
      }
    }
  }
  private push(row: number): void {
    const h = this.heap;
    let i = h.length;
    h.push(row);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent] <= row) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = row;
  }
  private pop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as number;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && h[l + 1] < h[l] ? l + 1 : l;
        if (h[c] >= last) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
  private growPositions(length: number): void {
    const grown = new Int32Array(length);
    grown.set(this.pivotAt);
    this.pivotAt = grown;
  }
  reduce(v: Float64Array): Float64Array {
    return this.reduceInPlace(Float64Array.from(v));
  }
  add(v: Float64Array): void {
    this.addDense(Float64Array.from(v));
  }
  /** Adds the 0/1 vector with ones at `atoms` (of `length` entries). Returns whether the rank grew. */
  addAtoms(atoms: ArrayLike<number>, length: number): boolean {
    const r = this.reduceAtoms(atoms, length);
    const pivot = this.touchedPivot(r);
    if (pivot >= 0) {
      // as addReduced, over the touched entries only (every other one is 0)
      const f = r[pivot];
      const at = this.touched.sort((a, b) => a - b);
      let nz = 0;
      for (const i of at) {
        r[i] /= f;
        if (r[i] !== 0) nz++;
      }
      const idx = new Int32Array(nz);
      const val = new Float64Array(nz);
      let k = 0;
      for (const i of at) {
        if (r[i] !== 0) {
          idx[k] = i;
          val[k++] = r[i];
        }
      }
      this.pushRow({ pivot, idx, val }, length);
    }
    this.release(r);
    return pivot >= 0;
  }
  containsAtoms(atoms: ArrayLike<number>, length: number): boolean {
    const r = this.reduceAtoms(atoms, length);
    let zero = true;
    for (const i of this.touched) if (Math.abs(r[i]) > EPS) zero = false;
    this.release(r);
    return zero;
  }
  /** Adds `r` (taken over and reduced in place). */
  private addDense(r: Float64Array): boolean {
    this.reduceInPlace(r);
    const pivot = pivotOf(r);
    if (pivot >= 0) this.addReduced(r, pivot);
    return pivot >= 0;
  }
  /** Adds a vector already reduced by this span, with a non-zero entry at `pivot` (scaled in place). */
  addReduced(r: Float64Array, pivot: number): SpanRow {
    const f = r[pivot];
    let nz = 0;
    for (let i = 0; i < r.length; i++) {
      r[i] /= f;
      if (r[i] !== 0) nz++;
    }
    const idx = new Int32Array(nz);
    const val = new Float64Array(nz);
    for (let i = 0, k = 0; i < r.length; i++) {
      if (r[i] !== 0) {
        idx[k] = i;
        val[k++] = r[i];
      }
    }
    const row = { pivot, idx, val };
    this.pushRow(row, r.length);
    return row;
  }
  private pushRow(row: SpanRow, length: number): void {
    const { pivot } = row;
    const at = this.rows.length;
    this.rows.push(row);
    if (this.pivotAt.length <= pivot) this.growPositions(Math.max(length, pivot + 1));
    if (this.pivotAt[pivot] === 0) this.pivotAt[pivot] = at + 1;
    else this.more.set(pivot, [...(this.more.get(pivot) ?? []), at]);
    if (this.marks.length <= at) {
      const grown = new Int32Array(Math.max(16, 2 * this.marks.length, at + 1));
      grown.set(this.marks);
      this.marks = grown;
    }
  }
  contains(v: Float64Array): boolean {
    return isZero(this.reduce(v));
  }
  get rank(): number {
    return this.rows.length;
  }
  /** Forgets every row after the first `rank` (as if only the vectors that gave those were added). */
  truncate(rank: number): void {
    for (let i = this.rows.length - 1; i >= rank; i--) {
      const pivot = this.rows[i].pivot;
      const more = this.more.get(pivot);
      if (more && more[more.length - 1] === i) {
        more.pop();
        if (more.length === 0) this.more.delete(pivot);
      } else if (this.pivotAt[pivot] === i + 1) this.pivotAt[pivot] = 0;
    }
    this.rows.length = Math.min(this.rows.length, rank);
  }
}

function onesAt(atoms: ArrayLike<number>, length: number): Float64Array {
  const r = new Float64Array(length);
  for (let k = 0; k < atoms.length; k++) r[atoms[k]] = 1;
  return r;
}
const isZero = (r: Float64Array) => r.every((x) => Math.abs(x) <= EPS);
/** The entry of largest magnitude above EPS (the first of equals), or −1. */
function pivotOf(r: Float64Array): number {
  let pivot = -1;
  for (let i = 0; i < r.length; i++) if (Math.abs(r[i]) > EPS && (pivot < 0 || Math.abs(r[i]) > Math.abs(r[pivot]))) pivot = i;
  return pivot;
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
  /** The atoms it adds up, ascending. */
  atoms: Int32Array;
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
        let total = 0;
        for (const a of atoms) total += input.units[Math.floor(a / V)].counts[input.values[a % V]] ?? 0;
        const inUnit = new Uint8Array(U);
        for (const u of sorted) inUnit[u] = 1;
        id = aggregates.length;
        aggregates.push({ atoms: Int32Array.from(atoms), total, places: [], units: sorted, inUnit, value: cell ?? -1, weight, isTotal: false, suppressed: null, primary: false });
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

/** A perturbation of the atoms: +1 / −1 on a few (unit, value) counts, the first `length` entries
 *  of `atoms` and `signs`. */
interface Perturbation {
  atoms: number[];
  signs: number[];
  length: number;
}

/** Fills one Perturbation object of up to four atoms and passes it to `visit` (no allocation per
 *  perturbation: the visitor copies what it keeps). */
function perturbationWriter(visit: (y: Perturbation) => boolean) {
  const y: Perturbation = { atoms: [0, 0, 0, 0], signs: [0, 0, 0, 0], length: 0 };
  return (length: number, a0: number, s0: number, a1 = 0, s1 = 0, a2 = 0, s2 = 0, a3 = 0, s3 = 0): boolean => {
    y.length = length;
    y.atoms[0] = a0;
    y.signs[0] = s0;
    y.atoms[1] = a1;
    y.signs[1] = s1;
    y.atoms[2] = a2;
    y.signs[2] = s2;
    y.atoms[3] = a3;
    y.signs[3] = s3;
    return visit(y);
  };
}

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
 * Each is passed to `visit` in this order (one object, overwritten for the next: copy what you
 * keep); `visit` returns true to stop.
 */
function forEachPerturbation(s: Aggregate, U: number, V: number, visit: (y: Perturbation) => boolean): void {
  const put = perturbationWriter(visit);
  const outside: number[] = [];
  for (let u = 0; u < U; u++) if (!s.inUnit[u]) outside.push(u);
  for (const u1 of s.units) {
    if (s.value >= 0) {
      const v = s.value;
      for (const u2 of outside) {
        for (let v2 = 0; v2 < V; v2++) {
          if (v2 !== v && put(4, u1 * V + v, 1, u1 * V + v2, -1, u2 * V + v, -1, u2 * V + v2, 1)) return;
        }
      }
      for (const u2 of outside) if (put(2, u1 * V + v, 1, u2 * V + v, -1)) return;
      for (let v2 = 0; v2 < V; v2++) if (v2 !== v && put(2, u1 * V + v, 1, u1 * V + v2, -1)) return;
      if (put(1, u1 * V + v, 1)) return;
    } else {
      for (let v = 0; v < V; v++) {
        for (const u2 of outside) if (put(2, u1 * V + v, 1, u2 * V + v, -1)) return;
      }
      for (let v = 0; v < V; v++) if (put(1, u1 * V + v, 1)) return;
    }
  }
}

/**
 * The perturbations of `forEachPerturbation` that may change no shown figure, in another order:
 * a rectangle (u1, u2 × v, v2) or a move (u1 → u2) leaves a shown figure that holds u1 and one
 * of the atoms moved unchanged only if it holds u2 too, so u2 is drawn from the narrowest such
 * figure (`touches.narrowest`) instead of from all other units. Every perturbation skipped is one
 * a shown figure sees. For the certificate, whose answer does not depend on the order.
 */
function forEachUnseenCandidate(s: Aggregate, U: number, V: number, touches: Touches, visit: (y: Perturbation) => boolean): void {
  const put = perturbationWriter(visit);
  const all = [...Array(U).keys()];
  /** Units outside s that every shown figure holding u1 and one of `atoms` (passing `accept`) holds too. */
  const partners = (atoms: number[], accept: (a: Aggregate) => boolean) => (touches.narrowest(atoms, accept) ?? all).filter((u) => !s.inUnit[u]);
  for (const u1 of s.units) {
    if (s.value >= 0) {
      const v = s.value;
      for (let v2 = 0; v2 < V; v2++) {
        if (v2 === v) continue;
        // a rectangle leaves every n unchanged: only cells of columns v and v2 can see it
        for (const u2 of partners([u1 * V + v, u1 * V + v2], (a) => a.value >= 0)) {
          if (put(4, u1 * V + v, 1, u1 * V + v2, -1, u2 * V + v, -1, u2 * V + v2, 1)) return;
        }
      }
      for (const u2 of partners([u1 * V + v], () => true)) if (put(2, u1 * V + v, 1, u2 * V + v, -1)) return;
      for (let v2 = 0; v2 < V; v2++) if (v2 !== v && put(2, u1 * V + v, 1, u1 * V + v2, -1)) return;
      if (put(1, u1 * V + v, 1)) return;
    } else {
      for (let v = 0; v < V; v++) {
        for (const u2 of partners([u1 * V + v], () => true)) if (put(2, u1 * V + v, 1, u2 * V + v, -1)) return;
      }
      for (let v = 0; v < V; v++) if (put(1, u1 * V + v, 1)) return;
    }
  }
}

/** y · s: how much the perturbation changes the figure s (its atoms are 0/1). */
function effectOn(y: Perturbation, s: Aggregate, V: number): number {
  let e = 0;
  for (let i = 0; i < y.length; i++) {
    const atom = y.atoms[i];
    const v = atom % V;
    if (s.inUnit[(atom - v) / V] && (s.value < 0 || s.value === v)) e += y.signs[i];
  }
  return e;
}

/**
 * Which figures a perturbation changes, found through the figures that hold each of its atoms
 * (a perturbation has at most four atoms, a unit lies in a few groups) instead of by testing
 * every figure.
 */
class Touches {
  private readonly byAtom: number[][];
  private readonly acc: Int32Array;
  private readonly stamp: Int32Array;
  private epoch = 0;
  private readonly seen: number[] = [];
  constructor(private readonly aggregates: readonly Aggregate[], atomCount: number) {
    this.byAtom = Array.from({ length: atomCount }, () => []);
    aggregates.forEach((a, id) => {
      for (const atom of a.atoms) this.byAtom[atom].push(id);
    });
    this.acc = new Int32Array(aggregates.length);
    this.stamp = new Int32Array(aggregates.length);
  }
  /** Accumulates y · a for every shown figure a that holds one of y's atoms; returns those ids. */
  private collect(y: Perturbation): number[] {
    this.epoch++;
    this.seen.length = 0;
    for (let i = 0; i < y.length; i++) {
      for (const id of this.byAtom[y.atoms[i]]) {
        if (this.aggregates[id].suppressed !== null) continue;
        if (this.stamp[id] !== this.epoch) {
          this.stamp[id] = this.epoch;
          this.acc[id] = 0;
          this.seen.push(id);
        }
        this.acc[id] += y.signs[i];
      }
    }
    return this.seen;
  }
  /** The shown figures y changes, in the figures' order. */
  shownChanged(y: Perturbation): number[] {
    const out = this.collect(y).filter((id) => this.acc[id] !== 0);
    return out.sort((a, b) => a - b);
  }
  /** The units of the shown figure with the fewest units among those that hold one of `atoms` and
   *  pass `accept`, or null if there is none. */
  narrowest(atoms: readonly number[], accept: (a: Aggregate) => boolean): readonly number[] | null {
    let best: Aggregate | null = null;
    for (const atom of atoms) {
      for (const id of this.byAtom[atom]) {
        const a = this.aggregates[id];
        if (a.suppressed === null && (!best || a.units.length < best.units.length) && accept(a)) best = a;
      }
    }
    return best ? best.units : null;
  }
  /** Does y change any shown figure? */
  changesShown(y: Perturbation): boolean {
    for (const id of this.collect(y)) if (this.acc[id] !== 0) return true;
    return false;
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

/** A figure as the audit sees it: the atoms it adds up, whether it is hidden, and its cost. */
export interface AuditedFigure {
  atoms: number[];
  hidden: boolean;
  primary: boolean;
  cost: number;
}
/**
 * An audit beyond the linear rule (e.g. `auditNonNegative` of suppress-lp.ts: intervals under
 * x ≥ 0): gets the atoms' true counts, every figure and k, returns figures to hide as well.
 */
export type Auditor = (problem: { atomValues: number[]; figures: AuditedFigure[]; k: number }) => number[];

/** Hiding a figure of the total costs this many times a figure elsewhere (the total row stays). */
const TOTAL_COST = 1000;

/** Applies primary and complementary suppression to one variable's table. */
export function protectTable(input: SuppressionInput, options: { audit?: Auditor } = {}): ProtectedTable {
  // the same table is protected again for every report, filter and share read of a release (each
  // builds its own context): remember the answer per input and auditor, hand out copies (callers
  // mark further figures hidden in theirs)
  let auditor = 0;
  if (options.audit) {
    auditor = auditors.get(options.audit) ?? auditors.set(options.audit, auditors.size + 1).size;
  }
  const key = digest(`${auditor}\u0000${JSON.stringify(input)}`);
  const known = tables.get(key);
  if (known) return structuredClone(known);
  const out = protectUncached(input, options);
  if (tables.size >= MEMO) tables.delete(tables.keys().next().value as string);
  tables.set(key, out);
  return structuredClone(out);
}

const MEMO = 2000;
const tables = new Map<string, ProtectedTable>();
// This module is bundled for the browser too (tables and charts read its types and notices), so it
// cannot import node:crypto; the server reaches it this way (Node ≥ 20.16). Without it the memo
// keys on the text itself (megabytes at hundreds of link labels, but the same answers).
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as
  | typeof import('node:crypto')
  | undefined;
const digest = (text: string) => (nodeCrypto ? nodeCrypto.createHash('sha256').update(text).digest('base64') : text);
/** A number per auditor function (the memo's key). */
const auditors = new Map<Auditor, number>();

function protectUncached(input: SuppressionInput, options: { audit?: Auditor }): ProtectedTable {
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
  const L = U * V;
  const touches = new Touches(aggregates, L);
  const hide = (a: Aggregate) => {
    a.suppressed ??= 'complementary';
  };

  // 2. complementary suppression: per primary figure that shown figures still reveal, the
  // cheapest perturbation that changes it; every shown figure it changes is hidden. Figures
  // already hidden cost nothing, so later cells reuse earlier patterns.
  const chosen: Perturbation[] = [];
  const shown = new ShownSpan(aggregates, L);
  for (const s of primaries) {
    if (chosen.some((y) => effectOn(y, s, V) !== 0)) continue; // still valid: we only hid more since
    if (!shown.span().containsAtoms(s.atoms, L)) continue;
    let best: { y: Perturbation; touched: number[]; score: Score } | null = null;
    forEachPerturbation(s, U, V, (y) => {
      let oneSided = 0;
      for (let i = 0; i < y.length; i++) if (atomCount(y.atoms[i]) === 0) oneSided++;
      if (best && oneSided > best.score[0]) return false;
      const touched = touches.shownChanged(y);
      let totals = 0;
      let cost = 0;
      for (const id of touched) {
        const a = aggregates[id];
        if (a.isTotal) totals++;
        cost += costOf(a);
      }
      // not better than the best so far whatever the sizes: no need to sort them
      if (best && oneSided === best.score[0] && (totals > best.score[1] || (totals === best.score[1] && cost > best.score[2]))) return false;
      const score: Score = [oneSided, totals, cost, touched.map((id) => aggregates[id].total).sort((a, b) => a - b)];
      if (!best || better(score, best.score)) best = { y: { atoms: y.atoms.slice(), signs: y.signs.slice(), length: y.length }, touched, score };
      return false;
    });
    if (!best) continue;
    const { y, touched } = best as { y: Perturbation; touched: number[] };
    for (const id of touched) hide(aggregates[id]);
    chosen.push(y);
  }

  // belt and braces: whatever is still derivable gets the cheapest figure that breaks it hidden
  for (let guard = 0; guard <= aggregates.length; guard++) {
    const span = shown.span();
    const s = primaries.find((a) => span.containsAtoms(a.atoms, L));
    if (!s) break;
    const candidates = aggregates.filter((a) => a.suppressed === null).sort((a, b) => byValueDesc(b, a));
    const breaking = candidates.find((c) => {
      const without = new Span();
      for (const a of aggregates) if (a.suppressed === null && a !== c) without.addAtoms(a.atoms, L);
      return !without.containsAtoms(s.atoms, L);
    });
    hide(breaking ?? candidates[0]);
  }

  // 3. pruning: show again every complementary figure, most valuable first, whose showing
  // reveals no primary figure (this also shows any hidden figure that was derivable anyway)
  prune(aggregates, primaries, L);

  // 4. the audit beyond linear combinations: counts are never negative, so a shown 0 pins the
  // cells under it; the auditor hides what else each primary figure needs to keep k values
  // A primary figure is certified without the solver where single perturbations that no shown
  // figure sees move it up and down by k − 1 in all, atoms staying ≥ 0.
  const certified = (s: Aggregate): boolean => {
    let up = 0;
    let down = 0;
    let done = false;
    forEachUnseenCandidate(s, U, V, touches, (y) => {
      const effect = effectOn(y, s, V);
      if (effect === 0 || touches.changesShown(y)) return false;
      // applying y·sign(effect) λ times raises s by λ|effect|; the atoms it lowers must stay ≥ 0
      let raise = Number.POSITIVE_INFINITY;
      let lower = Number.POSITIVE_INFINITY;
      for (let i = 0; i < y.length; i++) {
        const c = atomCount(y.atoms[i]);
        if (y.signs[i] * effect < 0) raise = Math.min(raise, c);
        else lower = Math.min(lower, c);
      }
      up = Math.max(up, raise * Math.abs(effect));
      down = Math.max(down, lower * Math.abs(effect));
      done = up + down >= k - 1;
      return done;
    });
    return done;
  };
  const uncertain = options.audit ? primaries.filter((a) => !certified(a)) : [];
  if (options.audit && uncertain.length > 0) {
    const check = new Set(uncertain);
    const atomValues = Array.from({ length: L }, (_, a) => atomCount(a));
    const figures = aggregates.map((a) => ({
      atoms: Array.from(a.atoms),
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


/**
 * The span of the shown figures, kept across hiding: the figures are added in their order, and
 * when figures have been hidden since, only the rows from the first hidden figure that added one
 * are rebuilt (a hidden figure that added no row lies in the span of the figures before it, so
 * the span without it is the same). The result is the span a fresh build from the shown figures
 * gives, row for row. Figures are only ever hidden while this is in use.
 */
class ShownSpan {
  private readonly s = new Span();
  /** Per figure added, in order: the rank before it and whether it added a row. */
  private readonly log: { id: number; rank: number; added: boolean }[] = [];
  private built = false;
  constructor(
    private readonly aggregates: readonly Aggregate[],
    private readonly length: number,
  ) {}
  span(): Span {
    let from = -1;
    if (!this.built) {
      from = 0;
      this.built = true;
    } else {
      const cut = this.log.findIndex((e) => e.added && this.aggregates[e.id].suppressed !== null);
      if (cut >= 0) {
        from = this.log[cut].id;
        this.s.truncate(this.log[cut].rank);
        this.log.length = cut;
      }
    }
    if (from >= 0) {
      for (let id = from; id < this.aggregates.length; id++) {
        const a = this.aggregates[id];
        if (a.suppressed !== null) continue;
        const rank = this.s.rank;
        this.log.push({ id, rank, added: this.s.addAtoms(a.atoms, this.length) });
      }
    }
    return this.s;
  }
}

/**
 * Shows hidden complementary figures again where that reveals no primary one: with the shown
 * figures' span in echelon form and each primary's residual (non-zero: it is not derivable),
 * showing `c` reveals a primary exactly when the primary's residual is a multiple of c's.
 * Repeats until nothing changes, so no hidden figure is left derivable.
 */
function prune(aggregates: Aggregate[], primaries: Aggregate[], L: number): void {
  const span = new Span();
  for (const a of aggregates) if (a.suppressed === null) span.addAtoms(a.atoms, L);
  const residuals = primaries.map((p) => span.reduceInPlace(onesAt(p.atoms, L)));
  for (let changed = true; changed; ) {
    changed = false;
    const hidden = aggregates.filter((a) => a.suppressed === 'complementary').sort(byValueDesc);
    for (const c of hidden) {
      const r = span.reduceInPlace(onesAt(c.atoms, L));
      const pivot = pivotOf(r);
      if (pivot >= 0) {
        const reveals = residuals.some((rs) => {
          const f = rs[pivot] / r[pivot];
          for (let i = 0; i < rs.length; i++) if (!(Math.abs(rs[i] - f * r[i]) <= EPS)) return false;
          return true;
        });
        if (reveals) continue;
        const row = span.addReduced(r, pivot);
        for (const rs of residuals) {
          const f = rs[row.pivot];
          if (Math.abs(f) > EPS) for (let k = 0; k < row.idx.length; k++) rs[row.idx[k]] -= f * row.val[k];
        }
      }
      c.suppressed = null;
      changed = true;
    }
  }
}

/**
 * Which groups of a breakdown a segment comparison may use: those not suppressed as a whole.
 * The comparison is omitted when fewer than two remain; its test only when every remaining group
 * is complete, since a test statistic over hidden cells could reveal them.
 */
export function comparableGroups(table: ProtectedTable, grouping: string): { groups: string[]; comparison: boolean; test: boolean } {
  const groups = (table.groupings[grouping] ?? []).filter((g) => !g.suppressed && g.n !== 0);
  const comparison = groups.length >= 2;
  return { groups: groups.map((g) => g.key), comparison, test: comparison && groups.every((g) => g.complete) };
}

