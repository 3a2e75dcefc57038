// tables.csv: every table of the report in one long sheet, one figure per line, with the section,
// question and part it belongs to. German: `;` and decimal comma; English: `,` and decimal point.
// Suppressed figures are the notice words ("weniger als 5 Antworten"), never 0. Open texts are not
// figures and stay in report.json / report.html. Starts with a BOM so spreadsheets read UTF-8.
import type { Locale } from '../format.ts';
import type { ReportModel } from '../report/model.ts';
import { type Cell, questionTables } from './tables.ts';

const HEAD = {
  de: ['Abschnitt', 'Frage', 'Fragetext', 'Teil', 'Zeile', 'Spalte', 'Wert', 'Einheit'],
  en: ['Section', 'Question', 'Question text', 'Part', 'Row', 'Column', 'Value', 'Unit'],
} as const;

function quote(text: string, sep: string): string {
  // A leading =, +, @ or - followed by a non-digit would be read as a formula by spreadsheets.
  const safe = /^[=+@]|^-(?!\d)/.test(text) ? `'${text}` : text;
  return safe.includes(sep) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function value(cell: Cell, locale: Locale): [string, string] {
  if (typeof cell === 'string') return [cell, ''];
  if ('hidden' in cell) return [cell.hidden, ''];
  const s = cell.value.toFixed(cell.digits);
  return [locale === 'de' ? s.replace('.', ',') : s, cell.unit ?? ''];
}

export function renderCsv(report: ReportModel, locale: Locale): string {
  const sep = locale === 'de' ? ';' : ',';
  const lines: string[][] = [[...HEAD[locale]]];
  const tr = (t: Record<string, string | undefined>) => t[locale] ?? t.de ?? '';
  for (const section of report.sections) {
    for (const q of section.questions) {
      if (q.kind === 'text') continue;
      for (const table of questionTables(q, locale, report.notice)) {
        for (const row of table.rows) {
          const label = typeof row[0] === 'string' ? row[0] : value(row[0], locale)[0];
          row.slice(1).forEach((cell, i) => {
            if (cell === '') return;
            const [v, unit] = value(cell, locale);
            lines.push([tr(section.title), q.name, tr(q.title), table.part, label, table.head[i + 1] ?? '', v, unit]);
          });
        }
      }
    }
  }
  return `\ufeff${lines.map((l) => l.map((c) => quote(c, sep)).join(sep)).join('\r\n')}\r\n`;
}
