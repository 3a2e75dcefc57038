// An XLSForm spreadsheet through the workspace in Debian's Chromium: upload the .xlsx, see the
// survey rendered by the respondent bundle with its findings beside the questions, switch to
// English, answer a conditional question with test answers (never stored), publish, create a
// link and answer it in a second browser: the response is stored. Screenshots go to
// test/artifacts/ (git-ignored).
//   npx tap --disable-coverage test/browser/xlsform-preview.test.ts
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import t from 'tap';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { openStrict, serveForBrowser, type TapTest } from '../helpers/browser.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';
import { xlsxOf } from '../helpers/xlsx.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
const headers = await researcherHeaders(app);
const token = headers.authorization.slice('Bearer '.length);
const { base, browser } = await serveForBrowser(t, app, cleanup);

/** test/fixtures/xlsform/logik.csv as an .xlsx workbook, the English label of `lg_warum_nicht` left out. */
const spreadsheet = (): Promise<Buffer> =>
  xlsxOf(readFileSync('test/fixtures/xlsform/logik.csv', 'utf8'), (sheet, cells) => {
    if (sheet === 'survey' && cells.name === 'lg_warum_nicht') delete cells['label::English (en)'];
  });

const open = async (t: TapTest): Promise<Page> => (await openStrict(t, browser)).page;

const choice = (page: Page, text: string) => page.locator('label').filter({ hasText: new RegExp(`^${text}$`) }).first();
const question = (page: Page, name: string) => page.locator(`[data-name="${name}"]`);

/**
 * Opens a SurveyJS dropdown and picks an option. The popup can close again while it opens (the
 * question re-renders when its choices were filtered by the answer just given): then once more.
 */
