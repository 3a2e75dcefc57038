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

/** True when every atom cut by these values holds 0 or ≥ k respondents. */
function atomsSafe(rows: readonly BaseRow[], segments: ReadonlySet<string>, labels: ReadonlySet<string>, k: number): boolean {
  const atoms = new Map<string, number>();
  for (const r of rows) {
    const key = `${segments.has(r.segment) ? r.segment : REST}\u0001${r.linkLabel !== null && labels.has(r.linkLabel) ? r.linkLabel : REST}`;
    atoms.set(key, (atoms.get(key) ?? 0) + r.n);
  }
  for (const n of atoms.values()) if (n > 0 && n < k) return false;
  return true;
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
  const segments = new Set<string>();
  const labels = new Set<string>();
  for (const c of all) {
    if (!groupAndRestSafe(c.n, total, k)) continue;
    const set = c.kind === 'segment' ? segments : labels;
    set.add(c.v);
    if (!atomsSafe(rows, segments, labels, k)) set.delete(c.v);
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
