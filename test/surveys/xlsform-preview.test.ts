// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// What the preview of an uploaded XLSForm file puts beside which question: every finding is
// tied to the element it is about and, where the spreadsheet has one, to its row; and the slug
// a form gets when none is given.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { readXlsForm } from '../../surveys/xlsform/index.ts';
import { describeWhere, previewFindings, suggestedSlug } from '../../surveys/xlsform/preview.ts';

t.test('a missing translation stands beside the question of its row', async (t) => {
  const text = readFileSync('test/fixtures/xlsform/logik.csv', 'utf8').replace('Why not?', '');
  const r = await readXlsForm(new TextEncoder().encode(text), 'logik.csv');
  t.ok(r.ok);
  const findings = previewFindings({ rows: r.rows, warnings: r.warnings });
  t.same(findings, [
    { element: 'lg_warum_nicht', kind: 'translation', where: { sheet: 'survey', row: 12, column: 'label::English (en)' }, de: 'Übersetzung fehlt (en)', en: 'translation missing (en)' },
  ]);
  t.equal(describeWhere(findings[0].where), 'survey, Zeile 12, Spalte label::English (en)');
  t.equal(describeWhere(findings[0].where, 'en'), 'survey, row 12, column label::English (en)');
});

t.test('coverage, coding and cleaning findings go to their question, profile rules to the survey', async (t) => {
  const rows = { frage: 4, gruppe: 2 };
  const findings = previewFindings({
    rows,
    warnings: [{ sheet: 'settings', row: 2, column: 'form_title::English (en)', de: 'Übersetzung fehlt (en)', en: 'translation missing (en)' }],
    coverage: [
      { element: 'frage', message: 'Kein Zielgruppen-Bericht zeigt diese Frage' },
      { element: 'sme/themen', message: 'Der Abschnitt findet keine Frage.' },
    ],
    coding: [{ element: 'frage', message: 'neue Antwortmöglichkeiten', en: 'new answer options' }],
    cleaned: [{ element: 'gruppe.title (en)', message: '<script> entfernt' }],
  });
  t.same(
    findings.map((f) => [f.element, f.kind, describeWhere(f.where)]),
    [
      ['survey', 'translation', 'settings, Zeile 2, Spalte form_title::English (en)'],
      ['frage', 'coverage', 'survey, Zeile 4, Spalte name'],
      ['survey', 'coverage', ''],
      ['frage', 'coding', 'survey, Zeile 4, Spalte name'],
      ['gruppe', 'cleaned', 'survey, Zeile 2, Spalte name'],
    ],
  );
  t.match(findings[2].de, /^sme\/themen: /, 'a profile rule keeps its name in the sentence');
  t.equal(findings[3].en, 'new answer options');
});

t.test('what a lenient conversion left out stands beside the question of its row', async (t) => {
  const text = readFileSync('test/fixtures/xlsform/logik.csv', 'utf8').replace("${lg_tarif} = 'ja'", "pulldata('x', ${lg_tarif})");
  const r = await readXlsForm(new TextEncoder().encode(text), 'logik.csv', { lenient: true });
  t.ok(r.ok);
  const [dropped] = previewFindings({ rows: r.rows, warnings: r.warnings, dropped: r.problems });
  t.match(dropped, { element: 'lg_tarifart', kind: 'dropped', where: { sheet: 'survey', row: 6, column: 'relevant' }, de: /^nicht übernommen: .*pulldata/, en: /^left out: / });
});

t.test('the slug of a form without one: form_id, else the file name, in slug letters', async (t) => {
  t.equal(suggestedSlug('xlsform-logik', 'whatever.xlsx'), 'xlsform-logik');
  t.equal(suggestedSlug(undefined, '/tmp/Befragung Pflege 2026.xlsx'), 'befragung-pflege-2026');
  t.equal(suggestedSlug(undefined, 'C:\\Daten\\_Umfrage_.csv'), 'umfrage');
  t.equal(suggestedSlug('Ä'.repeat(3) + 'x'.repeat(80), 'f.csv').length, 63);
});
