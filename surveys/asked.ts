// Which questions a respondent was asked: those visible with the respondent's own answers, their
// page and panels included. A question hidden by visibleIf (its own, or its page's or panel's) was
// never asked, so its empty answer is "nicht gefragt", not "ohne Antwort". Used by the counts
// (reports) and by exports alike.
//
// Two ways, the same verdicts: the compiled plan (surveys/compiled, plain functions, ~50 µs a
// response) where the survey compiles, otherwise survey-core itself, one Model holding the
// answers. test/surveys/asked.test.ts checks both against a fresh survey-core Model per response
// on generated surveys.
import { Model } from 'survey-core';
import { buildPlan, type Plan } from './compiled/plan.ts';
import { evaluate, withExpressionValues } from './compiled/run.ts';
import { isPlainObject } from './validate.ts';

export type Answers = Record<string, unknown>;
/** The names of the questions the respondent was not asked (all others were). */
export type NotAsked = (data: Answers) => Set<string>;

/** survey-core's verdict: a fresh Model with the answers; a question counts with its page and panels. */
export function notAskedByModel(json: unknown): NotAsked {
  return (data) => notAskedIn(new Model(json), data);
}

function notAskedIn(model: Model, data: Answers): Set<string> {
  model.data = data;
  const out = new Set<string>();
  for (const q of model.getAllQuestions(false, false, false)) {
    if (!q.isVisible || !q.isParentVisible) out.add(q.name);
  }
  return out;
}

/**
 * The same with one Model per survey, its answers replaced each time (a fresh Model costs ~10×
 * more; an export of 100,000 responses would take hours). Checked against fresh Models in
 * test/surveys/asked.test.ts.
 */
export function notAskedByReusedModel(json: unknown): NotAsked {
  const model = new Model(json);
  return (data) => notAskedIn(model, data);
}

const MAX_EXPRESSION_ROUNDS = 10;

/**
 * The compiled plan on stored answers: those are settled already (hidden answers stripped,
 * visible expression values kept), so visibility is evaluated directly, with expression values
 * recomputed until which expressions are enabled settles, as surveys/compiled/run.ts does.
 */
function byPlan(plan: Plan): NotAsked {
  const expressions = plan.questions.some((q) => q.expression);
  return (data) => {
    let state = evaluate(plan, data);
    for (let round = 0; expressions && round < MAX_EXPRESSION_ROUNDS; round++) {
      const next = evaluate(plan, withExpressionValues(plan, data, state.enabled));
      const settled = next.enabled.every((e, i) => e === state.enabled[i]) && next.visible.every((v, i) => v === state.visible[i]);
      state = next;
      if (settled) break;
    }
    const out = new Set<string>();
    plan.questions.forEach((q, i) => {
      if (!state.visible[i]) out.add(q.name);
    });
    return out;
  };
}

/**
 * The "not asked" function of a survey definition: the compiled plan when the survey compiles,
 * else survey-core's Model. A definition without conditions asks everything (an empty set, fast).
 */
export function notAskedFor(json: unknown): NotAsked {
  if (!isPlainObject(json) || !hasCondition(json)) return () => new Set();
  const de = new Model(json);
  const en = new Model(json);
  en.locale = 'en';
  const plan = buildPlan(json, { de, en });
  return typeof plan === 'string' ? notAskedByReusedModel(json) : byPlan(plan);
}

/** Does anything in the definition show or hide depending on answers (or hide statically)? */
function hasCondition(json: unknown): boolean {
  if (Array.isArray(json)) return json.some(hasCondition);
  if (!isPlainObject(json)) return false;
  for (const [k, v] of Object.entries(json)) {
    if ((k === 'visibleIf' && v) || (k === 'visible' && v === false)) return true;
    if (typeof v === 'object' && v !== null && hasCondition(v)) return true;
  }
  return false;
}

/** Questions that a condition may hide (their own, or their page's or panel's), or that are hidden. */
export function mayBeSkipped(json: unknown): Set<string> {
  const out = new Set<string>();
  if (!isPlainObject(json) || !hasCondition(json)) return out;
  const model = new Model(json);
  for (const q of model.getAllQuestions(false, false, false)) {
    // biome-ignore lint/suspicious/noExplicitAny: pages and panels share visibleIf/visible, not a type
    for (let e: any = q; e; e = e.parent) {
      if (e.visibleIf || e.visible === false) out.add(q.name);
    }
  }
  return out;
}

/** Question types whose required answer is one value per respondent, counted as given (a matrix
 *  row, a ranking item or a multipletext item may stay empty under a required question). */
const ONE_ANSWER = new Set(['radiogroup', 'dropdown', 'rating', 'boolean', 'text', 'comment', 'checkbox', 'tagbox']);

/**
 * Questions every complete respondent was asked and had to answer: required (`isRequired`, not
 * `requiredIf`), of a one-answer type, and nothing can hide, disable or skip them (no visibleIf,
 * enableIf, requiredIf or readOnly on the question or an enclosing panel or page, not hidden, not
 * in a dynamic panel, no survey trigger). Anyone who reads the public definition knows that their
 * n equals the base in every group, so the report protection must assume it too
 * (analysis/report/joint.ts). In doubt, a question is left out: then nothing is assumed.
 */
export function alwaysAnswered(json: unknown): Set<string> {
  const out = new Set<string>();
  if (!isPlainObject(json)) return out;
  const model = new Model(json);
  // a trigger (complete, skip, setvalue …) can end or jump past a page
  if (model.triggers.length > 0) return out;
  for (const q of model.getAllQuestions(false, false, false)) {
    if (!ONE_ANSWER.has(q.getType()) || q.isRequired !== true || q.requiredIf) continue;
    if (q.valueName && q.valueName !== q.name) continue;
    let sure = true;
    // biome-ignore lint/suspicious/noExplicitAny: pages and panels share these properties, not a type
    for (let e: any = q; e && sure; e = e.parent) {
      if (e.visibleIf || e.enableIf || e.requiredIf || e.readOnly || e.visible === false) sure = false;
      // enclosed by plain panels and a page only
      else if (e !== q && e.getType() !== 'panel' && e.getType() !== 'page') sure = false;
    }
    if (sure) out.add(q.name);
  }
  return out;
}
