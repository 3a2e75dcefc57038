// Shape checks: is a submitted value something this question could have produced in the
// browser? survey-core accepts almost anything in `survey.data` (a string for a number, a value
// outside the choices), so these checks run before survey-core sees the data.
import type { Question } from 'survey-core';

// biome-ignore lint/suspicious/noExplicitAny: survey-core exposes type-specific properties without a shared type
export type AnyQ = Question & Record<string, any>;
/** A message in both locales; `de` is shown by default. */
export type Msg = { de: string; en: string };

/** Texts longer than this are refused unless the question sets its own maxLength. */
export const DEFAULT_MAX_TEXT = 10_000;
const DEFAULT_MAX_ROWS = 1_000;
const NUMERIC_INPUTS = new Set(['number', 'range']);

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const prefixed = (at: string, m: Msg): Msg => (at ? { de: `${at}: ${m.de}`, en: `${at}: ${m.en}` } : m);

const expect = {
  string: (v: unknown): Msg => ({ de: `Erwartet wird ein Text, nicht ${show(v)}.`, en: `Expected text, not ${show(v)}.` }),
  number: (v: unknown): Msg => ({ de: `Erwartet wird eine Zahl, nicht ${show(v)}.`, en: `Expected a number, not ${show(v)}.` }),
  array: (v: unknown): Msg => ({ de: `Erwartet wird eine Liste, nicht ${show(v)}.`, en: `Expected a list, not ${show(v)}.` }),
  object: (v: unknown): Msg => ({ de: `Erwartet wird ein Objekt, nicht ${show(v)}.`, en: `Expected an object, not ${show(v)}.` }),
};
export const notAllowed = (v: unknown): Msg => ({
  de: `Der Wert ${show(v)} ist keine der möglichen Antworten.`,
  en: `The value ${show(v)} is not one of the possible answers.`,
});
const tooLong = (max: number): Msg => ({
  de: `Der Text ist länger als ${max} Zeichen.`,
  en: `The text is longer than ${max} characters.`,
});
const unknownPart = (what: Msg, key: string): Msg => ({
  de: `Unbekannte ${what.de} „${key}“.`,
  en: `Unknown ${what.en} "${key}".`,
});
const ROW = { de: 'Zeile', en: 'row' };
const COLUMN = { de: 'Spalte', en: 'column' };
const ITEM = { de: 'Angabe', en: 'item' };

/**
 * A fact about a question that only its definition decides, worked out once per question
 * object: reading survey-core properties was most of the validation time per answer.
 */
function perQuestion<T>(of: (q: AnyQ) => T): (q: AnyQ) => T {
  const known = new WeakMap<AnyQ, T>();
  return (q) => {
    if (known.has(q)) return known.get(q) as T;
    const value = of(q);
    known.set(q, value);
    return value;
  };
}

export const maxLengthOf = perQuestion((q: AnyQ): number => {
  const own = typeof q.getMaxLength === 'function' ? q.getMaxLength() : q.maxLength;
  return typeof own === 'number' && own > 0 ? own : DEFAULT_MAX_TEXT;
});

export function checkText(v: unknown, max: number): Msg | null {
  if (typeof v !== 'string') return expect.string(v);
  return v.length > max ? tooLong(max) : null;
}

/** Values a choice question can store: its choices (or the source question's) plus special items. */
export const choiceDomain = perQuestion((q: AnyQ): readonly unknown[] => {
  const source: AnyQ | null = q.choicesFromQuestion
    ? (q.survey?.getQuestionByName(q.choicesFromQuestion) as unknown as AnyQ)
    : null;
  const base: AnyQ = source ?? q;
  const values = (base.choices ?? []).map((c: { value: unknown }) => c.value);
  for (const [flag, item] of [
    ['showNoneItem', 'noneItem'],
    ['showRefuseItem', 'refuseItem'],
    ['showDontKnowItem', 'dontKnowItem'],
  ]) {
    if ((q[flag] || base[flag]) && q[item]) values.push(q[item].value);
  }
  if (q.hasOther || base.hasOther) values.push(q.otherItem?.value ?? 'other');
  return values;
});

function checkChoice(q: AnyQ, v: unknown, domain: readonly unknown[]): Msg | null {
  if (domain.some((d) => d === v)) return null;
  // With storeOthersAsComment: false, survey-core stores the typed "other" text itself.
  if (q.hasOther && typeof q.getStoreOthersAsComment === 'function' && !q.getStoreOthersAsComment() && typeof v === 'string') {
    return checkText(v, maxLengthOf(q));
  }
  return Array.isArray(v) || isPlainObject(v) ? expect.string(v) : notAllowed(v);
}

