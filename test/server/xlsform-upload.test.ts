// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// XLSForm files through the API and the workspace: three questionnaires of our own
// (test/fixtures/xlsform: question types, logic and groups, a realistic German+English one) are
// imported through POST /api/v1/surveys/xlsform, answered through links with generated valid
// answers and reported for every audience; bad files are refused with sheet, row and column and
// store nothing; an unchanged file makes no version, a changed one shows the coding warnings;
// the workspace previews an upload and publishes or discards it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import t from 'tap';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';
import { loggedIn } from '../helpers/session.ts';
import { xlsxOf } from '../helpers/xlsx.ts';
import { answerGenerator } from '../surveys/random-answers.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const headers = await researcherHeaders(app);
const FIXTURES = { fragetypen: 'xlsform-fragetypen', logik: 'xlsform-logik', 'gesundheit-betrieb': 'xlsform-gesundheit-betrieb' } as const;
const AUDIENCES = ['intermediary', 'sme', 'works_council'];
const PER_SEGMENT = 25;

const csvText = (name: string) => readFileSync(`test/fixtures/xlsform/${name}.csv`, 'utf8');

const upload = (fileName: string, bytes: Buffer | string, extra: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/surveys/xlsform', headers, payload: { fileName, file: Buffer.from(bytes).toString('base64'), ...extra } });

t.test(`three XLSForm files of our own: imported through the API, answered through links, reported for every audience (${dbLabel})`, async (t) => {
  for (const [name, slug] of Object.entries(FIXTURES)) {
    // the realistic one goes in as .xlsx, the others as .csv
    const res = name === 'gesundheit-betrieb' ? await upload(`${name}.xlsx`, await xlsxOf(csvText(name))) : await upload(`${name}.csv`, csvText(name));
    t.equal(res.statusCode, 201, `${name}: ${res.body.slice(0, 300)}`);
    const imported = res.json();
    t.match(imported, { slug, version: 1, created: true, dropped: [] }, `${name}: the slug comes from form_id`);
    t.same(imported.notes.filter((n: { message: string }) => /Übersetzung fehlt/.test(n.message)), [], `${name}: every text has both languages`);

    const survey = await findSurvey(app.db, slug);
    const v = await latestVersion(app.db, survey?.id as number);
    const version = await app.versions.get(v.id);
    const generate = answerGenerator(version.definition, 1600 + Object.keys(FIXTURES).indexOf(name));
    let stored = 0;
    for (const segment of AUDIENCES) {
      const link = await app.inject({ method: 'POST', url: `/api/v1/surveys/${slug}/links`, headers, payload: { audience: segment, label: 'XLSForm' } });
      t.equal(link.statusCode, 201);
      const token = link.json().token as string;
      for (let n = 0, tries = 0; n < PER_SEGMENT && tries < 40 * PER_SEGMENT; tries++) {
        const verdict = version.validator.validate(generate(), { complete: true, locale: 'de' });
        if (!verdict.ok) continue;
        const posted = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), data: verdict.data, complete: true, locale: n % 2 ? 'en' : 'de' } });
        if (posted.statusCode !== 201) t.fail(`${name}: a valid answer was refused: ${posted.body}`);
        n++;
        stored++;
      }
    }
    t.equal(stored, PER_SEGMENT * AUDIENCES.length, `${name}: ${stored} generated valid answers stored through the links`);

    const questions = new Set(version.catalogue.questions.map((q: { name: string }) => q.name));
    for (const audience of AUDIENCES) {
      const report = await app.inject({ url: `/api/v1/surveys/${slug}/report?audience=${audience}`, headers });
      t.equal(report.statusCode, 200, `${name}/${audience}: ${report.statusCode === 200 ? 'report built' : report.body.slice(0, 300)}`);
      const body = report.json() as { responses: { total: number }; sections: { id: string; questions: { name: string }[] }[] };
      t.ok(body.responses.total >= PER_SEGMENT && body.responses.total <= stored, `${name}/${audience}: rests on ${body.responses.total} responses`);
      const shown = body.sections.flatMap((s) => s.questions.map((q) => q.name));
      t.ok(shown.length > 0, `${name}/${audience}: ${body.sections.length} sections, ${shown.length} questions`);
      t.ok(shown.every((q) => questions.has(q)), `${name}/${audience}: only questions of this survey`);
    }
  }
});

