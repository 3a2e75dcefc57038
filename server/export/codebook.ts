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
}

export const CODEBOOK_HEADER: (keyof CodebookRow)[] = ['variable', 'key', 'version', 'question', 'label', 'measure', 'type', 'level', 'values'];

const NOTES: Record<'de' | 'en', string[]> = {
  de: [
    'Exporte wenden KEINE Unterdrückung kleiner Gruppen an: sie sind für die auswertende Person bestimmt. Berichte und Berichts-Downloads unterdrücken kleine Gruppen.',
    'Fehlende Werte: in CSV, XLSX und JSON leer. In SPSS -99 = keine Antwort, -98 = in dieser Version nicht gefragt (beide als fehlend deklariert); Zahlenfragen: systemfehlend.',
    'Mehrfachauswahl: je Auswahl eine Spalte mit 1 = gewählt, 0 = nicht gewählt (leer, wenn die Frage nicht beantwortet wurde). "Sonstiges"-Text in eigener Spalte.',
    'Wiederholte Zeilen (matrixdynamic, paneldynamic) stehen als Text, die Werte mit " | " getrennt.',
  ],
  en: [
    'Exports apply NO small-group suppression: they are meant for the researcher. Reports and report downloads do suppress small groups.',
    'Missing values: empty in CSV, XLSX and JSON. In SPSS -99 = no answer, -98 = not asked in this version (both declared missing); numeric questions: system-missing.',
    'Multiple choice: one column per choice with 1 = chosen, 0 = not chosen (empty if the question was not answered). "Other" text in its own column.',
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
export function codebookRows(columns: ExportColumn[], versions: VersionCatalogue[], locale: string): CodebookRow[] {
  const ascending = [...versions].sort((a, b) => a.version - b.version);
  const rows: CodebookRow[] = [];
  for (const col of columns) {
    const base = { variable: col.name, key: col.key, measure: col.measure, type: col.type, level: col.level };
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
