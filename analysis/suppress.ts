// Small-group protection for one variable's table of counts (rows: groups, columns: values).
//
// The rule, applied per question (each call gets that question's own counts, so skipped items
// shrink a group) and per cell:
//  1. primary: a group (segment, link label, or the total) with fewer than `minGroupSize`
//     answers is suppressed as a whole; so is every count of 1 … minGroupSize − 1. A count of 0
//     rests on nobody and stays shown.
//  2. complementary: every published figure is a sum over "atoms" (unit × value; a unit is the
//     finest group, e.g. one link). A suppressed figure is recoverable exactly when its atom
//     vector lies in the linear span of the shown figures (row total minus shown cells, total
//     minus shown segments, a segment minus its shown link labels, and every combination). While
//     one is, the next-smallest figure on its derivation is suppressed as well: a cell in the same
//     row, then the same column; for a whole group, the next-smallest group as a whole.
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
}

export interface SuppressionInput {
  /** The value columns that will be shown (e.g. the choice codes, or `['1', '0']`). */
  values: string[];
  units: SuppressionUnit[];
  /** Published breakdowns, e.g. by segment and by link label. The total is always published. */
  groupings: SuppressionGrouping[];
  minGroupSize?: number;
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

/** The text shown in place of a suppressed figure. */
export function suppressionNotice(minGroupSize: number): { de: string; en: string } {
  return { de: `weniger als ${minGroupSize} Antworten`, en: `fewer than ${minGroupSize} answers` };
}

export function isSuppressed(f: Figure): f is Suppressed {
  return typeof f === 'object';
}

// ---- linear algebra: is a 0/1 atom vector in the span of others? ----
const EPS = 1e-9;

class Span {
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
    if (pivot < 0) return;
    const f = r[pivot];
    for (let i = 0; i < r.length; i++) r[i] /= f;
    this.rows.push({ pivot, vec: r });
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
  suppressed: SuppressionReason | null;
  protect: boolean; // must not be derivable
}

const TOTAL = '';

function buildAggregates(input: SuppressionInput): { aggregates: Aggregate[]; groups: Map<string, number[]> } {
  const V = input.values.length;
  const unitIndex = new Map(input.units.map((u, i) => [u.id, i]));
  const bySignature = new Map<string, Aggregate>();
  /** grouping\u0000group → aggregate indices: [n, ...cells] */
  const groups = new Map<string, number[]>();
  const aggregates: Aggregate[] = [];
  const publish = (grouping: string, group: string, units: number[]) => {
    const ids: number[] = [];
    for (const cell of [null, ...input.values.map((_, v) => v)]) {
      const atoms = units.flatMap((u) => (cell === null ? input.values.map((_, v) => u * V + v) : [u * V + cell])).sort((a, b) => a - b);
      const signature = atoms.join(',');
      let agg = bySignature.get(signature);
      if (!agg) {
        const vec = new Float64Array(input.units.length * V);
        let total = 0;
        for (const a of atoms) {
          vec[a] = 1;
          total += input.units[Math.floor(a / V)].counts[input.values[a % V]] ?? 0;
        }
        agg = { vec, total, places: [], suppressed: null, protect: false };
        bySignature.set(signature, agg);
        aggregates.push(agg);
      }
      agg.places.push({ grouping, group, value: cell === null ? null : input.values[cell] });
      ids.push(aggregates.indexOf(agg));
    }
    groups.set(`${grouping}\u0000${group}`, ids);
  };
  publish(TOTAL, TOTAL, input.units.map((_, i) => i));
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
      );
    }
  }
  return { aggregates, groups };
}

function suppressGroup(aggregates: Aggregate[], ids: number[], reason: SuppressionReason): void {
  for (const id of ids) {
    const a = aggregates[id];
    a.suppressed ??= reason;
    a.protect = true; // even a 0 in a small group says something about its members
  }
}

