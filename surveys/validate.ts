// Server-side validation with survey-core semantics. One rule for every answer:
//
//   data → shape checks (ours, documented: keys, types, choices, text, depth and size limits)
//        → a survey-core Model without answers, loaded with the data
//        → answers to hidden or disabled questions removed (survey-core decides, to a fixpoint)
//        → choice checks on what is shown (visible choices, exclusive items)
//        → survey-core's own validate(): every error when complete; for a partial save only the
//          answered questions, and without "required" (an unanswered page is not an error yet)
//        → expressions recomputed
//
// The reference builds a FRESH Model per answer. The route's validator reuses one Model per
// survey version, reset after each answer (surveys/model-pool.ts: a Model reused without that
// carries state from one respondent to the next, e.g. a dynamic panel's panels), and is tested
// against the reference; the compiled validator (surveys/compile.ts) gives the same verdicts
// without a Model where it can.
import { Model, settings } from 'survey-core';
import 'survey-core/i18n/german';
import { compileValidator } from './compile.ts';
import { shapePhase } from './compiled/shape-phase.ts';
import { modelPool, type PoolStats } from './model-pool.ts';
import { type AnyQ, notAllowed } from './shape.ts';

export type Locale = 'de' | 'en';
export type ValidationError = { question: string; message: string };
export type ValidationResult = { ok: true; data: Record<string, unknown> } | { ok: false; errors: ValidationError[] };
export type ValidateOptions = { complete: boolean; locale: Locale };
export type Validator = { validate(data: unknown, options: ValidateOptions): ValidationResult };

type Data = Record<string, unknown>;
const MAX_STRIP_ROUNDS = 20;
/**
 * survey-core error types that a partial save does not count, because the respondent may not have
 * got there yet: required answers, every row, enough rows, and the text for "other".
 */
const RELAXED_WHEN_PARTIAL = new Set(['required', 'requireoneanswer', 'requiredinallrowserror', 'minrowcounterror', 'otherempty']);
const SELECT_TYPES = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox', 'imagepicker']);

export const isPlainObject = (v: unknown): v is Data =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

export function notAnObject(locale: Locale): ValidationResult {
  const message = locale === 'en' ? 'The answers must be a JSON object.' : 'Die Antworten müssen ein JSON-Objekt sein.';
  return { ok: false, errors: [{ question: '', message }] };
}

/** A refusal with `errors`, or null when there are none (so checks chain with `??`). */
export const failed = (errors: ValidationError[]): ValidationResult | null => (errors.length > 0 ? { ok: false, errors } : null);

/**
 * The steps both validators share: the answers must be an object, then the shape checks of
 * `questions` (a definition-only Model's); `decide` gets the answers those checks keep.
 */
export function afterShapeChecks(questions: AnyQ[], decide: (clean: Data, options: ValidateOptions) => ValidationResult): Validator {
  const shapeErrors = shapePhase(questions);
  return {
    validate(data, options) {
      if (!isPlainObject(data)) return notAnObject(options.locale);
      const { errors, clean } = shapeErrors(data, options.locale);
      return failed(errors) ?? decide(clean, options);
    },
  };
}

/**
 * The validator for one survey version: compiled where possible (surveys/compile.ts), else
 * survey-core's on Models reused from answer to answer (surveys/model-pool.ts).
 */
export function createValidator(json: unknown): Validator {
  return compileValidator(json) ?? createSurveyCoreValidator(json);
}

/** The survey-core path: a fresh Model per answer; the reference the compiled validator is tested against. */
export function createReferenceValidator(json: unknown): Validator {
  return surveyCoreValidator(json, (locale, decide) => {
    const model = new Model(json);
    if (model.locale !== locale) model.locale = locale;
    return decide(model);
  });
}

/**
 * The survey-core path on reused Models, reset after each answer (surveys/model-pool.ts); the
 * route's validator for definitions that do not compile. Tested against the reference above.
 */
export function createSurveyCoreValidator(json: unknown): Validator & { models: PoolStats } {
  const pool = modelPool(json);
  return { ...surveyCoreValidator(json, (locale, decide) => pool.use(locale, decide)), models: pool.stats };
}

/** survey-core's verdict on the answers the shape checks keep, on a Model `withModel` provides: one without answers, in `locale`. */
function surveyCoreValidator(json: unknown, withModel: (locale: Locale, decide: (model: Model) => ValidationResult) => ValidationResult): Validator {
  // Only definitions are read from this Model (names, choices, rate values); it never holds answers.
  const template = new Model(json);
  return afterShapeChecks(template.getAllQuestions(false, false, false) as AnyQ[], (clean, { complete, locale }) =>
    withModel(locale, (model) => {
      const questions = model.getAllQuestions(false, false, false) as AnyQ[];
      const stripped = strip(model, questions, clean);
      return (
        failed(shownChoiceErrors(questions, stripped, locale)) ??
        failed(surveyCoreErrors(model, questions, complete)) ?? { ok: true, data: withExpressions(questions, stripped) }
      );
    }),
  );
}

const shown = (q: AnyQ) => q.isVisible && q.isParentVisible && !q.isReadOnly;

