// What the workspace's preview of an uploaded XLSForm file shows beside each question: what a
// lenient conversion left out, the converter's notes (missing translations), the linter's coverage warnings,
// what the HTML cleaner removed and how the coding changed against the newest version. Each
// finding names its element (so the preview puts it beside the question) and, where the
// spreadsheet has one, its row. Pure: the server gathers the inputs.
import type { Problem } from './sheets.ts';

export type FindingKind = 'dropped' | 'translation' | 'coverage' | 'coding' | 'cleaned' | 'lint';

export interface PreviewFinding {
  /** Question, panel or page name; `survey` for the whole form. */
  element: string;
  kind: FindingKind;
  /** Where in the spreadsheet, e.g. "survey, Zeile 14, Spalte label::English (en)". */
  where?: { sheet: string; row?: number; column?: string };
  de: string;
  en: string;
}

export interface PreviewInputs {
  /** question/panel/page name → its row in the survey sheet (ConvertResult.rows). */
  rows: Record<string, number>;
  /** ConvertResult.warnings. */
  warnings: Problem[];
  /** What a lenient conversion left out (ConvertResult.problems when ok). */
  dropped?: Problem[];
  lint?: { element: string; message: string }[];
  coverage?: { element: string; message: string }[];
  coding?: { element: string; message: string; en: string }[];
  cleaned?: { element: string; message: string }[];
}

/** The findings of one upload, each tied to an element and, if it has one, a spreadsheet row. */
export function previewFindings(input: PreviewInputs): PreviewFinding[] {
  const byRow = new Map(Object.entries(input.rows).map(([name, row]) => [row, name]));
  const at = (element: string) => {
    const row = input.rows[element];
    return row ? { sheet: 'survey', row, column: 'name' } : undefined;
  };
  const out: PreviewFinding[] = [];
  const ofRow = (p: Problem) => (p.sheet === 'survey' && p.row !== undefined && byRow.get(p.row)) || 'survey';
  for (const p of input.dropped ?? []) out.push({ element: ofRow(p), kind: 'dropped', where: { sheet: p.sheet, row: p.row, column: p.column }, de: `nicht übernommen: ${p.de}`, en: `left out: ${p.en}` });
  for (const w of input.warnings) out.push({ element: ofRow(w), kind: 'translation', where: { sheet: w.sheet, row: w.row, column: w.column }, de: w.de, en: w.en });
  for (const f of input.lint ?? []) out.push({ element: f.element, kind: 'lint', where: at(f.element), de: f.message, en: f.message });
  // a coverage finding names a question, or a profile's rule ("sme/barriers"): the latter belongs to the survey
  for (const f of input.coverage ?? []) {
    const known = input.rows[f.element] !== undefined;
    out.push({ element: known ? f.element : 'survey', kind: 'coverage', where: at(f.element), de: known ? f.message : `${f.element}: ${f.message}`, en: known ? f.message : `${f.element}: ${f.message}` });
  }
  for (const f of input.coding ?? []) out.push({ element: f.element, kind: 'coding', where: at(f.element), de: f.message, en: f.en });
  for (const f of input.cleaned ?? []) {
    const name = f.element.split(/[.\s]/)[0];
    out.push({ element: input.rows[name] !== undefined ? name : 'survey', kind: 'cleaned', where: at(name), de: `${f.element}: ${f.message}`, en: `${f.element}: ${f.message}` });
  }
  return out;
}

/** "survey, Zeile 14, Spalte relevant" (or "row 14, column …" in English). */
export function describeWhere(where: PreviewFinding['where'], lang: 'de' | 'en' = 'de'): string {
  if (!where) return '';
  return [where.sheet, where.row !== undefined ? `${lang === 'de' ? 'Zeile' : 'row'} ${where.row}` : '', where.column ? `${lang === 'de' ? 'Spalte' : 'column'} ${where.column}` : '']
    .filter(Boolean)
    .join(', ');
}

/** The slug a form gets when none is given: its form_id, else the file name, in slug letters. */
export function suggestedSlug(formId: string | undefined, fileName: string): string {
  const base = formId ?? (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.(xlsx|csv)$/i, '');
  return base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
