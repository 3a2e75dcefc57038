// What a statistician checks in an export (issue 11, part 4): "not asked" (a condition hid the
// question) and "no answer" stay apart (SPSS -98 / -99 declared missing and labelled, checked
// with PSPP and R's foreign::read.spss; CSV empty with a `<question>_asked` column and the
// codebook's "missing" column), the checkbox "other" has its own 0/1 column labelled "Sonstiges"
// in German and "Other" in English, and rating anchors are value labels.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { NOT_ASKED_VARIABLE } from '../../analysis/extract.ts';
import { answerCounts } from '../../server/db/schema.ts';
import { eraseResponse, insertResponse } from '../../server/repositories/responses.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { parseCsv } from '../helpers/csv.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-missing-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

const definition = {
  title: { de: 'Arbeit und Pflege', en: 'Work and care' },
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'radiogroup', name: 'pflege', title: { de: 'Pflegen Sie Angehörige?', en: 'Do you care for relatives?' }, choices: [{ value: 'ja', text: { de: 'ja', en: 'yes' } }, { value: 'nein', text: { de: 'nein', en: 'no' } }] },
        {
          type: 'rating',
          name: 'vereinbar',
          visibleIf: "{pflege} = 'ja'",
          title: { de: 'Wie gut lässt sich Pflege mit der Arbeit vereinbaren?', en: 'How well can care and work be combined?' },
          minRateDescription: { de: 'sehr unzufrieden', en: 'very dissatisfied' },
          maxRateDescription: { de: 'sehr zufrieden', en: 'very satisfied' },
        },
        { type: 'checkbox', name: 'hilfe', title: { de: 'Welche Hilfen nutzen Sie?', en: 'Which support do you use?' }, choices: [{ value: 'gleitzeit', text: { de: 'Gleitzeit', en: 'Flexitime' } }, { value: 'homeoffice', text: 'Homeoffice' }], showOtherItem: true },
      ],
    },
  ],
};
const survey = await seedSurvey(app, 'pflege', definition);
const link = await seedLink(app, survey.surveyId);
const version = await app.versions.get(survey.versionId);
// [data, what `vereinbar` should be]
const answers: [Record<string, unknown>, 'answer' | 'no answer' | 'not asked'][] = [
  [{ pflege: 'ja', vereinbar: 4, hilfe: ['gleitzeit', 'other'], 'hilfe-Comment': 'Pflegezeit' }, 'answer'],
  [{ pflege: 'ja', vereinbar: 1, hilfe: ['homeoffice'] }, 'answer'],
  [{ pflege: 'ja', hilfe: ['other'], 'hilfe-Comment': 'Nachbarschaft' }, 'no answer'],
  [{ pflege: 'ja' }, 'no answer'],
  [{ pflege: 'nein', hilfe: ['gleitzeit'] }, 'not asked'],
  [{ pflege: 'nein' }, 'not asked'],
  [{}, 'not asked'],
];
const ids: string[] = [];
for (const [data] of answers) {
  ids.push(randomUUID());
  const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
  if (!verdict.ok) throw new Error(JSON.stringify(verdict.errors));
  await insertResponse(app.db, { id: ids.at(-1) as string, surveyId: survey.surveyId, versionId: version.id, catalogue: version.catalogue as Catalogue, link, data: verdict.data, complete: true, locale: 'de' });
}
const headers = await researcherHeaders(app);
const count = (what: string) => answers.filter(([, w]) => w === what).length;


async function download(query: string): Promise<Buffer> {
  const res = await app.inject({ url: `/api/v1/surveys/pflege/export?${query}`, headers });
  if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
  return res.rawPayload;
}

function pspp(syntax: string): string {
  const file = path.join(dir, `job-${randomUUID()}.sps`);
  fs.writeFileSync(file, syntax);
  return execFileSync('pspp', ['-O', 'format=csv', file], { encoding: 'utf8' });
}

const sav = path.join(dir, 'pflege.sav');
const savEn = path.join(dir, 'pflege-en.sav');
fs.writeFileSync(sav, await download('format=sav&status=complete'));
fs.writeFileSync(savEn, await download('format=sav&status=complete&locale=en'));

