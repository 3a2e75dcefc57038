// Server-side validation with survey-core semantics.
//
//   data → shape checks (ours: keys, types, choices, sizes)
//        → strip hidden and disabled answers (survey-core decides visibility, to a fixpoint)
//        → recompute expressions
//        → when complete: survey-core's own validate() on ONE cached Model per version
//
// The Model is built once (~20 ms) and reused: clear(), then data = cleaned. Validation is
// synchronous, so requests never interleave on the shared model.
import { Model, settings } from 'survey-core';
import 'survey-core/i18n/german';
import { compileValidator } from './compile.ts';
import { shapePhase } from './compiled/shape-phase.ts';
import type { AnyQ } from './shape.ts';

export type Locale = 'de' | 'en';
export type ValidationError = { question: string; message: string };
export type ValidationResult = { ok: true; data: Record<string, unknown> } | { ok: false; errors: ValidationError[] };
export type ValidateOptions = { complete: boolean; locale: Locale };
export type Validator = { validate(data: unknown, options: ValidateOptions): ValidationResult };

type Data = Record<string, unknown>;
const MAX_STRIP_ROUNDS = 20;

const isPlainObject = (v: unknown): v is Data =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** The validator for one survey version: compiled where possible (surveys/compile.ts), else survey-core's. */
export function createValidator(json: unknown): Validator {
  return compileValidator(json) ?? createReferenceValidator(json);
}

/** The survey-core path: one cached Model per version; the reference the compiled validator is tested against. */
export function createReferenceValidator(json: unknown): Validator {
  const model = new Model(json);
  const suffix = settings.commentSuffix;
  const questions = model.getAllQuestions(false, false, false) as AnyQ[];
  // The same shape phase as the compiled validator's, so both refuse exactly the same keys and values.
  const shapeErrors = shapePhase(questions);

  /** Loads `data` into the model and removes answers survey-core would not show; repeats until stable. */
  function strip(data: Data): Data {
    let current = data;
    for (let round = 0; round < MAX_STRIP_ROUNDS; round++) {
      model.data = current;
      const next = stripOnce(current);
      if (!next) return current;
      current = next;
    }
    return current;
  }

  /** One pass over the loaded model; null when nothing had to be removed. */
  function stripOnce(data: Data): Data | null {
    const next: Data = { ...data };
    let changed = false;
    const drop = (key: string) => {
      if (key in next) {
        delete next[key];
        changed = true;
      }
    };
    for (const q of questions) {
      const key = q.getValueName();
      const shown = q.isVisible && q.isParentVisible && !q.isReadOnly;
      if (!shown) {
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
    return changed ? next : null;
  }

  function otherChosen(q: AnyQ, value: unknown): boolean {
    const other = q.otherItem?.value ?? 'other';
    return Array.isArray(value) ? value.includes(other) : value === other;
  }

  /** Removes answers to questions hidden inside a dynamic panel; null when none were. */
  function stripPanels(q: AnyQ, value: Data[]): Data[] | null {
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

  function withExpressions(data: Data): Data {
    const out = { ...data };
    for (const q of questions) {
      if (q.getType() !== 'expression' || !q.isVisible || !q.isParentVisible) continue;
      const v = q.value;
      if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isNaN(v))) out[q.getValueName()] = v;
    }
    return out;
  }

  return {
    validate(data, { complete, locale }) {
      if (!isPlainObject(data)) {
        const message = locale === 'en' ? 'The answers must be a JSON object.' : 'Die Antworten müssen ein JSON-Objekt sein.';
        return { ok: false, errors: [{ question: '', message }] };
      }
      const { errors, clean } = shapeErrors(data, locale);
      if (errors.length > 0) return { ok: false, errors };
      const stripped = withExpressions(strip(clean));
      if (!complete) return { ok: true, data: stripped };
      if (model.locale !== locale) model.locale = locale;
      const failures = surveyCoreErrors(model, questions);
      return failures.length > 0 ? { ok: false, errors: failures } : { ok: true, data: stripped };
    },
  };
}

/** Runs survey-core's validate() on the loaded model and collects its messages per question. */
function surveyCoreErrors(model: Model, questions: AnyQ[]): ValidationError[] {
  const valid = model.validate(true, false, undefined, false);
  const errors: ValidationError[] = [];
  for (const q of questions) {
    if (!q.isVisible || !q.isParentVisible) continue;
    for (const e of q.errors) errors.push({ question: q.name, message: e.getText() });
    for (const [where, inner] of nestedQuestions(q)) {
      for (const e of inner.errors) errors.push({ question: q.name, message: `${where}: ${e.getText()}` });
    }
  }
  for (const page of model.pages) {
    for (const panel of page.getPanels(false, true) as unknown as AnyQ[]) {
      for (const e of panel.errors ?? []) errors.push({ question: panel.name, message: e.getText() });
    }
  }
  if (!valid && errors.length === 0) errors.push({ question: '', message: 'survey-core: ungültige Antworten / invalid answers' });
  return errors;
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
