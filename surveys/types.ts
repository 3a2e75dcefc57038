// The question catalogue: the one place that knows how a SurveyJS definition turns into
// questions and analysable variables. Analysis and exports read this, never SurveyJS JSON.
import { z } from 'zod';
import { MarkSchema } from './marks.ts';

/** Text in several locales. German (`de`) is always present; `en` is the second locale. */
export const LocalizedTextSchema = z.object({ de: z.string(), en: z.string().optional() }).catchall(z.string());
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

export const ChoiceSchema = z.object({
  /** The stored value, as SurveyJS keeps it in `survey.data` (string or number; true/false for boolean). */
  value: z.union([z.string(), z.number(), z.boolean()]),
  label: LocalizedTextSchema,
});
export type Choice = z.infer<typeof ChoiceSchema>;

/** How a variable is measured; decides statistics, charts and the SPSS measurement level. */
export const MeasureSchema = z.enum([
  'nominal', // single choice without order: counts, Wilson intervals, chi-square
  'ordinal', // rating, Likert matrix row: distribution, median, mean, top-2-box, Kruskal-Wallis
  'binary', // one checkbox choice: 1 = chosen, 0 = not chosen (share of respondents)
  'rank', // rank of one ranking item: 1 = first
  'scale', // numbers: mean, SD, quartiles
  'text', // open text: listed verbatim, never counted
]);
export type Measure = z.infer<typeof MeasureSchema>;

/**
 * One analysable column. Keys are stable and derived from names only:
 *  - `q`                 a scalar question (text, radiogroup, dropdown, rating, boolean, …)
 *  - `q.row`             a matrix row, or a multipletext item
 *  - `q.row.col`         a matrixdropdown cell
 *  - `q.choice`          a checkbox/tagbox choice as 0/1
 *  - `q.item`            the rank of a ranking item
 *  - `q.other`           the "other" text of a choice question
 *  - `q.other.chosen`    a checkbox's "other" as 0/1, like its choices
 */
/** The key suffix of a checkbox's "other chosen" 0/1 variable (`q.other` is its text). */
export const OTHER_CHOSEN = 'other.chosen';

export const VariableSchema = z.object({
  key: z.string(),
  question: z.string(),
  measure: MeasureSchema,
  label: LocalizedTextSchema,
  /** Ordered value codes with labels, where the values are known in advance. */
  values: z.array(ChoiceSchema).optional(),
});
export type Variable = z.infer<typeof VariableSchema>;

export const CatalogueQuestionSchema = z.object({
  name: z.string(),
  /** The SurveyJS question type (`radiogroup`, `matrix`, …). */
  type: z.string(),
  title: LocalizedTextSchema,
  /** True where answers have a natural order (rating, Likert choices, matrix columns). */
  ordinal: z.boolean(),
  choices: z.array(ChoiceSchema).optional(),
  rows: z.array(ChoiceSchema).optional(),
  columns: z.array(ChoiceSchema).optional(),
  hasOther: z.boolean(),
  /** For text questions: the SurveyJS inputType (`number`, `email`, …). */
  inputType: z.string().optional(),
  variables: z.array(VariableSchema),
  /** For choice questions: survey-core's "none" item is shown (its value is among the choices). */
  hasNone: z.boolean().optional(),
  /**
   * Set where a condition can hide the question (its own visibleIf, its panel's or page's): the
   * variables of the questions those conditions read, so a report can tell whether a "nicht
   * gefragt" count would give a hidden figure away. A key starting with `?` names something that
   * is no counted question (a calculated value, a text). Absent: the question is always asked.
   */
  shownIf: z.array(VariableSchema).optional(),
  /** The author's `befund` mark (role, audiences, short title), when the definition has a valid one. */
  befund: MarkSchema.optional(),
  /**
   * Set where every complete respondent was asked the question and had to answer it (required,
   * nothing can hide, disable or skip it: surveys/asked.ts `alwaysAnswered`). The definition is
   * public, so its n equals the base in every group for anyone; the report protection assumes
   * it (analysis/report/joint.ts). Absent: not known (catalogues stored before it existed too).
   */
  required: z.literal(true).optional(),
});
export type CatalogueQuestion = z.infer<typeof CatalogueQuestionSchema>;

export const CatalogueSchema = z.object({
  locales: z.array(z.string()),
  questions: z.array(CatalogueQuestionSchema),
  /**
   * Questions whose coding differs from their first version's (surveys/coding.ts): name → the
   * key their values count under (`q@v2`), so versions with different codes are never pooled.
   */
  splits: z.record(z.string(), z.string()).optional(),
});
export type Catalogue = z.infer<typeof CatalogueSchema>;
