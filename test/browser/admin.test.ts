// The researcher's workspace end to end in Debian's Chromium: log in with a token, see the
// survey, create a link, answer it in a second browser context, watch the live counter go up,
// log out. Screenshots go to test/artifacts/ (git-ignored).
//   npx tap test/browser/admin.test.ts
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import t from 'tap';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { openStrict, serveForBrowser, type TapTest } from '../helpers/browser.ts';
import { researcherHeaders, seedSurvey } from '../helpers/fixtures.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
await seedSurvey(app);
const token = (await researcherHeaders(app)).authorization.slice('Bearer '.length);
const { base, browser } = await serveForBrowser(t, app, cleanup);

const open = async (t: TapTest, opts: Parameters<Browser['newContext']>[0] = {}): Promise<Page> => (await openStrict(t, browser, opts)).page;

const choice = (page: Page, text: string) =>
  page.locator('label').filter({ hasText: new RegExp(`^${text}$`) }).first();

t.test(`log in, create a link, answer it elsewhere, watch the counter, log out (${dbLabel})`, async (t) => {
  const admin = await open(t, { permissions: ['clipboard-read', 'clipboard-write'] });

  // Without a session the workspace sends the browser to the login page.
  await admin.goto(`${base}/admin`);
  await admin.getByRole('heading', { name: 'Anmeldung' }).waitFor();
  await admin.getByLabel('Token').fill('bef_falsch');
  await admin.getByRole('button', { name: 'Anmelden' }).click();
  await admin.getByText(/Anmeldung fehlgeschlagen/).waitFor();
  await admin.getByLabel('Token').fill(token);
  await admin.getByRole('button', { name: 'Anmelden' }).click();
  await admin.getByRole('heading', { name: 'Umfragen' }).waitFor();
  t.notMatch(admin.url(), token, 'the token never appears in a URL');
  const cookies = await admin.context().cookies();
  const session = cookies.find((c) => c.name === 'befund_session');
  t.match(session, { httpOnly: true, sameSite: 'Strict' }, 'the session cookie is HttpOnly and SameSite=Strict');
  t.equal(await admin.evaluate(() => document.cookie.includes('befund_session')), false, 'scripts cannot read it');

  // The survey with its version, then its page.
  const row = admin.getByRole('row').filter({ hasText: 'Kleine Testumfrage' });
  await row.waitFor();
  t.match(await row.textContent(), /v1/);
  await admin.screenshot({ path: `${ARTIFACTS}admin-surveys.png`, fullPage: true });
  await admin.getByRole('link', { name: 'Kleine Testumfrage' }).click();
  await admin.getByRole('heading', { name: 'Kleine Testumfrage' }).waitFor();
  t.equal(await admin.locator('#bf-live-complete').textContent(), '0');

  // Create a link; it appears with its counts, a copy button and a QR code.
  const links = admin.getByRole('region', { name: 'Links' });
  await links.getByLabel('Zielgruppe (Segment)').fill('intermediary');
  await links.getByLabel('Bezeichnung').fill('Browser-Test');
  await links.getByRole('button', { name: 'Anlegen' }).click();
  await admin.getByText('Link angelegt.').waitFor();
  const linkRow = admin.getByRole('row').filter({ hasText: 'Browser-Test' });
  const url = await linkRow.locator('input.bf-url').inputValue();
  t.match(url, /\/s\/[\w-]{24}$/, 'the new link has an unguessable token');
  await linkRow.getByRole('button', { name: 'Link kopieren' }).click();
  await linkRow.getByRole('button', { name: 'Kopiert' }).waitFor();
  t.equal(await admin.evaluate(() => navigator.clipboard.readText()), url, 'the copy button puts the link on the clipboard');
  await linkRow.getByText('QR-Code').click();
  t.ok(await linkRow.locator('.bf-qr__img svg').isVisible(), 'the QR code shows as SVG');
  await admin.screenshot({ path: `${ARTIFACTS}admin-survey.png`, fullPage: true });

  // A respondent in a second browser context answers through the new link.
  const respondent = await open(t);
  await respondent.goto(`${base}${new URL(url).pathname}`);
  await respondent.getByRole('heading', { name: 'Kleine Testumfrage' }).waitFor();
  await choice(respondent, 'Verband').click();
  await respondent.getByRole('button', { name: 'Weiter' }).click();
  await respondent.getByRole('group', { name: 'Kanäle' }).waitFor();
  await choice(respondent, 'Websites').click();
  // A mark on the admin page's window: a reload would wipe it.
  await admin.evaluate(() => {
    (window as unknown as { befundNotReloaded?: boolean }).befundNotReloaded = true;
  });
  const submitted = Date.now();
  await respondent.getByRole('button', { name: 'Abschließen' }).click();
  await respondent.getByText('Vielen Dank').first().waitFor();

  // The admin page, never reloaded, counts the response within a few seconds of the submit.
  await admin.locator('#bf-live-complete').filter({ hasText: /^1$/ }).waitFor({ timeout: 15_000 });
  const seconds = (Date.now() - submitted) / 1000;
  const notReloaded = await admin.evaluate(() => (window as unknown as { befundNotReloaded?: boolean }).befundNotReloaded === true);
  t.ok(notReloaded, `the live counter went up without a reload (${seconds.toFixed(1)} s after the submit; it polls every 3 s)`);
  t.equal(await linkRow.locator('[data-link-count$=".complete"]').textContent(), '1', 'the link row counts it too');
  await admin.screenshot({ path: `${ARTIFACTS}admin-live-counter.png`, fullPage: true });

  // Log out: back on the login page, and the workspace is closed again.
  await admin.getByRole('button', { name: 'Abmelden' }).click();
  await admin.getByText('Sie sind abgemeldet.').waitFor();
  await admin.goto(`${base}/admin/surveys/klein`);
  await admin.getByRole('heading', { name: 'Anmeldung' }).waitFor();
  t.notOk((await admin.context().cookies()).some((c) => c.name === 'befund_session'), 'the session cookie is gone');
});
