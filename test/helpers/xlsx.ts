// XLSForm fixtures as real .xlsx workbooks: the one-file CSV form (test/fixtures/xlsform) read by
// the production CSV reader and written sheet by sheet, for the upload, CLI and browser tests.
import ExcelJS from 'exceljs';
import { readCsv } from '../../surveys/xlsform/sheets.ts';

/** A one-file CSV form as a real .xlsx workbook, with `edit` applied to each row's cells first. */
export async function xlsxOf(text: string, edit: (sheet: string, cells: Record<string, string>) => void = () => {}): Promise<Buffer> {
  const read = readCsv(text);
  if (!read.ok) throw new Error('fixture unreadable');
  const wb = new ExcelJS.Workbook();
  for (const s of read.sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.columns);
    for (const r of s.rows) {
      const cells = { ...r.cells };
      edit(s.name, cells);
      ws.addRow(s.columns.map((c) => cells[c] ?? null));
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