/** Values that must stand alone when chosen: "none", "refuse", "don't know" and choices marked isExclusive. */
export const exclusiveValues = perQuestion((q: AnyQ): readonly unknown[] => {
  const out: unknown[] = [];
  for (const [flag, item] of [
    ['showNoneItem', 'noneItem'],
    ['showRefuseItem', 'refuseItem'],
    ['showDontKnowItem', 'dontKnowItem'],
  ]) {
    if (q[flag] && q[item]) out.push(q[item].value);
  }
  for (const c of (q.choices ?? []) as { value: unknown; isExclusive?: boolean }[]) if (c.isExclusive) out.push(c.value);
  return out;
});

function checkMulti(q: AnyQ, v: unknown, domain: readonly unknown[]): Msg | null {
  if (!Array.isArray(v)) return expect.array(v);
  if (new Set(v).size !== v.length) return { de: 'Eine Antwort ist doppelt gewählt.', en: 'An answer is chosen twice.' };
  for (const item of v) {
    const m = checkChoice(q, item, domain);
    if (m) return m;
  }
  if (v.length > 1) {
    const alone = exclusiveValues(q).find((x) => v.includes(x));
    if (alone !== undefined) {
      return {
        de: `Die Antwort ${show(alone)} schließt alle anderen aus.`,
        en: `The answer ${show(alone)} excludes all others.`,
      };
    }
  }
  return null;
}

function checkRanking(q: AnyQ, v: unknown): Msg | null {
  const m = checkMulti(q, v, choiceDomain(q));
  if (m || !Array.isArray(v)) return m;
  const all = (q.choices ?? []).length;
  if (!q.selectToRankEnabled && !q.choicesVisibleIf && v.length > 0 && v.length !== all) {
    return { de: `Die Rangfolge muss alle ${all} Einträge enthalten.`, en: `The ranking must contain all ${all} items.` };
  }
  return null;
}

function checkFile(q: AnyQ, v: unknown): Msg | null {
  const maxSize = Number(q.maxSize) || 0;
  if (maxSize <= 0) {
    return { de: 'Datei-Uploads sind in dieser Umfrage nicht erlaubt.', en: 'File uploads are not allowed in this survey.' };
  }
  if (!Array.isArray(v)) return expect.array(v);
  if (v.length > (q.allowMultiple ? 10 : 1)) return { de: 'Zu viele Dateien.', en: 'Too many files.' };
  for (const f of v) {
    if (!isPlainObject(f) || typeof f.name !== 'string' || typeof f.content !== 'string') {
      return { de: 'Eine Datei braucht „name“ und „content“.', en: 'A file needs "name" and "content".' };
    }
    if (dataUrlBytes(f.content) > maxSize) {
      return {
        de: `Die Datei „${f.name}“ ist größer als ${maxSize} Bytes.`,
        en: `The file "${f.name}" is larger than ${maxSize} bytes.`,
      };
    }
  }
  return null;
}

/** Decoded size of a base64 data URL (or the plain string length). */
function dataUrlBytes(content: string): number {
  const comma = content.indexOf(',');
  if (!content.startsWith('data:') || comma < 0 || !content.slice(0, comma).endsWith(';base64')) return content.length;
  const b64 = content.slice(comma + 1);
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
}

function checkKeyed(v: unknown, known: Set<string>, what: Msg, each: (key: string, value: unknown) => Msg | null): Msg | null {
  if (!isPlainObject(v)) return expect.object(v);
  for (const [key, value] of Object.entries(v)) {
    if (!known.has(key)) return unknownPart(what, key);
    if (value === null || value === undefined) continue;
    const m = each(key, value);
    if (m) return m;
  }
  return null;
}

/** A matrix column's cell question; plain dropdown cells take the matrix's choices. */
function cellQuestion(matrix: AnyQ, column: AnyQ): AnyQ {
  const cell = column.templateQuestion as AnyQ;
  if (cell.choices && cell.choices.length === 0 && matrix.choices?.length) cell.choices = matrix.choices;
  return cell;
}

function checkRowObject(matrix: AnyQ, row: unknown): Msg | null {
  const columns = new Map<string, AnyQ>((matrix.columns as AnyQ[]).map((c) => [c.name, c]));
  const keys = new Set(columns.keys());
  for (const [name, c] of columns) if (cellQuestion(matrix, c).hasOther) keys.add(`${name}-Comment`);
  return checkKeyed(row, keys, COLUMN, (key, value) => {
    const column = columns.get(key);
    if (!column) return checkText(value, DEFAULT_MAX_TEXT);
    const cell = cellQuestion(matrix, column);
    const m = cell.getType() === 'expression' ? null : checkShape(cell, value);
    return m ? prefixed(key, m) : null;
  });
}

