// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// SurveyJS JSON → XLSForm sheets (and an .xlsx file), the reverse of convert.ts: what the subset
// expresses goes into its columns (one language per label column, ready for a translator);
// anything else (a SurveyJS property or type outside the subset, an expression that would not
// come back identical) travels in the `befund_extra` column as JSON, so JSON → XLSForm → JSON
// gives the same definition.
import { LANGUAGE_LABELS } from './convert.ts';
import { parseXlsExpr, toSurveyJs } from './expression.ts';
import type { Row, Sheet } from './sheets.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The locales used in the definition's texts (`{ "de": …, "en": … }`), default first. */
function localesOf(def: Json, defaultLang: string): string[] | undefined {
  const found = new Set<string>();
  const walk = (v: unknown, key = ''): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
    }
    else if (isObject(v)) {
      if (['title', 'description', 'text', 'html', 'requiredErrorText'].includes(key) && Object.values(v).every((x) => typeof x === 'string'))
        for (const k of Object.keys(v)) found.add(k);
      else for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(def);
  if (found.size === 0) return undefined;
  found.delete('default');
  return [defaultLang, ...[...found].filter((l) => l !== defaultLang).sort()];
}

/** A SurveyJS expression back in XLSForm syntax, but only when converting it again gives it unchanged. */
export function toXlsExpr(expr: string, multi: (name: string) => boolean, self?: string, inRepeat?: (name: string) => boolean): string | undefined {
  let x = expr
    .replace(/\((?:\{[^{}]+\} notempty and )+/g, '(')
    .replace(/\((?:\{[^{}]+\} empty or )+/g, '(')
    .replace(/!\(/g, 'not(')
    .replace(/\{(panel\.)?([A-Za-z_][A-Za-z0-9_.-]*)\} contains ('[^']*'|"[^"]*")/g, 'selected(${$2}, $3)')
    .replace(/iif\(\{(panel\.)?([A-Za-z_][A-Za-z0-9_.-]*)\} notempty, \{(?:panel\.)?[A-Za-z0-9_.-]*\.length\}, 0\)/g, 'count-selected(${$2})')
    .replace(/\{(panel\.)?([A-Za-z_][A-Za-z0-9_.-]*)\} empty/g, "${$2} = ''")
    .replace(/\{(panel\.)?([A-Za-z_][A-Za-z0-9_.-]*)\} notempty/g, "${$2} != ''")
    .replace(/(?<!\$)\{(panel\.)?([A-Za-z_][A-Za-z0-9_.-]*)\}/g, '${$2}');
  if (self) x = x.split(`\${${self}}`).join('.');
  try {
    const back = toSurveyJs(parseXlsExpr(x), { self, isMulti: multi, ref: (n) => (inRepeat?.(n) ? `{panel.${n}}` : `{${n}}`) });
    return back === expr ? x : undefined;
  } catch {
    return undefined;
  }
}

const COMMON = new Set(['type', 'name', 'title', 'description', 'visibleIf', 'isRequired', 'requiredIf', 'requiredErrorText', 'validators', 'befund']);

/** The definition as XLSForm sheets. */
export function exportSheets(def: Json, formId?: string): Sheet[] {
  const defaultLang = typeof def.locale === 'string' && def.locale ? def.locale : 'de';
  const locales = localesOf(def, defaultLang);
  const col = (base: string, lang: string) => (locales ? `${base}::${LANGUAGE_LABELS[lang] ?? `${lang} (${lang})`}` : base);
  const survey: Row[] = [];
  const choices: Row[] = [];
  const used = new Set<string>(['type', 'name']);
  const choiceCols = new Set<string>(['list_name', 'name']);
  const multiNames = new Set<string>();
  const repeatOf = new Map<string, string>();
  const scan = (els: unknown, repeat?: string): void => {
    for (const e of Array.isArray(els) ? els : []) {
      if (!isObject(e)) continue;
      if (e.type === 'checkbox' || e.type === 'tagbox') multiNames.add(String(e.name));
      if (repeat) repeatOf.set(String(e.name), repeat);
      scan(e.elements, repeat);
      scan(e.templateElements, e.type === 'paneldynamic' ? String(e.name) : repeat);
    }
  };
  for (const p of (def.pages as Json[]) ?? []) scan(p.elements);

  const setText = (cells: Record<string, string>, base: string, v: unknown, cols = used): boolean => {
    if (typeof v === 'string' && !locales) {
      cells[base] = v;
      cols.add(base);
      return true;
    }
    if (isObject(v) && locales && Object.keys(v).every((k) => locales.includes(k)) && Object.values(v).every((x) => typeof x === 'string')) {
      for (const [k, x] of Object.entries(v)) {
        cells[col(base, k)] = x as string;
        cols.add(col(base, k));
      }
      return true;
    }
    return v === undefined;
  };
  const put = (cells: Record<string, string>, key: string, value: string) => {
    cells[key] = value;
    used.add(key);
  };

  const element = (e: Json, repeat: string | undefined, page: boolean): void => {
    const cells: Record<string, string> = {};
    const extra: Json = {};
    const name = String(e.name ?? '');
    const inRepeat = (n: string) => !!repeat && repeatOf.get(n) === repeat;
    const multi = (n: string) => multiNames.has(n);
    const expr = (key: string, v: unknown, column: string, self?: string) => {
      if (v === undefined) return;
      const x = typeof v === 'string' ? toXlsExpr(v, multi, self, inRepeat) : undefined;
      if (x === undefined) extra[key] = v;
      else put(cells, column, x);
    };
    cells.name = name;
    let type = String(e.type ?? (page ? 'page' : ''));
    const handled = new Set(COMMON);
    const isContainer = page || type === 'panel' || type === 'paneldynamic';
    let list: string | undefined;
    switch (type) {
      case 'page':
      case 'panel':
        cells.type = 'begin_group';
        if (page) put(cells, 'appearance', 'field-list');
        handled.add('elements');
        break;
      case 'paneldynamic':
        cells.type = 'begin_repeat';
        handled.add('templateElements');
        break;
      case 'text': {
        const it = e.inputType;
        handled.add('inputType');
        if (it === 'number' && e.step === 1) {
          cells.type = 'integer';
          handled.add('step');
        } else if (it === 'number') cells.type = 'decimal';
        else if (it === 'date') cells.type = 'date';
        else if (it === undefined) cells.type = 'text';
        else {
          cells.type = 'befund:text';
          handled.delete('inputType');
        }
        break;
      }
      case 'comment':
        cells.type = 'text';
        put(cells, 'appearance', 'multiline');
        break;
      case 'radiogroup':
      case 'dropdown':
      case 'checkbox':
      case 'tagbox':
      case 'ranking':
        list = name;
        cells.type = `${type === 'radiogroup' || type === 'dropdown' ? 'select_one' : type === 'ranking' ? 'rank' : 'select_multiple'} ${list}`;
        if (type === 'dropdown' || type === 'tagbox') put(cells, 'appearance', 'minimal');
        if (e.showOtherItem === true && type !== 'ranking') {
          cells.type += ' or_other';
          handled.add('showOtherItem');
        }
        break;
      case 'rating': {
        cells.type = 'range';
        const params = [`start=${e.rateMin ?? 1}`, `end=${e.rateMax ?? 5}`, ...(e.rateStep !== undefined ? [`step=${e.rateStep}`] : [])];
        if ([e.rateMin, e.rateMax, e.rateStep].every((v) => v === undefined || typeof v === 'number')) {
          put(cells, 'parameters', params.join(' '));
          for (const k of ['rateMin', 'rateMax', 'rateStep']) handled.add(k);
        }
        break;
      }
      case 'html':
        cells.type = 'note';
        if (setText(cells, 'label', e.html)) handled.add('html');
        handled.add('title');
        if (e.title !== undefined) extra.title = e.title;
        break;
      default:
        cells.type = `befund:${type}`;
    }
    if (type !== 'html' && !setText(cells, 'label', e.title)) extra.title = e.title;
    if (!setText(cells, 'hint', e.description)) extra.description = e.description;
    expr('visibleIf', e.visibleIf, 'relevant');
    if (e.isRequired === true) put(cells, 'required', 'yes');
    else if (e.isRequired !== undefined) extra.isRequired = e.isRequired;
    if (e.requiredIf !== undefined && cells.required === undefined) expr('requiredIf', e.requiredIf, 'required', name);
    else if (e.requiredIf !== undefined) extra.requiredIf = e.requiredIf;
    if (!setText(cells, 'required_message', e.requiredErrorText)) extra.requiredErrorText = e.requiredErrorText;
    const validators = e.validators;
    if (Array.isArray(validators) && validators.length === 1 && isObject(validators[0]) && validators[0].type === 'expression' && Object.keys(validators[0]).every((k) => ['type', 'expression', 'text'].includes(k))) {
      const v = validators[0];
      const own = inRepeat(name) ? `{panel.${name}}` : `{${name}}`;
      const src = String(v.expression ?? '');
      const inner = src.startsWith(`${own} empty or `) ? toXlsExpr(src.slice(`${own} empty or `.length), multi, name, inRepeat) : undefined;
      const text: Record<string, string> = {};
      if (inner !== undefined && setText(text, 'constraint_message', v.text)) {
        put(cells, 'constraint', inner);
        for (const [k, x] of Object.entries(text)) put(cells, k, x);
      } else extra.validators = validators;
    } else if (validators !== undefined) extra.validators = validators;
    if (isObject(e.befund)) {
      const m = e.befund;
      if (typeof m.role === 'string') put(cells, 'befund_role', m.role);
      if (Array.isArray(m.audiences) && m.audiences.length > 0) put(cells, 'befund_audiences', m.audiences.join(' '));
      const rest = Object.keys(m).filter((k) => !['role', 'audiences', 'short'].includes(k) || (k === 'audiences' && (m.audiences as unknown[]).length === 0));
      const short = isObject(m.short) && locales ? m.short : isObject(m.short) && Object.keys(m.short).length === 1 && m.short[defaultLang] !== undefined ? m.short[defaultLang] : m.short;
      if (rest.length > 0 || !setText(cells, 'befund_short', short)) extra.befund = m;
    } else if (e.befund !== undefined) extra.befund = e.befund;
    if (list) {
      handled.add('choices');
      const items = Array.isArray(e.choices) ? e.choices : [];
      for (const c of items) {
        const ccells: Record<string, string> = { list_name: list };
        const cextra: Json = {};
        if (isObject(c)) {
          ccells.name = String(c.value);
          if (typeof c.value === 'string' && /^-?\d/.test(c.value)) cextra.value = c.value; // keep "1" a string
          if (!setText(ccells, 'label', c.text, choiceCols)) cextra.text = c.text;
          for (const [k, v] of Object.entries(c)) if (k !== 'value' && k !== 'text') cextra[k] = v;
        } else {
          ccells.name = String(c);
          if (typeof c === 'string' && /^-?\d/.test(c)) cextra.value = c;
        }
        if (Object.keys(cextra).length) {
          ccells.befund_extra = JSON.stringify(cextra);
          choiceCols.add('befund_extra');
        }
        choices.push({ row: choices.length + 2, cells: ccells });
      }
    }
    for (const [k, v] of Object.entries(e)) if (!handled.has(k) && !(k in extra)) extra[k] = v;
    if (Object.keys(extra).length) put(cells, 'befund_extra', JSON.stringify(extra));
    survey.push({ row: survey.length + 2, cells });
    if (isContainer) {
      const kids = (type === 'paneldynamic' ? e.templateElements : e.elements) as Json[] | undefined;
      for (const k of kids ?? []) element(k, type === 'paneldynamic' ? name : repeat, false);
      survey.push({ row: survey.length + 2, cells: { type: type === 'paneldynamic' ? 'end_repeat' : 'end_group' } });
    }
    type = '';
  };
  for (const p of (def.pages as Json[]) ?? []) element(p, undefined, true);

  const settings: Record<string, string> = {};
  const settingsCols = new Set<string>();
  const rootExtra: Json = {};
  if (!setText(settings, 'form_title', def.title, settingsCols)) rootExtra.title = def.title;
  if (formId) {
    settings.form_id = formId;
    settingsCols.add('form_id');
  }
  if (typeof def.locale === 'string') {
    settings.default_language = LANGUAGE_LABELS[def.locale] ?? `${def.locale} (${def.locale})`;
    settingsCols.add('default_language');
  }
  for (const [k, v] of Object.entries(def)) if (!['title', 'locale', 'pages'].includes(k)) rootExtra[k] = v;
  if (Object.keys(rootExtra).length) {
    settings.befund_extra = JSON.stringify(rootExtra);
    settingsCols.add('befund_extra');
  }
  const order = (cols: Set<string>, first: string[]) => [...first.filter((c) => cols.has(c)), ...[...cols].filter((c) => !first.includes(c)).sort()];
  const langCols = (base: string) => (locales ? locales.map((l) => col(base, l)) : [base]);
  const surveyFirst = ['type', 'name', ...langCols('label'), ...langCols('hint'), 'required', ...langCols('required_message'), 'relevant', 'constraint', ...langCols('constraint_message'), 'appearance', 'parameters', 'befund_role', 'befund_audiences', ...langCols('befund_short'), 'befund_extra'];
  return [
    { name: 'survey', columns: order(used, surveyFirst), rows: survey },
    { name: 'choices', columns: order(choiceCols, ['list_name', 'name', ...langCols('label'), 'befund_extra']), rows: choices },
    { name: 'settings', columns: order(settingsCols, [...langCols('form_title'), 'form_id', 'default_language', 'befund_extra']), rows: [{ row: 2, cells: settings }] },
  ];
}

/** The sheets as an .xlsx file. */
export async function writeXlsx(sheets: Sheet[]): Promise<Uint8Array> {
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use (about 0.5 s)
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.columns);
    ws.getRow(1).font = { bold: true };
    for (const r of s.rows) ws.addRow(s.columns.map((c) => r.cells[c] ?? null));
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
