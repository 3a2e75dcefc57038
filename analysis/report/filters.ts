// Filters on aggregated data: keep the rows of some segments and/or link labels. Pure; the same
// rows come back in the same order. Filtering alone does not protect anyone: `buildReport`
// shows a filtered figure only where it follows from figures the whole survey may show (see
// `protection.ts`), so comparing a filtered with an unfiltered report reveals nothing.
import type { AggregatedData } from '../types.ts';

export interface ReportFilters {
  /** Keep only these segments (none or empty: all). */
  segments?: readonly string[];
  /** Keep only links with these labels (none or empty: all). A link without label never matches. */
  linkLabels?: readonly string[];
}

/** Does a row of this segment and link label pass the filters? */
export function passes(filters: ReportFilters, segment: string, linkLabel: string | null): boolean {
  if (filters.segments && filters.segments.length > 0 && !filters.segments.includes(segment)) return false;
  if (filters.linkLabels && filters.linkLabels.length > 0 && (linkLabel === null || !filters.linkLabels.includes(linkLabel))) return false;
  return true;
}

/** The rows of `data` that pass `filters`. */
export function filterAggregates(data: AggregatedData, filters: ReportFilters = {}): AggregatedData {
  const keep = (r: { segment: string; linkLabel: string | null }) => passes(filters, r.segment, r.linkLabel);
  return { bases: data.bases.filter(keep), counts: data.counts.filter(keep), openTexts: data.openTexts.filter(keep) };
}

/** True when the filters select anything narrower than "everything". */
export function isFiltered(filters: ReportFilters = {}): boolean {
  return (filters.segments?.length ?? 0) > 0 || (filters.linkLabels?.length ?? 0) > 0;
}
