// The respondent page end to end: the real app (PGlite, or PostgreSQL with DATABASE_URL), the
// real bundle, Debian's Chromium. Screenshots go to test/artifacts/ (git-ignored).
//   npx tap test/browser/respondent.test.ts
import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import t from 'tap';
import { responses } from '../../server/db/schema.ts';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { openStrict, serveForBrowser, type TapTest } from '../helpers/browser.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
const survey = await seedSurvey(app);
const link = await seedLink(app, survey.surveyId, { segment: 'sme', label: 'IHK Aachen' });
const closedLink = await seedLink(app, survey.surveyId, { closesAt: new Date(Date.now() - 60_000) });
const { base, browser } = await serveForBrowser(t, app, cleanup);

const open = (t: TapTest, opts: Parameters<Browser['newContext']>[0] = {}) => openStrict(t, browser, opts);

const stored = async (id: string) => (await app.db.select().from(responses).where(eq(responses.id, id)))[0];

/** Polls the database until `check` holds (saves are debounced and asynchronous). */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const choice = (page: Page, text: string | RegExp) =>
  page.locator('label').filter({ hasText: typeof text === 'string' ? new RegExp(`^${text}$`) : text }).first();

function idFromResumeUrl(url: string): { id: string; key: string } {
  const m = /#resume=([^.]+)\.(.+)$/.exec(url);
  if (!m) throw new Error(`not a resume URL: ${url}`);
  return { id: decodeURIComponent(m[1]), key: decodeURIComponent(m[2]) };
}

