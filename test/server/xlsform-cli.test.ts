// `befund survey add FILE.csv|FILE.xlsx` as a user runs it: the XLSForm becomes a survey version,
// the same file again changes nothing, a changed translation makes the next version, a file
// with problems imports nothing (or, --lenient, the rest with a list of what was dropped). The
// command runs inside the test process (runInProcess); cli.test.ts runs the real befund survey add.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { runInProcess } from '../helpers/cli.ts';
import { xlsxOf } from '../helpers/xlsx.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-xlsform-'));
const pg = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
t.teardown(async () => pg?.drop());
const env = { DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '', PUBLIC_URL: 'https://befund.example.org' };
const cli = (...args: string[]) => runInProcess(args, env);
const fixture = fs.readFileSync('test/fixtures/xlsform/weiterbildung.csv', 'utf8');

t.test('an XLSForm file is imported; the same again changes nothing; a new translation makes version 2', async (t) => {
  const csv = await cli('survey', 'add', 'test/fixtures/xlsform/weiterbildung.csv', '--json');
  t.equal(csv.code, 0, csv.stderr);
  t.match(JSON.parse(csv.stdout), { slug: 'xlsform-weiterbildung', version: 1, created: true });
  const xlsx = path.join(dataDir, 'weiterbildung.xlsx');
  fs.writeFileSync(xlsx, await xlsxOf(fixture));
  const same = await cli('survey', 'add', xlsx);
  t.equal(same.code, 0, same.stderr);
  t.match(same.stdout, /xlsform-weiterbildung: unverändert \(Version 1\)/);
  const translated = path.join(dataDir, 'weiterbildung-neu.xlsx');
  fs.writeFileSync(
    translated,
    await xlsxOf(fixture, (sheet, cells) => {
      if (sheet === 'survey' && cells.name === 'anregungen') cells['label::English (en)'] = 'Any suggestions?';
    }),
  );
  const next = await cli('survey', 'add', translated);
  t.equal(next.code, 0, next.stderr);
  t.match(next.stdout, /xlsform-weiterbildung: Version 2 importiert/);
  // exported and imported again: the same definition, so no new version
  const out = path.join(dataDir, 'export.xlsx');
  const exported = await cli('survey', 'export', 'xlsform-weiterbildung', '--format', 'xlsform', '--out', out);
  t.equal(exported.code, 0, exported.stderr);
  t.match(exported.stdout, /Version 2 als XLSForm geschrieben/);
  const back = await cli('survey', 'add', out);
  t.match(back.stdout, /xlsform-weiterbildung: unverändert \(Version 2\)/, back.stderr);
});

t.test('a form with a problem imports nothing; --lenient imports the rest and says what it dropped', async (t) => {
  const file = path.join(dataDir, 'kaputt.csv');
  fs.writeFileSync(file, "survey,type,name,label,relevant\n,text,a,Frage A,\n,text,b,Frage B,pulldata('x')\nsettings,form_title,form_id\n,Kaputt,xlsform-kaputt\n");
  const strict = await cli('survey', 'add', file);
  t.equal(strict.code, 2);
  t.match(strict.stderr, /kaputt\.csv: nicht importiert \(--lenient übernimmt den Rest\):\n {2}survey, Zeile 3, Spalte relevant: die Funktion pulldata\(\) wird nicht unterstützt/);
  const lenient = await cli('survey', 'add', file, '--lenient');
  t.equal(lenient.code, 0, lenient.stderr);
  // version 1: the refused attempt stored nothing
  t.match(lenient.stdout, /xlsform-kaputt: Version 1 importiert\.\nNicht übernommen \(--lenient\):\n {2}survey, Zeile 3, Spalte relevant/);
});
