// Demo answers at the speed of plain functions: the survey's compiled plan (surveys/compiled)
// decides which questions a respondent sees while the answer is filled in question by question,
// and settle() strips and computes what the validator would, so no survey-core Model is touched
// per answer. Plausible values as surveys/synthetic.ts (same personas), with required text
// questions always answered. Whether a survey's answers come out valid is checked by the caller
// (server/commands/demo.ts probes a sample with the server's validator) and by
// test/server/demo-answers.test.ts against fresh survey-core Models.
import { Model, type Question } from 'survey-core';
import { buildPlan, type Plan, type QuestionPlan } from './compiled/plan.ts';
import { settle } from './compiled/run.ts';
import type { Values } from './compiled/expr.ts';
import { type Persona, pick, SAMPLE_TEXTS, skewedIndex } from './synthetic.ts';

export type Answers = Record<string, unknown>;
/** One complete answer, built from `rnd`: deterministic for the same sequence. */
export type DemoGenerator = (rnd: () => number, persona: Persona) => Answers;

const NOT_CHOSEN = new Set(['other', 'none', 'selectall']);

type Maker = (rnd: () => number, p: Persona, values: Values) => unknown;

function text(rnd: () => number, required: boolean, share: number, maxLength: number): string | undefined {
  if (!required && rnd() >= share) return undefined;
  const s = pick(rnd, SAMPLE_TEXTS);
  return maxLength > 0 ? s.slice(0, maxLength) : s;
}

/** How one question's value is made, decided once per survey from survey-core's view of it. */
function makerFor(plan: QuestionPlan): Maker | null {
  const q = plan.q as unknown as Question & Record<string, unknown>;
  const choices = plan.choiceValues.filter((v) => !NOT_CHOSEN.has(String(v)));
  // choices `choicesVisibleIf` hides now are not offered
  const shown = plan.choiceShown;
  const offered = shown ? (values: Values) => choices.filter((v) => shown({ ...values, item: v })) : () => choices;
  const required = (values: Values) => (plan.requiredIf ? plan.requiredIf(values) : plan.isRequired);
  const maxLength = Number(q.maxLength) || 0;
  switch (plan.type) {
    case 'radiogroup':
    case 'dropdown': {
      const numeric = choices.every((v) => typeof v === 'number');
      return (rnd, p, values) => {
        const values_ = offered(values);
        if (values_.length === 0) return undefined;
        return numeric ? values_[skewedIndex(rnd, values_.length, p.lean)] : pick(rnd, values_);
      };
    }
    case 'checkbox':
    case 'tagbox': {
      const max = Number(q.maxSelectedChoices) || Number.POSITIVE_INFINITY;
      const min = Number(q.minSelectedChoices) || 1;
      return (rnd, _p, values) => {
        const values_ = offered(values);
        if (values_.length === 0) return undefined;
        const chosen = values_.filter(() => rnd() < 0.45).slice(0, max);
        // top up to the minimum with choices not yet taken, in order
        for (const v of values_) if (chosen.length < min && !chosen.includes(v)) chosen.push(v);
        return values_.filter((v) => chosen.includes(v));
      };
    }
    case 'rating': {
      const rates = ((q.visibleRateValues as { value: unknown }[]) ?? []).map((r) => r.value);
      return (rnd, p) => (rates.length ? rates[skewedIndex(rnd, rates.length, p.lean)] : undefined);
    }
    case 'boolean':
      return (rnd, p) => rnd() < 0.5 + p.lean / 4;
    case 'ranking':
      return (rnd, _p, values) => {
        const order = [...offered(values)];
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        return order.length ? order : undefined;
      };
    case 'matrix': {
      const rows = ((q.rows as { value: unknown }[]) ?? []).map((r) => String(r.value));
      const cols = ((q.columns as { value: unknown }[]) ?? []).map((c) => c.value);
      if (cols.length === 0) return () => undefined;
      return (rnd, p) => Object.fromEntries(rows.map((r) => [r, cols[skewedIndex(rnd, cols.length, p.lean + (rnd() - 0.5) / 2)]]));
    }
    case 'text': {
      if (q.inputType === 'number') {
        const min = Number(q.min ?? 0);
        const max = Math.min(Number(q.max ?? 1000), min + 5000);
        return (rnd) => Math.round(min + rnd() ** 2 * (max - min));
      }
      if (q.inputType && q.inputType !== 'text') return null;
      return (rnd, _p, values) => text(rnd, required(values), 0.5, maxLength);
    }
    case 'comment':
      return (rnd, _p, values) => text(rnd, required(values), 0.4, maxLength);
    case 'paneldynamic': {
      const inner = plan.inner ?? [];
      return (rnd) => [Object.fromEntries(inner.map((e) => [e.key, pick(rnd, SAMPLE_TEXTS).slice(0, 40)]))];
    }
    case 'expression':
    case 'html':
      return () => undefined;
    default:
      return null;
  }
}

/** Is question `i` shown and answerable with the answers so far (its pages and panels too)? */
function answerable(plan: Plan, q: QuestionPlan, values: Values): boolean {
  if (!q.visible || (q.visibleIf && !q.visibleIf(values))) return false;
  if (q.enableIf ? !q.enableIf(values) : q.readOnly) return false;
  for (let c = q.container; c >= 0; c = plan.containers[c].parent) {
    const box = plan.containers[c];
    if (!box.visible || (box.visibleIf && !box.visibleIf(values))) return false;
    if (box.enableIf ? !box.enableIf(values) : box.readOnly) return false;
  }
  return true;
}

/**
 * The fast generator of `definition`, or why it has none (a survey the compiled plan does not
 * cover, or a question type or input type it does not fill): the caller then uses survey-core.
 */
export function demoGenerator(definition: Record<string, unknown>): { generate: DemoGenerator } | { reason: string } {
  const de = new Model(definition);
  const en = new Model(definition);
  de.locale = 'de';
  en.locale = 'en';
  const plan = buildPlan(definition, { de, en });
  if (typeof plan === 'string') return { reason: plan };
  const makers: { q: QuestionPlan; make: Maker }[] = [];
  for (const q of plan.questions) {
    const make = makerFor(q);
    if (!make) return { reason: `${q.name}: ${q.type}` };
    if (q.type !== 'expression' && q.type !== 'html') makers.push({ q, make });
  }
  return {
    generate(rnd, persona) {
      const values: Values = {};
      for (const { q, make } of makers) {
        if (!answerable(plan, q, values)) continue;
        const value = make(rnd, persona, values);
        if (value !== undefined) values[q.key] = value;
      }
      // hidden answers out, expression values in: what the validator keeps
      return settle(plan, values).data;
    },
  };
}
