// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// XLSForm sheets → SurveyJS JSON with the same meaning, for the common subset (see README,
// "Authoring in a spreadsheet"). Every problem names sheet, row and column; by default any
// problem means nothing is imported, `lenient` drops what cannot be converted and lists it.
import { Serializer } from 'survey-core';
import { lintSurvey } from '../lint.ts';
import '../marks.ts';
import { ExprError, type ExprContext, type Msg, parseXlsExpr, quote, refsOf, translateXlsExpr } from './expression.ts';
import type { Problem, Row, Sheet } from './sheets.ts';

type Json = Record<string, unknown>;
export type Text = string | Record<string, string>;

export interface ConvertResult {
  ok: boolean;
  definition?: Json;
  /** form_id of the settings sheet, if given. */
  formId?: string;
  /** Why nothing was imported (or, lenient, what was dropped). */
  problems: Problem[];
  /** Imported anyway: missing translations, ignored columns. */
  warnings: Problem[];
  /** question/panel/page name → its row in the survey sheet. */
  rows: Record<string, number>;
}

/** Language columns: `label::Deutsch (de)` → de; a few names without a code are understood. */
const LANGUAGE_NAMES: Record<string, string> = { deutsch: 'de', german: 'de', english: 'en', englisch: 'en', français: 'fr', french: 'fr' };
export function languageCode(label: string): string | undefined {
  const m = /\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$/.exec(label);
  return m ? m[1].toLowerCase() : LANGUAGE_NAMES[label.trim().toLowerCase()];
}
export const LANGUAGE_LABELS: Record<string, string> = { de: 'Deutsch (de)', en: 'English (en)', fr: 'Français (fr)' };

const TEXT_COLUMNS = ['label', 'hint', 'required_message', 'constraint_message', 'befund_short', 'form_title'];
const SURVEY_COLUMNS = new Set([
  'type', 'name', 'label', 'hint', 'required', 'required_message', 'relevant', 'constraint', 'constraint_message',
  'choice_filter', 'appearance', 'parameters', 'default', 'befund_role', 'befund_audiences', 'befund_short', 'befund_extra',
]);
/** Columns XLSForm knows but this converter does not: a value there is a problem, never ignored. */
const UNSUPPORTED_COLUMNS = new Set([
  'calculation', 'repeat_count', 'read_only', 'readonly', 'trigger', 'image', 'audio', 'video', 'media', 'big-image', 'guidance_hint',
  'body', 'bind', 'instance', 'choice_name', 'autoplay', 'intent', 'note', 'jr:count', 'jr:constraintmsg', 'jr:requiredmsg',
]);
const UNSUPPORTED_TYPES = new Set([
  'geopoint', 'geotrace', 'geoshape', 'image', 'audio', 'video', 'file', 'barcode', 'calculate', 'acknowledge', 'hidden',
  'start', 'end', 'today', 'deviceid', 'subscriberid', 'simserial', 'phonenumber', 'username', 'email', 'audit', 'time',
  'datetime', 'trigger', 'background-audio', 'xml-external', 'csv-external', 'select_one_from_file', 'select_multiple_from_file',
  'begin_loop', 'end_loop', 'start-geopoint', 'range-geopoint',
]);
const KNOWN_TYPES = ['text', 'integer', 'decimal', 'date', 'note', 'range', 'select_one', 'select_multiple', 'rank', 'begin_group', 'end_group', 'begin_repeat', 'end_repeat'];
const APPEARANCES: Record<string, string[]> = {
  text: ['multiline'],
  select_one: ['minimal'],
  select_multiple: ['minimal'],
  begin_group: ['field-list'],
};

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** Splits `label::Deutsch (de)` into its base and language code (undefined: the default language). */
function splitColumn(col: string): { base: string; lang?: string; langLabel?: string } {
  const i = col.indexOf('::');
  if (i < 0) return { base: col.trim().toLowerCase() };
  const langLabel = col.slice(i + 2).trim();
  return { base: col.slice(0, i).trim().toLowerCase(), lang: languageCode(langLabel), langLabel };
}

const numeric = (s: string): string | number => (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(s) && String(Number(s)) === s ? Number(s) : s);

interface Node {
  kind: 'page' | 'panel' | 'repeat';
  json: Json;
  elements: Json[];
  row: number;
  repeat?: string;
  begin: string;
}

export interface ConvertOptions {
  lenient?: boolean;
}

