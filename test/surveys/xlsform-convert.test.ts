// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// XLSForm files in, SurveyJS JSON out: the fixtures convert and pass the linter, .xlsx and .csv
// read the same, and every kind of bad input gets a sentence naming sheet, row and column.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import t from 'tap';
import { lintSurvey } from '../../surveys/lint.ts';
import { convertXlsForm, describeProblem } from '../../surveys/xlsform/convert.ts';
import { readXlsForm } from '../../surveys/xlsform/index.ts';
import { MAX_BYTES, readCsv, type Sheet } from '../../surveys/xlsform/sheets.ts';

const FIXTURES = ['grundlagen', 'weiterbildung', 'fragetypen', 'logik', 'gesundheit-betrieb'];
const csv = (name: string) => readFileSync(`test/fixtures/xlsform/${name}.csv`);

/** The sheets of a one-file CSV form written as a real .xlsx workbook. */
async function toXlsx(sheets: Sheet[], edit?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.columns);
    for (const r of s.rows) ws.addRow(s.columns.map((c) => r.cells[c] ?? null));
  }
  edit?.(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
const sheetsOf = (text: string): Sheet[] => {
  const r = readCsv(text);
  if (!r.ok) throw new Error('fixture unreadable');
  return r.sheets;
};

t.test('the fixtures convert, pass the linter and read the same from .csv and .xlsx', async (t) => {
  for (const name of FIXTURES) {
    const fromCsv = await readXlsForm(csv(name), `${name}.csv`);
    t.ok(fromCsv.ok, `${name}: ${fromCsv.problems.map((p) => describeProblem(p)).join('; ')}`);
    t.same(lintSurvey(fromCsv.definition).filter((f) => f.severity !== 'warning'), [], `${name}: no linter finding`);
    const fromXlsx = await readXlsForm(await toXlsx(sheetsOf(csv(name).toString('utf8'))), `${name}.xlsx`);
    t.same(fromXlsx.definition, fromCsv.definition, `${name}: .xlsx gives the same definition`);
    t.match(fromCsv.formId, /^xlsform-/);
  }
});

t.test('what the realistic form becomes', async (t) => {
  const r = await readXlsForm(csv('weiterbildung'), 'weiterbildung.csv');
  const def = r.definition as { title: unknown; pages: { name: string; elements: Record<string, unknown>[] }[] };
  t.same(def.title, { de: 'Weiterbildung im Betrieb', en: 'Training in the company' });
  t.same(def.pages.map((p) => p.name), ['betrieb', 'angebote', 'ende']);
  const q = Object.fromEntries(def.pages.flatMap((p) => p.elements).map((e) => [e.name, e]));
  t.match(q.funktion, { type: 'radiogroup', isRequired: true, befund: { role: 'segment' } });
  t.match(q.beschaeftigte, { type: 'text', inputType: 'number', step: 1, description: { de: 'Ungefähr genügt.', en: 'A rough figure is fine.' } });
  t.match(q.branche, { type: 'dropdown' });
  t.match(q.formate, { type: 'checkbox', showOtherItem: true, befund: { short: { de: 'Genutzte Formate', en: 'Formats used' } } });
  t.match(q.hemmnisse, { visibleIf: "{hemmnis_ja} = 'ja'", befund: { role: 'barrier', audiences: ['sme', 'works_council'] } });
  t.match(q.zufriedenheit, { type: 'rating', rateMin: 1, rateMax: 5, rateStep: 1 });
  t.match(q.wuensche, { type: 'ranking' });
  t.match(q.stichtag, { inputType: 'date', visibleIf: "{formate} contains 'intern'" });
  t.match(q.danke_hinweis, { type: 'html', html: { de: 'Vielen Dank für Ihre Zeit.' } });
  t.match(q.anregungen, { type: 'comment' });
  t.same(r.warnings, [], 'every text has both languages');
});

/** A small form with one row replaced, as CSV text in pyxform's one-file layout. */
const form = (surveyRows: string, choices = ',jn,ja,Ja\n,jn,nein,Nein\n') =>
  `survey,type,name,label,relevant\n,select_one jn,a,Frage A,\n${surveyRows}choices,list_name,name,label\n${choices}settings,form_title\n,Titel\n`;
const problemsOf = async (text: string, lenient = false) => {
  const r = await readXlsForm(new TextEncoder().encode(text), 'f.csv', { lenient });
  return { r, lines: r.problems.map((p) => describeProblem(p)) };
};

t.test('bad input: each gets a sentence naming sheet, row and column, and nothing is converted', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['unknown function', ",text,b,Frage B,pulldata('x','y')\n", /^survey, Zeile 3, Spalte relevant: die Funktion pulldata\(\) wird nicht unterstützt$/],
    ['type with a typo', ',selct_one jn,b,Frage B,\n', /^survey, Zeile 3, Spalte type: unbekannter Typ „selct_one“ – gemeint ist wohl select_one$/],
    ['missing choice list', ',select_one farben,b,Frage B,\n', /^survey, Zeile 3, Spalte type: die Antwortliste „farben“ gibt es im Blatt choices nicht$/],
    ['duplicate name', ',text,a,Noch einmal A,\n', /^survey, Zeile 3, Spalte name: der Name „a“ steht schon in Zeile 2$/],
    ['expression that does not parse', ",text,b,Frage B,${a} = 'ja' and\n", /^survey, Zeile 3, Spalte relevant: der Ausdruck endet zu früh$/],
    ['unknown question in an expression', ",text,b,Frage B,${x} = 'ja'\n", /^survey, Zeile 3, Spalte relevant: die Frage \$\{x\} gibt es nicht$/],
    ['repeat never closed', ',begin_repeat,r,Wiederholung,\n,text,b,Frage B,\n', /^survey, Zeile 3, Spalte type: begin_repeat „r“ wird nie geschlossen \(end_repeat fehlt\)$/],
    ['end without begin', ',end_group,,,\n', /^survey, Zeile 3, Spalte type: end_group ohne passendes begin_group$/],
    ['unsupported type', ',geopoint,b,Ort,\n', /^survey, Zeile 3, Spalte type: der Typ geopoint wird nicht unterstützt$/],
  ];
  for (const [what, rows, want] of cases) {
    const { r, lines } = await problemsOf(form(rows));
    t.notOk(r.ok, what);
    t.equal(r.definition, undefined, `${what}: nothing converted`);
    t.match(lines[0], want, what);
  }
  const dupChoice = await problemsOf(form('', ',jn,ja,Ja\n,jn,ja,Doch\n'));
  t.match(dupChoice.lines[0], /^choices, Zeile \d+, Spalte name: die Antwort „ja“ steht zweimal in der Liste „jn“$/);
});

