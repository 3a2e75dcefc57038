// Which filters a share-key reader may use (issue 12, part 4). A filter value — a segment, or a
// link label where the profile opens that filter — is offered only if the groups that the offered
// values cut the report's scope into ("atoms": offered segment or "the other segments" × offered
// label or "the other links") each hold 0 or at least k respondents. Every group a reader can
// reach by filtering, and every difference of two of them — the unfiltered report minus a filter
// (its complement), one filter minus a narrower one, a combination minus another — is a union of
// atoms, so it too holds 0 or ≥ k respondents. Values are taken greedily, largest group first,
// each also needing ≥ k respondents itself and a complement of 0 or ≥ k. Pure; the sizes come
// from the bases the reader's report is built from (a share key: the published release).
import type { BaseRow } from '../types.ts';
import { passes, type ReportFilters } from './filters.ts';

export interface FilterValues {
  segments: string[];
  labels: string[];
}

const REST = '\u0000rest';

/** The rows of the report's scope (segments it includes), with respondents. */
const inScope = (bases: readonly BaseRow[], include: readonly string[]) => bases.filter((b) => include.includes(b.segment) && b.n > 0);

/**
 * The atoms cut by the chosen values, kept up to date as values are added one at a time: adding a
 * value moves only the rows of that segment or label to other atoms, so a check costs those rows,
 * not all of them (hundreds of labels). `safe()`: every atom holds 0 or ≥ k respondents.
 */
class Atoms {
  readonly segments = new Set<string>();
  readonly labels = new Set<string>();
  private readonly sizes = new Map<string, number>();
  /** Atoms holding 1 … k − 1 respondents. */
  private small = 0;
  private readonly bySegment = new Map<string, BaseRow[]>();
  private readonly byLabel = new Map<string, BaseRow[]>();
  constructor(
    rows: readonly BaseRow[],
    private readonly k: number,
  ) {
    for (const r of rows) {
      this.move(r, null);
      const ofSegment = this.bySegment.get(r.segment) ?? [];
      this.bySegment.set(r.segment, ofSegment);
      ofSegment.push(r);
      if (r.linkLabel !== null) {
        const ofLabel = this.byLabel.get(r.linkLabel) ?? [];
        this.byLabel.set(r.linkLabel, ofLabel);
        ofLabel.push(r);
      }
    }
  }
  private keyOf(r: BaseRow): string {
    return `${this.segments.has(r.segment) ? r.segment : REST}\u0001${r.linkLabel !== null && this.labels.has(r.linkLabel) ? r.linkLabel : REST}`;
  }
  private change(key: string, by: number): void {
    const before = this.sizes.get(key) ?? 0;
    const after = before + by;
    this.sizes.set(key, after);
    this.small += Number(after > 0 && after < this.k) - Number(before > 0 && before < this.k);
  }
  /** Counts `r` in its atom under the current values, out of atom `from` (null: new). */
  private move(r: BaseRow, from: string | null): void {
    if (from !== null) this.change(from, -r.n);
    this.change(this.keyOf(r), r.n);
  }
  /** Adds or removes a value and moves its rows. */
  toggle(kind: 'segment' | 'label', v: string, on: boolean): void {
    const set = kind === 'segment' ? this.segments : this.labels;
    const rows = (kind === 'segment' ? this.bySegment : this.byLabel).get(v) ?? [];
    const from = rows.map((r) => this.keyOf(r));
    if (on) set.add(v);
    else set.delete(v);
    rows.forEach((r, i) => {
      this.move(r, from[i]);
    });
  }
  safe(): boolean {
    return this.small === 0;
  }
}

/** A group of `n` out of `total` may be shown: n ≥ k and the rest 0 or ≥ k. */
export const groupAndRestSafe = (n: number, total: number, k: number): boolean => n >= k && (total - n === 0 || total - n >= k);

/**
 * The values of `candidates` a share-key reader is offered, in the candidates' order.
 * `include`: the segments the report covers; `bases`: respondents per segment and link.
 */
export function offeredFilters(bases: readonly BaseRow[], include: readonly string[], candidates: FilterValues, k: number): FilterValues {
  const rows = inScope(bases, include);
  const total = rows.reduce((s, r) => s + r.n, 0);
  const size = (kind: 'segment' | 'label', v: string) => rows.reduce((s, r) => s + ((kind === 'segment' ? r.segment : r.linkLabel) === v ? r.n : 0), 0);
  const all = [
    ...candidates.segments.map((v) => ({ kind: 'segment' as const, v, n: size('segment', v) })),
    ...candidates.labels.map((v) => ({ kind: 'label' as const, v, n: size('label', v) })),
  ].sort((a, b) => b.n - a.n || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  const atoms = new Atoms(rows, k);
  const { segments, labels } = atoms;
  for (const c of all) {
    if (!groupAndRestSafe(c.n, total, k)) continue;
    atoms.toggle(c.kind, c.v, true);
    if (!atoms.safe()) atoms.toggle(c.kind, c.v, false);
  }
  return { segments: candidates.segments.filter((s) => segments.has(s)), labels: candidates.labels.filter((l) => labels.has(l)) };
}

/**
 * Whether a reader offered `offered` may apply `filters`: every value is offered, and the
 * filtered group holds ≥ k respondents with a rest of 0 or ≥ k (a combination of offered values
 * can still meet no one, e.g. a segment and a label that never occur together).
 */
export function sharedFilterAllowed(bases: readonly BaseRow[], include: readonly string[], offered: FilterValues, filters: ReportFilters, k: number): boolean {
  if ((filters.segments?.length ?? 0) + (filters.linkLabels?.length ?? 0) === 0) return true;
  if (!(filters.segments ?? []).every((s) => offered.segments.includes(s))) return false;
  if (!(filters.linkLabels ?? []).every((l) => offered.labels.includes(l))) return false;
  const rows = inScope(bases, include);
  const total = rows.reduce((s, r) => s + r.n, 0);
  const n = rows.reduce((s, r) => s + (passes(filters, r.segment, r.linkLabel) ? r.n : 0), 0);
  return groupAndRestSafe(n, total, k);
}
