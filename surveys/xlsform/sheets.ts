// Reads an XLSForm workbook (.xlsx with exceljs, or .csv) into plain sheets: a header row and
// rows of text cells keyed by column name, each with its spreadsheet row number, so every
// later message can name sheet, row and column. Formulas are refused (their value depends on
// the program that last saved the file).
import type { Msg } from './expression.ts';

export interface Row {
  /** 1-based row number in the spreadsheet (or line in the CSV file). */
  row: number;
  cells: Record<string, string>;
}
export interface Sheet {
  name: string;
  columns: string[];
  rows: Row[];
}
export interface Problem extends Msg {
  sheet: string;
  row?: number;
  column?: string;
}

/** Largest file accepted (the workspace's request limit is 2 MB, base64 makes 4/3 of it). */
export const MAX_BYTES = 1.5 * 1024 * 1024;

export type SheetsResult = { ok: true; sheets: Sheet[] } | { ok: false; problems: Problem[] };

const fail = (problems: Problem[]): SheetsResult => ({ ok: false, problems });

/** Reads the bytes of an .xlsx or .csv file; `fileName` decides which. */
export async function readSheets(bytes: Uint8Array, fileName: string): Promise<SheetsResult> {
  const file = fileName.split(/[\\/]/).pop() ?? fileName;
  if (bytes.length > MAX_BYTES)
    return fail([{ sheet: file, de: `die Datei ist größer als ${MAX_BYTES / 1024 / 1024} MB`, en: `the file is larger than ${MAX_BYTES / 1024 / 1024} MB` }]);
  if (/\.csv$/i.test(file)) return readCsv(new TextDecoder('utf-8').decode(bytes));
  // .xlsx is a zip file: it starts with "PK\3\4"
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4))
    return fail([{ sheet: file, de: 'die Datei ist keine Tabelle im Format .xlsx (oder .csv)', en: 'the file is not an .xlsx (or .csv) spreadsheet' }]);
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use (about 0.5 s)
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return fail([{ sheet: file, de: 'die Datei ist keine lesbare .xlsx-Tabelle', en: 'the file is not a readable .xlsx spreadsheet' }]);
  }
  const sheets: Sheet[] = [];
  const problems: Problem[] = [];
  for (const ws of wb.worksheets) {
    const grid: { row: number; values: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
      const values: string[] = [];
      r.eachCell({ includeEmpty: false }, (cell, col) => {
        const v = cell.value as unknown;
        if (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) {
          problems.push({ sheet: ws.name, row: rowNumber, column: columnLetter(col), de: 'die Zelle enthält eine Formel; bitte nur Werte eintragen', en: 'the cell holds a formula; enter values only' });
          return;
        }
        values[col - 1] = cellText(v);
      });
      grid.push({ row: rowNumber, values });
    });
    sheets.push(toSheet(ws.name, grid));
  }
  return problems.length ? fail(problems) : { ok: true, sheets };
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown };
    if (o.richText) return o.richText.map((t) => t.text).join('').trim();
    if (typeof o.text === 'string') return o.text.trim();
  }
  return String(v).trim();
}

export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function toSheet(name: string, grid: { row: number; values: string[] }[]): Sheet {
  const [head, ...rest] = grid;
  const columns = (head?.values ?? []).map((c) => (c ?? '').trim());
  const rows = rest
    .map(({ row, values }) => {
      const cells: Record<string, string> = {};
      columns.forEach((c, i) => {
        if (c && values[i] !== undefined && values[i] !== '') cells[c] = values[i];
      });
      return { row, cells };
    })
    .filter((r) => Object.keys(r.cells).length > 0);
  return { name, columns: columns.filter(Boolean), rows };
}

/** Splits CSV text into records (RFC 4180 quotes; `,` or `;` as chosen by the first line). */
export function parseCsv(text: string): string[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = src.split('\n', 1)[0];
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const out: string[][] = [];
  let rec: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      rec.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      rec.push(cell);
      out.push(rec);
      rec = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || rec.length) {
    rec.push(cell);
    out.push(rec);
  }
  return out;
}

const SHEET_NAMES = new Set(['survey', 'choices', 'settings']);

/**
 * A CSV file is either the survey sheet alone (first row: its column names), or pyxform's
 * one-file layout: a row whose first cell is `survey`, `choices` or `settings` starts that
 * sheet, its other cells are the column names, and the rows below leave the first cell empty.
 */
export function readCsv(text: string): SheetsResult {
  const records = parseCsv(text).map((values, i) => ({ row: i + 1, values: values.map((v) => v.trim()) }));
  const first = records.find((r) => r.values.some(Boolean));
  if (!first) return fail([{ sheet: 'survey', de: 'die Datei ist leer', en: 'the file is empty' }]);
  if (!SHEET_NAMES.has(first.values[0]?.toLowerCase())) return { ok: true, sheets: [toSheet('survey', records.filter((r) => r.values.some(Boolean)))] };
  const sheets: Sheet[] = [];
  let current: { name: string; grid: { row: number; values: string[] }[] } | undefined;
  for (const r of records) {
    if (!r.values.some(Boolean)) continue;
    const head = r.values[0]?.toLowerCase();
    if (head && SHEET_NAMES.has(head)) {
      if (current) sheets.push(toSheet(current.name, current.grid));
      current = { name: head, grid: [{ row: r.row, values: r.values.slice(1) }] };
    } else if (current) current.grid.push({ row: r.row, values: r.values.slice(1) });
  }
  if (current) sheets.push(toSheet(current.name, current.grid));
  return { ok: true, sheets };
}
