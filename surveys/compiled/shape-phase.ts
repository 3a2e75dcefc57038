// The shape phase shared by the compiled validator and the survey-core reference (validate.ts): refuse unknown keys and wrongly
// shaped values (surveys/shape.ts), drop nulls and client-sent expression values.
import { settings } from 'survey-core';
import { type AnyQ, checkShape, checkText, maxLengthOf, type Msg } from '../shape.ts';
import type { Locale } from './checks.ts';
import type { Values } from './expr.ts';

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
      const value = data[key];
      if (value === null || value === undefined) continue;
      const q = byValueName.get(key);
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
