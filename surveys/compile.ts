// A compiled validator: the same verdicts as surveys/validate.ts's survey-core path, without
// loading answers into a Model. Built once per survey version; conditions and expressions run
// through survey-core's standalone ConditionRunner/ExpressionRunner, messages are survey-core's.
// Returns null for any definition feature it does not reproduce, so the caller falls back.
import { Model } from 'survey-core';
import 'survey-core/i18n/german';
import { buildPlan, type Plan } from './compiled/plan.ts';
import { answerErrors, choiceErrors, settle } from './compiled/run.ts';
import type { AnyQ } from './shape.ts';
import { afterShapeChecks, failed, isPlainObject, type Validator } from './validate.ts';

/** The compiled validator, or why the survey needs survey-core's own validator. */
export function compile(json: unknown): { validator: Validator } | { reason: string } {
  if (!isPlainObject(json)) return { reason: 'not a JSON object' };
  const de = new Model(json);
  const en = new Model(json);
  de.locale = 'de';
  en.locale = 'en';
  const plan = buildPlan(json, { de, en });
  if (typeof plan === 'string') return { reason: plan };
  return { validator: runtime(plan, de) };
}

/** The compiled validator, or null where the survey needs survey-core's own validator. */
export function compileValidator(json: unknown): Validator | null {
  const res = compile(json);
  return 'validator' in res ? res.validator : null;
}

function runtime(plan: Plan, de: Model): Validator {
  return afterShapeChecks(de.getAllQuestions(false, false, false) as AnyQ[], (clean, { complete, locale }) => {
    const settled = settle(plan, clean);
    return (
      failed(choiceErrors(plan, settled.values, settled.state, locale)) ??
      failed(answerErrors(plan, settled.values, settled.state, locale, complete)) ?? { ok: true, data: settled.data }
    );
  });
}
