// Turns one complete SurveyJS response into the values that storage counts, and the open texts
// it lists. The catalogue is the authority on which variables exist: a value is produced only for
// a variable the catalogue declares, so a stray key in `data` is ignored.
//
// Rules (key → value), per question type:
//  - scalar questions (radiogroup, dropdown, rating, boolean, slider, text, …):
//      `q` → the value as a string (`String(true)` is `'true'`); empty strings count as no answer.
//  - text with a numeric measure (inputType number): `q` → the number as a string (`'3.5'`);
//      a value that is not a finite number is dropped.
//  - checkbox, tagbox: `q.choice` → `'1'` if chosen, `'0'` if not; only when the question was
//      answered (a non-empty array), so "no answer" stays apart from "chose none of these".
//  - ranking: `q.item` → its rank as a string, `'1'` first; an item left unranked gives nothing.
//  - matrix: `q.row` → the chosen column value.
//  - multipletext: `q.item` → the entered value (counted if the variable is not `text`).
//  - matrixdropdown: `q.row.col` → the cell value; a checkbox cell gives `q.row.col.choice` = 1/0.
//  - matrixdynamic `q.col` and paneldynamic `q.inner`: one value per row or panel, pooled. What
//      is counted (`countedValues`) is per person: a value named in several rows or panels counts
//      once (a number counts every entry, for its mean), and `_p` = the variable's key counts the
//      person once for each such variable answered in any entry (the unit is the person).
//      `extractValues` keeps every entry (exports list them all).
//  - "other": a choice question answered with `'other'` counts `'other'` under `q` (or
//      `q.other.chosen` = `'1'`/`'0'` for a checkbox) and its text under `<name>-Comment` becomes the open text
//      `q.other`. With `storeOthersAsComment: false` the typed text stands in place of the value:
//      a value that is no declared choice is counted as `'other'` and listed as its text.
//  - every variable with measure `text` is an open text, never a count.
import { type Catalogue, type CatalogueQuestion, OTHER_CHOSEN } from '../surveys/types.ts';
import type { ExtractedValue } from './types.ts';

export interface ExtractedText {
  variable: string;
  text: string;
}

interface Candidates {
  values: ExtractedValue[];
  texts: ExtractedText[];
}

const OTHER = 'other';

function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return String(value);
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function commentOf(q: CatalogueQuestion, data: Record<string, unknown>): string | null {
  const text = data[`${q.name}-Comment`];
  return typeof text === 'string' && text.trim() !== '' ? text : null;
}

function choiceQuestion(q: CatalogueQuestion, value: unknown, data: Record<string, unknown>, out: Candidates): void {
  const chosen = Array.isArray(value) ? value.map((v) => String(v)) : [];
  if (chosen.length === 0) return;
  const declared = (q.choices ?? []).map((c) => String(c.value));
  const known = new Set([...declared, OTHER]);
  let otherText = commentOf(q, data);
  const isOther = (v: string) => v === OTHER || (q.hasOther && !known.has(v));
  for (const v of chosen) {
    // storeOthersAsComment: false keeps the typed text in the array itself
    if (q.hasOther && !known.has(v) && otherText === null) otherText = v;
  }
  const keys = new Set([...declared, ...chosen.filter((v) => !isOther(v)), OTHER]);
  for (const key of keys) {
    const picked = key === OTHER ? chosen.some(isOther) : chosen.includes(key);
    // "other" chosen: its own 0/1 variable `q.other.chosen` (`q.other` is the text)
    out.values.push({ variable: `${q.name}.${key === OTHER ? OTHER_CHOSEN : key}`, value: picked ? '1' : '0' });
  }
  if (chosen.some(isOther) && otherText !== null) out.texts.push({ variable: `${q.name}.${OTHER}`, text: otherText });
}

function singleQuestion(q: CatalogueQuestion, value: unknown, data: Record<string, unknown>, out: Candidates): void {
  const text = scalar(value);
  if (text === null) return;
  const declared = new Set((q.choices ?? []).map((c) => String(c.value)));
  if (q.hasOther && declared.size > 0 && (text === OTHER || !declared.has(text))) {
    out.values.push({ variable: q.name, value: OTHER });
    const otherText = text === OTHER ? commentOf(q, data) : text;
    if (otherText !== null) out.texts.push({ variable: `${q.name}.${OTHER}`, text: otherText });
    return;
  }
  out.values.push({ variable: q.name, value: text });
  out.texts.push({ variable: q.name, text });
}

/**
 * Cells of matrixdropdown (`q.row.col`), and rows of matrixdynamic (`q.col`) and panels of
 * paneldynamic (`q.inner`), pooled over rows as the catalogue defines them. A list of values in
 * a cell is a checkbox (`….choice` = 1/0) or a ranking (`….item` = rank), as its variables say.
 */
