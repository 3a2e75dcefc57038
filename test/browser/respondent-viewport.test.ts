// Every question whole on the respondent page, from a phone to a wide desktop, in Debian's
// Chromium: both demo surveys and a hand-written survey (7-column matrices, a 7-point rating,
// a matrixdropdown) are walked page by page at each width, and on every page
//   - every matrix column label and every radio lies inside the viewport and is not clipped by a
//     scrolling ancestor (unless that ancestor shows a scrollbar), and the page never scrolls sideways;
//   - each rating is a row of buttons (never survey-core's "Tippen Sie hier …" dropdown);
//   - the save status is an aria-live region right under the navigation buttons.
// The OM-Check result is a styled table with "Drucken / als PDF speichern" (window.print()), print
// CSS hides every button, and after "Meine Antwort löschen" the status says "gelöscht", not
// "gespeichert". Screenshots (and the result as PDF) go to test/browser/output/ (CI artefacts).
// Surveys from the differential test's generator (test/surveys/generate: every question type, plus
// a 7-column matrix of long scale labels and a 7-point rating) are shown on one page and measured
// by the same rules, so the layout is checked on definitions nobody wrote by hand.
//   npx tsx web/build.ts && npx tap --disable-coverage test/browser/respondent-viewport.test.ts
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp } from '../helpers/app.ts';
import { serveForBrowser } from '../helpers/browser.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';
import { layoutSurvey } from '../surveys/generate/definitions.ts';

const OUTPUT = new URL('./output/', import.meta.url).pathname;
mkdirSync(OUTPUT, { recursive: true });
const WIDTHS = [360, 390, 768, 1024, 1280, 1920];
/** A survey as a study team writes it: 5- and 7-column matrices with long-ish German
 *  column titles, a 7-point and a 5-point rating with end labels, and a matrixdropdown. */
const agree7 = ['stimme überhaupt nicht zu', 'stimme nicht zu', 'stimme eher nicht zu', 'teils, teils', 'stimme eher zu', 'stimme zu', 'stimme voll und ganz zu'];
const often7 = ['nie', 'seltener als jährlich', 'etwa einmal im Jahr', 'halbjährlich', 'vierteljährlich', 'monatlich', 'wöchentlich oder öfter'];
const important5 = ['völlig unwichtig', 'eher unwichtig', 'teils, teils', 'eher wichtig', 'sehr wichtig'];
const topics = ['Arbeitsorganisation und Zeitdruck', 'Gesundheitsförderung und Prävention', 'Digitalisierung der Arbeitsabläufe', 'Weiterbildungsmöglichkeiten', 'Vereinbarkeit von Familie und Beruf', 'Lieferkettensorgfaltspflichtengesetz'];
const matrix = (name: string, title: string, columns: string[]) => ({
  type: 'matrix',
  name,
  title,
  isRequired: true,
  isAllRowRequired: true,
  columns: columns.map((text, i) => ({ value: i + 1, text })),
  rows: topics.map((text, i) => ({ value: `t${i + 1}`, text })),
});
const handWrittenSurvey = {
  title: 'Arbeitsbedingungen und Transfer (generiert)',
  pages: [
    {
      name: 'p1',
      title: 'Zustimmung',
      elements: [
        matrix('zustimmung', 'Wie sehr stimmen Sie den folgenden Aussagen zu?', agree7),
        {
          type: 'rating',
          name: 'gesamt',
          title: 'Wie zufrieden sind Sie insgesamt mit den Arbeitsbedingungen?',
          isRequired: true,
          rateCount: 7,
          rateMin: 1,
          rateMax: 7,
          minRateDescription: 'überhaupt nicht zufrieden',
          maxRateDescription: 'voll und ganz zufrieden',
        },
      ],
    },
    {
      name: 'p2',
      title: 'Wichtigkeit und Häufigkeit',
      elements: [matrix('wichtigkeit', 'Wie wichtig sind Ihnen diese Themen?', important5), matrix('haeufigkeit', 'Wie oft beschäftigen Sie sich damit?', often7)],
    },
    {
      name: 'p3',
      title: 'Maßnahmen',
      elements: [
        {
          type: 'matrixdropdown',
          name: 'massnahmen',
          title: 'Welche Maßnahmen gibt es in Ihrem Betrieb?',
          columns: [
            { name: 'stand', title: 'Umsetzungsstand', cellType: 'dropdown', choices: ['geplant', 'begonnen', 'umgesetzt'] },
            { name: 'prioritaet', title: 'Priorität', cellType: 'radiogroup', choices: ['hoch', 'mittel', 'niedrig'] },
          ],
          rows: topics.slice(0, 3),
        },
        { type: 'rating', name: 'klima', title: 'Wie bewerten Sie das Betriebsklima?', rateMax: 5, minRateDescription: 'sehr schlecht', maxRateDescription: 'sehr gut' },
      ],
    },
  ],
};
const definition = (slug: string) => JSON.parse(readFileSync(`surveys/definitions/${slug}.json`, 'utf8'));

