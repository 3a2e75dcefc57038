// The generated report.html opened in Debian's Chromium via file:// (offline): the charts are
// inline SVG and chart text shows a German decimal comma. Screenshot to test/artifacts/.
//   npx tap test/browser/report-html.test.ts
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import t from 'tap';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });
const dataDir = mkdtempSync(path.join(tmpdir(), 'befund-report-html-'));
const out = path.join(dataDir, 'out');
const profile = mkdtempSync(path.join(tmpdir(), 'befund-chromium-'));
const env = { DATA_DIR: dataDir, DATABASE_URL: undefined };

const demo = await runCli(['demo', '--responses', '150', '--json'], env, 240_000);
if (demo.code !== 0) throw new Error(`befund demo failed: ${demo.stderr}`);
const analyze = await runCli(['analyze', '--survey', 'om-partner-befragung', '--out', out, '--format', 'html'], env);
if (analyze.code !== 0) throw new Error(`befund analyze failed: ${analyze.stderr}`);

const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  headless: true,
  locale: 'de-DE',
  args: CHROMIUM_ARGS,
});
// tsx's `__name(…)` wrappers travel with functions handed to page.evaluate (see launchChromium)
await browser.addInitScript('globalThis.__name = (f) => f;');
t.teardown(async () => {
  await browser.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

for (const audience of readdirSync(out).sort()) {
  t.test(`the ${audience} report opens offline with SVG charts showing a German decimal comma`, async (t) => {
    const page = await browser.newPage();
    t.teardown(() => page.close());
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) requests.push(r.url());
    });
    page.on('pageerror', (e) => t.fail(`script error: ${e.message}`));
    await page.goto(pathToFileURL(path.join(out, audience, 'report.html')).href);
    await page.setViewportSize({ width: 1100, height: 900 });
    t.ok(await page.locator('h1').isVisible(), 'title visible');
    const charts = page.locator('figure > svg');
    t.ok((await charts.count()) > 0, 'charts are inline SVG');
    t.equal(await page.locator('figure canvas, img').count(), 0, 'no canvas, no images');
    await charts.first().scrollIntoViewIfNeeded();
    t.ok(await charts.first().isVisible(), 'first chart visible');
    const chartText = await page.locator('figure svg text').allTextContents();
    const comma = chartText.filter((s) => /\d,\d/.test(s));
    t.ok(comma.length > 0, `a German decimal comma in chart text, e.g. ${comma[0]}`);
    t.notOk(chartText.some((s) => /^\d+\.\d+\s?%$/.test(s)), 'no decimal point in percentages');
    await page.screenshot({ path: path.join(ARTIFACTS, `report-${audience}.png`), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    t.equal(await page.locator('nav').isVisible(), false, 'print CSS hides the contents list');
    t.same(requests, [], 'no external requests');
  });
}
