// A reused survey-core Model per survey version, for the route's validator of definitions the
// compiled one does not reproduce (surveys/validate.ts createSurveyCoreValidator). Building a
// Model costs more than loading and validating an answer on it; emptying one costs a fraction.
//
// After each answer the Model is put back into the state a fresh Model starts in. What survey-core
// keeps from one answer to the next, and how it is undone:
//   values, comments, conditions evaluated on them, calculated values, page, completed state
//                             → Model.clear(): data emptied, conditions run on no data, defaults
//                               set again, first page (as on loading the definition)
//   a dynamic panel's panels  → new ones from the template, as many as a fresh Model has (survey-core
//                               keeps the previous answer's panels, values inside, when the next
//                               answer has fewer or none)
//   a matrix's rows, a dynamic matrix's row count
//                             → rows dropped (built again from the next data, as on a fresh Model),
//                               row count as a fresh Model has it
//   what a question stores of the answer itself (value, comment, text of "other", comments of
//   choices)                  → as on a fresh Model (e.g. the text of "other" beside a comment area
//                               stayed, so "other" without text passed; an emptied matrix kept [],
//                               and then dropped the definition's rows on the next data)
//   errors validate() skipped (hidden questions, multiple-text items)
//                             → emptied
//   locale                    → set for each answer, as on a fresh Model
// The result is then compared with a fingerprint of a fresh Model (data, variables, page,
// each question's value, visibility, panels and rows, errors). A Model that differs is dropped and
// the next answer gets a fresh one: a state this list misses costs time, not a wrong verdict.
// validate() is synchronous, so one Model per version is enough: two answers never share it. A
// Model whose use threw is dropped too. Resetting right after use also means no answer stays in
// memory after its request.
import { isDeepStrictEqual } from 'node:util';
import { Model } from 'survey-core';
import type { AnyQ } from './shape.ts';
import type { Locale } from './validate.ts';

export type PoolStats = { built: number; reused: number; dropped: number };
export type ModelPool = { use<T>(locale: Locale, decide: (model: Model) => T): T; stats: PoolStats };

const MATRICES = new Set(['matrixdynamic', 'matrixdropdown']);
/** survey-core's private and protected members this file reads and sets (it is pinned in package.json). */
// biome-ignore lint/suspicious/noExplicitAny: internals are not in survey-core's typings
type Internals = Record<string, any>;

/** A plain copy of a question's value (survey-core's arrays carry their own methods). */
const copy = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** What a fresh Model holds of one question before answers are loaded. */
type Start = { stored: Record<string, unknown>; prevOther: unknown; count?: number; built?: boolean; rows?: boolean };

/** Where survey-core stores what a respondent entered: value, comment, text of "other", comments of choices. */
const ENTERED = /^(value|comment|otherValue|other_\d+)$/;

function enteredOf(x: Internals): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(x.propertyHash)) if (ENTERED.test(key) && x.propertyHash[key] !== undefined) out[key] = copy(x.propertyHash[key]);
  return out;
}

/** Reads only stored state: nothing here builds panels or rows. */
function startOf(q: AnyQ): Start {
  const type = q.getType();
  const x = q as unknown as Internals;
  const start: Start = { stored: enteredOf(x), prevOther: x.prevOtherErrorValue };
  if (type === 'paneldynamic') Object.assign(start, { count: q.panelCount, built: !!q.hasPanelBuildFirstTime });
  if (type === 'matrixdynamic') start.count = q.rowCount;
  if (MATRICES.has(type)) start.rows = !!q.generatedVisibleRows;
  return start;
}