function nested(q: CatalogueQuestion, key: string, value: unknown, out: Candidates): void {
  if (Array.isArray(value) && value.every(isRecord)) {
    for (const row of value) nested(q, key, row, out);
  } else if (Array.isArray(value)) {
    if (value.length === 0) return;
    const chosen = value.map((v) => String(v));
    for (const v of q.variables) {
      const suffix = v.key.startsWith(`${key}.`) ? v.key.slice(key.length + 1) : null;
      if (suffix === null || suffix.includes('.')) continue;
      if (v.measure === 'binary') out.values.push({ variable: v.key, value: chosen.includes(suffix) ? '1' : '0' });
      if (v.measure === 'rank' && chosen.includes(suffix)) out.values.push({ variable: v.key, value: String(chosen.indexOf(suffix) + 1) });
    }
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) nested(q, `${key}.${k}`, v, out);
  } else {
    const text = scalar(value);
    if (text === null) return;
    out.values.push({ variable: key, value: text });
    out.texts.push({ variable: key, text });
  }
}

function candidates(q: CatalogueQuestion, data: Record<string, unknown>): Candidates {
  const out: Candidates = { values: [], texts: [] };
  const value = data[q.name];
  if (value === undefined || value === null) return out;
  switch (q.type) {
    case 'checkbox':
    case 'tagbox':
      choiceQuestion(q, value, data, out);
      break;
    case 'ranking':
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          out.values.push({ variable: `${q.name}.${String(item)}`, value: String(i + 1) });
        });
      }
      break;
    case 'matrix':
    case 'multipletext':
      if (isRecord(value)) {
        for (const [row, cell] of Object.entries(value)) {
          const text = scalar(cell);
          if (text === null) continue;
          out.values.push({ variable: `${q.name}.${row}`, value: text });
          out.texts.push({ variable: `${q.name}.${row}`, text });
        }
      }
      break;
    case 'matrixdropdown':
    case 'matrixdynamic':
    case 'paneldynamic':
      nested(q, q.name, value, out);
      break;
    default:
      singleQuestion(q, value, data, out);
  }
  return out;
}

/**
 * The key a variable counts under in this version: a question whose coding changed
 * (`catalogue.splits`, surveys/coding.ts) counts as `q@v2` (`q@v2.row` …), so values of
 * different codings never share a count.
 */
export function splitKey(catalogue: Catalogue, question: string, key: string): string {
  const split = catalogue.splits?.[question];
  return split === undefined || (key !== question && !key.startsWith(`${question}.`)) ? key : split + key.slice(question.length);
}

/** Normalises a numeric answer (`'4'`, `4.0`) to its shortest number string, or null. */
function numeric(value: string): string | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : null;
}

/**
 * The pseudo-variable that counts respondents who were not asked a question (a condition hid it,
 * surveys/asked.ts): value = the question's name. Reports tell "nicht gefragt" from "ohne Antwort" by it.
 */
export const NOT_ASKED_VARIABLE = '_skip';

// The question each variable belongs to, per catalogue (catalogues are read once per version and
// reused, so this is built once too).
const questionOfVariable = new WeakMap<Catalogue, Map<string, string>>();

function variableOwners(catalogue: Catalogue): Map<string, string> {
  let owners = questionOfVariable.get(catalogue);
  if (!owners) {
    owners = new Map();
    for (const q of catalogue.questions)
      for (const x of q.variables) {
        if (!owners.has(x.key)) owners.set(x.key, q.name);
        // a split question's keys (`q@v2.row`, surveys/coding.ts) belong to it too
        const split = splitKey(catalogue, q.name, x.key);
        if (split !== x.key && !owners.has(split)) owners.set(split, q.name);
      }
    questionOfVariable.set(catalogue, owners);
  }
  return owners;
}

/**
 * One `_skip` entry per catalogue question in `notAsked` that has no value in `data` (a stored
 * answer counts as asked, as in exports: data stored before its condition was checked).
 * `values` and `texts` are `extractValues` / `extractOpenTexts` of `data` where the caller has them already.
 */
export function notAskedValues(
  catalogue: Catalogue,
  notAsked: ReadonlySet<string> | undefined,
  data: Record<string, unknown>,
  values?: readonly ExtractedValue[],
  texts?: readonly ExtractedText[],
): ExtractedValue[] {
  if (!notAsked || notAsked.size === 0) return [];
  const both = values && texts ? undefined : extract(catalogue, data);
  const owners = variableOwners(catalogue);
  const answered = new Set<string>();
  for (const v of values ?? (both as Extracted).values) answered.add(owners.get(v.variable) ?? '');
  for (const t of texts ?? (both as Extracted).texts) answered.add(owners.get(t.variable) ?? '');
  const out: ExtractedValue[] = [];
  for (const q of catalogue.questions) {
    if (notAsked.has(q.name) && !answered.has(q.name)) out.push({ variable: NOT_ASKED_VARIABLE, value: catalogue.splits?.[q.name] ?? q.name });
  }
  return out;
}

