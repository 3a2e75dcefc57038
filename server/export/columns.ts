// Export columns from the question catalogues of all versions of a survey: one column per
// analysable variable (matrix rows and checkbox choices already split by the catalogue, "other"
// text in its own column) plus the response's metadata. Rows are built with the same
// `extractValues` / `extractOpenTexts` that feed the reports, so exports and reports agree.
//
// Column names (documented in the codebook, stable across exports):
//  - derived from the catalogue key only: `channels.web` → `channels_web`; umlauts are
//    transliterated (ä → ae, ß → ss), any other character outside [A-Za-z0-9_] becomes `_`;
//  - they start with a letter (else `v_` is put in front), are at most 64 bytes, are no SPSS
//    reserved word, and are unique ignoring case (a later duplicate gets `_2`, `_3`, …);
//  - the metadata columns come first and keep their names: response_id, version, segment,
//    link_label, status, completed_on;
//  - a question that some respondents were not asked (a condition hides it, or a version lacks
//    it) gets `<question>_asked` after its columns: 1 = asked, 0 = not asked. An empty cell is
//    "no answer" where it is 1 and "not asked" where it is 0 (in SPSS: -99 and -98).
// Value codes: choices whose stored values are all numbers keep them (a rating 1–5 stays 1–5);
// booleans become 1 = true, 0 = false; other choices are numbered 1, 2, … in the order they
// first appeared across versions (oldest first), so a new version never changes an old code.
import { extractOpenTexts, extractValues } from '../../analysis/extract.ts';
import { baseName, splitCatalogue } from '../../analysis/versions.ts';
import { mayBeSkipped, notAskedFor } from '../../surveys/asked.ts';
import type { Catalogue, Choice, LocalizedText, Measure } from '../../surveys/types.ts';

export type ColumnType = 'numeric' | 'string';
export type SpssLevel = 'nominal' | 'ordinal' | 'scale';

export interface ValueCode {
  code: number;
  /** The value as SurveyJS stores it. */
  value: string;
  label: LocalizedText;
}

export interface ExportColumn {
  name: string;
  /** The catalogue key (`q.row`), or the metadata field for the first columns. */
  key: string;
  meta: boolean;
  type: ColumnType;
  measure: Measure | 'meta';
  level: SpssLevel;
  label: LocalizedText;
  /** The question's name and title (the newest version's wording). */
  question: string;
  questionTitle: LocalizedText;
  values: ValueCode[];
  /** Versions whose catalogue has this variable, ascending. */
  versions: number[];
  /** Pooled variables (matrixdynamic, paneldynamic) can hold several values: joined with ` | `. */
  pooled: boolean;
  /** The `<question>_asked` column (1 = asked, 0 = not asked) of `question`. */
  asked?: boolean;
}

export interface VersionCatalogue {
  id: number;
  version: number;
  catalogue: Catalogue;
  /** The SurveyJS definition, which says who was asked what (surveys/asked.ts). */
  definition?: unknown;
}

/** A cell: a number, a string, no answer (null) or "not asked" (a condition hid it, or the version lacks it). */
export const NOT_ASKED = Symbol('not asked');
export type Cell = number | string | null | typeof NOT_ASKED;

export interface ResponseRecord {
  id: string;
  versionId: number;
  segment: string;
  linkLabel: string | null;
  status: string;
  completedOn: string | null;
  data: Record<string, unknown>;
}

const RESERVED = new Set(['ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH']);
const POOLED_TYPES = new Set(['matrixdynamic', 'paneldynamic']);

/** An SPSS-, R- and Stata-safe name for a catalogue key (without the uniqueness step). */
export function safeName(key: string): string {
  let name = key
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae')
    .replace(/Ö/g, 'Oe')
    .replace(/Ü/g, 'Ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z]/.test(name)) name = `v_${name}`;
  name = name.slice(0, 64);
  if (RESERVED.has(name.toUpperCase())) name = `${name}_`;
  return name;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name.toUpperCase()); i++) name = `${base.slice(0, 64 - String(i).length - 1)}_${i}`;
  taken.add(name.toUpperCase());
  return name;
}

function levelOf(measure: Measure): SpssLevel {
  if (measure === 'ordinal' || measure === 'rank') return 'ordinal';
  if (measure === 'scale') return 'scale';
  return 'nominal';
}

const isNumeric = (v: Choice['value']) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

