// The .sav export opens in PSPP, and PSPP's FREQUENCIES equal the counts the reports read
// (answer_counts) for a nominal, an ordinal and two checkbox variables.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { answerCounts } from '../../server/db/schema.ts';
import { exportColumns } from '../../server/export/columns.ts';
import { surveyVersionCatalogues } from '../../server/export/source.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { root } from '../helpers/cli.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-sav-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

const definition = JSON.parse(fs.readFileSync(path.join(root, 'surveys/definitions/om-partner-befragung.json'), 'utf8'));
const imported = await seedSurvey(app, 'partner', definition);
const links = [await seedLink(app, imported.surveyId, { segment: 'sme', label: 'KMU' }), await seedLink(app, imported.surveyId, { segment: 'intermediary', label: 'Kammern' })];
const version = await app.versions.get(imported.versionId);
const model = syntheticModel(version.definition);
const rnd = seededRandom(7);
let stored = 0;
for (let i = 0; i < 160; i++) {
  const data = syntheticResponse(model, rnd, { lean: i % 2 ? 0.3 : -0.3 });
  const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
  if (!verdict.ok) continue;
  const complete = i % 10 !== 0;
  await insertResponse(app.db, { id: randomUUID(), surveyId: imported.surveyId, versionId: version.id, catalogue: version.catalogue, link: links[i % 2], data: verdict.data, complete, locale: 'de' });
  if (complete) stored++;
}
const headers = await researcherHeaders(app);

function pspp(syntax: string): string {
  const file = path.join(dir, `job-${randomUUID()}.sps`);
  fs.writeFileSync(file, syntax);
  return execFileSync('pspp', ['-O', 'format=csv', file], { encoding: 'utf8' });
}

/** Frequencies of one variable from PSPP's CSV output (values, not labels): code → count. */
function frequencies(output: string, label: string): Map<number, number> {
  const lines = output.split('\n');
  const start = lines.indexOf(`Table: ${label}`);
  const result = new Map<number, number>();
  if (start < 0) return result;
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '' || line.startsWith('Total')) break;
    const [section, code, n] = line.split(',');
    if (section === 'Missing') continue;
    result.set(Number(code), Number(n));
  }
  return result;
}

t.test(`the .sav export opens in PSPP and its frequencies equal the report counts (${dbLabel})`, async (t) => {
  t.ok(stored > 100, `${stored} synthetic complete responses stored`);
  const res = await app.inject({ url: '/api/v1/surveys/partner/export?format=sav&status=complete', headers });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /spss/);
  const file = path.join(dir, 'partner.sav');
  fs.writeFileSync(file, res.rawPayload);
  t.equal(res.rawPayload.subarray(0, 4).toString('latin1'), '$FL2');

  const columns = exportColumns(await surveyVersionCatalogues(app.db, imported.surveyId));
  const catalogue = version.catalogue as Catalogue;
  const checked = ['org_typ', 'nutzung', 'kanaele.web', 'hemmnisse.zeit'];
  const syntax = `SET TNUMBERS=VALUES.\nGET FILE='${file}'.\nFREQUENCIES /VARIABLES=${checked.map((k) => k.replace('.', '_')).join(' ')}.\n`;
  const output = pspp(syntax);
  t.notMatch(output, /error|warning/i, 'PSPP reads the file without errors or warnings');
  await app.counts.fold();
  for (const key of checked) {
    const col = columns.find((c) => c.key === key);
    if (!col) throw new Error(`no column for ${key}`);
    const variable = catalogue.questions.flatMap((q) => q.variables).find((v) => v.key === key);
    const rows = await app.db
      .select({ value: answerCounts.value, n: sql<number>`sum(${answerCounts.n})::int` })
      .from(answerCounts)
      .where(eq(answerCounts.variable, key))
      .groupBy(answerCounts.value);
    const expected = new Map(rows.map((r) => [col.values.find((c) => c.value === r.value)?.code ?? Number.NaN, r.n]));
    t.ok(expected.size > 1, `${key} has several answers`);
    t.same(frequencies(output, variable?.label.de ?? key), expected, `FREQUENCIES of ${col.name} equal answer_counts`);
  }
});

t.test('PSPP shows the variable labels, value labels, measurement levels and missing values', async (t) => {
  const file = path.join(dir, 'partner.sav');
  const output = pspp(`GET FILE='${file}'.\nDISPLAY DICTIONARY.\n`);
  t.notMatch(output, /error|warning/i);
  const catalogue = version.catalogue as Catalogue;
  const org = catalogue.questions.find((q) => q.name === 'org_typ');
  const line = (name: string) => output.split('\n').find((l) => l.startsWith(`${name},`)) ?? '';
  t.match(line('org_typ'), org?.title.de ?? '', 'variable label of org_typ');
  t.match(line('org_typ'), /Nominal/);
  t.match(line('org_typ'), /-99; -98/, 'user-missing values declared');
  t.match(line('nutzung'), /Ordinal/);
  t.match(line('reichweite'), /Scale/);
  t.match(line('kanaele_web'), /Nominal/);
  t.match(line('anregungen'), /A255/);
  for (const choice of org?.choices ?? []) if (choice.value !== 'other') t.ok(output.includes(choice.label.de), `value label ${choice.label.de}`);
  t.match(output, /nicht gefragt \(Bedingung oder Version\)/);
  t.match(output, /nicht gewählt/);
});

t.test(`R's foreign::read.spss reads the .sav: the header's case count, and the same frequencies as PSPP (${dbLabel})`, async (t) => {
  const file = path.join(dir, 'partner.sav');
  t.equal(fs.readFileSync(file).readInt32LE(80), stored, 'the header states the real case count, not -1');
  const r = [
    'suppressWarnings(library(foreign))',
    `d <- read.spss('${file}', to.data.frame = FALSE, use.value.labels = FALSE)`,
    'cat("rows", length(d$nutzung), "\\n")',
    'tab <- table(d$nutzung)',
    'cat("nutzung", paste(names(tab), tab, sep = "=", collapse = " "), "\\n")',
  ].join('\n');
  let out: string;
  try {
    out = execFileSync('Rscript', ['-e', r], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return t.fail(code === 'ENOENT' ? 'Rscript was not found: install r-base-core (apt-get install r-base-core)' : `R could not read the file: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  t.match(out, new RegExp(`^rows ${stored} $`, 'm'), 'R reads one row per stored response');
  const fromR = new Map(
    (out.match(/^nutzung (.*)$/m)?.[1] ?? '')
      .trim()
      .split(' ')
      .map((pair) => pair.split('=').map(Number) as [number, number]),
  );
  const fromPspp = frequencies(pspp(`SET TNUMBERS=VALUES.\nGET FILE='${file}'.\nFREQUENCIES /VARIABLES=nutzung.\n`), (version.catalogue as Catalogue).questions.find((q) => q.name === 'nutzung')?.title.de ?? 'nutzung');
  t.ok(fromPspp.size > 1, 'nutzung has several answers');
  for (const [code, n] of fromPspp) t.equal(fromR.get(code), n, `nutzung = ${code}: R and PSPP count the same`);
});