interface Case {
  slug: string;
  definition: Record<string, unknown>;
  /** Rating questions and their number of buttons. */
  ratings: Record<string, number>;
  /** The page count a respondent walks through (with the answers filled in below). */
  pages: number;
}
const CASES: Case[] = [
  { slug: 'om-partner-befragung', definition: definition('om-partner-befragung'), ratings: { zufriedenheit: 5 }, pages: 4 },
  { slug: 'om-check-umweltschutz', definition: definition('om-check-umweltschutz'), ratings: {}, pages: 5 },
  { slug: 'beispiel', definition: handWrittenSurvey, ratings: { gesamt: 7, klima: 5 }, pages: 3 },
];

/** Seeds of generated surveys (layoutSurvey: random questions of every type, a 7-column matrix, a 7-point rating). */
const GENERATED = (process.env.VIEWPORT_SEEDS ?? '3,4,5').split(',').map(Number);
const generated = GENERATED.map((seed) => ({ slug: `zufall-${seed}`, seed, definition: layoutSurvey(seed, 7) }));

/** Rating questions of a definition with at most 7 points: those must stay buttons at every width. */
function shortRatings(json: unknown): string[] {
  const names: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const q = node as Record<string, unknown>;
    if (q.type === 'rating') {
      const values = Array.isArray(q.rateValues) ? q.rateValues.length : undefined;
      const range = typeof q.rateMax === 'number' ? Math.floor((q.rateMax - Number(q.rateMin ?? 1)) / Number(q.rateStep ?? 1)) + 1 : undefined;
      if ((values ?? (q.rateCount as number | undefined) ?? range ?? 5) <= 7) names.push(String(q.name));
    }
    for (const key of ['pages', 'elements', 'templateElements']) walk(q[key]);
  };
  walk(json);
  return names;
}

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
const tokens = new Map<string, string>();
for (const c of [...CASES, ...generated]) {
  const s = await seedSurvey(app, c.slug, c.definition);
  tokens.set(c.slug, (await seedLink(app, s.surveyId, { segment: 'sme' })).token);
}
const { base, browser } = await serveForBrowser(t, app, cleanup);

/** Smallest rating button seen, and the matrices drawn as lists, per width (for the record). */
const ratingButtons = new Map<number, number>();
const listed = new Map<number, string[]>();

/** Resolves once survey-core's and our own resize work is done (a timeout and a few frames). */
const settle = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))), 60);
      }),
  );

interface Measured {
  problems: string[];
  labels: number;
  radios: number;
  /** Matrix questions on the page, drawn as a table or as survey-core's list. */
  layouts: { table: string[]; list: string[] };
  ratings: Record<string, { buttons: number; smallest: number; dropdown: boolean }>;
  status: { live: string | null; afterNav: boolean; gap: number | null; text: string };
}

