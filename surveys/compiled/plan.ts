// Compile time: walk a survey (one Model per locale) into pages/panels and questions with their
// conditions compiled. Returns null as soon as something is outside what the compiled checks
// reproduce.
import { type Model, type SurveyValidator, settings } from 'survey-core';
import type { AnyQ } from '../shape.ts';
import { type Check, compileCheck, type Locale, type ValidatorPlan } from './checks.ts';
import { type Cond, compileCondition, compileExpression, type Expr, type Scope } from './expr.ts';
import { CONTAINER_PROPS, questionJsonSupported, SURVEY_PROPS } from './support.ts';

type Json = Record<string, unknown>;
/** A page or static panel: static flags, conditions and its parent (index, -1 for none). */
export type Container = { parent: number; visible: boolean; visibleIf: Cond | null; readOnly: boolean; enableIf: Cond | null };
/** A question inside a dynamic panel's template. */
export type InnerPlan = { name: string; key: string; isRequired: boolean; check: Check };
export type QuestionPlan = {
  q: AnyQ;
  name: string;
  key: string;
  type: string;
  container: number;
  visible: boolean;
  visibleIf: Cond | null;
  readOnly: boolean;
  enableIf: Cond | null;
  isRequired: boolean;
  requiredIf: Cond | null;
  hasOther: boolean;
  otherValue: unknown;
  expression: Expr | null;
  check: Check;
  inner: InnerPlan[] | null;
  minPanels: number;
  /** Panels a dynamic panel shows before any answer: the JSON's panelCount (survey-core keeps them when no value is sent). */
  initialPanels: number;
  /** `choicesVisibleIf` with `{item}` bound to each choice's value; null when all choices show. */
  choiceShown: Cond | null;
  choiceValues: unknown[];
};
export type Plan = { containers: Container[]; questions: QuestionPlan[] };

class Unsupported extends Error {}
const need = <T>(v: T | null | undefined, what = 'a condition or expression'): T => {
  if (v === null || v === undefined) throw new Unsupported(what);
  return v;
};

function cond(text: unknown, scope: Scope): Cond | null {
  if (text === undefined || text === null || text === '') return null;
  return need(compileCondition(String(text), scope));
}

function validatorPlans(q: Record<Locale, AnyQ>, scope: Scope | null): ValidatorPlan[] {
  const de = q.de.validators as SurveyValidator[];
  return de.map((v, i) => {
    const byLocale = { de: v, en: (q.en.validators as SurveyValidator[])[i] };
    if (v.getType() !== 'expressionvalidator') return { byLocale, condition: null, text: { de: '', en: '' } };
    const condition = need(scope && cond((v as unknown as AnyQ).expression, scope));
    const text = (l: Locale) => (byLocale[l] as unknown as AnyQ).getErrorText(q[l].getValidatorTitle()) as string;
    return { byLocale, condition, text: { de: text('de'), en: text('en') } };
  });
}

function innerPlans(q: Record<Locale, AnyQ>, raw: Json): InnerPlan[] {
  // Texts come from a live panel's questions: template questions have no survey, hence no locale.
  for (const x of [q.de, q.en]) if (x.panelCount < 1) x.panelCount = 1;
  const en = q.en.panels[0].questions as AnyQ[];
  const rawInner = rawChildren(raw, 'templateElements');
  return (q.de.panels[0].questions as AnyQ[]).map((t, i) => {
    const json = rawAt(rawInner, i, t.name);
    if (!questionJsonSupported(t.getType(), json, true)) throw new Unsupported(`${q.de.name}: template question ${t.name}`);
    const pair = { de: t, en: en[i] };
    return { name: t.name, key: t.getValueName(), isRequired: t.isRequired, check: compileCheck(pair, t.getValueName(), validatorPlans(pair, null)) };
  });
}

