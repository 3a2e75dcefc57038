// The CSV export as a researcher meets it: written by `befund export`, read back with R's
// read.csv2 (German Excel dialect) and read.csv (English), with its codebook beside it.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../server/app.ts';
import { recentAudit } from '../../server/repositories/audit.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { runCli, runInProcess } from '../helpers/cli.ts';
import { researcherHeaders, seedLink, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-export-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
// On disk, so that the command can open the same database once the app is closed. It runs inside
// the test process (runInProcess), and once as the real `befund export` (runCli).
const { app, config, cleanup } = await buildTestApp({ DATA_DIR: path.join(dir, 'data') });

// Version 2 adds a choice (code 3) and a number question that version 1 did not ask.
const v2 = structuredClone(smallSurvey) as typeof smallSurvey;
v2.pages[0].elements[0].choices?.push({ value: 'forschung', text: { de: 'Forschung', en: 'Research' } });
(v2.pages[1].elements as unknown[]).push({ type: 'text', inputType: 'number', name: 'mitarbeiter', title: { de: 'Mitarbeitende', en: 'Staff' } });
const one = await seedSurvey(app);
const two = await seedSurvey(app, 'klein', v2);
const link = await seedLink(app, one.surveyId);
const answers: [number, Record<string, unknown>, boolean][] = [
  [one.versionId, { org: 'kammer', why: '=1+1', channels: ['web', 'other'], 'channels-Comment': '@SUM(A1); "laut"', satisfaction: 4 }, true],
  [one.versionId, { org: 'verband', channels: ['news'], satisfaction: 2 }, true],
  [one.versionId, { org: 'kammer' }, false],
  [two.versionId, { org: 'forschung', why: '-Hinweis', satisfaction: 5, mitarbeiter: 2.5 }, true],
];
for (const [versionId, data, complete] of answers) {
  const catalogue = (await app.versions.get(versionId)).catalogue as Catalogue;
  await insertResponse(app.db, { id: randomUUID(), surveyId: one.surveyId, versionId, catalogue, link, data, complete, locale: 'de' });
}
const headers = await researcherHeaders(app);
const english = await app.inject({ url: '/api/v1/surveys/klein/export?format=csv&labels=text&locale=en&status=all', headers });
const codebook = await app.inject({ url: '/api/v1/surveys/klein/codebook', headers });
await app.close();
const env = { DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '' };
t.teardown(cleanup);

/** Reads a CSV with R and returns its columns (name → values as R prints them, NA for missing). */
function readWithR(file: string, reader: 'read.csv2' | 'read.csv'): Record<string, string[]> {
  const script = `d <- ${reader}("${file}", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE, na.strings = "")
for (n in names(d)) cat(n, class(d[[n]]), paste(ifelse(is.na(d[[n]]), "NA", as.character(d[[n]])), collapse = "\\t"), sep = "\\t", fill = FALSE, "\\n")`;
  const out = execFileSync('Rscript', ['-e', script], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [name, type, ...values] = l.replace(/\t?\s*$/, '').split('\t');
        return [name, [type, ...values]];
      }),
  );
}

t.test(`befund export writes a German CSV that R's read.csv2 reads with the right columns and values (${dbLabel})`, async (t) => {
  const file = path.join(dir, 'klein.csv');
  const r = await runInProcess(['export', '--survey', 'klein', '--format', 'csv', '--out', file, '--locale', 'de', '--status', 'all'], env);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /4 Antworten/);
  const bytes = fs.readFileSync(file);
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  t.match(bytes.toString('utf8').split('\r\n')[0], /^\uFEFFresponse_id;version;segment;link_label;status;completed_on;org;why;why_asked;/);
  const d = readWithR(file, 'read.csv2');
  t.same(Object.keys(d), ['response_id', 'version', 'segment', 'link_label', 'status', 'completed_on', 'org', 'why', 'why_asked', 'channels_web', 'channels_news', 'channels_other_chosen', 'channels_other', 'satisfaction', 'mitarbeiter', 'mitarbeiter_asked']);
  t.same(d.version, ['integer', '1', '1', '1', '2']);
  t.same(d.status, ['character', 'complete', 'complete', 'partial', 'complete']);
  t.same(d.org, ['integer', '1', '2', '1', '3'], 'choices coded 1, 2 and the new one 3');
  t.same(d.channels_web, ['integer', '1', '0', 'NA', 'NA'], 'checkbox choices split, empty when unanswered');
  t.same(d.channels_news, ['integer', '0', '1', 'NA', 'NA']);
  t.same(d.channels_other_chosen, ['integer', '1', '0', 'NA', 'NA'], '"other" chosen as 0/1 like every choice');
  t.same(d.why_asked, ['integer', '1', '0', '1', '1'], 'why is asked only after "Kammer"; a stored answer counts as asked');
  t.same(d.mitarbeiter_asked, ['integer', '0', '0', '0', '1'], 'version 1 did not ask mitarbeiter');
  t.same(d.satisfaction, ['integer', '4', '2', 'NA', '5']);
  t.same(d.mitarbeiter, ['numeric', 'NA', 'NA', 'NA', '2.5'], 'decimal comma read as a number');
  t.same(d.why, ['character', "'=1+1", 'NA', 'NA', "'-Hinweis"], 'formulas neutralised');
  t.same(d.channels_other, ['character', `'@SUM(A1); "laut"`, 'NA', 'NA', 'NA'], '"other" text in its own column, quoted and neutralised');
});