export function convertXlsForm(sheets: Sheet[], opts: ConvertOptions = {}): ConvertResult {
  const problems: (Problem & { fatal?: boolean })[] = [];
  const warnings: Problem[] = [];
  const rows: Record<string, number> = {};
  const find = (n: string) => sheets.find((s) => s.name.trim().toLowerCase() === n);
  const survey = find('survey');
  const choicesSheet = find('choices');
  const settingsSheet = find('settings');
  if (!survey) {
    const names = sheets.map((s) => s.name).join(', ') || '–';
    return {
      ok: false,
      problems: [{ sheet: 'survey', de: `das Blatt „survey“ fehlt (vorhanden: ${names})`, en: `the sheet "survey" is missing (found: ${names})` }],
      warnings,
      rows,
    };
  }
  const problem = (sheet: string, row: number | undefined, column: string | undefined, m: Msg, fatal = false) => problems.push({ sheet, row, column, ...m, fatal });

  // languages: default from settings, others from the columns
  const settingsRow = settingsSheet?.rows[0];
  const defaultLangLabel = settingsRow?.cells.default_language;
  const defaultLang = (defaultLangLabel && languageCode(defaultLangLabel)) || 'de';
  const allColumns = [...survey.columns, ...(choicesSheet?.columns ?? []), ...(settingsSheet?.columns ?? [])];
  const langs = new Set<string>();
  let multi = false;
  for (const s of [survey, choicesSheet, settingsSheet]) {
    for (const col of s?.columns ?? []) {
      const { base, lang, langLabel } = splitColumn(col);
      if (langLabel === undefined) continue;
      if (!TEXT_COLUMNS.includes(base)) continue;
      if (!lang) problem(s?.name ?? '', 1, col, { de: `die Sprache „${langLabel}“ hat keinen Code; bitte z. B. „Deutsch (de)“ schreiben`, en: `the language "${langLabel}" has no code; write e.g. "English (en)"` }, true);
      else {
        langs.add(lang);
        multi = true;
      }
    }
  }
  if (multi) langs.add(defaultLang);
  void allColumns;

  /** The localised text of a row's column family (`label`, `label::English (en)`, …). */
  const textOf = (sheet: Sheet, r: Row, base: string, check = false): Text | undefined => {
    const out: Record<string, string> = {};
    for (const col of sheet.columns) {
      const s = splitColumn(col);
      if (s.base !== base || !(col in r.cells)) continue;
      const lang = s.langLabel === undefined ? defaultLang : s.lang;
      if (lang) out[lang] = r.cells[col];
    }
    if (Object.keys(out).length === 0) return undefined;
    if (check && multi) {
      for (const lang of langs) {
        if (out[lang] !== undefined) continue;
        const col = sheet.columns.find((c) => splitColumn(c).base === base && (splitColumn(c).lang ?? defaultLang) === lang) ?? `${base}::${LANGUAGE_LABELS[lang] ?? `${lang} (${lang})`}`;
        warnings.push({ sheet: sheet.name, row: r.row, column: col, de: `Übersetzung fehlt (${lang})`, en: `translation missing (${lang})` });
      }
    }
    if (!multi) return out[defaultLang];
    return out;
  };

  // columns of the survey sheet that are neither converted nor known-unsupported are ignored, with a warning
  for (const col of survey.columns) {
    const { base } = splitColumn(col);
    if (SURVEY_COLUMNS.has(base) || UNSUPPORTED_COLUMNS.has(base)) continue;
    warnings.push({ sheet: 'survey', row: 1, column: col, de: 'unbekannte Spalte, wird nicht übernommen', en: 'unknown column, not imported' });
  }

  // choice lists
  const lists = new Map<string, { row: Row; value: string | number }[]>();
  for (const r of choicesSheet?.rows ?? []) {
    const list = r.cells.list_name ?? r.cells['list name'];
    const name = r.cells.name;
    if (!list || !name) {
      problem('choices', r.row, !list ? 'list_name' : 'name', { de: `${!list ? 'list_name' : 'name'} fehlt`, en: `${!list ? 'list_name' : 'name'} is missing` });
      continue;
    }
    const items = lists.get(list) ?? [];
    if (items.some((i) => String(i.value) === name))
      problem('choices', r.row, 'name', { de: `die Antwort „${name}“ steht zweimal in der Liste „${list}“`, en: `the choice "${name}" appears twice in the list "${list}"` }, true);
    items.push({ row: r, value: numeric(name) });
    lists.set(list, items);
  }

  // first pass: names, types and repeats, so expressions can refer forwards
  interface Info {
    type: string;
    row: number;
    repeat?: string;
  }
  const info = new Map<string, Info>();
  {
    const repeats: string[] = [];
    for (const r of survey.rows) {
      const type = (r.cells.type ?? '').trim().replace(/\s+/g, ' ');
      const [first, second = ''] = type.split(' ');
      const base = first === 'begin' || first === 'end' ? `${first}_${second}` : first;
      if (base === 'end_repeat') repeats.pop();
      const name = r.cells.name;
      if (!name || base.startsWith('end_')) continue;
      if (info.has(name))
        problem('survey', r.row, 'name', { de: `der Name „${name}“ steht schon in Zeile ${info.get(name)?.row}`, en: `the name "${name}" is already used in row ${info.get(name)?.row}` }, true);
      else info.set(name, { type: base, row: r.row, repeat: repeats[repeats.length - 1] });
      if (base === 'begin_repeat') repeats.push(name);
    }
  }

  const ctxFor = (repeat: string | undefined, self?: string): ExprContext => ({
    self,
    ref: (n) => (repeat && info.get(n)?.repeat === repeat ? `{panel.${n}}` : `{${n}}`),
    isMulti: (n) => info.get(n)?.type === 'select_multiple',
  });
  /** Translates a cell; records a problem (and returns undefined) when it cannot. */
  const expr = (r: Row, column: string, repeat: string | undefined, self?: string): string | undefined => {
    const src = r.cells[column];
    if (src === undefined) return undefined;
    try {
      const tree = parseXlsExpr(src);
      for (const n of refsOf(tree)) {
        const i = info.get(n);
        if (!i) throw new ExprError({ de: `die Frage \${${n}} gibt es nicht`, en: `there is no question \${${n}}` });
        if (i.repeat && i.repeat !== repeat)
          throw new ExprError({ de: `\${${n}} steht in der Wiederholung „${i.repeat}“ und ist hier nicht lesbar`, en: `\${${n}} is inside the repeat "${i.repeat}" and cannot be read here` });
      }
      return translateXlsExpr(src, ctxFor(repeat, self));
    } catch (err) {
      if (!(err instanceof ExprError)) throw err;
      problem('survey', r.row, column, err.msg);
      return undefined;
    }
  };
  const yes = (v: string) => /^(yes|true|true\(\)|1|ja)$/i.test(v.trim());
  const no = (v: string) => /^(no|false|false\(\)|0|nein)$/i.test(v.trim());

  const extraOf = (sheet: string, r: Row): Json | undefined => {
    const src = r.cells.befund_extra;
    if (!src) return undefined;
    try {
      const v = JSON.parse(src);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
    } catch {
      /* reported below */
    }
    problem(sheet, r.row, 'befund_extra', { de: 'kein JSON-Objekt { … }', en: 'not a JSON object { … }' });
    return undefined;
  };

  const choicesFor = (r: Row, list: string, filter: string | undefined, repeat: string | undefined): { choices: Json[]; choicesVisibleIf?: string } => {
    const items = lists.get(list) ?? [];
    const texts = items.map((i) => {
      const c: Json = { value: i.value };
      const t = choicesSheet ? textOf(choicesSheet, i.row, 'label', true) : undefined;
      if (t !== undefined) c.text = t;
      Object.assign(c, extraOf('choices', i.row) ?? {});
      return c;
    });
    if (!filter) return { choices: texts };
    // a filter that reads only the choice's name becomes choicesVisibleIf with {item}; one that
    // reads other columns becomes a visibleIf per choice, with that choice's values written in
    let onlyName = true;
    const base = ctxFor(repeat);
    try {
      const shared = translateXlsExpr(filter, {
        ...base,
        col: (c) => {
          if (c !== 'name') onlyName = false;
          return '{item}';
        },
      });
      if (onlyName) return { choices: texts, choicesVisibleIf: shared };
      return {
        choices: texts.map((c, k) => {
          const row = items[k].row;
          const visibleIf = translateXlsExpr(filter, {
            ...base,
            col: (col) => {
              if (col === 'name') return typeof items[k].value === 'number' ? String(items[k].value) : quote(String(items[k].value));
              if (!choicesSheet?.columns.includes(col)) throw new ExprError({ de: `die Spalte „${col}“ gibt es im Blatt choices nicht`, en: `the column "${col}" does not exist in the choices sheet` });
              return quote(row.cells[col] ?? '');
            },
          });
          return { ...c, visibleIf };
        }),
      };
    } catch (err) {
      if (!(err instanceof ExprError)) throw err;
      problem('survey', r.row, 'choice_filter', err.msg);
      return { choices: texts };
    }
  };

  // second pass: build pages, panels and questions
  const pages: Json[] = [];
  const stack: Node[] = [];
  let autoPage: Json | undefined;
  let pageCount = 0;
  const container = (): Json[] => {
    const top = stack[stack.length - 1];
    if (top) return top.elements;
    if (!autoPage) {
      pageCount++;
      autoPage = { name: `seite${pageCount}`, elements: [] };
      pages.push(autoPage);
    }
    return autoPage.elements as Json[];
  };
  const currentRepeat = () => [...stack].reverse().find((n) => n.kind === 'repeat')?.json.name as string | undefined;

  for (const r of survey.rows) {
    for (const col of Object.keys(r.cells)) {
      const { base } = splitColumn(col);
      if (UNSUPPORTED_COLUMNS.has(base)) problem('survey', r.row, col, { de: `die Spalte ${col} wird nicht unterstützt`, en: `the column ${col} is not supported` });
    }
    const rawType = (r.cells.type ?? '').trim().replace(/\s+/g, ' ');
    if (!rawType) {
      problem('survey', r.row, 'type', { de: 'der Typ fehlt', en: 'the type is missing' });
      continue;
    }
    let [type, list, orOther] = rawType.split(' ');
    if ((type === 'begin' || type === 'end') && (list === 'group' || list === 'repeat')) {
      type = `${type}_${list}`;
      list = '';
    }
    const name = r.cells.name;
    const appearance = r.cells.appearance?.trim();
    const repeat = currentRepeat();

    if (type === 'end_group' || type === 'end_repeat') {
      const top = stack[stack.length - 1];
      const want = type === 'end_group' ? 'begin_group' : 'begin_repeat';
      if (!top || top.begin !== want) {
        problem('survey', r.row, 'type', { de: `${type} ohne passendes ${want}${top ? ` (offen ist ${top.begin} „${top.json.name}“ aus Zeile ${top.row})` : ''}`, en: `${type} without a matching ${want}` }, true);
        continue;
      }
      stack.pop();
      if (top.kind === 'page') {
        top.json.elements = top.elements;
        autoPage = undefined;
      } else if (top.kind === 'repeat') {
        top.json.templateElements = top.elements;
        container().push(top.json);
      } else {
        top.json.elements = top.elements;
        container().push(top.json);
      }
      continue;
    }

    if (!name) {
      problem('survey', r.row, 'name', { de: 'der Name fehlt', en: 'the name is missing' });
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      problem('survey', r.row, 'name', { de: `„${name}“ ist kein gültiger Name (Buchstaben, Ziffern, _ . -)`, en: `"${name}" is not a valid name` }, true);
      continue;
    }
    rows[name] = r.row;

    const isBefundType = type.startsWith('befund:');
    if (!KNOWN_TYPES.includes(type) && !isBefundType) {
      if (UNSUPPORTED_TYPES.has(type)) problem('survey', r.row, 'type', { de: `der Typ ${type} wird nicht unterstützt`, en: `the type ${type} is not supported` });
      else {
        const close = [...KNOWN_TYPES].sort((a, b) => distance(type, a) - distance(type, b))[0];
        const hint = distance(type, close) <= 3 ? ` – gemeint ist wohl ${close}` : '';
        problem('survey', r.row, 'type', { de: `unbekannter Typ „${type}“${hint}`, en: `unknown type "${type}"${hint ? ` – did you mean ${close}?` : ''}` });
      }
      if (type.startsWith('begin')) problem('survey', r.row, 'type', { de: 'die Gruppe kann nicht übernommen werden; nichts wird importiert', en: 'the group cannot be imported' }, true);
      continue;
    }
    if (isBefundType) {
      const t = type.slice('befund:'.length);
      if (!Serializer.findClass(t)) {
        problem('survey', r.row, 'type', { de: `unbekannter SurveyJS-Typ „${t}“`, en: `unknown SurveyJS type "${t}"` });
        continue;
      }
    }
    if (orOther !== undefined && orOther !== 'or_other') {
      problem('survey', r.row, 'type', { de: `„${orOther}“ nach der Liste verstehe ich nicht (erlaubt: or_other)`, en: `"${orOther}" after the list is not understood (allowed: or_other)` });
      continue;
    }
    const needsList = type === 'select_one' || type === 'select_multiple' || type === 'rank';
    if (needsList) {
      if (!list) {
        problem('survey', r.row, 'type', { de: `nach ${type} fehlt der Name der Antwortliste`, en: `${type} needs the name of a choice list` });
        continue;
      }
      if (!lists.has(list)) {
        problem('survey', r.row, 'type', { de: `die Antwortliste „${list}“ gibt es im Blatt choices nicht`, en: `the choice list "${list}" does not exist in the choices sheet` });
        continue;
      }
    }
    const allowed = APPEARANCES[type] ?? [];
    let useAppearance: string | undefined = appearance;
    if (appearance && !allowed.includes(appearance)) {
      problem('survey', r.row, 'appearance', { de: `die Darstellung „${appearance}“ wird für ${type} nicht unterstützt${allowed.length ? ` (möglich: ${allowed.join(', ')})` : ''}`, en: `the appearance "${appearance}" is not supported for ${type}` });
      useAppearance = undefined;
    }

    const el: Json = {};
    const label = textOf(survey, r, 'label', true);
    const hint = textOf(survey, r, 'hint', true);
    const common = (titleKey = 'title') => {
      if (label !== undefined) el[titleKey] = label;
      if (hint !== undefined) el.description = hint;
      const visibleIf = expr(r, 'relevant', repeat);
      if (visibleIf) el.visibleIf = visibleIf;
    };
    if (type === 'begin_group' || type === 'begin_repeat') {
      el.name = name;
      if (type === 'begin_repeat') el.type = 'paneldynamic';
      else if (stack.length > 0 || currentRepeat()) el.type = 'panel';
      common();
      Object.assign(el, extraOf('survey', r) ?? {});
      const kind = type === 'begin_repeat' ? 'repeat' : stack.length === 0 ? 'page' : 'panel';
      if (kind === 'page') {
        autoPage = undefined;
        pages.push(el);
      }
      stack.push({ kind, json: el, elements: [], row: r.row, begin: type, repeat: kind === 'repeat' ? name : repeat });
      continue;
    }

    el.name = name;
    switch (type) {
      case 'text':
        el.type = useAppearance === 'multiline' ? 'comment' : 'text';
        break;
      case 'integer':
        Object.assign(el, { type: 'text', inputType: 'number', step: 1 });
        break;
      case 'decimal':
        Object.assign(el, { type: 'text', inputType: 'number' });
        break;
      case 'date':
        Object.assign(el, { type: 'text', inputType: 'date' });
        break;
      case 'note':
        el.type = 'html';
        break;
      case 'range':
        el.type = 'rating';
        break;
      case 'select_one':
        el.type = useAppearance === 'minimal' ? 'dropdown' : 'radiogroup';
        break;
      case 'select_multiple':
        el.type = useAppearance === 'minimal' ? 'tagbox' : 'checkbox';
        break;
      case 'rank':
        el.type = 'ranking';
        break;
      default:
        el.type = type.slice('befund:'.length);
    }
    if (type === 'note') {
      if (label !== undefined) el.html = label;
      if (hint !== undefined) el.description = hint;
      const visibleIf = expr(r, 'relevant', repeat);
      if (visibleIf) el.visibleIf = visibleIf;
    } else common();
    if (type === 'range') {
      const params: Record<string, number> = {};
      for (const part of (r.cells.parameters ?? '').split(/[\s;,]+/).filter(Boolean)) {
        const m = /^(start|end|step)=(-?\d+(?:\.\d+)?)$/.exec(part);
        if (!m) problem('survey', r.row, 'parameters', { de: `„${part}“ verstehe ich nicht (erlaubt: start=… end=… step=…)`, en: `"${part}" is not understood (allowed: start=… end=… step=…)` });
        else params[m[1]] = Number(m[2]);
      }
      el.rateMin = params.start ?? 1;
      el.rateMax = params.end ?? 10;
      if (params.step !== undefined) el.rateStep = params.step;
    } else if (r.cells.parameters) problem('survey', r.row, 'parameters', { de: `Parameter werden für ${type} nicht unterstützt`, en: `parameters are not supported for ${type}` });
    if (needsList) {
      const { choices, choicesVisibleIf } = choicesFor(r, list, r.cells.choice_filter, repeat);
      el.choices = choices;
      if (choicesVisibleIf) el.choicesVisibleIf = choicesVisibleIf;
      if (orOther === 'or_other') {
        if (type === 'rank') problem('survey', r.row, 'type', { de: 'or_other gibt es für rank nicht', en: 'or_other is not available for rank' });
        else el.showOtherItem = true;
      }
    } else if (r.cells.choice_filter) problem('survey', r.row, 'choice_filter', { de: `choice_filter gibt es nur bei Auswahlfragen`, en: 'choice_filter applies to choice questions only' });

    const required = r.cells.required;
    if (required !== undefined && !no(required)) {
      if (yes(required)) el.isRequired = true;
      else {
        const requiredIf = expr(r, 'required', repeat, name);
        if (requiredIf) el.requiredIf = requiredIf;
      }
    }
    const requiredText = textOf(survey, r, 'required_message', true);
    if (requiredText !== undefined) el.requiredErrorText = requiredText;
    const constraint = expr(r, 'constraint', repeat, name);
    if (constraint) {
      // XLSForm checks a constraint only once the question is answered
      const v: Json = { type: 'expression', expression: `{${repeat && info.get(name)?.repeat === repeat ? `panel.${name}` : name}} empty or ${constraint}` };
      const text = textOf(survey, r, 'constraint_message', true);
      if (text !== undefined) v.text = text;
      el.validators = [v];
    }
    if (r.cells.default !== undefined) el.defaultValue = type === 'integer' || type === 'decimal' || type === 'range' ? Number(r.cells.default) : type === 'select_multiple' ? r.cells.default.split(/\s+/).map(numeric) : numeric(r.cells.default);
    const mark: Json = {};
    if (r.cells.befund_role) mark.role = r.cells.befund_role;
    if (r.cells.befund_audiences) mark.audiences = r.cells.befund_audiences.split(/[\s,;]+/).filter(Boolean);
    const short = textOf(survey, r, 'befund_short');
    if (short !== undefined) mark.short = typeof short === 'string' ? { [defaultLang]: short } : short;
    if (Object.keys(mark).length) el.befund = mark;
    Object.assign(el, extraOf('survey', r) ?? {});
    container().push(el);
  }
  for (const open of stack) problem('survey', open.row, 'type', { de: `${open.begin} „${open.json.name}“ wird nie geschlossen (end_${open.begin.slice(6)} fehlt)`, en: `${open.begin} "${open.json.name}" is never closed (end_${open.begin.slice(6)} missing)` }, true);

  // settings
  const definition: Json = {};
  const settingsExtra = settingsSheet && settingsRow ? extraOf('settings', settingsRow) : undefined;
  const title = settingsSheet && settingsRow ? textOf(settingsSheet, settingsRow, 'form_title', true) : undefined;
  if (title !== undefined) definition.title = title;
  if (defaultLangLabel) definition.locale = defaultLang;
  Object.assign(definition, settingsExtra ?? {});
  definition.pages = pages;

  const fatal = problems.some((p) => p.fatal);
  // the converted definition goes through the same linter as a JSON upload; findings name the row
  if (!fatal && (problems.length === 0 || opts.lenient)) {
    for (const f of lintSurvey(definition)) {
      if (f.severity === 'warning') continue;
      const row = rows[f.element];
      problems.push({ sheet: row ? 'survey' : f.element === 'survey' ? 'settings' : 'survey', row, column: row ? 'name' : undefined, de: `${f.element}: ${f.message}`, en: `${f.element}: ${f.message}`, fatal: true });
    }
  }
  const clean = problems.map(({ fatal: _f, ...p }) => p);
  const ok = !problems.some((p) => p.fatal) && (problems.length === 0 || !!opts.lenient);
  return { ok, definition: ok ? definition : undefined, formId: settingsRow?.cells.form_id, problems: clean, warnings, rows };
}

/** One line per problem: "survey, Zeile 14, Spalte relevant: …" (German) or "survey, row 14, column relevant: …". */
export function describeProblem(p: Problem, lang: 'de' | 'en' = 'de'): string {
  const where = [p.sheet, p.row !== undefined ? `${lang === 'de' ? 'Zeile' : 'row'} ${p.row}` : '', p.column ? `${lang === 'de' ? 'Spalte' : 'column'} ${p.column}` : '']
    .filter(Boolean)
    .join(', ');
  return `${where}: ${lang === 'de' ? p.de : p.en}`;
}
