// Issue 11, part 5: reports that can be handed over as they are, for three surveys that are not
// the demos (test/fixtures), each audience opened with a share key in Debian's Chromium:
// - on a phone (390 px) and a desktop (1280 px) every chart text is drawn at ≥ 11 px, and no
//   chart runs past the screen's edge;
// - a chart is one image whose label is its description in the report's locale, never Vega's
//   English ("X-axis titled …", "bar");
// - an English report shows the survey's English title;
// - the PDF keeps every table column: laid out as printed (A4 less margins, print media) no
//   table is wider than the page, each column header of the page is drawn in the PDF
//   (pdftotext -raw, the order Chromium draws in), and nothing is printed into the page's right
//   edge, where Chromium cuts (rasterised with pdftoppm).
// Screenshots at both widths, the PDF and its first page as PNG go to test/browser/output/.
//   npx tap test/browser/report-handover.test.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { createShare } from '../../server/repositories/shares.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { serveForBrowser } from '../helpers/browser.ts';
import { seedFixtureStudy } from '../helpers/fixtures.ts';

const OUTPUT = new URL('./output/', import.meta.url).pathname;
mkdirSync(OUTPUT, { recursive: true });
const FIXTURES = ['survey-pflege-beruf', 'survey-kammer-mitglieder', 'survey-weiterbildung-betrieb'];
const AUDIENCES = ['intermediary', 'sme', 'works_council'];
const PER_SURVEY = 90;
const WIDTHS = [390, 1280];
const MIN_TEXT_PX = 11;
// Vega's own accessibility words; none may reach a chart's label
const VEGA_ENGLISH = /\b(?:axis|titled|mark container|graphics|Title text|Subtitle text|scale with values|discrete scale)\b/i;

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
const shares: Record<string, Record<string, string>> = {};
const titles: Record<string, { de: string; en?: string }> = {};
const rnd = seededRandom(5011);
for (const fixture of FIXTURES) {
  const { definition, surveyId } = await seedFixtureStudy(app, fixture, PER_SURVEY, rnd);
  titles[fixture] = definition.title as { de: string; en?: string };
  shares[fixture] = {};
  for (const audience of AUDIENCES) shares[fixture][audience] = (await createShare(app.db, { surveyId, audience }, 'test')).key;
}
const work = mkdtempSync(path.join(tmpdir(), 'befund-handover-'));
const { base, browser } = await serveForBrowser(t, app, async () => {
  await cleanup();
  rmSync(work, { recursive: true, force: true });
});

interface ChartCheck {
  charts: number;
  drawn: number;
  smallest: number;
  smallestText: string;
  overflowing: string[];
  labels: { role: string | null; label: string; innerLabels: number }[];
}

/** Every chart's SVG text at the size the reader sees it: font size × how much the SVG is scaled. */
function checkCharts(page: Page): Promise<ChartCheck> {
  return page.evaluate(() => {
    const figures = [...document.querySelectorAll<HTMLElement>('figure[data-chart]')];
    let smallest = Number.POSITIVE_INFINITY;
    let smallestText = '';
    const overflowing: string[] = [];
    const labels: { role: string | null; label: string; innerLabels: number }[] = [];
    for (const f of figures) {
      const svg = f.querySelector('svg');
      if (!svg) continue;
      const rect = svg.getBoundingClientRect();
      const scale = rect.width / (svg.width.baseVal.value || rect.width);
      if (rect.right > document.documentElement.clientWidth + 0.5) overflowing.push(`${f.dataset.chart}: ${Math.round(rect.right)} px`);
      for (const text of svg.querySelectorAll('text')) {
        if (!text.textContent?.trim()) continue;
        const size = Number.parseFloat(getComputedStyle(text).fontSize) * scale;
        if (size < smallest) {
          smallest = size;
          smallestText = `${f.dataset.chart}: "${text.textContent.slice(0, 40)}"`;
        }
      }
      labels.push({ role: svg.getAttribute('role'), label: svg.getAttribute('aria-label') ?? '', innerLabels: svg.querySelectorAll('[aria-label], [aria-roledescription]').length });
    }
    return { charts: figures.length, drawn: figures.filter((f) => f.dataset.rendered === 'true').length, smallest, smallestText, overflowing, labels };
  });
}

