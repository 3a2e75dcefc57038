// XLSX with exceljs's streaming writer: a data sheet (rows committed one by one, no shared-string
// table, so memory stays flat) and a codebook sheet. Text is written as text cells, which
// spreadsheets never evaluate as formulas.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { CODEBOOK_HEADER, type CodebookRow, codebookNotes } from './codebook.ts';
import { type Cell, type ExportColumn, type Labels, labelled, NOT_ASKED } from './columns.ts';

export interface XlsxOptions {
  labels: Labels;
  locale: 'de' | 'en';
}

export async function writeXlsx(out: Writable, columns: ExportColumn[], rows: AsyncIterable<Cell[]>, codebook: CodebookRow[], options: XlsxOptions): Promise<number> {
  const { default: ExcelJS } = await import('exceljs'); // loaded on first use (about 0.5 s)
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const data = workbook.addWorksheet(options.locale === 'de' ? 'Daten' : 'Data');
  data.addRow(columns.map((c) => c.name)).commit();
  let n = 0;
  for await (const cells of rows) {
    const values = cells.map((cell, i) => {
      const v = options.labels === 'text' ? labelled(columns[i], cell, options.locale) : cell;
      return v === NOT_ASKED ? null : v;
    });
    data.addRow(values).commit();
    n++;
    // Let the zip stream run now and then, and wait while the destination is full.
    if (n % 500 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  }
  data.commit();
  const book = workbook.addWorksheet(options.locale === 'de' ? 'Codebuch' : 'Codebook');
  book.addRow(CODEBOOK_HEADER).commit();
  for (const note of codebookNotes(options.locale)) book.addRow(['#', '', '', note]).commit();
  for (const row of codebook) book.addRow(CODEBOOK_HEADER.map((k) => row[k])).commit();
  book.commit();
  await workbook.commit();
  return n;
}