function checkPanels(q: AnyQ, v: unknown): Msg | null {
  if (!Array.isArray(v)) return expect.array(v);
  const max = Number(q.maxPanelCount) || DEFAULT_MAX_ROWS;
  if (v.length > max) return { de: `Höchstens ${max} Einträge sind möglich.`, en: `At most ${max} entries are possible.` };
  const inner = new Map<string, AnyQ>((q.template.questions as AnyQ[]).map((t) => [t.getValueName(), t]));
  const keys = new Set(inner.keys());
  for (const [name, t] of inner) if (t.hasOther || t.hasComment) keys.add(`${name}-Comment`);
  for (const [i, panel] of v.entries()) {
    const m = checkKeyed(panel, keys, { de: 'Frage', en: 'question' }, (key, value) => {
      const t = inner.get(key);
      if (!t) return checkText(value, DEFAULT_MAX_TEXT);
      return t.getType() === 'expression' ? null : checkShape(t, value);
    });
    if (m) return prefixed(`${i + 1}`, m);
  }
  return null;
}

/** The first shape problem of `v` as an answer to `q`, or null. `v` is never null here. */
export function checkShape(q: AnyQ, v: unknown): Msg | null {
  switch (q.getType()) {
    case 'text':
      if (NUMERIC_INPUTS.has(q.inputType)) return typeof v === 'number' && Number.isFinite(v) ? null : expect.number(v);
      return checkText(v, maxLengthOf(q));
    case 'comment':
      return checkText(v, maxLengthOf(q));
    case 'radiogroup':
    case 'dropdown':
      return checkChoice(q, v, choiceDomain(q));
    case 'imagepicker':
      return q.multiSelect ? checkMulti(q, v, choiceDomain(q)) : checkChoice(q, v, choiceDomain(q));
    case 'checkbox':
    case 'tagbox': {
      // survey-core's UI never lets more be chosen, and its validate() does not check it.
      const max = Number(q.maxSelectedChoices) || 0;
      if (max > 0 && Array.isArray(v) && v.length > max) {
        return { de: `Höchstens ${max} Antworten sind möglich.`, en: `At most ${max} answers are possible.` };
      }
      return checkMulti(q, v, choiceDomain(q));
    }
    case 'boolean':
      return v === (q.valueTrue ?? true) || v === (q.valueFalse ?? false) ? null : notAllowed(v);
    case 'rating':
      return (q.visibleRateValues as { value: unknown }[]).some((r) => r.value === v) ? null : notAllowed(v);
    case 'slider':
      return typeof v === 'number' && Number.isFinite(v) ? null : expect.number(v);
    case 'ranking':
      return checkRanking(q, v);
    case 'matrix': {
      const columns = (q.columns as { value: unknown }[]).map((c) => c.value);
      const rows = new Set((q.rows as { value: unknown }[]).map((r) => String(r.value)));
      const multi = q.cellType === 'checkbox';
      return checkKeyed(v, rows, ROW, (row, cell) => {
        const m = multi ? checkMulti(q, cell, columns) : checkChoice(q, cell, columns);
        return m ? prefixed(row, m) : null;
      });
    }
    case 'matrixdropdown': {
      const rows = new Set((q.rows as { value: unknown }[]).map((r) => String(r.value)));
      return checkKeyed(v, rows, ROW, (row, cells) => {
        const m = checkRowObject(q, cells);
        return m ? prefixed(row, m) : null;
      });
    }
    case 'matrixdynamic': {
      if (!Array.isArray(v)) return expect.array(v);
      const max = Number(q.maxRowCount) || DEFAULT_MAX_ROWS;
      if (v.length > max) return { de: `Höchstens ${max} Zeilen sind möglich.`, en: `At most ${max} rows are possible.` };
      for (const [i, row] of v.entries()) {
        const m = checkRowObject(q, row);
        if (m) return prefixed(`${i + 1}`, m);
      }
      return null;
    }
    case 'multipletext': {
      const items = new Map<string, AnyQ>((q.items as AnyQ[]).map((i) => [i.name, i]));
      return checkKeyed(v, new Set(items.keys()), ITEM, (key, value) => {
        const item = items.get(key) as AnyQ;
        const m = NUMERIC_INPUTS.has(item.inputType)
          ? typeof value === 'number' && Number.isFinite(value)
            ? null
            : expect.number(value)
          : checkText(value, item.maxLength > 0 ? item.maxLength : DEFAULT_MAX_TEXT);
        return m ? prefixed(key, m) : null;
      });
    }
    case 'paneldynamic':
      return checkPanels(q, v);
    case 'file':
      return checkFile(q, v);
    default:
      return {
        de: `Antworten auf Fragen vom Typ „${q.getType()}“ werden nicht angenommen.`,
        en: `Answers to questions of type "${q.getType()}" are not accepted.`,
      };
  }
}