t.test('bad files: not a spreadsheet, too large, formulas, missing survey sheet', async (t) => {
  const notSheet = await readXlsForm(new TextEncoder().encode('{"title":"json"}'), 'f.xlsx');
  t.match(describeProblem(notSheet.problems[0]), /^f\.xlsx: die Datei ist keine Tabelle im Format \.xlsx/);
  const big = await readXlsForm(new Uint8Array(MAX_BYTES + 1), 'f.xlsx');
  t.match(describeProblem(big.problems[0]), /größer als/);
  const withFormula = await toXlsx(sheetsOf(form('')), (wb) => {
    const ws = wb.getWorksheet('survey');
    if (ws) ws.getCell('C2').value = { formula: 'CONCAT("Frage", " A")', result: 'Frage A' } as ExcelJS.CellFormulaValue;
  });
  const formula = await readXlsForm(withFormula, 'f.xlsx');
  t.notOk(formula.ok);
  t.equal(describeProblem(formula.problems[0]), 'survey, Zeile 2, Spalte C: die Zelle enthält eine Formel; bitte nur Werte eintragen');
  const noSurvey = convertXlsForm(sheetsOf(form('')).filter((s) => s.name !== 'survey'));
  t.match(describeProblem(noSurvey.problems[0]), /^survey: das Blatt „survey“ fehlt/);
  t.match(describeProblem(noSurvey.problems[0], 'en'), /^survey: the sheet "survey" is missing/);
});

t.test('--lenient imports the rest and lists what it dropped', async (t) => {
  const { r, lines } = await problemsOf(form(",text,b,Frage B,pulldata('x','y')\n,geopoint,c,Ort,\n,text,d,Frage D,\n"), true);
  t.ok(r.ok);
  t.same(lines, ['survey, Zeile 3, Spalte relevant: die Funktion pulldata() wird nicht unterstützt', 'survey, Zeile 4, Spalte type: der Typ geopoint wird nicht unterstützt']);
  const names = (r.definition as { pages: { elements: { name: string; visibleIf?: string }[] }[] }).pages[0].elements;
  t.same(names.map((e) => e.name), ['a', 'b', 'd'], 'the geopoint row is dropped');
  t.equal(names[1].visibleIf, undefined, 'the condition it could not translate is dropped');
  const fatal = await problemsOf(form(',text,a,Doppelt,\n'), true);
  t.notOk(fatal.r.ok, 'a duplicate name is never imported, not even leniently');
});

t.test('missing translations are listed per row and column', async (t) => {
  const text = 'survey,type,name,label::Deutsch (de),label::English (en)\n,text,a,Frage A,Question A\n,text,b,Frage B,\nsettings,form_title::Deutsch (de),form_title::English (en)\n,Titel,Title\n';
  const r = await readXlsForm(new TextEncoder().encode(text), 'f.csv');
  t.ok(r.ok);
  t.same(r.warnings.map((w) => describeProblem(w)), ['survey, Zeile 3, Spalte label::English (en): Übersetzung fehlt (en)']);
});

t.test('linter findings point at the spreadsheet row', async (t) => {
  // a befund mark with a role that does not exist: the converter passes it on, the linter refuses it
  const text = 'survey,type,name,label,befund_role\n,text,a,Frage A,\n,text,b,Frage B,irgendwas\nsettings,form_title\n,Titel\n';
  const r = await readXlsForm(new TextEncoder().encode(text), 'f.csv');
  t.notOk(r.ok);
  t.match(describeProblem(r.problems[0]), /^survey, Zeile 3, Spalte name: b: Die Markierung „befund“ ist ungültig/);
});
