// JSON → XLSForm → JSON gives the same definition (as survey-core reads it) for every survey in
// surveys/definitions/ and test/fixtures/, through real .xlsx bytes; and the XLSForm fixtures
// come back the same after XLSForm → JSON → XLSForm → JSON.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { Model } from 'survey-core';
import '../../surveys/marks.ts';
import { describeProblem } from '../../surveys/xlsform/convert.ts';
import { exportSheets, writeXlsx } from '../../surveys/xlsform/export.ts';
import { readXlsForm } from '../../surveys/xlsform/index.ts';

const normal = (json: unknown) => new Model(json).toJSON();
const files = [
  ...readdirSync('surveys/definitions').filter((f) => f.endsWith('.json')).map((f) => `surveys/definitions/${f}`),
  ...readdirSync('test/fixtures').filter((f) => /^survey-.*\.json$/.test(f)).map((f) => `test/fixtures/${f}`),
];

t.test('every definition and fixture survives JSON → XLSForm (.xlsx) → JSON', async (t) => {
  t.ok(files.length >= 5, `${files.length} surveys`);
  for (const file of files) {
    const def = JSON.parse(readFileSync(file, 'utf8'));
    const bytes = await writeXlsx(exportSheets(def, 'x'));
    const back = await readXlsForm(bytes, 'back.xlsx');
    t.ok(back.ok, `${file}: ${back.problems.map((p) => describeProblem(p)).join('; ')}`);
    t.same(normal(back.definition), normal(def), `${file}: same definition`);
  }
});

t.test('the XLSForm fixtures survive XLSForm → JSON → XLSForm → JSON, with the subset in its own columns', async (t) => {
  for (const name of ['grundlagen', 'weiterbildung', 'fragetypen', 'logik', 'gesundheit-betrieb']) {
    const first = await readXlsForm(readFileSync(`test/fixtures/xlsform/${name}.csv`), `${name}.csv`);
    const sheets = exportSheets(first.definition as Record<string, unknown>, first.formId);
    const again = await readXlsForm(await writeXlsx(sheets), `${name}.xlsx`);
    t.same(again.definition, first.definition, name);
    t.equal(again.formId, first.formId);
    const survey = sheets[0];
    t.ok(survey.columns.includes('label::English (en)'), 'a column per language for the translator');
    // only the repeat's page needs no extra: everything of the subset is in XLSForm columns
    t.same(survey.rows.filter((r) => r.cells.befund_extra).map((r) => r.cells.name), [], `${name}: no JSON column needed`);
  }
});
