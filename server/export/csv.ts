// CSV as Excel and R open it: UTF-8 with BOM; for `de` `;`-separated with decimal comma (what
// German Excel expects, R's read.csv2), otherwise `,` and decimal point (read.csv). A text cell
// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, or with one of `=+-@` after
// leading spaces or line breaks (which spreadsheets skip before evaluating), is prefixed with
// `'`, so a spreadsheet never runs it as a formula; numbers are written by us and stay numbers.
import type { Writable } from 'node:stream';
import { CODEBOOK_HEADER, type CodebookRow, codebookNotes } from './codebook.ts';
import { type Cell, type ExportColumn, type Labels, labelled, NOT_ASKED } from './columns.ts';

export interface CsvOptions {
  locale: 'de' | 'en';
  labels: Labels;
}

export const BOM = '\uFEFF';

/** Writes and waits when the stream's buffer is full, so a slow reader slows the database reads. */
export async function put(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/** Neutralises spreadsheet formulas in text. */
export function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) || /^\s+[=+\-@]/.test(value) ? `'${value}` : value;
}

export function csvField(value: string, separator: string): string {
  return value.includes(separator) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatNumber(n: number, locale: 'de' | 'en'): string {
  const s = String(n);
  return locale === 'de' ? s.replace('.', ',') : s;
}

function cellText(cell: Cell, locale: 'de' | 'en'): string {
  if (cell === null || cell === NOT_ASKED) return '';
  if (typeof cell === 'number') return formatNumber(cell, locale);
  return safeText(cell);
}

export function csvLine(values: string[], separator: string): string {
  return `${values.map((v) => csvField(v, separator)).join(separator)}\r\n`;
}

export async function writeCsv(out: Writable, columns: ExportColumn[], rows: AsyncIterable<Cell[]>, options: CsvOptions): Promise<number> {
  const sep = options.locale === 'de' ? ';' : ',';
  await put(out, BOM + csvLine(columns.map((c) => c.name), sep));
  let n = 0;
  for await (const cells of rows) {
    const values = cells.map((cell, i) => cellText(options.labels === 'text' ? labelled(columns[i], cell, options.locale) : cell, options.locale));
    await put(out, csvLine(values, sep));
    n++;
  }
  return n;
}

/** The codebook as CSV in the same dialect; the notes come as rows named `#`. */
export function codebookCsv(rows: CodebookRow[], locale: 'de' | 'en'): string {
  const sep = locale === 'de' ? ';' : ',';
  const lines = [csvLine(CODEBOOK_HEADER, sep)];
  for (const note of codebookNotes(locale)) lines.push(csvLine(['#', '', '', safeText(note), ...CODEBOOK_HEADER.slice(4).map(() => '')], sep));
  for (const row of rows) lines.push(csvLine(CODEBOOK_HEADER.map((k) => safeText(row[k])), sep));
  return BOM + lines.join('');
}
