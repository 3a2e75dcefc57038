// XLSForm in one call: the bytes of an .xlsx or .csv file → SurveyJS JSON, or the problems
// that name sheet, row and column.
import { type ConvertOptions, type ConvertResult, convertXlsForm } from './convert.ts';
import { readSheets } from './sheets.ts';

export { describeProblem } from './convert.ts';
export type { Problem } from './sheets.ts';

/** True for a file name the XLSForm reader takes. */
export const isXlsFormFile = (fileName: string): boolean => /\.(xlsx|csv)$/i.test(fileName);

export async function readXlsForm(bytes: Uint8Array, fileName: string, opts: ConvertOptions = {}): Promise<ConvertResult> {
  const read = await readSheets(bytes, fileName);
  if (!read.ok) return { ok: false, problems: read.problems, warnings: [], rows: {} };
  return convertXlsForm(read.sheets, opts);
}
