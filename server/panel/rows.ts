// Participant lists (partner panel): a CSV or XLSX file → header mapping → one checked row per
// line, or a sentence naming the line. Pure functions except the XLSX reader (exceljs).
import { z } from 'zod';

export type Lang = 'de' | 'en';

export interface ParticipantRow {
  /** Line in the file (the header is line 1). */
  line: number;
  email: string;
  name: string | null;
  organisation: string | null;
  segment: string;
  label: string | null;
  language: Lang;
}

export interface RowError {
  line: number;
  message: string;
  en: string;
}

export const FIELDS = ['email', 'name', 'organisation', 'segment', 'label', 'language'] as const;
type Field = (typeof FIELDS)[number];

/** Header names each field is known by (compared lower-case, without spaces, dashes, underscores). */
const ALIASES: Record<Field, string[]> = {
  email: ['email', 'mail', 'emailadresse', 'mailadresse', 'emailaddress'],
  name: ['name', 'kontakt', 'contact', 'ansprechperson', 'ansprechpartner'],
  organisation: ['organisation', 'organization', 'org', 'firma', 'einrichtung', 'partner', 'company'],
  segment: ['segment', 'zielgruppe', 'gruppe', 'audience', 'group'],
  label: ['label', 'kennung', 'bezeichnung', 'tag'],
  language: ['language', 'sprache', 'lang', 'locale'],
};

/** German names of the domain's segments, as a list may spell them. */
const SEGMENT_NAMES: Record<string, string> = {
  intermediäre: 'intermediary',
  intermediaere: 'intermediary',
  intermediaries: 'intermediary',
  kmu: 'sme',
  smes: 'sme',
  betriebsräte: 'works_council',
  betriebsraete: 'works_council',
  betriebsrat: 'works_council',
  'works council': 'works_council',
  'works councils': 'works_council',
};

const norm = (h: string) => h.trim().toLowerCase().replace(/[\s_-]+/g, '');

/** Which column holds which field; a sentence when e-mail or segment is missing or a field appears twice. */
export function mapHeader(header: string[]): { columns: Partial<Record<Field, number>> } | { error: RowError } {
  const columns: Partial<Record<Field, number>> = {};
  for (const [i, raw] of header.entries()) {
    const h = norm(raw.replace(/^\uFEFF/, ''));
    const field = FIELDS.find((f) => ALIASES[f].includes(h));
    if (!field) continue;
    if (columns[field] !== undefined)
      return { error: { line: 1, message: `Zeile 1: Die Spalte „${field}“ kommt zweimal vor.`, en: `Line 1: the column "${field}" appears twice.` } };
    columns[field] = i;
  }
  for (const f of ['email', 'segment'] as const)
    if (columns[f] === undefined)
      return {
        error: {
          line: 1,
          message: `Zeile 1: Die Spalte „${f === 'email' ? 'E-Mail' : 'Segment'}“ fehlt; erwartet werden die Spalten E-Mail, Name, Organisation, Segment, Label, Sprache.`,
          en: `Line 1: the column "${f === 'email' ? 'e-mail' : 'segment'}" is missing; expected columns are e-mail, name, organisation, segment, label, language.`,
        },
      };
  return { columns };
}

const Email = z.email();

