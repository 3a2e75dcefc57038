// The report pages in Debian's Chromium, for each audience of the demo survey opened with a share
// key: charts drawn as SVG by vega-embed under the page's CSP, a chart's table equal to the report
// API, a filter changing it, a suppressed cell in words, a PDF that is a PDF and not blank, and
// an open-text XSS payload shown as text. Screenshots and PDFs go to test/artifacts/.
//   npx tap test/browser/report-pages.test.ts
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import t from 'tap';
import { serveForBrowser } from '../helpers/browser.ts';
import { formatNumber } from '../../analysis/format.ts';
import { COMPLEMENTARY_NOTICE, noticeFor } from '../../analysis/suppress.ts';
import { links } from '../../server/db/schema.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { prepareStudy } from '../../server/startup.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });
const SLUG = 'om-partner-befragung';
const XSS = '<img src=x onerror=alert(1)>';
const NOTICE = 'weniger als 5 Antworten';

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
const headers = await researcherHeaders(app);
await prepareStudy(app);
const survey = await findSurvey(app.db, SLUG);
const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
const allLinks = await app.db.select().from(links).where(eq(links.surveyId, survey.id));
const model = syntheticModel(version.definition);
const rnd = seededRandom(42);
const LEAN: Record<string, number> = { intermediary: 0.35, sme: -0.25, works_council: 0.05 };
// As `befund demo`: synthetic answers → validator → insertResponse; every tenth suggestion is the payload.
for (let i = 0, texts = 0; i < 200; i++) {
  const u = rnd();
  const segment = u < 0.5 ? 'intermediary' : u < 0.83 ? 'sme' : 'works_council';
  const link = allLinks.find((l) => l.segment === segment && l.label === 'Standard') as (typeof allLinks)[number];
  const data = syntheticResponse(model, rnd, { lean: LEAN[segment] ?? 0 });
  if (typeof data.anregungen === 'string' && texts++ % 10 === 0) data.anregungen = XSS;
  const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
  if (!verdict.ok) continue;
  await insertResponse(app.db, { id: randomUUID(), surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
}
// A shared report lists only the open texts a researcher approved: approve every payload.
const listed = (await app.inject({ url: `/api/v1/surveys/${SLUG}/open-texts?limit=1000`, headers })).json() as { texts: { id: number; text: string }[] };
for (const x of listed.texts.filter((x) => x.text === XSS)) await app.inject({ method: 'PUT', url: `/api/v1/surveys/${SLUG}/open-texts/${x.id}`, headers, payload: { approved: true } });
const { base, browser } = await serveForBrowser(t, app, cleanup);

interface Option {
  value: string;
  label: { de: string };
  count: number | { suppressed: true };
}
interface Question {
  name: string;
  kind: string;
  suppressed: boolean;
  options?: Option[];
}
const apiReport = async (audience: string, query = '') =>
  (await app.inject({ url: `/api/v1/surveys/${SLUG}/report?audience=${audience}${query}`, headers })).json() as { sections: { questions: Question[] }[] };

const text = async (l: Locator) => ((await l.textContent()) ?? '').trim();

/** The count column of a question's first table, as the page shows it. */
async function tableCounts(page: Page, question: string): Promise<Record<string, string>> {
  const rows = page.locator(`article[data-question="${question}"] table[data-part=""] tbody tr`);
  const out: Record<string, string> = {};
  for (const row of await rows.all()) out[await text(row.locator('th'))] = await text(row.locator('td').first());
  return out;
}

// a hidden cell says why: "weniger als 5" where it is small itself, else that it protects others
const expected = (q: Question) => Object.fromEntries((q.options ?? []).map((o) => [o.label.de, typeof o.count === 'number' ? formatNumber(o.count, 'de') : noticeFor(o.count, { de: NOTICE }).de]));

/** Distinct colours and whether any pixel is clearly coloured (not grey), read in the browser. */
async function pixels(page: Page, png: Buffer): Promise<{ colours: number; coloured: boolean; width: number }> {
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    let coloured = false;
    for (let i = 0; i < d.length; i += 4) {
      seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) coloured = true;
    }
    return { colours: seen.size, coloured, width: c.width };
  }, `data:image/png;base64,${png.toString('base64')}`);
}

