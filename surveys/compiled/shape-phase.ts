// The shape phase shared by the compiled validator and the survey-core reference (validate.ts): refuse unknown keys and wrongly
// shaped values (surveys/shape.ts), drop nulls and client-sent expression values.
import { settings } from 'survey-core';
import { type AnyQ, checkShape, checkText, maxLengthOf, type Msg } from '../shape.ts';
import type { Locale } from './checks.ts';
import type { Values } from './expr.ts';

/** Deeper than any answer survey-core can produce (a dynamic panel in a dynamic panel in a matrix is 7). */
export const MAX_DEPTH = 32;
/** More values in one answer than any question produces; keeps a hostile body from costing seconds. */
export const MAX_NODES = 100_000;
/** A refusal names at most this many questions: a body of 100,000 unknown keys gets a short answer. */
export const MAX_ERRORS = 50;

/**
 * What PostgreSQL's jsonb cannot store or no browser sends: NUL characters and lone UTF-16
 * surrogates in any string or key, nesting deeper than MAX_DEPTH, more than MAX_NODES values.
 * Walks without recursion, so a body nested 10,000 deep is refused, not a stack overflow.
 */
export function unstorable(value: unknown): Msg | null {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (++nodes > MAX_NODES) return { de: `Die Antwort enthält mehr als ${MAX_NODES} Werte.`, en: `The answer holds more than ${MAX_NODES} values.` };
    if (typeof v === 'string') {
      if (!textStorable(v)) return BAD_TEXT;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) return { de: `Die Antwort ist tiefer als ${MAX_DEPTH} Ebenen verschachtelt.`, en: `The answer is nested deeper than ${MAX_DEPTH} levels.` };
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (!textStorable(k)) return BAD_TEXT;
      stack.push([x, depth + 1]);
    }
  }
  return null;
}

const BAD_TEXT: Msg = {
  de: 'Der Text enthält ein Steuerzeichen (NUL) oder ein ungültiges Unicode-Zeichen.',
  en: 'The text contains a control character (NUL) or an invalid Unicode character.',
};
/** No NUL, no lone surrogate (isWellFormed is Node 20's; jsonb refuses both). */
const textStorable = (s: string) => !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();

export type ShapeResult = { errors: { question: string; message: string }[]; clean: Values };

export function shapePhase(questions: AnyQ[]): (data: Values, locale: Locale) => ShapeResult {
  const suffix = settings.commentSuffix;
  const byValueName = new Map<string, AnyQ>();
  for (const q of questions) if (!byValueName.has(q.getValueName())) byValueName.set(q.getValueName(), q);
  const hasCommentKey = (q: AnyQ) => q.hasOther || q.hasComment;
  return (data, locale) => {
    const errors: { question: string; message: string }[] = [];
    const clean: Values = {};
    const fail = (question: string, m: Msg) => errors.push({ question, message: m[locale] });
    for (const key of Object.keys(data)) {
      if (errors.length >= MAX_ERRORS) {
        const rest = Object.keys(data).length;
        errors.push({ question: '', message: locale === 'en' ? `Further answers were not checked (${rest} keys in all).` : `Weitere Antworten wurden nicht geprüft (insgesamt ${rest} Schlüssel).` });
        break;
      }
      const value = data[key];
      if (value === null || value === undefined) continue;
      const q = byValueName.get(key);
      const bad = unstorable(value) ?? (textStorable(key) ? null : BAD_TEXT);
      if (bad) {
        fail(q?.name ?? (textStorable(key) ? key : ''), bad);
        continue;
      }
      if (q) {
        if (q.getType() === 'expression') continue;
        const m = checkShape(q, value);
        if (m) fail(q.name, m);
        else clean[key] = value;
        continue;
      }
      const base = key.endsWith(suffix) ? byValueName.get(key.slice(0, -suffix.length)) : undefined;
      if (base && hasCommentKey(base)) {
        const m = checkText(value, maxLengthOf(base));
        if (m) fail(base.name, m);
        else clean[key] = value;
      } else if (base) {
        fail(key, {
          de: `„${key}“ ist nicht erlaubt: die Frage hat kein Feld für eigene Angaben.`,
          en: `"${key}" is not allowed: the question has no field for own text.`,
        });
      } else {
        fail(key, { de: `Die Umfrage kennt keine Frage „${key}“.`, en: `The survey has no question "${key}".` });
      }
    }
    return { errors, clean };
  };
}
