// XSS corpus in Debian's Chromium. Every vector is placed in every surface an outsider or an
// author can fill: the survey's title and description, question titles, choice texts, an HTML
// question, the text after completion (completedHtml), the link labels, a share label, answer
// texts that reach the report pages and the workspace, and parameters a link can carry (lang,
// next, segment, label). Then every page that shows them is opened (the respondent page up to the
// thank-you text, the shared report page, the workspace pages, the audit page) and the PDF is
// printed. A vector that runs calls __xssHit (a binding into the test), sets window.__xss,
// appends 37⁵ = 69343957 to the page (a number that appears in no vector's text) and opens an
// alert: none of this may happen. A CSP report of a blocked inline script is not a failure (it
// is the CSP doing its job); a script that ran is. This holds with or without sanitising author
// HTML on import: only execution counts.
//   npx tap test/browser/xss.test.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import t from 'tap';
import { loadProfile } from '../../analysis/profiles/index.ts';
import { buildWeb } from '../../web/build.ts';
import { createLink } from '../../server/repositories/links.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { importSurvey } from '../../server/repositories/surveys.ts';
import { createToken } from '../../server/repositories/tokens.ts';
import { serveForBrowser } from '../helpers/browser.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';

const RAN = '69343957';
/** What a vector runs: quote-free, so it fits every context. */
const run = (n: number) => `window.__xssHit&&__xssHit(${n});window.__xss=${n};document.body&&document.body.append(Math.pow(37,5));alert(${n})`;
const VECTORS: ((n: number) => string)[] = [
  (n) => `<script>${run(n)}</script>`,
  (n) => `<img src=x onerror="${run(n)}">`,
  (n) => `<svg onload="${run(n)}"></svg>`,
  (n) => `<svg><script>${run(n)}</script></svg>`,
  (n) => `"><script>${run(n)}</script>`,
  (n) => `'><img src=x onerror=${run(n)}>`,
  (n) => `<a href="javascript:${run(n)}" id="xss-${n}">klick</a>`,
  (n) => `<iframe src="javascript:${run(n)}"></iframe>`,
  (n) => `<iframe srcdoc="<script>parent.${run(n).replace(/;/g, ';parent.')}</script>"></iframe>`,
  (n) => `<details open ontoggle="${run(n)}"><summary>x</summary></details>`,
  (n) => `<input autofocus onfocus="${run(n)}">`,
  (n) => `</textarea><script>${run(n)}</script>`,
  (n) => `</title><script>${run(n)}</script>`,
  (n) => `</script><script>${run(n)}</script>`,
  (n) => `<math><mtext><table><mglyph><style><img src=x onerror="${run(n)}">`,
  (n) => `<object data="javascript:${run(n)}"></object>`,
  (n) => `<body onload="${run(n)}">`,
  (n) => `javascript:${run(n)}`,
  (n) => `{{constructor.constructor(\`${run(n)}\`)()}}`,
  (n) => `<meta http-equiv="refresh" content="0;url=javascript:${run(n)}">`,
  (n) => `<style>*{background:url("javascript:${run(n)}")}</style><div style="width:expression(${run(n)})">`,
];
const v = (i: number) => VECTORS[i % VECTORS.length](i);
const N = VECTORS.length;
/**
 * For author texts: the import refuses `{name}` placeholders that name no question (a mistake
 * it explains), so the vectors with braces go into answers, labels and parameters only.
 */
const va = (i: number): string => (v(i).includes('{') ? va(i + 1) : v(i));

