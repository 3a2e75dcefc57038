// Request time: visibility to a fixpoint, stripping, expressions and errors, all as plain
// functions over the answers. Mirrors surveys/validate.ts step by step.
import { settings } from 'survey-core';
import { notAllowed } from '../shape.ts';
import { isEmpty, type Locale, otherChosen } from './checks.ts';
import type { Values } from './expr.ts';
import type { Container, Plan, QuestionPlan } from './plan.ts';

const MAX_STRIP_ROUNDS = 20;
const MAX_EXPRESSION_ROUNDS = 10;

/** Per question: visible (own and parents), and enabled (own and parents). */
export type State = { visible: boolean[]; enabled: boolean[] };

/**
 * Expression questions computed on top of the answers, repeated until their values settle. Only
 * enabled ones run: survey-core does not run an expression in a read-only question or panel.
 */
export function withExpressionValues(plan: Plan, data: Values, enabled: boolean[]): Values {
  const values: Values = { ...data };
  const exprs = plan.questions.filter((q, i) => q.expression && enabled[i]);
  for (let round = 0; round < MAX_EXPRESSION_ROUNDS && exprs.length > 0; round++) {
    let changed = false;
    for (const q of exprs) {
      const v = (q.expression as (v: Values) => unknown)(values);
      const next = v === undefined || v === null ? undefined : v;
      if (Object.is(values[q.key], next)) continue;
      if (next === undefined) delete values[q.key];
      else values[q.key] = next;
      changed = true;
    }
    if (!changed) break;
  }
  return values;
}

/** Expression values and the state they lead to, until which expressions are enabled settles. */
function valuesAndState(plan: Plan, data: Values): { values: Values; state: State } {
  let state = evaluate(plan, data);
  let values = data;
  for (let round = 0; round < MAX_EXPRESSION_ROUNDS; round++) {
    values = withExpressionValues(plan, data, state.enabled);
    const next = evaluate(plan, values);
    const settled = next.enabled.every((e, i) => e === state.enabled[i]);
    state = next;
    if (settled) break;
  }
  return { values, state };
}

/** survey-core sets readOnly from enableIf whenever it runs, so an enableIf overrides a static readOnly (found by the differential test). */
function ownEnabled(e: { readOnly: boolean; enableIf: ((v: Values) => boolean) | null }, values: Values): boolean {
  return e.enableIf ? e.enableIf(values) : !e.readOnly;
}

function containerStates(containers: Container[], values: Values): { visible: boolean[]; enabled: boolean[] } {
  const visible: boolean[] = [];
  const enabled: boolean[] = [];
  containers.forEach((c, i) => {
    const pv = c.parent < 0 ? true : visible[c.parent];
    const pe = c.parent < 0 ? true : enabled[c.parent];
    visible[i] = pv && c.visible && (!c.visibleIf || c.visibleIf(values));
    enabled[i] = pe && ownEnabled(c, values);
  });
  return { visible, enabled };
}

export function evaluate(plan: Plan, values: Values): State {
  const cs = containerStates(plan.containers, values);
  const visible = plan.questions.map(
    (q) => cs.visible[q.container] && q.visible && (!q.visibleIf || q.visibleIf(values)),
  );
  const enabled = plan.questions.map((q) => cs.enabled[q.container] && ownEnabled(q, values));
  return { visible, enabled };
}

/** Removes answers to hidden or disabled questions, and "other" texts without "other"; null when none. */
function stripOnce(plan: Plan, data: Values, state: State): Values | null {
  let next: Values | null = null;
  const drop = (key: string) => {
    if (key in (next ?? data)) {
      next ??= { ...data };
      delete next[key];
    }
  };
  const suffix = settings.commentSuffix;
  plan.questions.forEach((q, i) => {
    if (!state.visible[i] || !state.enabled[i]) {
      drop(q.key);
      drop(q.key + suffix);
    } else if (q.hasOther && !otherChosen((next ?? data)[q.key], q.otherValue)) drop(q.key + suffix);
  });
  return next;
}

/** The stripped answers plus visible expression values, and the state they were judged in. */
export function settle(plan: Plan, clean: Values): { data: Values; values: Values; state: State } {
  let current = clean;
  let { values, state } = valuesAndState(plan, current);
  for (let round = 0; round < MAX_STRIP_ROUNDS; round++) {
    const next = stripOnce(plan, current, state);
    if (!next) break;
    current = next;
    ({ values, state } = valuesAndState(plan, current));
  }
  const data = { ...current };
  plan.questions.forEach((q, i) => {
    if (!q.expression || !state.visible[i] || !state.enabled[i]) return;
    const v = values[q.key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isNaN(v))) data[q.key] = v;
  });
  return { data, values, state };
}

function required(q: QuestionPlan, values: Values): boolean {
  return q.requiredIf ? q.requiredIf(values) : q.isRequired;
}

/**
 * A shown question's answer must be among the choices `choicesVisibleIf` shows now (as
 * surveys/validate.ts's shownChoiceErrors); "other", "none" and the like always show.
 */
export function choiceErrors(plan: Plan, values: Values, state: State, locale: Locale) {
  const errors: { question: string; message: string }[] = [];
  plan.questions.forEach((q, i) => {
    const shown = q.choiceShown;
    if (!shown || !state.visible[i] || !state.enabled[i] || values[q.key] === undefined) return;
    const value = values[q.key];
    const hidden = (Array.isArray(value) ? value : [value]).find(
      (v) => q.choiceValues.some((c) => c === v) && !shown({ ...values, item: v }),
    );
    if (hidden !== undefined) errors.push({ question: q.name, message: notAllowed(hidden)[locale] });
  });
  return errors;
}

/**
 * survey-core's validate() errors: for a complete response every visible, enabled question;
 * for a partial save only the answered ones, and without "required".
 */
export function answerErrors(plan: Plan, values: Values, state: State, locale: Locale, complete: boolean) {
  const errors: { question: string; message: string }[] = [];
  plan.questions.forEach((q, i) => {
    if (!state.visible[i] || !state.enabled[i]) return;
    const value = values[q.key];
    if (!complete && isEmpty(value)) return;
    for (const message of q.check(value, values, values, complete && required(q, values), locale, !complete)) {
      errors.push({ question: q.name, message });
    }
    if (q.inner) errors.push(...panelErrors(q, value, locale, complete));
  });
  return errors;
}

function panelErrors(q: QuestionPlan, value: unknown, locale: Locale, complete: boolean) {
  const panels = Array.isArray(value) ? value : [];
  // No answer at all leaves survey-core's initial panels in place; an answer sets their number.
  const shown = value === undefined ? Math.max(q.initialPanels, q.minPanels) : Math.max(panels.length, q.minPanels);
  const count = complete ? shown : panels.length;
  const errors: { question: string; message: string }[] = [];
  for (let i = 0; i < count; i++) {
    const p = panels[i];
    const answers = (p !== null && typeof p === 'object' && !Array.isArray(p) ? p : {}) as Values;
    for (const t of q.inner ?? []) {
      const v = answers[t.key];
      if (!complete && isEmpty(v)) continue;
      for (const m of t.check(v, answers, answers, complete && t.isRequired, locale, !complete)) {
        errors.push({ question: q.name, message: `${i + 1}. ${t.name}: ${m}` });
      }
    }
  }
  return errors;
}

export { isEmpty };