/** One data line checked: a row, or a German sentence (English second) naming the line and field. */
export function checkRow(cells: string[], columns: Partial<Record<Field, number>>, line: number, segments: ReadonlySet<string>): ParticipantRow | RowError {
  const get = (f: Field) => {
    const i = columns[f];
    const v = i === undefined ? '' : (cells[i] ?? '').trim();
    return v;
  };
  const fail = (message: string, en: string): RowError => ({ line, message: `Zeile ${line}: ${message}`, en: `Line ${line}: ${en}` });
  if (cells.some((c) => c.includes('\u0000'))) return fail('Die Zeile enthält ein unzulässiges Steuerzeichen (NUL).', 'the line holds a forbidden control character (NUL).');
  const email = get('email');
  if (!email) return fail('Die E-Mail-Adresse fehlt.', 'the e-mail address is missing.');
  if (email.length > 254 || !Email.safeParse(email).success) return fail(`„${email.slice(0, 80)}“ ist keine gültige E-Mail-Adresse.`, `"${email.slice(0, 80)}" is not a valid e-mail address.`);
  const rawSegment = get('segment');
  if (!rawSegment) return fail('Das Segment fehlt (z. B. intermediary, sme oder works_council).', 'the segment is missing (e.g. intermediary, sme or works_council).');
  const segment = SEGMENT_NAMES[rawSegment.toLowerCase()] ?? rawSegment;
  if (!segments.has(segment))
    return fail(`Das Segment „${rawSegment.slice(0, 60)}“ ist unbekannt; bekannt sind ${[...segments].join(', ')}.`, `the segment "${rawSegment.slice(0, 60)}" is unknown; known are ${[...segments].join(', ')}.`);
  const rawLang = get('language').toLowerCase();
  const language = rawLang === '' || rawLang === 'de' || rawLang === 'deutsch' || rawLang === 'german' ? 'de' : rawLang === 'en' || rawLang === 'englisch' || rawLang === 'english' ? 'en' : null;
  if (!language) return fail(`Die Sprache „${rawLang.slice(0, 20)}“ ist unbekannt; erlaubt sind de und en.`, `the language "${rawLang.slice(0, 20)}" is unknown; allowed are de and en.`);
  const text = (f: Field, max: number): string | null | RowError => {
    const v = get(f);
    if (v.length > max) return fail(`Das Feld „${f}“ ist länger als ${max} Zeichen.`, `the field "${f}" is longer than ${max} characters.`);
    return v === '' ? null : v;
  };
  const name = text('name', 200);
  const organisation = text('organisation', 300);
  const label = text('label', 200);
  for (const v of [name, organisation, label]) if (v && typeof v === 'object') return v;
  return { line, email, name: name as string | null, organisation: organisation as string | null, segment, label: label as string | null, language };
}

export const isRowError = (r: ParticipantRow | RowError): r is RowError => 'message' in r;

/** Text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 as Excel writes it in Germany. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** RFC 4180 records; the separator (`,` `;` or tab) is the one the header line uses most. */
export function* csvRecords(text: string): Generator<{ line: number; cells: string[] }> {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = [';', ',', '\t'].map((s) => [s, firstLine.split(s).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((x) => x.trim() !== '')) yield { line: start, cells };
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.some((x) => x.trim() !== '')) yield { line: start, cells };
}

/** Records of the first worksheet of an XLSX file (cell text as shown). */
export async function xlsxRecords(bytes: Uint8Array): Promise<{ line: number; cells: string[] }[]> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0];
  const out: { line: number; cells: string[] }[] = [];
  if (!sheet) return out;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value as unknown;
      const text = v && typeof v === 'object' && 'text' in v ? String((v as { text: unknown }).text) : v && typeof v === 'object' && 'hyperlink' in v ? String((v as { hyperlink: string }).hyperlink).replace(/^mailto:/, '') : v == null ? '' : String(v);
      cells[col - 1] = text;
    });
    out.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return out;
}

export interface CheckedList {
  rows: ParticipantRow[];
  errors: RowError[];
  /** Lines whose e-mail appeared earlier in the file (kept once). */
  duplicates: RowError[];
  encoding?: string;
}

/** Header mapping, row checks and deduplication (by e-mail, case-insensitive) over a file's records. */
export function checkList(records: Iterable<{ line: number; cells: string[] }>, segments: ReadonlySet<string>): CheckedList {
  const rows: ParticipantRow[] = [];
  const errors: RowError[] = [];
  const duplicates: RowError[] = [];
  const seen = new Map<string, number>();
  let columns: Partial<Record<Field, number>> | undefined;
  for (const { line, cells } of records) {
    if (!columns) {
      const mapped = mapHeader(cells);
      if ('error' in mapped) return { rows: [], errors: [mapped.error], duplicates };
      columns = mapped.columns;
      continue;
    }
    const r = checkRow(cells, columns, line, segments);
    if (isRowError(r)) {
      errors.push(r);
      continue;
    }
    const key = r.email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      duplicates.push({ line, message: `Zeile ${line}: ${r.email} steht schon in Zeile ${first}.`, en: `Line ${line}: ${r.email} is already in line ${first}.` });
      continue;
    }
    seen.set(key, line);
    rows.push(r);
  }
  if (!columns) errors.push({ line: 1, message: 'Die Datei ist leer.', en: 'The file is empty.' });
  return { rows, errors, duplicates };
}
