// The errors survey-core's validate() would give one visible, enabled question, rebuilt as pure
// functions of its value. Messages are read once per locale from the question in a Model whose
// locale is set, so they are survey-core's own texts (custom requiredErrorText, validator text…).
import { EmailValidator, Helpers, type SurveyValidator, settings } from 'survey-core';
import type { AnyQ } from '../shape.ts';
import type { Values } from './expr.ts';

export type Locale = 'de' | 'en';
export type Texts = Record<Locale, string>;
/**
 * Errors of one question: value, the object holding its comment, whether it is required now, and
 * whether this is a partial save (then "answer every row" is not checked either).
 */
export type Check = (value: unknown, holder: Values, values: Values, required: boolean, locale: Locale, partial: boolean) => string[];
type TypeCheck = ((value: unknown, holder: Values, l: Locale) => string | null) & { requiredLike?: boolean };
/** Survey-core's validator objects per locale, and a condition for expression validators. */
export type ValidatorPlan = { byLocale: Record<Locale, SurveyValidator>; condition: ((values: Values) => boolean) | null; text: Texts };

const SELECT = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox']);
const MULTI = new Set(['checkbox', 'tagbox', 'ranking']);

export function isEmpty(v: unknown): boolean {
  return Helpers.isValueEmpty(typeof v === 'string' ? v.trim() : v);
}

const texts = (q: Record<Locale, AnyQ>, read: (q: AnyQ) => string): Texts => ({ de: read(q.de), en: read(q.en) });

export function otherChosen(value: unknown, other: unknown): boolean {
  return Array.isArray(value) ? value.includes(other) : value === other;
}

/** Errors from onCheckForErrors (besides "required") for this question type, or null when none apply. */
function typeChecks(q: Record<Locale, AnyQ>, key: string): TypeCheck[] {
  const qd = q.de;
  const type = qd.getType();
  const out: TypeCheck[] = [];
  if (SELECT.has(type) && qd.hasOther) {
    const other = qd.otherItem?.value ?? 'other';
    const msg = texts(q, (x) => x.otherErrorText || x.getLocalizationString('otherRequiredError'));
    const commentKey = key + settings.commentSuffix;
    const otherText: TypeCheck = (v, holder, l) => (otherChosen(v, other) && !holder[commentKey] ? msg[l] : null);
    otherText.requiredLike = true;
    out.push(otherText);
  }
  if (MULTI.has(type) && Number(qd.minSelectedChoices) > 0) {
    const min = Number(qd.minSelectedChoices);
    const none = qd.noneItem?.value ?? 'none';
    const msg = texts(q, (x) => x.getLocalizationFormatString('minSelectError', min));
    out.push((v, _h, l) => {
      const len = Array.isArray(v) ? v.length : 0;
      if (len === 1 && qd.showNoneItem && (v as unknown[])[0] === none) return null;
      return len < min ? msg[l] : null;
    });
  }
  if (type === 'matrix' && (qd.isAllRowRequired || qd.eachRowRequired)) {
    const rows = (qd.rows as { value: unknown }[]).map((r) => String(r.value));
    const msg = texts(q, (x) => x.getLocalizationString('requiredInAllRowsError'));
    const everyRow: TypeCheck = (v, _h, l) => {
      const obj = (v ?? {}) as Values;
      return rows.some((r) => isEmpty(obj[r])) ? msg[l] : null;
    };
    everyRow.requiredLike = true;
    out.push(everyRow);
  }
  if (type === 'text') out.push(...textChecks(q));
  return out;
}

/** inputType number: min, max and step; inputType email: survey-core's implicit email check. */
function textChecks(q: Record<Locale, AnyQ>): ((value: unknown, holder: Values, l: Locale) => string | null)[] {
  const qd = q.de;
  const out: ((value: unknown, holder: Values, l: Locale) => string | null)[] = [];
  if (qd.inputType === 'number') {
    const min = qd.min;
    const max = qd.max;
    const minMsg = texts(q, (x) => x.getMinMaxErrorText(x.minErrorText, min));
    const maxMsg = texts(q, (x) => x.getMinMaxErrorText(x.maxErrorText, max));
    const stepMsg = texts(q, (x) => x.getStepErrorText());
    if (!isEmpty(min)) out.push((v, _h, l) => (!isEmpty(v) && (v as number) < min ? minMsg[l] : null));
    if (!isEmpty(max)) out.push((v, _h, l) => (!isEmpty(v) && (v as number) > max ? maxMsg[l] : null));
    if (Helpers.isNumber(qd.step)) out.push((v, _h, l) => (stepIncorrect(v, qd.step) ? stepMsg[l] : null));
  }
  if (qd.inputType === 'email' && !(qd.validators as SurveyValidator[]).some((v) => v.getType() === 'emailvalidator')) {
    const byLocale = { de: emailFor(q.de), en: emailFor(q.en) };
    out.push((v, _h, l) => byLocale[l].validate(v, q[l].getValidatorTitle())?.error?.getText() ?? null);
  }
  return out;
}

function emailFor(q: AnyQ): EmailValidator {
  const v = new EmailValidator();
  v.errorOwner = q;
  return v;
}

/** survey-core's isStepNumberIncorrect, for a value that is already a number. */
function stepIncorrect(value: unknown, stepValue: unknown): boolean {
  if (isEmpty(value) || !Helpers.isNumber(value)) return false;
  let val = Helpers.getNumber(value);
  let step = Helpers.getNumber(stepValue);
  let pw = 1;
  while ((Math.round(step * pw) / pw !== step || Math.round(val * pw) / pw !== val) && pw < 1000000) pw *= 10;
  val = Math.round(val * pw);
  step = Math.round(step * pw);
  return step > 0 && val % step !== 0;
}

/** The validators' errors; survey-core runs them only when no other error was found. */
function runValidators(plans: ValidatorPlan[], titles: Texts, value: unknown, values: Values, l: Locale): string[] {
  const out: string[] = [];
  for (const p of plans) {
    if (p.condition) {
      if (!p.condition(values)) out.push(p.text[l]);
      continue;
    }
    const res = p.byLocale[l].validate(value, titles[l]);
    if (res?.error) out.push(res.error.getText());
  }
  return out;
}

/** All errors of one question, in survey-core's order: required, type checks, else validators. */
export function compileCheck(q: Record<Locale, AnyQ>, key: string, validators: ValidatorPlan[]): Check {
  const required = texts(q, (x) => x.requiredErrorText || x.getLocalizationString('requiredError'));
  const titles = texts(q, (x) => x.getValidatorTitle());
  const checks = typeChecks(q, key);
  const noRequired = q.de.getType() === 'expression';
  return (value, holder, values, isRequired, l, partial) => {
    const errors: string[] = [];
    if (isRequired && !noRequired && isEmpty(value)) errors.push(required[l]);
    for (const c of checks) {
      if (partial && c.requiredLike) continue;
      const m = c(value, holder, l);
      if (m) errors.push(m);
    }
    if (errors.length > 0 || validators.length === 0) return errors;
    return runValidators(validators, titles, value, values, l);
  };
}