/** Assigns codes to merged choices; `choices` are in first-seen order. */
function codes(choices: Choice[]): ValueCode[] {
  if (choices.every((c) => isNumeric(c.value))) return choices.map((c) => ({ code: Number(c.value), value: String(c.value), label: c.label }));
  if (choices.every((c) => typeof c.value === 'boolean')) return choices.map((c) => ({ code: c.value ? 1 : 0, value: String(c.value), label: c.label }));
  return choices.map((c, i) => ({ code: i + 1, value: String(c.value), label: c.label }));
}

const META: { key: string; type: ColumnType; level: SpssLevel; label: LocalizedText }[] = [
  { key: 'response_id', type: 'string', level: 'nominal', label: { de: 'Antwort-ID', en: 'Response ID' } },
  { key: 'version', type: 'numeric', level: 'ordinal', label: { de: 'Version der Umfrage', en: 'Survey version' } },
  { key: 'segment', type: 'string', level: 'nominal', label: { de: 'Zielgruppe (Segment)', en: 'Audience (segment)' } },
  { key: 'link_label', type: 'string', level: 'nominal', label: { de: 'Link-Bezeichnung', en: 'Link label' } },
  { key: 'status', type: 'string', level: 'nominal', label: { de: 'Status (complete/partial)', en: 'Status (complete/partial)' } },
  { key: 'completed_on', type: 'string', level: 'nominal', label: { de: 'Abgeschlossen am (Datum)', en: 'Completed on (date)' } },
];

/** The export columns of a survey from all its versions (any order). */
export function exportColumns(versions: VersionCatalogue[]): ExportColumn[] {
  const ascending = [...versions].sort((a, b) => a.version - b.version);
  const taken = new Set<string>();
  const columns: ExportColumn[] = META.map((m) => ({
    name: uniqueName(m.key, taken),
    key: m.key,
    meta: true,
    type: m.type,
    measure: 'meta',
    level: m.level,
    label: m.label,
    question: '',
    questionTitle: { de: '' },
    values: [],
    versions: ascending.map((v) => v.version),
    pooled: false,
  }));
  const byKey = new Map<string, ExportColumn & { choices: Choice[] }>();
  for (const v of ascending) {
    // a question whose codes or scale changed gets a variable per coding (`q@v2` → `q_v2`)
    for (const q of splitCatalogue(v.catalogue).questions) {
      for (const variable of q.variables) {
        let col = byKey.get(variable.key);
        if (!col) {
          col = {
            name: '',
            key: variable.key,
            meta: false,
            type: 'string',
            measure: variable.measure,
            level: 'nominal',
            label: variable.label,
            question: q.name,
            questionTitle: q.title,
            values: [],
            versions: [],
            pooled: false,
            choices: [],
          };
          byKey.set(variable.key, col);
        }
        // The newest version's wording and measure win; codes keep the oldest order.
        col.measure = variable.measure;
        col.label = variable.label;
        col.questionTitle = q.title;
        col.pooled ||= POOLED_TYPES.has(q.type);
        col.versions.push(v.version);
        for (const choice of variable.values ?? []) {
          const existing = col.choices.find((c) => String(c.value) === String(choice.value));
          if (existing) existing.label = choice.label;
          else col.choices.push({ ...choice });
        }
      }
    }
  }
  // questions some respondents were not asked: conditional in a version, or missing from one
  const skippable = new Set<string>();
  for (const v of ascending) for (const name of mayBeSkipped(v.definition)) skippable.add(v.catalogue.splits?.[name] ?? name);
  const all = ascending.map((v) => v.version);
  const cols = [...byKey.values()];
  // two codings of one question: each variable's label says which versions it holds
  const recoded = new Set(cols.filter((c) => baseName(c.question) !== c.question).map((c) => baseName(c.question)));
  for (const c of cols) {
    if (!recoded.has(baseName(c.question))) continue;
    const v = c.versions.join(', ');
    const tag: LocalizedText = { de: `Kodierung der Fassung ${v}`, en: `coding of version ${v}` };
    c.label = Object.fromEntries(Object.entries(c.label).map(([l, t]) => [l, `${t} (${tag[l] ?? tag.de})`])) as LocalizedText;
  }
  cols.forEach((col, i) => {
    const { choices, ...rest } = col;
    const numeric = rest.measure !== 'text' && !rest.pooled;
    columns.push({
      ...rest,
      name: uniqueName(safeName(rest.key), taken),
      type: numeric ? 'numeric' : 'string',
      level: numeric && rest.measure !== 'meta' ? levelOf(rest.measure) : 'nominal',
      values: numeric && rest.measure !== 'scale' && rest.measure !== 'rank' ? codes(choices) : [],
    });
    const last = cols[i + 1]?.question !== col.question;
    const versions = new Set(cols.filter((c) => c.question === col.question).flatMap((c) => c.versions));
    if (last && (skippable.has(col.question) || versions.size < all.length)) {
      columns.push({
        name: uniqueName(`${safeName(col.question).slice(0, 58)}_asked`, taken),
        key: `${col.question}._asked`,
        meta: false,
        type: 'numeric',
        measure: 'nominal',
        level: 'nominal',
        label: { de: `${text(col.questionTitle, 'de')}: gefragt?`, en: `${text(col.questionTitle, 'en')}: asked?` },
        question: col.question,
        questionTitle: col.questionTitle,
        values: ASKED_VALUES,
        versions: all,
        pooled: false,
        asked: true,
      });
    }
  });
  return columns;
}