for (const audience of ['intermediary', 'sme', 'works_council']) {
  t.test(`the ${audience} report page: SVG charts, tables equal report.json, a filter, words for hidden cells, PDF, no XSS (${dbLabel})`, async (t) => {
    const { key } = await createShare(app.db, { surveyId: survey.id, audience }, 'test');
    const ctx = await browser.newContext({ locale: 'de-DE', acceptDownloads: true });
    const page = await ctx.newPage();
    t.teardown(() => ctx.close());
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    page.on('pageerror', (e) => t.fail(`script error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') t.fail(`console: ${m.text()}`);
    });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
    });

    const started = Date.now();
    await page.goto(`${base}/reports/${SLUG}/${audience}?key=${encodeURIComponent(key)}`);
    await page.locator('figure[data-chart] svg').first().waitFor();
    const firstChart = Date.now() - started;
    await page.locator('body[data-charts="ready"]').waitFor({ timeout: 30_000 });
    const allCharts = Date.now() - started;
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const end = (part: string) => Math.round(res.find((r) => r.name.includes(part))?.responseEnd ?? -1);
      return { fetched: res.filter((r) => r.name.includes('data.json')).length, html: Math.round(nav.responseEnd), js: Math.round(res.find((r) => /\/assets\/report\.([0-9a-f]{8}\.)?js$/.test(r.name))?.responseEnd ?? -1), data: end('data.json'), script: Number(document.body.dataset.scriptStart), parsed: Number(document.body.dataset.dataReady), chart: Number(document.body.dataset.firstChart) };
    });
    t.equal(timing.fetched, 1, 'data.json is fetched once (the preload is used)');
    t.comment(`${audience}: first chart after ${firstChart} ms (page clock: HTML ${timing.html}, report.js ${timing.js}, data.json ${timing.data}, script runs ${timing.script}, data parsed ${timing.parsed}, first chart ${timing.chart} ms), all charts after ${allCharts} ms`);

    const figures = page.locator('figure[data-chart]');
    const n = await figures.count();
    t.ok(n > 0, `${n} charts`);
    t.equal(await page.locator('figure[data-chart][data-rendered="true"] > .vis svg').count(), n, 'every chart is drawn as SVG');
    t.equal(await page.locator('figure canvas').count(), 0, 'no canvas');
    t.ok((await page.locator('figure[data-chart] svg text').allTextContents()).some((s) => /\d,\d/.test(s)), 'chart text with a German decimal comma');
    t.equal(await page.getByRole('button', { name: /Diagramm als SVG/ }).count(), n, 'an SVG download per chart');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Diagramm als PNG/ }).first().click()]);
    t.match(download.suggestedFilename(), new RegExp(`^${SLUG}-${audience}-.+\\.png$`), 'a chart downloads as PNG');

    // one chart's table against the report API (the JSON `befund analyze` writes as report.json)
    const report = await apiReport(audience);
    const q = report.sections.flatMap((s) => s.questions).find((x) => !x.suppressed && (x.kind === 'single' || x.kind === 'multiple') && x.options?.length) as Question;
    t.ok(await page.locator(`figure[data-chart="${q.name}"] svg`).count(), `${q.name} has a drawn chart`);
    const shown = await tableCounts(page, q.name);
    t.same(shown, expected(q), `${q.name}: the table's counts equal report.json`);

    t.match(await text(page.locator('[data-suppressed="true"]').first()), new RegExp(`${NOTICE}|${COMPLEMENTARY_NOTICE.de}`), 'a suppressed cell shows the words');
    await page.screenshot({ path: path.join(ARTIFACTS, `report-page-${audience}.png`), fullPage: true });
    await page.locator(`figure[data-chart="${q.name}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, `report-page-${audience}-chart.png`) });

    // XSS: the payload is text in the list of open answers and never runs
    const payload = page.locator('ul.texts li', { hasText: XSS });
    t.ok((await payload.count()) > 0, 'the payload is listed as text');
    t.equal(await page.locator('img[src="x"]').count(), 0, 'and no element was made from it');

    // a filter: the first compared segment only, computed on the server
    const filterSegment = await page.locator('form.filters input[name="segment"]').first().getAttribute('value');
    await page.locator('form.filters input[name="segment"]').first().check();
    await Promise.all([page.waitForURL(/segment=/), page.getByRole('button', { name: 'Anwenden' }).click()]);
    t.match(page.url(), `key=${encodeURIComponent(key)}`, 'the key stays in the address');
    const filtered = await apiReport(audience, `&segment=${filterSegment}`);
    const fq = filtered.sections.flatMap((s) => s.questions).find((x) => x.name === q.name) as Question;
    if ((await page.locator('.refused').count()) === 0) {
      await page.locator('body[data-charts="ready"]').waitFor({ timeout: 30_000 });
      const after = await tableCounts(page, q.name);
      t.same(after, expected(fq), `${q.name} filtered to ${filterSegment}: the table equals report.json`);
      t.not(JSON.stringify(after), JSON.stringify(shown), 'the filter changed the numbers');
      t.match(await text(page.locator('.active-filters')), 'Gefiltert');
    } else t.fail(`the filter ${filterSegment} was refused: ${await text(page.locator('.refused'))}`);

    // the PDF: the print view printed by Chromium on the server
    const pdfHref = (await page.locator('.downloads a[href*="report.pdf"]').getAttribute('href')) as string;
    t.match(pdfHref, `key=${encodeURIComponent(key)}`, 'the PDF link carries the key');
    const pdfStarted = Date.now();
    const res = await page.request.get(`${base}${pdfHref}`);
    t.comment(`${audience}: PDF in ${Date.now() - pdfStarted} ms, ${(await res.body()).length} bytes`);
    t.equal(res.status(), 200);
    t.equal(res.headers()['content-type'], 'application/pdf');
    const pdf = await res.body();
    t.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF');
    const pdfFile = path.join(ARTIFACTS, `report-page-${audience}.pdf`);
    writeFileSync(pdfFile, pdf);
    const stem = path.join(ARTIFACTS, `report-page-${audience}-pdf`);
    for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`${path.basename(stem)}-`)) rmSync(path.join(ARTIFACTS, f));
    execFileSync('pdftoppm', ['-png', '-r', '50', pdfFile, stem]);
    const pngs = readdirSync(ARTIFACTS)
      .filter((f) => f.startsWith(`${path.basename(stem)}-`) && f.endsWith('.png'))
      .sort()
      .map((f) => path.join(ARTIFACTS, f));
    t.ok(pngs.length > 1, `${pngs.length} pages`);
    const first = await pixels(page, readFileSync(pngs[0]));
    t.ok(first.width > 300 && first.colours > 2, `page 1 is not blank (${first.colours} colours)`);
    let coloured = 0;
    for (const png of pngs) if ((await pixels(page, readFileSync(png))).coloured) coloured++;
    t.ok(coloured > 0, `${coloured} pages carry coloured charts`);

    t.same(dialogs, [], 'no dialog ever opened');
    t.same(outside, [], 'no request left the server');
  });
}

t.test('without a key the page is 404 in the browser too', async (t) => {
  const page = await browser.newPage();
  t.teardown(() => page.close());
  const res = await page.goto(`${base}/reports/${SLUG}/sme`);
  t.equal(res?.status(), 404);
  t.match(await text(page.locator('h1')), 'Nicht gefunden');
});