/** Everything the viewport rule looks at, measured in the page. */
function measure(page: Page, ratingNames: string[]): Promise<Measured> {
  return page.evaluate((ratingNames) => {
    const vw = document.documentElement.clientWidth;
    const problems: string[] = [];
    const where = (e: Element) => {
      const q = e.closest('[data-name]');
      return `${q?.getAttribute('data-name') ?? '?'}: "${(e.textContent ?? '').trim().slice(0, 30)}"`;
    };
    const check = (e: Element, what: string) => {
      const r = e.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) {
        problems.push(`${what} ${where(e)} is not shown`);
        return;
      }
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX === 'visible') continue;
        const box = a.getBoundingClientRect();
        if (r.left >= box.left - 1 && r.right <= box.right + 1) continue;
        const scrolls = (cs.overflowX === 'auto' || cs.overflowX === 'scroll') && a.scrollWidth > a.clientWidth;
        const bar = a.offsetHeight - a.clientHeight - Number.parseFloat(cs.borderTopWidth) - Number.parseFloat(cs.borderBottomWidth);
        if (scrolls && bar >= 8 && box.left >= 0 && box.right <= vw + 1) return;
        problems.push(`${what} ${where(e)} at ${Math.round(r.left)}–${Math.round(r.right)} px is cut off by .${String(a.className).split(' ')[0]} (${Math.round(box.left)}–${Math.round(box.right)} px)`);
        return;
      }
      if (r.left < -1 || r.right > vw + 1) problems.push(`${what} ${where(e)} at ${Math.round(r.left)}–${Math.round(r.right)} px lies outside the ${vw} px viewport`);
    };
    const shown = (e: Element) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const pageEl = document.querySelector('.sd-page') ?? document.body;

    // Column labels: the header cells of a table layout, or each radio's own label in the list layout.
    const labels = [...pageEl.querySelectorAll('.sd-table__cell--header:not(.sd-table__cell--empty), .sd-matrix__responsive-title, .sd-table__responsive-title')].filter(shown);
    for (const l of labels) check(l, 'column label');
    // Radios: the drawn circle (the input itself is visually hidden), or the rating button.
    const inputs = [...pageEl.querySelectorAll('input[type=radio]')];
    for (const input of inputs) {
      const label = input.closest('label');
      const drawn = label?.classList.contains('sd-rating__item') ? label : (label?.querySelector('.sd-item__decorator') ?? label ?? input);
      check(drawn, 'radio');
    }
    if (document.documentElement.scrollWidth > vw) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px > ${vw} px)`);

    const layouts: Measured['layouts'] = { table: [], list: [] };
    for (const table of pageEl.querySelectorAll('.sd-table')) {
      const q = table.closest('.sd-question[data-name]');
      if (!q || !shown(table)) continue;
      layouts[q.classList.contains('sd-question--mobile') ? 'list' : 'table'].push(q.getAttribute('data-name') ?? '?');
    }

    const ratings: Measured['ratings'] = {};
    for (const name of ratingNames) {
      const q = pageEl.querySelector(`[data-name="${name}"]`);
      if (!q) continue;
      const items = [...q.querySelectorAll('.sd-rating__item')].filter(shown);
      ratings[name] = {
        buttons: items.length,
        smallest: Math.round(Math.min(...items.map((i) => Math.min(i.getBoundingClientRect().width, i.getBoundingClientRect().height)))),
        dropdown: !!q.querySelector('.sd-dropdown, .sd-input.sd-dropdown'),
      };
    }

    const status = document.getElementById('bf-status');
    const nav = [...document.querySelectorAll('.sd-body__navigation, .sd-action-bar.sd-footer')].filter(shown).pop();
    let afterNav = false;
    let gap: number | null = null;
    if (status && nav) {
      afterNav = !!(nav.compareDocumentPosition(status) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (shown(status)) gap = Math.round(status.getBoundingClientRect().top - nav.getBoundingClientRect().bottom);
    }
    return {
      problems,
      labels: labels.length,
      radios: inputs.length,
      layouts,
      ratings,
      status: { live: status?.getAttribute('aria-live') ?? null, afterNav, gap, text: status?.textContent ?? '' },
    };
  }, ratingNames);
}

/** Answers what "Weiter" needs: every radio group (last option but "other"), the first box of a required checkbox question. */
function fillPage(page: Page): Promise<void> {
  return page.evaluate(() => {
    const pageEl = document.querySelector('.sd-page');
    if (!pageEl) return;
    const groups = new Map<string, HTMLInputElement[]>();
    for (const input of pageEl.querySelectorAll<HTMLInputElement>('input[type=radio]')) {
      groups.set(input.name, [...(groups.get(input.name) ?? []), input]);
    }
    for (const inputs of groups.values()) {
      const choices = inputs.filter((i) => i.value !== 'other');
      if (!inputs.some((i) => i.checked)) choices[choices.length - 1]?.click();
    }
    for (const q of pageEl.querySelectorAll('.sd-question')) {
      if (!q.querySelector(':scope > .sd-question__header .sd-question__title--required')) continue;
      const boxes = [...q.querySelectorAll<HTMLInputElement>('.sd-checkbox input[type=checkbox]')];
      if (boxes.length > 0 && !boxes.some((b) => b.checked)) boxes[0].click();
    }
  });
}

const pageTitle = (page: Page) => page.evaluate(() => document.querySelector('.sd-page__title')?.textContent ?? '');

for (const width of WIDTHS) {
  t.test(`${width} px wide: every question whole, on every page of every survey`, async (t) => {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'de-DE' });
    t.teardown(() => ctx.close());
    // tsx compiles the page functions above with esbuild's keepNames, which calls __name().
    await ctx.addInitScript('globalThis.__name = (f) => f');
    const page = await ctx.newPage();
    page.on('pageerror', (e) => t.fail(`script error: ${e.message}`));

    for (const c of CASES) {
      await page.goto(`${base}/s/${tokens.get(c.slug)}`);
      await page
        .locator('.sd-page')
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(async (e) => {
          await page.screenshot({ path: `${OUTPUT}${c.slug}-${width}-failed.png`, fullPage: true });
          throw new Error(`${c.slug} at ${width} px did not show a survey page: "${await page.locator('#bf-main').textContent()}" (${e})`);
        });
      const names = Object.keys(c.ratings);
      for (let n = 1; ; n++) {
        await settle(page);
        const m = await measure(page, names);
        const at = `${c.slug} page ${n} at ${width} px`;
        t.same(m.problems, [], `${at}: ${m.labels} column labels and ${m.radios} radios whole`);
        listed.set(width, [...(listed.get(width) ?? []), ...m.layouts.list]);
        for (const [name, r] of Object.entries(m.ratings)) {
          t.ok(!r.dropdown && r.buttons === c.ratings[name], `${at}: rating ${name} is ${r.buttons} buttons (${r.smallest} px), not a dropdown`);
          t.ok(r.smallest >= 32, `${at}: rating ${name} buttons are at least 32 px (${r.smallest} px)`);
          ratingButtons.set(width, Math.min(ratingButtons.get(width) ?? Number.POSITIVE_INFINITY, r.smallest));
        }
        t.equal(m.status.live, 'polite', `${at}: the status line is a polite live region`);
        t.ok(m.status.afterNav, `${at}: the status line follows the navigation buttons`);
        if (m.status.gap !== null) t.ok(m.status.gap >= 0 && m.status.gap <= 64, `${at}: the status line sits ${m.status.gap} px under the buttons`);
        await page.screenshot({ path: `${OUTPUT}${c.slug}-${width}-p${n}.png`, fullPage: true });

        await fillPage(page);
        const title = await pageTitle(page);
        const next = page.getByRole('button', { name: 'Weiter' });
        if (await next.isVisible()) {
          await next.click();
          await page.waitForFunction((prev) => (document.querySelector('.sd-page__title')?.textContent ?? '') !== prev, title, { timeout: 5000 });
          continue;
        }
        await page.getByRole('button', { name: 'Abschließen' }).click();
        await page.locator('.sd-completedpage').waitFor();
        t.equal(n, c.pages, `${c.slug}: ${c.pages} pages walked at ${width} px`);
        break;
      }
      await page.getByText('Ihre Antworten sind gespeichert.').waitFor();
      if (c.slug === 'om-check-umweltschutz') await resultPage(t, page, width);
      else t.notOk(await page.getByRole('button', { name: 'Drucken / als PDF speichern' }).isVisible(), `${c.slug}: no result to print, no print button`);
      await page.screenshot({ path: `${OUTPUT}${c.slug}-${width}-done.png`, fullPage: true });
    }

    for (const c of generated) {
      await page.goto(`${base}/s/${tokens.get(c.slug)}`);
      await page.locator('.sd-page').first().waitFor({ timeout: 30_000 });
      await settle(page);
      const names = shortRatings(c.definition);
      const m = await measure(page, names);
      const at = `generated survey ${c.seed} at ${width} px`;
      t.same(m.problems, [], `${at}: ${m.labels} column labels and ${m.radios} radios whole`);
      t.ok(m.layouts.table.includes('skala') || m.layouts.list.includes('skala'), `${at}: the 7-column matrix is on the page`);
      listed.set(width, [...(listed.get(width) ?? []), ...m.layouts.list.map((n) => `${c.slug}:${n}`)]);
      for (const [name, r] of Object.entries(m.ratings)) {
        t.ok(!r.dropdown && r.buttons > 0, `${at}: rating ${name} is ${r.buttons} buttons (${r.smallest} px), not a dropdown`);
        t.ok(r.smallest >= 32, `${at}: rating ${name} buttons are at least 32 px (${r.smallest} px)`);
      }
      t.equal(m.status.live, 'polite', `${at}: the status line is a polite live region`);
      t.ok(m.status.afterNav, `${at}: the status line follows the navigation buttons`);
      await page.screenshot({ path: `${OUTPUT}${c.slug}-${width}.png`, fullPage: true });
    }
  });
}

/** The OM-Check result: styled, printable, and "gelöscht" after an erasure. */
async function resultPage(t: Test, page: Page, width: number): Promise<void> {
  const table = page.locator('.sd-completedpage table');
  await table.waitFor();
  const look = await table.evaluate((el) => {
    const cell = el.querySelector('td');
    const table = el.getBoundingClientRect();
    const card = el.closest('.sd-completedpage')?.getBoundingClientRect();
    const main = document.getElementById('bf-main')?.getBoundingClientRect();
    return {
      border: cell ? getComputedStyle(cell).borderBottomStyle : 'none',
      padding: cell ? Number.parseFloat(getComputedStyle(cell).paddingLeft) : 0,
      fits: !!card && !!main && table.left >= card.left && table.right <= card.right && card.left >= main.left && card.right <= main.right && main.right <= document.documentElement.clientWidth,
    };
  });
  t.ok(look.border !== 'none' && look.padding >= 4, `the result table is styled (border ${look.border}, padding ${look.padding} px)`);
  t.ok(look.fits, `the result table lies inside its card, and the card inside the ${width} px page`);

  await page.screenshot({ path: `${OUTPUT}om-check-umweltschutz-${width}-result.png`, fullPage: true });
  const print = page.getByRole('button', { name: 'Drucken / als PDF speichern' });
  const erase = page.getByRole('button', { name: 'Meine Antwort löschen' });
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  await print.click();
  t.equal(await page.evaluate(() => (window as unknown as { printed: number }).printed), 1, 'the print button calls window.print()');
  const bg = (l: typeof print) => l.evaluate((b) => getComputedStyle(b).backgroundColor);
  t.equal(await bg(erase), 'rgb(255, 255, 255)', 'the erase button is secondary (white)');
  t.not(await bg(print), 'rgb(255, 255, 255)', 'the print button is the primary one');

  await page.emulateMedia({ media: 'print' });
  const visibleButtons = await page.evaluate(() => [...document.querySelectorAll('button')].filter((b) => b.getClientRects().length > 0).map((b) => b.textContent));
  t.same(visibleButtons, [], 'print CSS hides every button');
  t.ok(await table.isVisible(), 'the result table prints');
  await page.screenshot({ path: `${OUTPUT}om-check-umweltschutz-${width}-print.png`, fullPage: true });
  if (width === 1280) await page.pdf({ path: `${OUTPUT}om-check-result.pdf`, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });

  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Print / save as PDF' }).waitFor();
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await erase.click();
  await page.getByRole('button', { name: 'Ja, endgültig löschen' }).click();
  const status = page.locator('#bf-status');
  await status.getByText('Ihre Antwort wurde gelöscht.').waitFor();
  t.notMatch(await status.textContent(), /gespeichert/, 'after the erasure the status no longer says "gespeichert"');
  await page.getByRole('button', { name: 'English' }).click();
  await status.getByText('Your answer has been deleted.').waitFor();
  t.notMatch(await status.textContent(), /saved/, '… nor "saved" in English');
  t.notOk(await page.getByRole('button', { name: 'Delete my answer' }).isVisible(), 'no second erase button after the switch');
  await page.getByRole('button', { name: 'Deutsch' }).click();
}

t.teardown(() => {
  console.log(`smallest rating button per width: ${[...ratingButtons].map(([w, s]) => `${w} px → ${s} px`).join(', ')}`);
  console.log(`matrices drawn as a list: ${[...listed].map(([w, names]) => `${w} px → ${names.join(' ') || 'none'}`).join('; ')}`);
});