/** Loads `data` into the model and removes answers survey-core would not show; repeats until stable. */
function strip(model: Model, questions: AnyQ[], data: Data): Data {
  const suffix = settings.commentSuffix;
  let current = data;
  model.data = current;
  for (let round = 0; round < MAX_STRIP_ROUNDS; round++) {
    const next: Data = { ...current };
    let changed = false;
    const drop = (key: string) => {
      if (key in next) {
        delete next[key];
        changed = true;
      }
    };
    for (const q of questions) {
      const key = q.getValueName();
      if (!shown(q)) {
        drop(key);
        drop(key + suffix);
        continue;
      }
      if (q.hasOther && !q.hasComment && !otherChosen(q, next[key])) drop(key + suffix);
      if (q.getType() === 'paneldynamic' && Array.isArray(next[key])) {
        const panels = stripPanels(q, next[key] as Data[]);
        if (panels) {
          next[key] = panels;
          changed = true;
        }
      }
    }
    if (!changed) return current;
    current = next;
    model.data = current;
  }
  return current;
}

function otherChosen(q: AnyQ, value: unknown): boolean {
  const other = q.otherItem?.value ?? 'other';
  return Array.isArray(value) ? value.includes(other) : value === other;
}

/** Removes answers to questions hidden inside a dynamic panel; null when none were. */
function stripPanels(q: AnyQ, value: Data[]): Data[] | null {
  const suffix = settings.commentSuffix;
  let changed = false;
  const panels = value.map((answers, i) => {
    const panel = q.panels[i];
    if (!panel || !isPlainObject(answers)) return answers;
    const out: Data = { ...answers };
    for (const inner of panel.questions as AnyQ[]) {
      const key = inner.getValueName();
      if ((!inner.isVisible || inner.isReadOnly) && key in out) {
        delete out[key];
        delete out[key + suffix];
        changed = true;
      }
    }
    return out;
  });
  return changed ? panels : null;
}

/**
 * A shown choice question's answer must be one of the choices it shows now: survey-core's page
 * never offers a choice hidden by `choicesVisibleIf` or not taken over by `choicesFromQuestion`,
 * but its validate() accepts one loaded from outside.
 */
function shownChoiceErrors(questions: AnyQ[], data: Data, locale: Locale): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const q of questions) {
    if (!SELECT_TYPES.has(q.getType()) || !shown(q)) continue;
    const value = data[q.getValueName()];
    if (value === undefined) continue;
    const offered = (q.visibleChoices as { value: unknown; isEnabled?: boolean }[]).map((c) => c.value);
    const other = q.hasOther && typeof q.getStoreOthersAsComment === 'function' && !q.getStoreOthersAsComment();
    const outside = (Array.isArray(value) ? value : [value]).find((v) => !offered.some((o) => o === v) && !(other && typeof v === 'string'));
    if (outside !== undefined) errors.push({ question: q.name, message: notAllowed(outside)[locale] });
  }
  return errors;
}

function withExpressions(questions: AnyQ[], data: Data): Data {
  const out = { ...data };
  for (const q of questions) {
    if (q.getType() !== 'expression' || !q.isVisible || !q.isParentVisible) continue;
    const v = q.value;
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isNaN(v))) out[q.getValueName()] = v;
  }
  return out;
}

type Found = { question: string; message: string; type: string; answered: boolean };

/** Runs survey-core's validate() on the loaded model and collects its messages per question. */
function surveyCoreErrors(model: Model, questions: AnyQ[], complete: boolean): ValidationError[] {
  const valid = model.validate(true, false, undefined, false);
  const found: Found[] = [];
  const add = (question: string, message: string, e: { getErrorType(): string }, answered: boolean) =>
    found.push({ question, message, type: e.getErrorType(), answered });
  for (const q of questions) {
    if (!q.isVisible || !q.isParentVisible) continue;
    const answered = !q.isEmpty();
    for (const e of q.errors) add(q.name, e.getText(), e, answered);
    for (const [where, inner] of nestedQuestions(q)) {
      for (const e of inner.errors) add(q.name, `${where}: ${e.getText()}`, e, answered && !inner.isEmpty());
    }
  }
  for (const page of model.pages) {
    for (const panel of page.getPanels(false, true) as unknown as AnyQ[]) {
      for (const e of panel.errors ?? []) add(panel.name, e.getText(), e, true);
    }
  }
  const kept = complete ? found : found.filter((f) => f.answered && !RELAXED_WHEN_PARTIAL.has(f.type));
  if (complete && !valid && kept.length === 0) return [{ question: '', message: 'survey-core: ungültige Antworten / invalid answers' }];
  return kept.map(({ question, message }) => ({ question, message }));
}

/** Questions inside dynamic panels and matrix cells, labelled with where they sit. */
function nestedQuestions(q: AnyQ): [string, AnyQ][] {
  const type = q.getType();
  if (type === 'paneldynamic') {
    return (q.panels as AnyQ[]).flatMap((panel, i) =>
      (panel.questions as AnyQ[]).map((inner) => [`${i + 1}. ${inner.name}`, inner] as [string, AnyQ]),
    );
  }
  if (type === 'matrixdropdown' || type === 'matrixdynamic') {
    return (q.visibleRows as AnyQ[]).flatMap((row, i) =>
      (row.cells as AnyQ[]).map(
        (cell) => [`${type === 'matrixdynamic' ? i + 1 : row.rowName}.${cell.column.name}`, cell.question] as [string, AnyQ],
      ),
    );
  }
  if (type === 'multipletext') return (q.items as AnyQ[]).map((item) => [item.name, item.editor] as [string, AnyQ]);
  return [];
}