t.test('the codebook lies beside the data, per version, and says that no small groups are suppressed', async (t) => {
  const file = path.join(dir, 'klein.codebook.csv');
  t.ok(fs.existsSync(file));
  const text = fs.readFileSync(file, 'utf8');
  t.match(text, /KEINE Unterdrückung kleiner Gruppen/);
  t.match(text, /\norg;org;1;Organisation;Organisation;nominal;numeric;nominal;1 = Kammer \| 2 = Verband;leer = keine Antwort \(SPSS: -99 = keine Antwort, -98 = nicht gefragt\)\r\n/);
  t.match(text, /\norg;org;2;Organisation;Organisation;nominal;numeric;nominal;1 = Kammer \| 2 = Verband \| 3 = Forschung;leer = keine Antwort/);
  t.match(text, /\nmitarbeiter;mitarbeiter;2;Mitarbeitende;.*;leer = keine Antwort bei mitarbeiter_asked = 1, nicht gefragt bei mitarbeiter_asked = 0\r\n/, 'the missing column names the _asked column');
  t.match(text, /\nmitarbeiter;mitarbeiter;2;Mitarbeitende;/);
  t.notMatch(text, /\nmitarbeiter;mitarbeiter;1;/, 'no row for a version without the question');
  t.equal(codebook.statusCode, 200);
  t.equal(codebook.body, text, 'the route gives the same codebook');
});

t.test('--labels text with --locale en gives comma-separated labels in English', async (t) => {
  t.equal(english.statusCode, 200);
  t.match(english.headers['content-disposition'], /klein\.csv/);
  const file = path.join(dir, 'english.csv');
  fs.writeFileSync(file, english.rawPayload);
  t.equal(english.body.split('\r\n')[0], '\uFEFFresponse_id,version,segment,link_label,status,completed_on,org,why,why_asked,channels_web,channels_news,channels_other_chosen,channels_other,satisfaction,mitarbeiter,mitarbeiter_asked');
  const d = readWithR(file, 'read.csv');
  t.same(d.org, ['character', 'Chamber', 'Association', 'Chamber', 'Research']);
  t.same(d.channels_web, ['character', 'chosen', 'not chosen', 'NA', 'NA']);
  t.same(d.mitarbeiter, ['numeric', 'NA', 'NA', 'NA', '2.5']);
  t.same(d.mitarbeiter_asked, ['character', 'not asked', 'not asked', 'not asked', 'asked']);
});

t.test('befund export is audited and explains a wrong call in one sentence', async (t) => {
  const unknown = await runCli(['export', '--survey', 'gibtsnicht', '--format', 'csv', '--out', path.join(dir, 'x.csv')], env);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /Umfrage "gibtsnicht" gibt es nicht/);
  const format = await runInProcess(['export', '--survey', 'klein', '--format', 'pdf', '--out', path.join(dir, 'x.pdf')], env);
  t.equal(format.code, 2);
  t.match(format.stderr, /--format muss csv, xlsx, sav, json sein/);
  const noOut = await runInProcess(['export', '--survey', 'klein', '--format', 'csv'], env);
  t.match(noOut.stderr, /--out fehlt/);
  const reopened = await buildApp(config);
  await reopened.ready();
  t.teardown(() => reopened.close());
  const entries = await recentAudit(reopened.db);
  const exported = entries.filter((e) => e.action === 'export');
  t.equal(exported.length, 2, 'one entry for the route, one for the command');
  t.same(exported[0].details, { format: 'csv', labels: 'codes', status: 'all', rows: 4, columns: 16 });
  t.notMatch(JSON.stringify(entries), /laut|Hinweis/, 'no answers in the audit log');
});