/**
 * The pseudo-variable that counts persons per pooled variable (matrixdynamic `q.col`, paneldynamic
 * `q.inner`): value = the variable's key, 1 per response that gave it a value in any row or panel.
 * With the per-person values of those variables (a value counted once however many entries name
 * it), every count of a pooled variable is a count of persons; a number's entries stay entries,
 * and its `_p` count says how many persons gave them.
 */
export const PERSONS_VARIABLE = '_p';

const POOLED_TYPES = new Set(['matrixdynamic', 'paneldynamic']);

/** Whether a catalogue question pools several rows or panels of one person into its variables. */
export function isPooled(q: { type: string }): boolean {
  return POOLED_TYPES.has(q.type);
}

/** What one complete response adds to the counts: its values, and `_skip` for each question it was not asked. */
export function countedValues(catalogue: Catalogue, data: Record<string, unknown>, notAsked?: ReadonlySet<string>): ExtractedValue[] {
  return countedValuesAndTexts(catalogue, data, notAsked).values;
}

/**
 * `countedValues` and `extractOpenTexts` of one response from a single walk over its answers:
 * what folding a response into the counts needs.
 */
export function countedValuesAndTexts(catalogue: Catalogue, data: Record<string, unknown>, notAsked?: ReadonlySet<string>): Extracted {
  const { values, texts } = extract(catalogue, data, true);
  const skipped = notAskedValues(catalogue, notAsked, data, values, texts);
  if (skipped.length > 0) values.push(...skipped);
  return { values, texts };
}

/** The countable values of one response: one entry per answered non-text variable. */
export function extractValues(catalogue: Catalogue, data: Record<string, unknown>): ExtractedValue[] {
  return extract(catalogue, data).values;
}

/** The open texts of one response: text questions, "other" texts, text items of multipletext. */
export function extractOpenTexts(catalogue: Catalogue, data: Record<string, unknown>): ExtractedText[] {
  return extract(catalogue, data).texts;
}

export interface Extracted {
  values: ExtractedValue[];
  texts: ExtractedText[];
}

/** Per catalogue question (catalogues are read once per version and reused): each variable's measure, and the open-text keys. */
const measuresOf = new WeakMap<CatalogueQuestion, { byKey: Map<string, string>; textKeys: Set<string> }>();

function measures(q: CatalogueQuestion): { byKey: Map<string, string>; textKeys: Set<string> } {
  let m = measuresOf.get(q);
  if (!m) {
    m = { byKey: new Map(q.variables.map((v) => [v.key, v.measure])), textKeys: new Set(q.variables.filter((v) => v.measure === 'text').map((v) => v.key)) };
    measuresOf.set(q, m);
  }
  return m;
}

/**
 * Values and open texts in one walk: each question's candidates are worked out once. `persons`:
 * a pooled question's values per person (see PERSONS_VARIABLE), as the counts keep them.
 */
function extract(catalogue: Catalogue, data: Record<string, unknown>, persons = false): Extracted {
  const values: ExtractedValue[] = [];
  const texts: ExtractedText[] = [];
  const answered: ExtractedValue[] = [];
  for (const q of catalogue.questions) {
    const value = data[q.name];
    if (value === undefined || value === null) continue;
    const { byKey, textKeys } = measures(q);
    const found = candidates(q, data);
    const pooled = persons && isPooled(q);
    const seen = pooled ? new Set<string>() : null;
    for (const c of found.values) {
      const measure = byKey.get(c.variable);
      if (measure === undefined || measure === 'text') continue;
      const v = measure === 'scale' ? numeric(c.value) : c.value;
      if (v === null) continue;
      if (seen) {
        if (!seen.has(c.variable)) answered.push({ variable: PERSONS_VARIABLE, value: splitKey(catalogue, q.name, c.variable) });
        seen.add(c.variable);
        // a choice named in several entries counts once; a number counts every entry
        const once = `${c.variable}\u0000${v}`;
        if (measure !== 'scale') {
          if (seen.has(once)) continue;
          seen.add(once);
        }
      }
      values.push({ variable: c.variable, value: v });
    }
    for (const t of found.texts) {
      if (textKeys.has(t.variable)) texts.push({ variable: t.variable, text: t.text });
    }
  }
  if (!catalogue.splits) return { values: answered.length ? [...values, ...answered] : values, texts };
  const owner = variableOwners(catalogue);
  return {
    values: [...values.map((v) => ({ ...v, variable: splitKey(catalogue, owner.get(v.variable) ?? '', v.variable) })), ...answered],
    texts: texts.map((t) => ({ ...t, variable: splitKey(catalogue, owner.get(t.variable) ?? '', t.variable) })),
  };
}
