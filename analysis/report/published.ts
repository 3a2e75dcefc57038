// The published set of a survey (issue 12): the groups of units (links) whose figures a reader
// without researcher rights can obtain, and what hiding one of their figures costs. Pure.
//
// A share-key reader sees an audience's report (its scope: the segments it includes, each compared
// segment) and the same for every filter the page offers (shared-filters.ts): offered segments and
// offered link labels, in any combination. Every group such a reader can reach is a union of the
// "atoms" segment × (offered label, or the segment's other links), so the span of those atoms'
// figures holds every figure of every report, filter and difference of two. Links and labels that
// no share key can filter to are not published and need no protection of their own: only what
// they add to the published figures counts (e.g. a partner link of 3 inside a segment of 123).
//
// Costs: a figure costs per answer as many as the unfiltered reports that show it (a segment shown
// in three reports three, an audience's overall row one), a figure reachable only through a filter
// FILTER_ONLY. So the protection hides a small works-council cell's complements in the rows of the
// reports that show the works councils rather than in the other reports.
import { offeredFilters } from './shared-filters.ts';
import type { SuppressionGrouping } from '../suppress.ts';

export interface PublishedUnit {
  id: string;
  segment: string;
  linkLabel: string | null;
  /** Complete responses through this link. */
  base: number;
}

/** What an audience's report draws on: its segments, the segments it shows side by side, and
 *  the filters its profile opens to share-key readers (`shared.filters`). */
export interface AudienceScope {
  include: readonly string[];
  compare: readonly string[];
  filters: readonly string[];
}

/** Cost per answer of a figure that only a filter shows. */
export const FILTER_ONLY = 0.5;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The link labels a share key of this audience is offered: as the report page offers them. */
export function offerableLabels(units: readonly PublishedUnit[], a: AudienceScope, k: number): string[] {
  if (!a.filters.includes('label')) return [];
  const bases = units.map((u) => ({ segment: u.segment, linkLabel: u.linkLabel, n: u.base }));
  const labels = [...new Set(units.filter((u) => a.include.includes(u.segment) && u.linkLabel).map((u) => u.linkLabel as string))].sort(byText);
  if (labels.length === 0) return [];
  return offeredFilters(bases, a.include, { segments: a.filters.includes('segment') ? [...a.include] : [], labels }, k).labels;
}

/** The present segments of a scope, as its key ("a+b"). */
const scopeKey = (include: readonly string[], present: ReadonlySet<string>) => [...new Set(include)].filter((s) => present.has(s)).sort(byText);

/**
 * The breakdowns to protect besides the total: each segment, each audience's scope, and the atoms
 * segment × offered label of each audience that offers labels; plus the total's weight.
 * `overallOnly`: the figures are shown for a report's scope only, not per compared segment (e.g.
 * an open-text list), so a segment's figure costs as one that only a filter shows.
 */
export function publishedGroupings(units: readonly PublishedUnit[], audiences: readonly AudienceScope[], k: number, overallOnly = false): { groupings: SuppressionGrouping[]; totalWeight: number } {
  const present = new Set(units.map((u) => u.segment));
  const segments = [...present].sort(byText);
  const shownIn = (s: string) => (overallOnly ? 0 : audiences.filter((a) => a.compare.includes(s) && a.include.includes(s)).length);
  const groupings: SuppressionGrouping[] = segments.map((s) => ({
    name: `segment:${s}`,
    weight: shownIn(s) || FILTER_ONLY,
    groups: [{ key: s, units: units.filter((u) => u.segment === s).map((u) => u.id) }],
  }));
  let totalWeight = 0;
  const scopes = new Map<string, number>();
  for (const a of audiences) {
    const key = scopeKey(a.include, present);
    if (key.length === 0) continue;
    if (key.length === segments.length) totalWeight++;
    else scopes.set(key.join('+'), (scopes.get(key.join('+')) ?? 0) + 1);
  }
  for (const [key, weight] of scopes) {
    const inScope = new Set(key.split('+'));
    groupings.push({ name: `scope:${key}`, weight, groups: [{ key, units: units.filter((u) => inScope.has(u.segment)).map((u) => u.id) }] });
  }
  const atoms = new Map<string, Set<string>>();
  for (const a of audiences) {
    const labels = new Set(offerableLabels(units, a, k));
    if (labels.size === 0) continue;
    for (const u of units) {
      if (!a.include.includes(u.segment)) continue;
      const key = `${u.segment}\u0001${u.linkLabel !== null && labels.has(u.linkLabel) ? u.linkLabel : `\u0000rest:${[...labels].join('\u0002')}`}`;
      atoms.set(key, (atoms.get(key) ?? new Set<string>()).add(u.id));
    }
  }
  // one grouping per atom: atoms of different audiences may overlap
  for (const [key, ids] of [...atoms].sort((a, b) => byText(a[0], b[0]))) groupings.push({ name: `atom:${key}`, weight: FILTER_ONLY, groups: [{ key, units: [...ids] }] });
  for (const [key, ids] of filterGroups(units, audiences, k, present)) groupings.push({ name: `filter:${key}`, weight: FILTER_ONLY, groups: [{ key, units: ids }] });
  return { groupings, totalWeight: totalWeight || FILTER_ONLY };
}

/**
 * The groups a share key's filter selects as a whole: every combination of two or more of the
 * report's segments, and the report's scope within each offered label. They are sums of
 * published groups already; as figures of their own their small counts are primary (a small
 * count of "intermediaries + works councils" is as telling as one of a segment).
 */
function filterGroups(units: readonly PublishedUnit[], audiences: readonly AudienceScope[], k: number, present: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const put = (key: string, ids: string[]) => {
    if (ids.length > 0) out.set(key, ids);
  };
  for (const a of audiences) {
    const segs = scopeKey(a.include, present);
    if (a.filters.includes('segment') && segs.length <= 6) {
      for (let mask = 1; mask < 1 << segs.length; mask++) {
        const chosen = segs.filter((_, i) => mask & (1 << i));
        if (chosen.length >= 2 && chosen.length < segs.length) put(chosen.join('+'), units.filter((u) => chosen.includes(u.segment)).map((u) => u.id));
      }
    }
    for (const l of offerableLabels(units, a, k)) put(`${segs.join('+')}\u0001${l}`, units.filter((u) => segs.includes(u.segment) && u.linkLabel === l).map((u) => u.id));
  }
  return out;
}