/** Applies primary and complementary suppression to one variable's table. */
export function protectTable(input: SuppressionInput): ProtectedTable {
  const k = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  for (const u of input.units) {
    for (const [value, c] of Object.entries(u.counts)) {
      if (!input.values.includes(value) && c > 0) throw new Error(`The unit "${u.id}" counts the value "${value}", which is not among the columns.`);
    }
  }
  const { aggregates, groups } = buildAggregates(input);
  const groupOf = (id: number) => [...groups.entries()].filter(([, ids]) => ids.includes(id)).map(([key]) => key);

  // 1. primary suppression
  // an empty group hides nobody: it stays shown as 0, like a zero cell
  for (const ids of groups.values()) {
    const n = aggregates[ids[0]].total;
    if (n > 0 && n < k) suppressGroup(aggregates, ids, 'small-group');
  }
  for (const a of aggregates) {
    if (a.total >= 1 && a.total < k) {
      a.suppressed ??= 'small-cell';
      a.protect = true;
    }
  }

  // 2. complementary suppression until no protected figure is derivable
  const shownVecs = (except = -1) => aggregates.filter((a, i) => a.suppressed === null && i !== except).map((a) => a.vec);
  for (let guard = 0; guard <= aggregates.length; guard++) {
    const shown = new Span();
    for (const v of shownVecs()) shown.add(v);
    const s = aggregates.findIndex((a) => a.protect && a.vec.some((x) => x !== 0) && shown.contains(a.vec));
    if (s < 0) break;
    const candidates = aggregates.map((_, i) => i).filter((i) => aggregates[i].suppressed === null);
    const sGroups = groupOf(s);
    const wholeGroup = sGroups.some((g) => aggregates[(groups.get(g) as number[])[0]].suppressed !== null);
    if (wholeGroup) {
      // the next-smallest group is hidden as a whole: one whose removal breaks the derivation
      // if there is one, else the smallest of the same breakdown (progress; the loop repeats)
      const sGroupings = new Set(sGroups.map((g) => g.split('\u0000')[0]));
      const options = [...groups.keys()]
        .filter((g) => !g.startsWith(`${TOTAL}\u0000`) && aggregates[(groups.get(g) as number[])[0]].suppressed === null)
        .map((g) => {
          const ids = groups.get(g) as number[];
          const rest = aggregates.filter((a, i) => a.suppressed === null && !ids.includes(i)).map((a) => a.vec);
          return {
            g,
            breaks: derivable(aggregates[s].vec, rest) ? 1 : 0,
            same: sGroupings.has(g.split('\u0000')[0]) ? 0 : 1,
            n: aggregates[ids[0]].total || Number.POSITIVE_INFINITY, // an empty group protects little
          };
        })
        .sort((a, b) => a.breaks - b.breaks || a.same - b.same || a.n - b.n);
      if (options.length > 0) {
        suppressGroup(aggregates, groups.get(options[0].g) as number[], 'complementary');
        continue;
      }
    }
    // only figures in s's rows or columns are tried as partners (fast), all others as a fallback
    const related = candidates.filter((c) =>
      aggregates[c].places.some((p) => aggregates[s].places.some((q) => (q.grouping === p.grouping && q.group === p.group) || (p.value !== null && p.value === q.value))),
    );
    const isEssential = (c: number) => !derivable(aggregates[s].vec, shownVecs(c));
    let essential = related.filter(isEssential);
    if (essential.length === 0) essential = candidates.filter((c) => !related.includes(c) && isEssential(c));
    const pool = essential.length > 0 ? essential : related.length > 0 ? related : candidates;
    // the next-smallest cell: a cell before an n, same row, then same column, then one whose row
    // already hides a cell (so hidden cells form rectangles), then the smallest
    const sPlaces = aggregates[s].places;
    const rowHides = (p: Place) =>
      (groups.get(`${p.grouping}\u0000${p.group}`) as number[]).some((id) => aggregates[id].suppressed !== null);
    const rank = (c: number) => {
      const places = aggregates[c].places;
      const isCell = places.some((p) => p.value !== null) ? 0 : 1;
      const sameRow = places.some((p) => sPlaces.some((q) => q.grouping === p.grouping && q.group === p.group)) ? 0 : 1;
      const sameColumn = places.some((p) => p.value !== null && sPlaces.some((q) => q.value === p.value)) ? 0 : 1;
      const joins = places.some(rowHides) ? 0 : 1;
      return [isCell, sameRow, sameColumn, joins, aggregates[c].total, c];
    };
    const best = pool
      .map((c) => ({ c, r: rank(c) }))
      .sort((a, b) => {
        for (let i = 0; i < a.r.length; i++) if (a.r[i] !== b.r[i]) return a.r[i] - b.r[i];
        return 0;
      })[0];
    aggregates[best.c].suppressed = 'complementary';
    aggregates[best.c].protect = true; // a complement must not be recoverable either
  }

  // 3. assemble
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
