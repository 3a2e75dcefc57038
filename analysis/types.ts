// The narrow, typed interface through which analysis receives data. Storage (PostgreSQL or
// PGlite) produces these rows with SQL; analysis never sees a raw response.
import type { LocalizedText } from '../surveys/types.ts';

/** One extracted value of one analysable variable of one response (see `analysis/extract.ts`). */
export interface ExtractedValue {
  variable: string;
  /** The value as text: a choice code, `1`/`0` for checkbox choices, a rank, a number. */
  value: string;
}

/** Aggregated counts: how many complete responses from one link gave `value` for `variable`. */
export interface CountRow {
  variable: string;
  value: string;
  segment: string;
  linkLabel: string | null;
  n: number;
}

/** How many complete responses each segment/link contributed (the base for "no answer"). */
export interface BaseRow {
  segment: string;
  linkLabel: string | null;
  n: number;
}

/** One open-text answer, with where it came from. */
export interface OpenTextRow {
  variable: string;
  text: string;
  segment: string;
  linkLabel: string | null;
  /**
   * Set for a shared report's reader: whether a researcher approved the text. An unapproved text
   * still counts for small-group protection but is not listed. Absent: every text is listed.
   */
  approved?: boolean;
  /**
   * Who wrote it, as a number that means nothing outside one read (texts of one response share
   * it): lists are protected by persons, not texts. Absent: each text counts as a person.
   */
  person?: number;
}

/** Everything a report needs, already aggregated. */
export interface AggregatedData {
  bases: BaseRow[];
  counts: CountRow[];
  openTexts: OpenTextRow[];
}

export type { LocalizedText };