for (const fixture of FIXTURES) {
  for (const audience of AUDIENCES) {
    t.test(`${fixture}, ${audience}: legible charts at 390 and 1280 px, labels in the report's language, a PDF with every column (${dbLabel})`, async (t) => {
      const url = `${base}/reports/${fixture}/${audience}?key=${shares[fixture][audience]}`;
      for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
        const page = await context.newPage();
        await page.goto(url);
        await page.waitForFunction(() => document.body.dataset.charts === 'ready' || document.body.dataset.charts === 'failed', null, { timeout: 60_000 });
        const c = await checkCharts(page);
        t.ok(c.charts > 0, `${width} px: ${c.charts} charts`);
        t.equal(c.drawn, c.charts, `${width} px: every chart drawn`);
        t.ok(c.smallest >= MIN_TEXT_PX, `${width} px: the smallest chart text is ${c.smallest.toFixed(1)} px (${c.smallestText}), at least ${MIN_TEXT_PX}`);
        t.same(c.overflowing, [], `${width} px: no chart runs past the screen's edge`);
        for (const l of c.labels) {
          t.equal(l.role, 'img', 'a chart is one image');
          t.ok(l.label.length > 20 && !VEGA_ENGLISH.test(l.label), `labelled in German: "${l.label.slice(0, 70)}…"`);
          t.equal(l.innerLabels, 0, 'with no English labels of Vega inside');
        }
        await page.screenshot({ path: path.join(OUTPUT, `report-${fixture}-${audience}-${width}.png`), fullPage: true });
        await context.close();
      }

      // the English report: the survey's English title, chart labels without German-only words
      const en = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await en.goto(`${url}&lang=en`);
      await en.waitForFunction(() => document.body.dataset.charts === 'ready' || document.body.dataset.charts === 'failed', null, { timeout: 60_000 });
      const body = await en.locator('body').innerText();
      const title = titles[fixture];
      if (title.en) t.ok(body.includes(title.en), `the English report shows "${title.en}"`);
      t.notOk(body.includes(title.de), 'and not the German title');
      const enLabels = (await checkCharts(en)).labels.map((l) => l.label);
      t.ok(enLabels.length > 0 && enLabels.every((l) => !/\b(?:gültige Antworten|Anteil|Balkendiagramm|Häufigste)\b/.test(l)), 'English chart labels carry no German words');
      await en.close();

      // the PDF: every column header of the page's tables in the text layer, nothing in the cut-off edge
      const res = await fetch(`${base}/reports/${fixture}/${audience}/report.pdf?key=${shares[fixture][audience]}`);
      t.equal(res.status, 200, 'the PDF is served');
      const pdf = path.join(OUTPUT, `report-${fixture}-${audience}.pdf`);
      writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
      const squash = (s: string) => s.replace(/\s+/g, '');
      const text = squash(execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8', timeout: 60_000 }));
      // the page as printed: A4 less the margins is 180 mm, 680 px
      const page = await browser.newPage({ viewport: { width: 680, height: 1000 } });
      await page.emulateMedia({ media: 'print' });
      await page.goto(url);
      // column headers (a row header wraps beside its row's cells, so its lines are not contiguous in the text layer)
      const headers = [...new Set((await page.locator('table thead th').allInnerTexts()).map(squash).filter(Boolean))];
      const cut = await page.evaluate(() =>
        [...document.querySelectorAll('table')].filter((x) => x.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map((x) => x.caption?.textContent ?? x.closest('article')?.id ?? '?'),
      );
      await page.close();
      t.same(cut, [], 'printed, no table is wider than the page');
      const lost = headers.filter((h) => !text.includes(h));
      t.ok(headers.length > 0, `${headers.length} distinct column headers on the page`);
      t.same(lost, [], 'every one is in the PDF');
      const stem = path.join(work, `${fixture}-${audience}`);
      execFileSync('pdftoppm', ['-r', '40', '-gray', pdf, stem], { timeout: 60_000 });
      const pages = readdirSync(work).filter((f) => f.startsWith(`${fixture}-${audience}-`) && f.endsWith('.pgm'));
      t.ok(pages.length > 0, `${pages.length} pages rasterised`);
      for (const p of pages) {
        const { width, height, pixels } = readPgm(readFileSync(path.join(work, p)));
        const edge = Math.ceil(width * 0.02);
        let inked = 0;
        for (let y = 0; y < height; y++) for (let x = width - edge; x < width; x++) if (pixels[y * width + x] < 200) inked++;
        t.equal(inked, 0, `${p}: nothing printed into the right ${edge} px edge`);
      }
      execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(OUTPUT, `report-${fixture}-${audience}-pdf-page1`)], { timeout: 60_000 });
    });
  }
}

/** A binary PGM (P5, 8 bit) as pdftoppm -gray writes it. */
function readPgm(buf: Buffer): { width: number; height: number; pixels: Buffer } {
  const header = buf.subarray(0, 64).toString('latin1').match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('not a binary PGM');
  return { width: Number(header[1]), height: Number(header[2]), pixels: buf.subarray(header[0].length) };
}
