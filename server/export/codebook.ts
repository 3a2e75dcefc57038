// The codebook written beside every export: per column and per version its name, question
// text, type, value codes and value labels, plus the notes a researcher needs (no small-group
// suppression, how missing values are written).
import type { Catalogue } from '../../surveys/types.ts';
import { type ExportColumn, text, type VersionCatalogue } from './columns.ts';

export interface CodebookRow {
  variable: string;
  key: string;
  /** The version this row describes; metadata columns describe all versions ("alle"). */
  version: string;
  question: string;
  label: string;
  measure: string;
  type: string;
  level: string;
  values: string;
  /** Why a cell can be empty: no answer, or not asked (and where to see which). */
  missing: string;
}

export const CODEBOOK_HEADER: (keyof CodebookRow)[] = ['variable', 'key', 'version', 'question', 'label', 'measure', 'type', 'level', 'values', 'missing'];

const NOTES: Record<'de' | 'en', string[]> = {
  de: [
    'Exporte wenden KEINE Unterdrückung kleiner Gruppen an: sie sind für die auswertende Person bestimmt. Berichte und Berichts-Downloads unterdrücken kleine Gruppen.',
    'Fehlende Werte: in CSV, XLSX und JSON leer (in R NA). Ob leer "keine Antwort" oder "nicht gefragt" heißt (eine Bedingung hat die Frage ausgeblendet oder die Version hatte sie nicht), sagt die Spalte <frage>_asked (1 = gefragt, 0 = nicht gefragt); die Spalte "missing" nennt sie. In SPSS -99 = keine Antwort, -98 = nicht gefragt (beide als fehlend deklariert und beschriftet); Zahlenfragen: systemfehlend.',
    'Mehrfachauswahl: je Auswahl eine Spalte mit 1 = gewählt, 0 = nicht gewählt (leer, wenn die Frage nicht beantwortet wurde), auch für "Sonstiges" (<frage>_other_chosen). Der "Sonstiges"-Text steht in eigener Spalte.',
    'Wiederholte Zeilen (matrixdynamic, paneldynamic) stehen als Text, die Werte mit " | " getrennt.',
  ],
  en: [
    'Exports apply NO small-group suppression: they are meant for the researcher. Reports and report downloads do suppress small groups.',
    'Missing values: empty in CSV, XLSX and JSON (NA in R). Whether empty means "no answer" or "not asked" (a condition hid the question, or its version lacked it) is in the column <question>_asked (1 = asked, 0 = not asked); the column "missing" names it. In SPSS -99 = no answer, -98 = not asked (both declared missing and labelled); numeric questions: system-missing.',
    'Multiple choice: one column per choice with 1 = chosen, 0 = not chosen (empty if the question was not answered), "Other" too (<question>_other_chosen). The "Other" text is in its own column.',
    'Repeated rows (matrixdynamic, paneldynamic) are text, values separated by " | ".',
  ],
};

export function codebookNotes(locale: string): string[] {
  return NOTES[locale === 'en' ? 'en' : 'de'];
}

function valuesText(values: { code: number | string; label: string }[]): string {
  return values.map((v) => `${v.code} = ${v.label}`).join(' | ');
}

/** One row per column and version in which it exists; the codes are the merged ones. */
const MISSING = {
  de: { none: 'leer = keine Antwort', asked: (name: string) => `leer = keine Antwort bei ${name} = 1, nicht gefragt bei ${name} = 0`, sav: 'SPSS: -99 = keine Antwort, -98 = nicht gefragt' },
  en: { none: 'empty = no answer', asked: (name: string) => `empty = no answer where ${name} = 1, not asked where ${name} = 0`, sav: 'SPSS: -99 = no answer, -98 = not asked' },
};

/** The codebook's "missing" column: what an empty cell means for this column. */
function missingText(col: ExportColumn, askedColumn: string | undefined, locale: string): string {
  if (col.meta || col.asked) return '';
  const w = MISSING[locale === 'en' ? 'en' : 'de'];
  const why = askedColumn ? w.asked(askedColumn) : w.none;
  return col.type === 'numeric' && col.values.length > 0 ? `${why} (${w.sav})` : why;
}

export function codebookRows(columns: ExportColumn[], versions: VersionCatalogue[], locale: string): CodebookRow[] {
  const ascending = [...versions].sort((a, b) => a.version - b.version);
  const askedColumn = new Map(columns.filter((c) => c.asked).map((c) => [c.question, c.name]));
  const rows: CodebookRow[] = [];
  for (const col of columns) {
    const base = { variable: col.name, key: col.key, measure: col.measure, type: col.type, level: col.level, missing: missingText(col, askedColumn.get(col.question), locale) };
    if (col.asked) {
      const values = col.values.map((c) => ({ code: c.code, label: text(c.label, locale) }));
      rows.push({ ...base, version: locale === 'en' ? 'all' : 'alle', question: text(col.questionTitle, locale), label: text(col.label, locale), values: valuesText(values) });
      continue;
    }
    if (col.meta) {
      rows.push({ ...base, version: locale === 'en' ? 'all' : 'alle', question: '', label: text(col.label, locale), values: '' });
      continue;
    }
    for (const v of ascending) {
      const found = findVariable(v.catalogue, col.key);
      if (!found) continue;
      // Value labels as this version words them, with the merged (stable) codes.
      const own = new Map((found.variable.values ?? []).map((c) => [String(c.value), c.label]));
      const values = col.values.filter((c) => own.has(c.value)).map((c) => ({ code: c.code, label: text(own.get(c.value) ?? c.label, locale) }));
      rows.push({
        ...base,
        version: String(v.version),
        question: text(found.title, locale),
        label: text(found.variable.label, locale),
        measure: found.variable.measure,
        values: valuesText(values),
      });
    }
  }
  return rows;
}

function findVariable(catalogue: Catalogue, key: string) {
  for (const q of catalogue.questions) {
    const variable = q.variables.find((v) => v.key === key);
    if (variable) return { title: q.title, variable };
  }
  return undefined;
}
