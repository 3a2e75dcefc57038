// The report model: what one audience's report holds, as plain JSON. It is the contract between
// statistics (analysis/stats, analysis/suppress) and everything that shows a report: chart specs,
// HTML, CSV, `befund analyze` (report.json) and GET /api/v1/surveys/:slug/report.
//
//   AggregatedData → frequency tables → statistics + suppression → ReportModel → specs → SVG/HTML
//
// Every figure that rests on respondents is a `Figure`: a number, or `{ suppressed: true, reason }`
// (never 0) where small-group protection hides it; `notice` gives the words to show instead.
// Numbers are raw (shares 0–1, percentages 0–100); formatting (decimal comma) is the renderer's.
import type { LocalizedText } from '../../surveys/types.ts';
import type { Figure, Suppressed } from '../suppress.ts';

export type { Figure, LocalizedText, Suppressed };

export type Audience = string; // 'intermediary' | 'sme' | 'works_council', or one a researcher adds

/** How a question is summarised and drawn. */
export type QuestionKind =
  | 'single' // one choice: bars with Wilson intervals
  | 'multiple' // checkbox/tagbox: share choosing each option (does not sum to 100 %)
  | 'ordinal' // rating or Likert scale: diverging stacked bar, median, mean, top-2-box
  | 'matrix' // Likert matrix: one ordinal row per matrix row
  | 'ranking' // mean rank and share ranked first
  | 'number' // numbers: n, mean; SD and quartiles from 2k answers on
  | 'text'; // open answers, listed verbatim

export interface Interval {
  lower: number;
  upper: number;
}

/** One answer option of a choice-like question. */
export interface OptionResult {
  value: string;
  label: LocalizedText;
  count: Figure;
  /** Percent of valid answers (single, ordinal) or of respondents (multiple), 0–100. */
  percent: Figure;
  /** Wilson 95 % interval of the share, 0–1. */
  interval?: Interval | Suppressed;
}

export interface OrdinalStats {
  median: number;
  mean: number;
  sd: number;
  /** Share (0–1) in the two highest codes of the scale. */
  top2Share: number;
  /** The codes counted as top-2, highest first. */
  top2Codes: string[];
}

export interface NumberStats {
  n: number;
  mean: number;
  /** SD, median and quartiles only from 2 × minGroupSize answers on (analysis/report/questions/number.ts). */
  sd?: number;
  q1?: number;
  median?: number;
  q3?: number;
  /** Never set by the report builder: each is one respondent's value (kept for older report.json readers). */
  min?: number;
  max?: number;
}

export interface TestResult {
  name: 'chi-square' | 'kruskal-wallis' | 'mann-whitney';
  statistic: number;
  /** Degrees of freedom; null for Mann-Whitney. */
  df: number | null;
  p: number;
  /** Cramér's V (chi-square), η²(H) (Kruskal-Wallis) or r (Mann-Whitney). */
  effect: number;
  effectName: 'cramers-v' | 'eta-squared-h' | 'r';
  /** Cramér's V: df* = min(rows − 1, columns − 1) of the tested table, which sets Cohen's thresholds. */
  effectDf?: number;
  /** Mann-Whitney: exact p-value (small samples without ties, as R) or normal approximation. */
  method?: 'exact' | 'normal';
  /** E.g. expected counts below 5. */
  warning?: LocalizedText;
  /** The result in plain words ("Die Unterschiede sind klein … (p = 0,31)"). */
  text?: LocalizedText;
}

/** One group of a comparison, keyed by segment (or link label) in `bySegment`. */
export interface GroupResult {
  label: LocalizedText;
  n: Figure;
  counts: Record<string, Figure>;
  suppressed: boolean;
  /** For ordinal questions and matrix rows where the group is complete. */
  ordinal?: OrdinalStats | Suppressed;
  number?: NumberStats | Suppressed;
}

export interface Comparison {
  /** Which breakdown: 'segment' or 'linkLabel'. */
  by: 'segment' | 'linkLabel';
  bySegment: Record<string, GroupResult>;
  /** Groups left out because they are suppressed as a whole. */
  dropped: string[];
  /** Null when the test is omitted; `testOmitted` says why. */
  test: TestResult | null;
  testOmitted?: LocalizedText;
}

/** A matrix row (or any sub-variable) summarised like an ordinal question. */
export interface RowResult {
  key: string;
  label: LocalizedText;
  n: Figure;
  counts: Record<string, Figure>;
  options: OptionResult[];
  ordinal?: OrdinalStats | Suppressed;
  comparison?: Comparison;
}

export interface RankingItemResult {
  item: string;
  label: LocalizedText;
  n: Figure;
  meanRank: number | Suppressed;
  /** Share (0–1) of respondents who ranked it first. */
  firstShare: number | Suppressed;
}

export interface QuestionResult {
  /** The SurveyJS question name. */
  name: string;
  /** The SurveyJS question type (`radiogroup`, `matrix`, …). */
  type: string;
  kind: QuestionKind;
  title: LocalizedText;
  /** Valid answers. */
  n: Figure;
  /** Complete responses in scope; `noAnswer` = base − n − notAsked. */
  base: number;
  /** Asked (shown the question) but gave no answer. */
  noAnswer: Figure;
  /** Never asked: a condition (visibleIf of the question, its panel or page) hid it. Absent when 0. */
  notAsked?: Figure;
  /** The whole question is hidden (fewer than minGroupSize answers). */
  suppressed: boolean;
  /** Choice-like questions: value → count. */
  counts?: Record<string, Figure>;
  options?: OptionResult[];
  ordinal?: OrdinalStats | Suppressed;
  rows?: RowResult[];
  ranking?: RankingItemResult[];
  number?: NumberStats | Suppressed;
  /** Open answers (and "other" texts), escaped by the renderer, shuffled with a fixed seed. */
  texts?: string[] | Suppressed;
  /** Segment comparison; the keys `bySegment` and `test` repeat here for report.json readers. */
  comparison?: Comparison;
  bySegment?: Record<string, { n: Figure; counts: Record<string, Figure> }>;
  test?: TestResult | null;
  /** Short notes for the reader, e.g. "Mehrfachnennungen möglich: Anteile ergeben nicht 100 %". */
  notes?: LocalizedText[];
}

export interface ReportSection {
  id: string;
  title: LocalizedText;
  intro?: LocalizedText;
  questions: QuestionResult[];
}

export interface KeyFinding {
  /** The profile rule that produced it, e.g. 'top-relevance'. */
  rule: string;
  text: LocalizedText;
  /** Question names the finding rests on. */
  questions: string[];
}

export interface GlossaryEntry {
  term: LocalizedText;
  definition: LocalizedText;
}

export interface ReportModel {
  survey: { slug: string; title: LocalizedText; versions: number[] };
  audience: Audience;
  title: LocalizedText;
  intro: LocalizedText;
  /** Complete responses the report rests on, in total and per included segment. */
  responses: { total: number; bySegment: Record<string, Figure> };
  segments: { included: string[]; compared: string[] };
  minGroupSize: number;
  /** What a suppressed figure shows: "weniger als 5 Antworten" / "fewer than 5 answers". */
  notice: LocalizedText;
  summary: KeyFinding[];
  sections: ReportSection[];
  glossary: GlossaryEntry[];
}