// A survey whose every author text carries vectors: titles, description, choices, an HTML
// question, the completion text. Question names stay plain (they are keys, not text).
const definition = {
  title: { de: `Umfrage ${va(0)}`, en: `Survey ${va(1)}` },
  description: { de: `Beschreibung ${va(2)}`, en: va(3) },
  completedHtml: { de: `<h3>Danke</h3>${VECTORS.map((_, i) => va(i)).join('')}`, en: va(4) },
  pages: [
    {
      name: 'p1',
      title: va(5),
      elements: [
        { type: 'html', name: 'intro', html: { de: VECTORS.map((_, i) => va(i)).join('<br>'), en: va(6) } },
        {
          type: 'radiogroup',
          name: 'org',
          title: { de: `Organisation ${va(7)}`, en: va(8) },
          description: va(9),
          choices: VECTORS.map((_, i) => ({ value: `c${i}`, text: { de: `Wahl ${va(i)}`, en: va(i) } })),
        },
        { type: 'comment', name: 'why', title: { de: `Warum? ${va(10)}`, en: va(11) } },
        { type: 'checkbox', name: 'channels', title: va(12), showOtherItem: true, otherText: va(13), choices: [{ value: 'web', text: va(14) }, { value: 'news', text: va(15) }] },
        { type: 'rating', name: 'satisfaction', title: { de: `Zufriedenheit ${va(16)}`, en: va(17) }, rateMin: 1, rateMax: 5, minRateDescription: va(18), maxRateDescription: va(19) },
      ],
    },
  ],
};

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2' });
const dir = mkdtempSync(path.join(tmpdir(), 'befund-xss-'));
const imported = await importSurvey(app.db, { slug: 'xss', definition }, 'test');
const links: Awaited<ReturnType<typeof createLink>>[] = [];
for (let i = 0; i < 4; i++) links.push(await createLink(app.db, { surveyId: imported.surveyId, segment: 'sme', label: v(20 + i).slice(0, 200) }, 'test'));
const share = await createShare(app.db, { surveyId: imported.surveyId, audience: 'sme', label: v(24).slice(0, 200) }, 'test');
const researcher = await createToken(app.db, 'admin', `Token ${v(25)}`.slice(0, 100), 'test');
// Answers whose open texts carry vectors, through the real route (enough per link to be shown).
for (const [li, link] of links.entries()) {
  for (let k = 0; k < 3; k++) {
    const i = li * 3 + k;
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/links/${link.token}/responses`,
      payload: { id: randomUUID(), complete: true, data: { org: `c${i % N}`, why: `Antwort ${v(i)}`, channels: ['web', 'other'], 'channels-Comment': v(i + 1), satisfaction: (k % 5) + 1 } },
    });
    if (res.statusCode !== 201) throw new Error(`answer refused: ${res.statusCode} ${res.body}`);
  }
}
await new Promise((r) => setTimeout(r, 2500)); // the background fold counts the answers
// A shared report lists only approved open texts and offers the link-label filter only where the
// profile allows it: approve every text and allow the filter, so every vector reaches the page.
const bearer = { authorization: `Bearer ${researcher.token}` };
const openTexts = (await app.inject({ url: '/api/v1/surveys/xss/open-texts?limit=1000', headers: bearer })).json() as { texts: { id: number }[] };
for (const x of openTexts.texts) await app.inject({ method: 'PUT', url: `/api/v1/surveys/xss/open-texts/${x.id}`, headers: bearer, payload: { approved: true } });
const ownProfile = await app.inject({ method: 'PUT', url: '/api/v1/surveys/xss/profiles', headers: bearer, payload: { profiles: [{ ...loadProfile('sme'), shared: { filters: ['segment', 'label'] } }] } });
if (ownProfile.statusCode !== 200 || openTexts.texts.length === 0) throw new Error(`setup failed: ${openTexts.texts.length} texts, profile ${ownProfile.statusCode} ${ownProfile.body}`);

const { base, browser } = await serveForBrowser(t, app, async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  hits: number[];
  dialogs: string[];
  blocked: string[];
}
async function open(): Promise<{ page: Page; seen: Seen; close(): Promise<void> }> {
  const ctx = await browser.newContext({ locale: 'de-DE' });
  const seen: Seen = { hits: [], dialogs: [], blocked: [] };
  await ctx.exposeBinding('__xssHit', (_source, n: number) => {
    seen.hits.push(n);
  });
  const page = await ctx.newPage();
  page.on('dialog', async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) seen.blocked.push(m.text().slice(0, 120));
  });
  return { page, seen, close: () => ctx.close() };
}

/** Nothing ran on the page: no binding call, no flag, no alert, no appended number, no live javascript: URL. */
/** The parts of a tap test that noScriptRan uses. */
interface TapTest {
  same(a: unknown, b: unknown, m: string): unknown;
  equal(a: unknown, b: unknown, m: string): unknown;
  notOk(a: unknown, m: string): unknown;
  comment(m: string): unknown;
}
async function noScriptRan(t: TapTest, page: Page, seen: Seen, where: string) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => ({
    flag: (window as unknown as { __xss?: number }).__xss ?? null,
    text: document.body?.textContent ?? '',
    jsLinks: [...document.querySelectorAll('a[href], iframe[src], object[data], form[action], meta[http-equiv]')]
      .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('data') ?? e.getAttribute('action') ?? e.getAttribute('content') ?? '')
      .filter((u) => /^\s*javascript:|url=javascript:/i.test(u)),
  }));
  t.same(seen.hits, [], `${where}: no vector called the test's binding`);
  t.equal(state.flag, null, `${where}: window.__xss never set`);
  t.same(seen.dialogs, [], `${where}: no alert`);
  t.notOk(state.text.includes(RAN), `${where}: nothing appended by a vector`);
  t.same(state.jsLinks, [], `${where}: no link, frame, object, form or refresh with a javascript: URL`);
  if (seen.blocked.length) t.comment(`${where}: the CSP blocked ${seen.blocked.length} attempt(s), e.g. ${seen.blocked[0]}`);
}


t.test('the detector works: the same vectors in a page without CSP or escaping are caught', async (t) => {
  const { page, seen, close } = await open();
  await page.setContent(`<html><body>${VECTORS.map((_, i) => v(i)).join('\n')}</body></html>`);
  await page.waitForTimeout(500);
  t.ok(seen.hits.length >= 5, `${seen.hits.length} vectors ran and were caught (vectors ${[...new Set(seen.hits)].sort((a, b) => a - b).join(', ')})`);
  t.ok(seen.dialogs.length > 0, 'their alerts were caught');
  await close();
});

t.test(`the respondent page, its language switch and the thank-you text run no vector (${dbLabel})`, async (t) => {
  for (const lang of ['de', 'en']) {
    const { page, seen, close } = await open();
    await page.goto(`${base}/s/${links[0].token}?lang=${lang}`);
    await page.locator('.sd-question').first().waitFor();
    const body = (await page.locator('body').textContent()) ?? '';
    t.match(body, lang === 'de' ? /Organisation/ : /Survey|Submit|Complete/i, `${lang}: the survey is shown`);
    await noScriptRan(t, page, seen, `respondent page (${lang})`);
    // Answer and complete: the completion text is the author's HTML.
    await page.locator('label').filter({ hasText: /Wahl|c0|onerror|script/ }).first().click().catch(() => undefined);
    await page.getByRole('textbox').first().fill(v(3));
    await page.getByRole('button', { name: lang === 'de' ? 'Abschließen' : 'Complete' }).click();
    await page.waitForTimeout(1000);
    if (lang === 'de') t.match((await page.locator('body').textContent()) ?? '', /Danke/, 'the thank-you text is shown');
    await noScriptRan(t, page, seen, `thank-you text (${lang})`);
    await close();
  }
  // Parameters a link carries, reflected into pages.
  for (const url of [`/s/${links[0].token}?lang=${encodeURIComponent(v(0))}`, `/s/${encodeURIComponent(v(1))}?lang=${encodeURIComponent(v(2))}`]) {
    const { page, seen, close } = await open();
    await page.goto(`${base}${url}`);
    await noScriptRan(t, page, seen, url.slice(0, 40));
    await close();
  }
});

t.test('the shared report page, filtered by every link label, runs no vector; nor does its PDF', async (t) => {
  const urls = [
    `/reports/xss/sme?key=${share.key}`,
    `/reports/xss/sme?key=${share.key}&lang=en`,
    ...links.map((l) => `/reports/xss/sme?key=${share.key}&label=${encodeURIComponent(l.label ?? '')}`),
    `/reports/xss/sme?key=${share.key}&segment=${encodeURIComponent(v(5))}&label=${encodeURIComponent(v(6))}&lang=${encodeURIComponent(v(7))}`,
  ];
  let shown = false;
  for (const url of urls) {
    const { page, seen, close } = await open();
    const res = await page.goto(`${base}${url}`);
    if (url === urls[0]) {
      t.equal(res?.status(), 200, 'the shared report is shown');
      shown = ((await page.locator('body').textContent()) ?? '').includes('Umfrage');
    }
    await noScriptRan(t, page, seen, `report ${url.slice(0, 70)}`);
    await close();
  }
  t.ok(shown, 'the survey title (with its vector as text) is on the report page');

  const pdf = await app.inject({ url: `/reports/xss/sme/report.pdf?key=${share.key}` });
  t.equal(pdf.statusCode, 200, 'the PDF is printed');
  const file = path.join(dir, 'report.pdf');
  writeFileSync(file, pdf.rawPayload);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  t.ok(text.length > 100, 'the PDF has text');
  t.notOk(text.includes(RAN), 'no vector ran while the PDF was printed (nothing appended)');
});

t.test('the workspace pages (survey, links, share labels, audit, login) run no vector', async (t) => {
  const { page, seen, close } = await open();
  await page.goto(`${base}/admin/login?next=${encodeURIComponent(v(8))}&lang=${encodeURIComponent(v(9))}`);
  await noScriptRan(t, page, seen, 'login page with vectors in next and lang');
  await page.getByLabel('Token').fill(researcher.token);
  await page.getByRole('button', { name: /Anmelden|Log in/ }).click();
  await page.waitForLoadState('networkidle');
  for (const url of ['/admin', '/admin/surveys/xss', '/admin/surveys/xss/texts', '/admin/audit', `/admin/surveys/xss?lang=${encodeURIComponent(v(10))}`]) {
    await page.goto(`${base}${url}`);
    await noScriptRan(t, page, seen, `workspace ${url.slice(0, 40)}`);
  }
  const body = (await page.locator('body').textContent()) ?? '';
  t.match(body, /onerror|script/, 'the vectors are shown as text');
  await close();
});