t.test(`answer two pages, reload, resume, submit, erase (${dbLabel})`, async (t) => {
  const { page } = await open(t);
  await page.goto(`${base}/s/${link.token}`);
  await page.getByRole('heading', { name: 'Kleine Testumfrage' }).waitFor();
  t.equal(await page.getAttribute('html', 'lang'), 'de', 'German by default');
  t.equal(await page.getByRole('button', { name: 'Deutsch' }).getAttribute('aria-pressed'), 'true', 'language switch shows German');

  // Page 1: a choice and its visibleIf follow-up.
  await choice(page, 'Kammer').click();
  await page.getByRole('textbox', { name: 'Warum?' }).fill('Wir beraten Betriebe.');
  await page.screenshot({ path: `${ARTIFACTS}respondent-page1.png`, fullPage: true });
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('group', { name: 'Kanäle' }).waitFor();

  // The page change saved at once and a resume link is offered.
  const resumeUrl = await page.locator('#bf-resume-url').inputValue();
  const { id } = idFromResumeUrl(resumeUrl);
  const partial = await eventually(
    () => stored(id),
    (r) => r?.status === 'partial',
  );
  t.equal(partial?.status, 'partial', 'the page change stored a partial response');
  t.same(partial?.data, { org: 'kammer', why: 'Wir beraten Betriebe.' });
  t.equal(partial?.segment, 'sme', 'segment comes from the link');

  // Page 2: checkbox with other, rating; saved after the debounce.
  await choice(page, 'Newsletter').click();
  await choice(page, /^Sonstiges/).click();
  const other = page.locator('.sd-selectbase__other textarea, .sd-comment').last();
  await other.fill('Messen');
  await page.locator('.sd-rating__item').filter({ hasText: /^4$/ }).click();
  await page.getByText('Ihre Antworten sind gespeichert.').waitFor();
  const typed = {
    org: 'kammer',
    why: 'Wir beraten Betriebe.',
    channels: ['news', 'other'],
    'channels-Comment': 'Messen',
    satisfaction: 4,
  };
  const saved = await eventually(
    () => stored(id),
    (r) => (r?.data as Record<string, unknown>)?.satisfaction === 4,
  );
  t.same(saved?.data, typed, 'partial save after the debounce holds everything typed');

  // Reload: the same browser continues on page 2 with the answers in place.
  await page.reload();
  await page.getByRole('group', { name: 'Kanäle' }).waitFor();
  t.ok(await page.locator('input[type=checkbox][value=news]').isChecked(), 'Newsletter still ticked after reload');
  t.equal(await other.inputValue(), 'Messen');

  // The resume URL in a different browser profile continues the same response.
  const second = await open(t);
  await second.page.goto(resumeUrl);
  await second.page.getByRole('group', { name: 'Kanäle' }).waitFor();
  t.ok(await second.page.locator('input[type=checkbox][value=news]').isChecked(), 'resume URL restores the answers');
  t.notMatch(second.page.url(), /#resume=/, 'the resume key is taken out of the address bar');
  await second.page.close();

  // Submit: the thank-you page appears only after the server confirmed.
  await page.getByRole('button', { name: 'Abschließen' }).click();
  await page.getByText('Vielen Dank').first().waitFor();
  await page.getByRole('button', { name: 'Meine Antwort löschen' }).waitFor();
  await page.screenshot({ path: `${ARTIFACTS}respondent-thanks.png`, fullPage: true });
  const done = await stored(id);
  t.equal(done?.status, 'complete');
  t.same(done?.data, typed, 'the stored response equals what was typed');

  // Erase with confirmation.
  await page.getByRole('button', { name: 'Meine Antwort löschen' }).click();
  await page.getByRole('button', { name: 'Ja, endgültig löschen' }).click();
  await page.getByText('Ihre Antwort wurde gelöscht.').waitFor();
  t.equal(await stored(id), undefined, 'the response is gone from the database');
});

t.test('no connection: answers stay local, a retry state shows, and the retry saves them', async (t) => {
  const { page } = await open(t);
  await page.goto(`${base}/s/${link.token}`);
  await choice(page, 'Verband').click();
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.getByRole('group', { name: 'Kanäle' }).waitFor();
  const { id } = idFromResumeUrl(await page.locator('#bf-resume-url').inputValue());

  await page.route('**/api/v1/responses/**', (route) => route.abort('internetdisconnected'));
  await choice(page, 'Websites').click();
  await page.getByText('Keine Verbindung – Ihre Antworten sind lokal gespeichert.').waitFor();
  await page.getByRole('button', { name: 'Erneut versuchen' }).waitFor();
  await page.screenshot({ path: `${ARTIFACTS}respondent-offline.png`, fullPage: true });
  const local = await page.evaluate(() => Object.values(localStorage).map((v) => JSON.parse(v)));
  t.ok(
    local.some((r) => JSON.stringify(r?.data?.channels) === '["web"]' && r.dirty === true),
    'the unconfirmed answer is kept in localStorage',
  );

  await page.unroute('**/api/v1/responses/**');
  await page.getByRole('button', { name: 'Erneut versuchen' }).click();
  await page.getByText('Ihre Antworten sind gespeichert.').waitFor();
  const row = await eventually(
    () => stored(id),
    (r) => Array.isArray((r?.data as Record<string, unknown>)?.channels),
  );
  t.same(row?.data, { org: 'verband', channels: ['web'] });
});

t.test('a closed link and an unknown link get clear pages', async (t) => {
  const { page } = await open(t);
  const closed = await page.goto(`${base}/s/${closedLink.token}`);
  t.equal(closed?.status(), 410);
  await page.getByText(/geschlossen/).first().waitFor();
  await page.screenshot({ path: `${ARTIFACTS}respondent-closed.png`, fullPage: true });

  const unknown = await page.goto(`${base}/s/${'x'.repeat(24)}`);
  t.equal(unknown?.status(), 404);
  await page.getByText('Dieser Link ist ungültig.').first().waitFor();
  t.notMatch(await page.content(), /geschlossen|closed|expired/i, 'no hint whether the link ever existed');
});

t.test('a phone-sized viewport in English', async (t) => {
  const { page } = await open(t, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, locale: 'en-GB' });
  await page.goto(`${base}/s/${link.token}?lang=en`);
  await page.getByRole('heading', { name: 'Small test survey' }).waitFor();
  t.equal(await page.getAttribute('html', 'lang'), 'en');
  await choice(page, 'Chamber').tap();
  await page.getByRole('textbox', { name: 'Why?' }).fill('Advice');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(width <= 375, `no horizontal scrolling (scrollWidth ${width})`);
  const next = page.getByRole('button', { name: 'Next' });
  const box = await next.boundingBox();
  t.ok(box && box.height >= 44 && box.x >= 0 && box.x + box.width <= 375, 'the Next button is a full-size touch target on screen');
  await page.screenshot({ path: `${ARTIFACTS}respondent-phone.png`, fullPage: true });

  // The visible language switch turns the survey German in place.
  await page.getByRole('button', { name: 'Deutsch' }).tap();
  await page.getByRole('heading', { name: 'Kleine Testumfrage' }).waitFor();
  t.equal(await page.getAttribute('html', 'lang'), 'de');
  t.equal(await page.getByRole('textbox', { name: 'Warum?' }).inputValue(), 'Advice', 'answers survive the switch');
});