t.test('a bad file is refused with sheet, row and column, and nothing is stored', async (t) => {
  const typo = csvText('logik').replace(',select_one lg_jn,lg_tarif,', ',selcet_one lg_jn,lg_tarif,').replace('xlsform-logik', 'xlsform-kaputt');
  const res = await upload('kaputt.csv', typo);
  t.equal(res.statusCode, 422);
  const body = res.json();
  t.match(body.message, /^kaputt\.csv: nicht importiert: survey, Zeile 5, Spalte type: /);
  t.match(body.findings[0], { element: 'survey', where: 'survey, Zeile 5, Spalte type', message: /selcet_one/ });
  t.match(body.en, /survey, row 5, column type/);
  const formula = await xlsxOf(csvText('fragetypen').replace('xlsform-fragetypen', 'xlsform-formel'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(formula as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('survey');
  if (sheet) sheet.getCell('C3').value = { formula: 'CONCAT("ft_","ort")', result: 'ft_ort' } as ExcelJS.CellFormulaValue;
  const withFormula = await upload('formel.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
  t.equal(withFormula.statusCode, 422);
  t.match(withFormula.json().message, /survey, Zeile 3, Spalte C: die Zelle enthält eine Formel/);
  const notSheet = await upload('daten.xlsx', '{"title":"json"}');
  t.equal(notSheet.statusCode, 422);
  t.match(notSheet.json().message, /daten\.xlsx: die Datei ist keine Tabelle/);
  const list = (await app.inject({ url: '/api/v1/surveys', headers })).json().surveys.map((s: { slug: string }) => s.slug);
  t.notOk(list.includes('xlsform-kaputt') || list.includes('xlsform-formel'), 'no survey was created');
  const unauthenticated = await app.inject({ method: 'POST', url: '/api/v1/surveys/xlsform', payload: { fileName: 'a.csv', file: '' } });
  t.equal(unauthenticated.statusCode, 401);
});

t.test('the same file again makes no version; a changed one makes the next, with the coding warnings', async (t) => {
  const same = await upload('fragetypen.xlsx', await xlsxOf(csvText('fragetypen')));
  t.equal(same.statusCode, 200);
  t.match(same.json(), { slug: 'xlsform-fragetypen', version: 1, created: false, warnings: [] }, 'unchanged, as .xlsx too');
  // a translator's fix and a new answer option
  const changed = `${csvText('fragetypen')}`
    .replace('In which town do you work?', 'In which town or city do you work?')
    .replace(',ft_bereich,handel,Handel,Retail\n', ',ft_bereich,handel,Handel,Retail\n,ft_bereich,bildung,Bildung,Education\n');
  const next = await upload('fragetypen.csv', changed);
  t.equal(next.statusCode, 201);
  const body = next.json();
  t.match(body, { version: 2, created: true });
  t.match(body.warnings, [{ element: 'ft_bereich', message: /neue Antwortmöglichkeiten/, en: /new answer options/ }], 'the new option is named');
  const versions = (await app.inject({ url: '/api/v1/surveys/xlsform-fragetypen', headers })).json().versions;
  t.equal(versions.length, 2);
});

t.test(`the workspace: an upload is previewed with its findings, then published or discarded (${dbLabel})`, async (t) => {
  const b = await loggedIn(app);
  const page = await b.get('/admin');
  t.match(page.body, /action="\/admin\/xlsform"/, 'the overview offers the spreadsheet upload');
  // a new survey under its own slug, with one English label missing
  const file = await xlsxOf(csvText('logik'), (sheet, cells) => {
    if (sheet === 'survey' && cells.name === 'lg_warum_nicht') delete cells['label::English (en)'];
  });
  const res = await b.post('/admin/xlsform', { fileName: 'logik.xlsx', file: file.toString('base64'), slug: 'logik-vorschau' });
  t.equal(res.statusCode, 303, res.body.slice(0, 300));
  const previewUrl = res.headers.location as string;
  t.match(previewUrl, /^\/admin\/previews\/[\w-]{20,}$/);
  const preview = await b.get(previewUrl);
  t.equal(preview.statusCode, 200);
  t.match(preview.body, /Vorschau: Logik und Gruppen/);
  t.match(preview.body, /„Veröffentlichen“ legt Version 1 an/);
  t.match(preview.body, /survey, Zeile 12, Spalte label::English \(en\)/, 'the missing translation names its row');
  t.match(preview.body, /assets\/respondent\.[\w.]*js/, 'rendered by the respondent bundle');
  const json = (await b.get(`${previewUrl}/survey.json`)).json();
  t.match(json.survey, { title: { de: 'Logik und Gruppen', en: 'Logic and groups' } });
  t.match(json.findings, [{ element: 'lg_warum_nicht', kind: 'translation', where: { de: 'survey, Zeile 12, Spalte label::English (en)', en: 'survey, row 12, column label::English (en)' } }]);
  t.equal(await findSurvey(app.db, 'logik-vorschau'), undefined, 'nothing is stored before publishing');
  t.equal((await app.inject({ url: previewUrl })).statusCode, 303, 'another browser (no session) does not see the preview');

  const published = await b.post(`${previewUrl}/publish`, {});
  t.equal(published.statusCode, 303);
  t.match(published.headers.location, /^\/admin\/surveys\/logik-vorschau\?v=1&same=0/);
  t.ok(await findSurvey(app.db, 'logik-vorschau'), 'published');
  t.equal((await b.get(previewUrl)).statusCode, 404, 'a published preview is gone');

  // the same file again: the preview says so; a changed one shows the coding warning beside its question
  const again = await b.post('/admin/surveys/logik-vorschau/xlsform', { fileName: 'logik.xlsx', file: file.toString('base64') });
  const samePreview = await b.get(again.headers.location as string);
  t.match(samePreview.body, /Unverändert: die Tabelle entspricht Version 1/);
  const changed = await xlsxOf(csvText('logik').replace(',lg_mass,keine,Keine,None,\n', ',lg_mass,keine,Keine,None,\n,lg_mass,intern,Interne Angebote,In-house offers,\n'));
  const third = await b.post('/admin/surveys/logik-vorschau/xlsform', { fileName: 'logik.xlsx', file: changed.toString('base64') });
  const changedPreview = await b.get(third.headers.location as string);
  t.match(changedPreview.body, /„Veröffentlichen“ legt Version 2 an/);
  const changedJson = (await b.get(`${third.headers.location}/survey.json`)).json();
  t.match(changedJson.findings.find((f: { kind: string }) => f.kind === 'coding'), { element: 'lg_mass', de: /neue Antwortmöglichkeiten/ });
  const discarded = await b.post(`${third.headers.location}/discard`, {});
  t.equal(discarded.statusCode, 200);
  t.match(discarded.body, /verworfen; nichts wurde gespeichert/);
  t.equal((await app.inject({ url: '/api/v1/surveys/logik-vorschau', headers })).json().versions.length, 1, 'discarding stored nothing');

  // a refused file: 422 with sheet, row and column, nothing stored
  const bad = await b.post('/admin/xlsform', { fileName: 'kaputt.csv', file: Buffer.from(csvText('logik').replace('xlsform-logik', 'xlsform-kaputt2').replace("${lg_tarif} = 'ja'", "pulldata('x', ${lg_tarif})")).toString('base64'), slug: '' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /survey, Zeile 6, Spalte relevant/);
  t.match(bad.body, /pulldata/);
  t.equal(await findSurvey(app.db, 'xlsform-kaputt2'), undefined);

  // the same file with "leave out what cannot be converted": a preview, the dropped condition beside its question
  const lenient = await b.post('/admin/xlsform', { fileName: 'kaputt.csv', file: Buffer.from(csvText('logik').replace('xlsform-logik', 'xlsform-kaputt2').replace("${lg_tarif} = 'ja'", "pulldata('x', ${lg_tarif})")).toString('base64'), slug: '', lenient: '1' });
  t.equal(lenient.statusCode, 303);
  const lenientJson = (await b.get(`${lenient.headers.location}/survey.json`)).json();
  t.match(lenientJson.findings[0], { element: 'lg_tarifart', kind: 'dropped', where: { de: 'survey, Zeile 6, Spalte relevant' }, de: /^nicht übernommen: .*pulldata/ });
  t.notOk(JSON.stringify(lenientJson.survey).includes('pulldata'), 'the condition is left out');
  t.match((await b.get(lenient.headers.location as string)).body, /nicht übernommen: /);
  t.equal((await b.post(`${lenient.headers.location}/discard`, {})).statusCode, 200);
  t.equal(await findSurvey(app.db, 'xlsform-kaputt2'), undefined, 'discarded: nothing stored');
});

t.test('the OpenAPI document lists the XLSForm import with its refusal', async (t) => {
  const doc = (await app.inject({ url: '/api/docs', headers })).json();
  const post = doc.paths['/api/v1/surveys/xlsform']?.post;
  t.ok(post, 'POST /api/v1/surveys/xlsform is documented');
  t.same(Object.keys(post.responses).sort(), ['200', '201', '400', '401', '403', '422']);
  t.same(Object.keys(post.requestBody.content['application/json'].schema.properties).sort(), ['file', 'fileName', 'lenient', 'slug']);
});

t.test(`each of the three files previews and publishes in the workspace as the same definition the API imported (${dbLabel})`, async (t) => {
  const b = await loggedIn(app);
  for (const [name, slug] of Object.entries(FIXTURES)) {
    const bytes = name === 'logik' ? await xlsxOf(csvText(name)) : Buffer.from(csvText(name));
    const res = await b.post('/admin/xlsform', { fileName: `${name}.${name === 'logik' ? 'xlsx' : 'csv'}`, file: bytes.toString('base64'), slug: `${name}-werkstatt` });
    t.equal(res.statusCode, 303, `${name}: ${res.body.slice(0, 200)}`);
    const preview = await b.get(res.headers.location as string);
    t.equal(preview.statusCode, 200);
    t.match(preview.body, /„Veröffentlichen“ legt Version 1 an/, `${name}: previewed`);
    const published = await b.post(`${res.headers.location}/publish`, {});
    t.match(published.headers.location, new RegExp(`^/admin/surveys/${name}-werkstatt\\?v=1&same=0`), `${name}: published`);
    const hash = async (s: string) => (await app.inject({ url: `/api/v1/surveys/${s}`, headers })).json().versions[0].contentHash;
    t.equal(await hash(`${name}-werkstatt`), await hash(slug), `${name}: the same definition as through the API`);
  }
});