async function pickFromDropdown(page: Page, name: string, option: string) {
  for (let attempt = 0; ; attempt++) {
    await question(page, name).locator('.sd-dropdown').click();
    try {
      await page.getByRole('option', { name: option }).click({ timeout: 5000 });
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
  await question(page, name).locator('.sd-dropdown__value').filter({ hasText: option }).waitFor();
}

/** Page 1 of the form: country, region (a dropdown filtered by the country), agreement and its kind. */
async function answerFirstPage(t: { equal(a: unknown, b: unknown, m: string): unknown }, page: Page) {
  await choice(page, 'Deutschland').click();
  await pickFromDropdown(page, 'lg_region', 'Süddeutschland');
  t.equal(await question(page, 'lg_tarifart').count(), 0, 'the follow-up is not shown before its condition holds');
  await choice(page, 'Ja').click();
  // the conditional question appears once its condition holds
  await question(page, 'lg_tarifart').getByText('Welche Art von Tarifvertrag gilt?').waitFor();
  await choice(page, 'Haustarifvertrag').click();
}

t.test(`upload an XLSForm file, preview it, publish it and answer it through a link (${dbLabel})`, async (t) => {
  const admin = await open(t);
  await admin.goto(`${base}/admin/login`);
  await admin.getByLabel('Token').fill(token);
  await admin.getByRole('button', { name: 'Anmelden' }).click();
  await admin.getByRole('heading', { name: 'Umfragen' }).waitFor();

  // upload the spreadsheet as a new survey
  await admin.getByLabel('XLSForm-Datei').setInputFiles({ name: 'logik.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await spreadsheet() });
  await admin.getByRole('button', { name: 'Vorschau zeigen' }).click();

  // the preview: the respondent page's rendering, the findings listed and beside their question
  await admin.getByRole('heading', { name: 'Vorschau: Logik und Gruppen' }).waitFor();
  await admin.getByRole('heading', { name: 'Logik und Gruppen', exact: true }).waitFor();
  t.match(await admin.locator('.bf-preview-bar').textContent(), /„Veröffentlichen“ legt Version 1 an/);
  t.match(await admin.locator('.bf-preview-findings').first().textContent(), /survey, Zeile 12, Spalte label::English \(en\)/, 'the missing translation is listed with its row');
  await answerFirstPage(t, admin);
  await admin.getByRole('button', { name: 'Weiter' }).click();
  await choice(admin, 'Kurse').click();
  await question(admin, 'lg_teilnehmende').waitFor();
  await question(admin, 'lg_zufrieden').waitFor();
  await question(admin, 'lg_zufrieden').locator('label').filter({ hasText: /^Nein$/ }).click();
  const beside = question(admin, 'lg_warum_nicht').locator('.bf-finding-list');
  await beside.waitFor();
  t.match(await beside.textContent(), /survey, Zeile 12, Spalte label::English \(en\): Übersetzung fehlt \(en\)/, 'the finding stands beside its question');
  await question(admin, 'lg_warum_nicht').getByText('Warum nicht?').waitFor({ state: 'visible' });
  await admin.screenshot({ path: `${ARTIFACTS}xlsform-preview.png`, fullPage: true, animations: 'disabled' });

  // English: the survey's own English texts, the findings in English
  await admin.getByRole('button', { name: 'English' }).click();
  await question(admin, 'lg_zufrieden').getByText('Are you satisfied with the measures?').waitFor();
  t.match(await beside.textContent(), /survey, row 12, column label::English \(en\): translation missing \(en\)/);
  await admin.getByRole('button', { name: 'Deutsch' }).click();
  await question(admin, 'lg_zufrieden').getByText('Sind Sie mit den Maßnahmen zufrieden?').waitFor();
  t.equal((await app.inject({ url: '/api/v1/surveys', headers })).json().surveys.length, 0, 'nothing is stored while previewing');

  // publish: the survey page says which version was created
  await admin.getByRole('button', { name: 'Veröffentlichen' }).click();
  await admin.getByText('Version 1 angelegt.').waitFor();
  await admin.getByRole('heading', { name: 'Logik und Gruppen' }).waitFor();
  t.match(admin.url(), /\/admin\/surveys\/xlsform-logik\?/);

  // a link, answered in a second browser
  const links = admin.getByRole('region', { name: 'Links' });
  await links.getByLabel('Zielgruppe (Segment)').fill('sme');
  await links.getByLabel('Bezeichnung').fill('Tabelle');
  await links.getByRole('button', { name: 'Anlegen' }).click();
  await admin.getByText('Link angelegt.').waitFor();
  const url = await admin.getByRole('row').filter({ hasText: 'Tabelle' }).locator('input.bf-url').inputValue();

  const respondent = await open(t);
  await respondent.goto(`${base}${new URL(url).pathname}`);
  await respondent.getByRole('heading', { name: 'Logik und Gruppen' }).waitFor();
  await answerFirstPage(t, respondent);
  await respondent.getByRole('button', { name: 'Weiter' }).click();
  await choice(respondent, 'Coaching').click();
  await question(respondent, 'lg_teilnehmende').locator('input').fill('12');
  await question(respondent, 'lg_zufrieden').locator('label').filter({ hasText: /^Ja$/ }).click();
  t.equal(await respondent.locator('.bf-finding-list').count(), 0, 'respondents see no findings');
  await respondent.getByRole('button', { name: 'Weiter' }).click();
  await respondent.getByRole('button', { name: 'Weiter' }).click();
  await respondent.getByRole('button', { name: 'Abschließen' }).click();
  await respondent.getByText('Vielen Dank').first().waitFor();

  const stored = (await app.inject({ url: '/api/v1/surveys/xlsform-logik/responses', headers })).json().responses;
  t.equal(stored.length, 1, 'one response stored, the test answers of the preview not among them');
  t.match(stored[0].data, { lg_land: 'de', lg_region: 'sued', lg_tarif: 'ja', lg_tarifart: 'haus', lg_mass: ['coaching'], lg_teilnehmende: 12, lg_zufrieden: 'ja' });
});

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

t.test('the preview page, findings included, has no WCAG 2.1 A/AA violations', async (t) => {
  // axe is injected as a script; the page's own CSP would refuse that, so it is bypassed here only.
  const ctx = await browser.newContext({ locale: 'de-DE', bypassCSP: true });
  t.teardown(() => ctx.close());
  const page = await ctx.newPage();
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { name: 'Umfragen' }).waitFor();
  await page.getByLabel('XLSForm-Datei').setInputFiles({ name: 'logik.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await spreadsheet() });
  await page.getByLabel('Kürzel').last().fill('logik-axe');
  await page.getByRole('button', { name: 'Vorschau zeigen' }).click();
  await page.locator('.sd-question').first().waitFor();
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[]; passes: unknown[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) })) };
  });
  t.ok(result.passes >= 10, `axe checked the page (${result.passes} rules passed)`);
  t.same(result.violations, [], JSON.stringify(result.violations, null, 1));
});