function questionPlan(q: Record<Locale, AnyQ>, json: Json, container: number, scope: Scope): QuestionPlan {
  const qd = q.de;
  if (!questionJsonSupported(qd.getType(), json, false)) throw new Unsupported(`${qd.name}: properties ${Object.keys(json)}`);
  const type = qd.getType();
  if (type === 'text' && qd.inputType !== 'number' && ['min', 'max', 'step'].some((k) => k in json)) throw new Unsupported(qd.name);
  if (type === 'ranking' && (qd.selectToRankEnabled || qd.choicesVisibleIf)) throw new Unsupported(qd.name);
  if (type === 'matrix' && qd.cellType && qd.cellType !== 'radio' && qd.cellType !== 'default') throw new Unsupported(qd.name);
  if (type === 'expression' && ('enableIf' in json || 'readOnly' in json || 'validators' in json)) throw new Unsupported(qd.name);
  if (qd.hasComment || qd.getStoreOthersAsComment?.() === false) throw new Unsupported(qd.name);
  const key = qd.getValueName();
  return {
    q: qd,
    name: qd.name,
    key,
    type,
    container,
    visible: json.visible !== false,
    visibleIf: cond(json.visibleIf, scope),
    readOnly: json.readOnly === true,
    enableIf: cond(json.enableIf, scope),
    isRequired: json.isRequired === true,
    requiredIf: cond(json.requiredIf, scope),
    hasOther: !!qd.hasOther,
    otherValue: qd.otherItem?.value ?? 'other',
    expression: type === 'expression' ? need(compileExpression(String(json.expression ?? ''), scope)) : null,
    check: compileCheck(q, key, validatorPlans(q, scope)),
    inner: type === 'paneldynamic' ? innerPlans(q, json) : null,
    minPanels: type === 'paneldynamic' ? Number(qd.minPanelCount) || 0 : 0,
    initialPanels: type === 'paneldynamic' ? Number(json.panelCount) || 0 : 0,
    choiceShown: cond(json.choicesVisibleIf, { ...scope, names: new Set([...scope.names, 'item']) }),
    choiceValues: ((qd.choices ?? []) as { value: unknown }[]).map((c) => c.value),
  };
}

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function rawChildren(raw: Json, key: string): Json[] {
  const list = raw[key] ?? [];
  if (!Array.isArray(list)) throw new Unsupported(`${String(raw.name)}: ${key}`);
  return list as Json[];
}

/** The author's JSON of the i-th child (the Model's own toJSON() shows state, e.g. visible: false). */
function rawAt(list: Json[], i: number, name: string): Json {
  const json = list[i];
  if (!isObj(json) || (json.name !== undefined && json.name !== name)) throw new Unsupported(`${name}: JSON does not match`);
  return json;
}

function walk(els: Record<Locale, AnyQ[]>, raw: Json[], parent: number, plan: Plan, scope: Scope): void {
  if (els.de.length !== raw.length) throw new Unsupported('elements do not match the JSON');
  els.de.forEach((el, i) => {
    const pair = { de: el, en: els.en[i] };
    const json = rawAt(raw, i, el.name);
    if (!el.isPanel) {
      plan.questions.push(questionPlan(pair, json, parent, scope));
      return;
    }
    plan.containers.push(container(el, json, parent, scope));
    walk({ de: el.elements, en: pair.en.elements }, rawChildren(json, 'elements'), plan.containers.length - 1, plan, scope);
  });
}

function container(el: AnyQ, json: Json, parent: number, scope: Scope): Container {
  if (!Object.keys(json).every((k) => CONTAINER_PROPS.has(k))) throw new Unsupported(`${el.name}: properties ${Object.keys(json)}`);
  return {
    parent,
    visible: json.visible !== false,
    visibleIf: cond(json.visibleIf, scope),
    readOnly: json.readOnly === true,
    enableIf: cond(json.enableIf, scope),
  };
}

/** The compiled plan of a survey, or the reason why not when the survey needs survey-core's own validator. */
export function buildPlan(json: Json, models: Record<Locale, Model>): Plan | string {
  const extra = Object.keys(json).filter((k) => !SURVEY_PROPS.has(k));
  if (extra.length > 0) return `survey properties ${extra}`;
  const all = models.de.getAllQuestions(false, false, false) as AnyQ[];
  const names = new Set(all.map((q) => String(q.getValueName()).toLowerCase()));
  if (names.size !== all.length) return 'shared value names'; // shared valueNames: leave them to survey-core
  const scope: Scope = { names, commentSuffix: settings.commentSuffix };
  const plan: Plan = { containers: [], questions: [] };
  try {
    const pages = json.pages !== undefined ? rawChildren(json, 'pages') : [{ elements: json.elements ?? [] }];
    if (pages.length !== models.de.pages.length) return 'pages do not match the JSON';
    models.de.pages.forEach((page, i) => {
      const raw = rawAt(pages, i, page.name);
      plan.containers.push(container(page as unknown as AnyQ, raw, -1, scope));
      const en = models.en.pages[i] as unknown as AnyQ;
      walk({ de: (page as unknown as AnyQ).elements, en: en.elements }, rawChildren(raw, 'elements'), plan.containers.length - 1, plan, scope);
    });
  } catch (e) {
    if (e instanceof Unsupported) return e.message;
    throw e;
  }
  // survey-core runs an expression only while it is not read-only, and decides that before its
  // panel's enableIf on the same pass, so the value depends on the order of evaluation (found by
  // the differential test): such surveys are left to survey-core itself.
  for (const q of plan.questions) {
    if (!q.expression) continue;
    for (let c = q.container; c >= 0; c = plan.containers[c].parent) {
      if (plan.containers[c].enableIf || plan.containers[c].readOnly) return `${q.name}: expression in a panel that can be read-only`;
    }
  }
  return plan;
}