const ASKED_VALUES: ValueCode[] = [
  { code: 1, value: '1', label: { de: 'gefragt', en: 'asked' } },
  { code: 0, value: '0', label: { de: 'nicht gefragt', en: 'not asked' } },
];

export type Labels = 'codes' | 'text';

/** Builds one row's cells from a response; `asked` tells which keys its version has. */
export function rowCells(
  columns: ExportColumn[],
  versions: Map<number, VersionCatalogue & { keys: Set<string>; questions: Set<string>; notAsked: (data: Record<string, unknown>) => Set<string> }>,
  r: ResponseRecord,
): Cell[] {
  const version = versions.get(r.versionId);
  if (!version) throw new Error(`version ${r.versionId} of response ${r.id} missing`);
  const found = new Map<string, string[]>();
  const add = (variable: string, value: string) => {
    const list = found.get(variable);
    if (list) list.push(value);
    else found.set(variable, [value]);
  };
  for (const v of extractValues(version.catalogue, r.data)) add(v.variable, v.value);
  for (const t of extractOpenTexts(version.catalogue, r.data)) add(t.variable, t.text);
  // a stored answer is always exported, even where the condition now says hidden (data stored
  // before validation, or imported): nothing is lost, and its question counts as asked
  const skipped = version.notAsked(r.data);
  for (const col of columns) if (skipped.has(col.question) && found.has(col.key)) skipped.delete(col.question);
  return columns.map((col): Cell => {
    if (col.meta) return metaCell(col.key, version.version, r);
    if (col.asked) return version.questions.has(col.question) && !skipped.has(col.question) ? 1 : 0;
    if (!version.keys.has(col.key) || skipped.has(col.question)) return NOT_ASKED;
    const list = found.get(col.key);
    if (!list || list.length === 0) return null;
    if (col.type === 'string') return list.join(' | ');
    const raw = list[0];
    if (col.values.length > 0) return col.values.find((c) => c.value === raw)?.code ?? null;
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  });
}

function metaCell(key: string, version: number, r: ResponseRecord): Cell {
  switch (key) {
    case 'response_id':
      return r.id;
    case 'version':
      return version;
    case 'segment':
      return r.segment;
    case 'link_label':
      return r.linkLabel;
    case 'status':
      return r.status;
    default:
      return r.completedOn;
  }
}

/** The index the row builder needs: versions by id, with the keys and questions each version has and who it asked. */
export function versionIndex(versions: VersionCatalogue[]) {
  return new Map(
    versions.map((v) => {
      // keys and names as the version counts them: a question whose coding changed is `q@v2`
      const split = splitCatalogue(v.catalogue);
      const rename = (names: Set<string>) => new Set([...names].map((n) => v.catalogue.splits?.[n] ?? n));
      const notAsked = v.definition === undefined ? () => new Set<string>() : notAskedFor(v.definition);
      return [
        v.id,
        {
          ...v,
          keys: new Set(split.questions.flatMap((q) => q.variables.map((x) => x.key))),
          questions: new Set(split.questions.map((q) => q.name)),
          notAsked: v.catalogue.splits ? (data: Record<string, unknown>) => rename(notAsked(data)) : notAsked,
        },
      ];
    }),
  );
}

/** The label of a coded cell in `locale` (German if missing), or the cell itself. */
export function labelled(col: ExportColumn, cell: Cell, locale: string): Cell {
  if (typeof cell !== 'number' || col.values.length === 0) return cell;
  const code = col.values.find((c) => c.code === cell);
  return code ? (code.label[locale] ?? code.label.de) : cell;
}

export function text(label: LocalizedText, locale: string): string {
  return label[locale] ?? label.de;
}