/** Puts a question's panels, rows and own value back as `start` has them (see the file comment). */
function restore(q: AnyQ, start: Start) {
  const type = q.getType();
  const x = q as unknown as Internals;
  if (type === 'paneldynamic' && start.built) {
    // Down to none and up again: the panels are new, without the previous answer's values.
    q.panelCount = 0;
    q.panelCount = start.count;
  } else if (type === 'paneldynamic') {
    // A fresh Model has not built this one's panels yet (survey-core builds them on first use).
    const panels = q.panelsCore as unknown[];
    if (panels.length > 0) panels.splice(0, panels.length);
    q.hasPanelBuildFirstTime = false;
    q.isValueChangedWithoutPanels = false;
    q.setPropertyValue('panelCount', start.count);
  } else if (MATRICES.has(type)) {
    if (type === 'matrixdynamic' && q.rowCount !== start.count) q.rowCount = start.count;
    q.clearGeneratedRows();
    q.clearVisibleRows?.();
  }
  const now = enteredOf(x);
  for (const key of new Set([...Object.keys(now), ...Object.keys(start.stored)])) {
    if (isDeepStrictEqual(now[key], start.stored[key])) continue;
    // Not the setter when there was none: it would empty an array in place rather than remove it.
    if (start.stored[key] === undefined) x.clearPropertyValue(key);
    else x.setPropertyValue(key, copy(start.stored[key]));
  }
  if (x.prevOtherErrorValue !== start.prevOther) x.prevOtherErrorValue = start.prevOther;
  // Rows a fresh Model has built already (a condition read them) are built again, from no value.
  if (start.rows) q.generateVisibleRowsIfNeeded();
}

const errorCount = (q: AnyQ): number =>
  q.errors.length + (q.getType() === 'multipletext' ? (q.items as AnyQ[]).reduce((n, item) => n + item.editor.errors.length, 0) : 0);

/** The state a reused Model must share with a fresh one before the next answer is loaded. */
function fingerprint(model: Model, questions: AnyQ[], panels: AnyQ[]) {
  return {
    data: model.data,
    variables: model.getVariableNames().map((name) => [name, model.getVariable(name)]),
    page: model.currentPageNo,
    state: model.state,
    questions: questions.map((q) => ({
      ...startOf(q),
      panels: q.getType() === 'paneldynamic' ? q.panelsCore.length : undefined,
      visible: q.isVisible,
      readOnly: q.isReadOnly,
      errors: errorCount(q),
    })),
    panels: panels.map((p) => [p.isVisible, p.errors?.length ?? 0]),
  };
}

/** One Model of `json`, reset after each use (see the file comment). */
export function modelPool(json: unknown): ModelPool {
  const questionsOf = (model: Model) => model.getAllQuestions(false, false, false) as AnyQ[];
  const panelsOf = (model: Model) => model.getAllPanels(false, false) as unknown as AnyQ[];
  const first = new Model(json);
  const starts = questionsOf(first).map(startOf);
  const fresh = fingerprint(first, questionsOf(first), panelsOf(first));
  const stats: PoolStats = { built: 1, reused: 0, dropped: 0 };
  /** The Model for the next answer, and whether it held one before (else it is fresh). */
  let idle: { model: Model; used: boolean } | null = { model: first, used: false };

  /** Empties `model` after an answer; false when it then still differs from a fresh Model. */
  function reset(model: Model): boolean {
    const questions = questionsOf(model);
    const panels = panelsOf(model);
    model.clear(true, true);
    for (const [i, q] of questions.entries()) {
      restore(q, starts[i]);
      if (q.errors.length > 0) q.errors = [];
      if (q.getType() === 'multipletext') for (const item of q.items as AnyQ[]) if (item.editor.errors.length > 0) item.editor.errors = [];
    }
    for (const panel of panels) if (panel.errors?.length > 0) panel.errors = [];
    return isDeepStrictEqual(fingerprint(model, questions, panels), fresh);
  }

  return {
    stats,
    use(locale, decide) {
      let model: Model;
      if (idle) {
        model = idle.model;
        if (idle.used) stats.reused++;
        idle = null;
      } else {
        model = new Model(json);
        stats.built++;
      }
      if (model.locale !== locale) model.locale = locale;
      const result = decide(model);
      if (reset(model)) idle = { model, used: true };
      else stats.dropped++;
      return result;
    },
  };
}