t.test(`PSPP: "not asked" is -98 and "no answer" -99, both declared missing and labelled (${dbLabel})`, async (t) => {
  const dict = pspp(`GET FILE='${sav}'.\nDISPLAY DICTIONARY.\n`);
  t.notMatch(dict, /error|warning/i, 'PSPP reads the file');
  const line = (name: string) => dict.split('\n').find((l) => l.startsWith(`${name},`)) ?? '';
  t.match(line('vereinbar'), /-99; -98/, 'user-missing values declared');
  t.match(dict, /-98\[a\],nicht gefragt \(Bedingung oder Version\)/, '-98 labelled, [a] marking a missing value');
  t.match(dict, /-99\[a\],keine Antwort/, '-99 labelled');
  t.match(dict, /\n,1,sehr unzufrieden\n/, 'the low anchor labels code 1');
  t.match(dict, /\n,5,sehr zufrieden\n/, 'the high anchor labels code 5');
  t.match(line('hilfe_other_chosen'), /Welche Hilfen nutzen Sie\?: Sonstiges/, '"other" has its own 0/1 variable, labelled in German');
  const freq = pspp(`SET TNUMBERS=VALUES.\nGET FILE='${sav}'.\nFREQUENCIES /VARIABLES=vereinbar hilfe_other_chosen.\n`);
  const rows = (title: string) => {
    const lines = freq.split('\n');
    const start = lines.indexOf(`Table: ${title}`);
    return lines.slice(start + 2, lines.findIndex((l, i) => i > start + 1 && l.startsWith('Total')));
  };
  const missing = rows('Wie gut lässt sich Pflege mit der Arbeit vereinbaren?').filter((l) => l.startsWith('Missing') || l.startsWith(','));
  t.ok(missing.some((l) => /,-98,/.test(l) && l.split(',')[2] === String(count('not asked'))), `${count('not asked')} not asked`, { missing });
  t.ok(missing.some((l) => /,-99,/.test(l) && l.split(',')[2] === String(count('no answer'))), `${count('no answer')} without an answer`, { missing });
  const other = rows('Welche Hilfen nutzen Sie?: Sonstiges');
  t.ok(other.some((l) => /^(Valid)?,1,2,/.test(l)), 'two chose "other"', { other });
});

t.test(`R's foreign::read.spss: the missing values are declared, labelled and become NA (${dbLabel})`, async (t) => {
  const r = [
    'suppressWarnings(library(foreign))',
    `raw <- read.spss('${sav}', to.data.frame = FALSE, use.value.labels = FALSE, use.missings = FALSE)`,
    `d <- read.spss('${sav}', to.data.frame = TRUE, use.value.labels = FALSE)`,
    'm <- attr(raw, "missings")$vereinbar',
    'cat("declared", m$type, paste(sort(m$value), collapse = " "), "\\n")',
    'l <- attr(raw$vereinbar, "value.labels")',
    'cat("labels", paste(l, names(l), sep = "=", collapse = ";"), "\\n")',
    'cat("raw", sum(raw$vereinbar == -98), sum(raw$vereinbar == -99), "\\n")',
    'cat("na", sum(is.na(d$vereinbar)), "\\n")',
    'cat("asked", paste(d$vereinbar_asked, collapse = " "), "\\n")',
  ].join('\n');
  let out: string;
  try {
    out = execFileSync('Rscript', ['-e', r], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return t.fail(code === 'ENOENT' ? 'Rscript was not found: install r-base-core (apt-get install r-base-core)' : `R could not read the file: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  t.match(out, /^declared (two|range|three)\S* -99 -98 $/m, 'R sees -99 and -98 as declared missing values');
  t.match(out, /-98=nicht gefragt \(Bedingung oder Version\)/);
  t.match(out, /-99=keine Antwort/);
  t.match(out, /1=sehr unzufrieden/);
  t.match(out, new RegExp(`^raw ${count('not asked')} ${count('no answer')} $`, 'm'), 'the codes apart');
  t.match(out, new RegExp(`^na ${count('not asked') + count('no answer')} $`, 'm'), 'both NA once missing values apply');
  t.match(out, new RegExp(`^asked ${answers.map(([, w]) => (w === 'not asked' ? 0 : 1)).join(' ')} $`, 'm'), 'vereinbar_asked says which NA is which');
});

t.test('English .sav: "Other" and the English anchors and missing labels', async (t) => {
  const dict = pspp(`GET FILE='${savEn}'.\nDISPLAY DICTIONARY.\n`);
  t.match(dict, /Which support do you use\?: Other/);
  t.notMatch(dict, /Sonstiges/);
  t.match(dict, /\n,5,very satisfied\n/);
  t.match(dict, /-98\[a\],not asked \(condition or version\)/);
});

t.test('CSV: empty cells, the _asked column says why, and the codebook names it', async (t) => {
  const csv = (await download('format=csv&status=complete')).toString('utf8').replace(/^\uFEFF/, '');
  const [head, ...lines] = parseCsv(csv.trim(), ';');
  const col = (name: string) => head.indexOf(name);
  t.ok(col('vereinbar_asked') === col('vereinbar') + 1, 'the _asked column follows the question');
  t.ok(col('hilfe_other_chosen') > 0, '"other" chosen has a column');
  t.equal(col('pflege_asked'), -1, 'an unconditional question needs none');
  answers.forEach(([data, what], i) => {
    const cells = lines[i];
    t.equal(cells[col('vereinbar')], what === 'answer' ? String(data.vereinbar) : '', `row ${i + 1}: vereinbar`);
    t.equal(cells[col('vereinbar_asked')], what === 'not asked' ? '0' : '1', `row ${i + 1}: ${what}`);
    const hilfe = data.hilfe as string[] | undefined;
    t.equal(cells[col('hilfe_other_chosen')], hilfe ? (hilfe.includes('other') ? '1' : '0') : '', `row ${i + 1}: other chosen`);
  });
  const labelled = (await download('format=csv&status=complete&labels=text&locale=en')).toString('utf8');
  t.match(labelled, /very dissatisfied/, 'anchors as labels in the English CSV');
  const codebook = await app.inject({ url: '/api/v1/surveys/pflege/codebook', headers });
  t.equal(codebook.statusCode, 200);
  const rows = parseCsv(codebook.body.replace(/^\uFEFF/, '').trim(), ';');
  t.equal(rows[0].at(-1), 'missing', 'the codebook has a column "missing"');
  const row = (name: string) => rows.find((r) => r[0] === name) ?? [];
  t.match(row('vereinbar').at(-1), /keine Antwort bei vereinbar_asked = 1, nicht gefragt bei vereinbar_asked = 0/);
  t.match(row('vereinbar').at(-1), /-98 = nicht gefragt/);
  t.match(row('vereinbar').join(';'), /1 = sehr unzufrieden \| 2 = 2 \| 3 = 3 \| 4 = 4 \| 5 = sehr zufrieden/, 'anchors in the codebook');
  t.match(row('vereinbar_asked').join(';'), /1 = gefragt \| 0 = nicht gefragt/);
  t.match(row('hilfe_other_chosen').join(';'), /Sonstiges/);
  t.match(row('pflege').at(-1), /^leer = keine Antwort \(SPSS: -99 = keine Antwort/, 'an unconditional question: empty is no answer');
});

t.test(`the counts reports read keep "nicht gefragt" apart, and an erasure takes it back (${dbLabel})`, async (t) => {
  await app.counts.fold();
  const skipped = async () => {
    const rows = await app.db
      .select({ value: answerCounts.value, n: answerCounts.n })
      .from(answerCounts)
      .where(and(eq(answerCounts.surveyId, survey.surveyId), eq(answerCounts.variable, NOT_ASKED_VARIABLE)));
    return Object.fromEntries(rows.map((r) => [r.value, r.n]));
  };
  t.same(await skipped(), { vereinbar: count('not asked') }, 'one per respondent who was not asked, only for the conditional question');
  const last = answers.findLastIndex(([, w]) => w === 'not asked');
  t.ok(await eraseResponse(app.db, ids[last], 'test'));
  t.same(await skipped(), { vereinbar: count('not asked') - 1 });
});
