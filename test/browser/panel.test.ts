// The partner panel in the workspace, end to end in Debian's Chromium: import a list (refused
// while a line is bad, then "nur gültige Zeilen importieren"; then an XLSX file), add, edit and remove a person,
// send the invitations from the page to a real SMTP server in this process (smtp-server) through
// the server's own mail job, open one received mail's personal link in a second browser, answer,
// and see the response rate rise on the panel page.
//   npx tap test/browser/panel.test.ts
import { mkdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import t from 'tap';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { openStrict, serveForBrowser, type TapTest } from '../helpers/browser.ts';
import { researcherHeaders, seedSurvey } from '../helpers/fixtures.ts';
import { smtp } from '../helpers/smtp.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

await buildWeb({ minify: true });
const mail = await smtp();
const { app, cleanup } = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${mail.port}`, MAIL_FROM: 'Studienteam <studie@example.org>', PUBLIC_URL: 'https://befund.example.org', MIN_GROUP_SIZE: '2' });
await seedSurvey(app);
const token = (await researcherHeaders(app)).authorization.slice('Bearer '.length);
const { base, browser } = await serveForBrowser(t, app, async () => {
  await cleanup();
  await mail.close();
});

async function open(t: TapTest): Promise<Page> {
  const { page } = await openStrict(t, browser);
  // "Entfernen" asks first (form[data-confirm]): the researcher agrees.
  page.on('dialog', (d) => void d.accept());
  return page;
}

const choice = (page: Page, text: string) =>
  page.locator('label').filter({ hasText: new RegExp(`^${text}$`) }).first();

t.test(`import a list, send the invitations, answer through a mail's link, see the rate rise (${dbLabel})`, async (t) => {
  const admin = await open(t);
  await admin.goto(`${base}/admin/login`);
  await admin.getByLabel('Token').fill(token);
  await admin.getByRole('button', { name: 'Anmelden' }).click();
  await admin.getByRole('link', { name: 'Kleine Testumfrage' }).click();
  await admin.getByRole('link', { name: /^Partnerpanel/ }).click();
  await admin.getByRole('heading', { name: 'Partnerpanel: klein' }).waitFor();

  // A list with one bad line: nothing imported, the line named; then only the valid rows.
  const list = 'E-Mail;Name;Organisation;Zielgruppe;Sprache\nanna@example.org;Anna Acker;IHK Nord;KMU;de\nbert@example.org;Bert Bauer;HWK;sme;de\ncarla@example.org;Carla Conti;DGB;works_council;en\nkein-at-zeichen;Dieter;IHK;sme;de\n';
  await admin.getByLabel('oder CSV hier einfügen').fill(list);
  await admin.getByRole('button', { name: 'Importieren' }).click();
  await admin.getByRole('alert').filter({ hasText: 'Nichts importiert' }).waitFor();
  t.match(await admin.getByRole('alert').filter({ hasText: 'Nichts importiert' }).textContent(), /Zeile 5: „kein-at-zeichen“ ist keine gültige E-Mail-Adresse/);
  t.equal(await admin.locator('tr[data-email]').count(), 0, 'nothing imported while a line is bad');
  t.equal(await admin.getByLabel('oder CSV hier einfügen').inputValue(), list, 'the pasted list is kept to correct');
  await admin.getByLabel('nur gültige Zeilen importieren').check();
  await admin.getByRole('button', { name: 'Importieren' }).click();
  await admin.getByText('3 Teilnehmende importiert, 0 standen schon auf der Liste, 1 Zeile(n) übersprungen.').waitFor();
  t.equal(await admin.locator('tr[data-email]').count(), 3);

  // An XLSX file chosen in the file field: one more person, one already on the list.
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Liste');
  ws.addRow(['E-Mail', 'Name', 'Zielgruppe', 'Sprache']);
  ws.addRow(['fritz@example.org', 'Fritz Fink', 'Intermediäre', 'de']);
  ws.addRow(['ANNA@example.org', 'Anna Acker', 'KMU', 'de']);
  await admin.getByLabel('Datei (CSV oder XLSX)').setInputFiles({ name: 'partner.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(await wb.xlsx.writeBuffer()) });
  await admin.getByRole('button', { name: 'Importieren' }).click();
  await admin.getByText('1 Teilnehmende importiert, 1 standen schon auf der Liste, 0 Zeile(n) übersprungen.').waitFor();
  t.match(await admin.locator('tr[data-email="fritz@example.org"]').textContent(), /Fritz Fink.*intermediary/);

  // Add a person, edit them, remove them.
  const add = admin.locator('form').filter({ has: admin.getByRole('button', { name: 'Hinzufügen' }) });
  await add.getByLabel('E-Mail').fill('emil@example.org');
  await add.getByLabel('Name').fill('Emil Ernst');
  await add.getByLabel('Segment').selectOption('intermediary');
  await add.getByRole('button', { name: 'Hinzufügen' }).click();
  await admin.getByText('Die Person steht jetzt auf der Liste.').waitFor();
  const emil = admin.locator('tr[data-email="emil@example.org"]');
  t.match(await emil.textContent(), /Emil Ernst.*intermediary/);
  await emil.getByRole('link', { name: 'Bearbeiten' }).click();
  await admin.getByRole('heading', { name: 'Person bearbeiten: emil@example.org' }).waitFor();
  const edit = admin.locator('form').filter({ has: admin.getByRole('button', { name: 'Speichern' }) });
  await edit.getByLabel('Label').fill('Süd');
  await edit.getByRole('button', { name: 'Speichern' }).click();
  await admin.getByText('Die Änderungen sind gespeichert.').waitFor();
  t.match(await admin.locator('tr[data-email="emil@example.org"]').textContent(), /Süd/);
  await admin.locator('tr[data-email="emil@example.org"]').getByRole('button', { name: 'Entfernen' }).click();
  await admin.getByText('Die Person und ihre Teilnahme-Angabe sind gelöscht.').waitFor();
  t.equal(await admin.locator('tr[data-email="emil@example.org"]').count(), 0);

  // Send the invitations now: the server's mail job sends them to the SMTP server.
  const rate = () => admin.locator('table').first().getByRole('row').filter({ has: admin.getByRole('rowheader', { name: 'sme', exact: true }) }).locator('td').last().textContent();
  await admin.getByLabel('Art').selectOption('invitation');
  await admin.getByRole('button', { name: 'Senden bzw. planen' }).click();
  await admin.getByText(/Die Runde ist geplant/).waitFor();
  const deadline = Date.now() + 120_000;
  while (mail.received.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  t.same(mail.received.map((m) => m.to).sort(), ['anna@example.org', 'bert@example.org', 'carla@example.org', 'fritz@example.org'], 'one invitation each');
  await admin.reload();
  await admin.locator('tr[data-round]').filter({ hasText: 'gesendet' }).waitFor();
  t.match(await admin.locator('tr[data-round]').first().textContent(), /Einladungen.*gesendet.*4 gesendet, 0 fehlgeschlagen, 0 ungewiss/);
  const before = await rate();
  t.equal(before?.trim(), '0 %', 'no answer yet');
  t.match(await admin.locator('tr[data-email="anna@example.org"]').textContent(), /sent/);
  await admin.screenshot({ path: `${ARTIFACTS}panel-invited.png`, fullPage: true });

  // Anna opens the link in her mail and answers.
  const anna = mail.received.find((m) => m.to === 'anna@example.org');
  const link = /https:\/\/befund\.example\.org(\/s\/[A-Za-z0-9_-]+)/.exec(anna?.text ?? '')?.[1];
  t.ok(link, 'the mail carries her personal link');
  const respondent = await open(t);
  await respondent.goto(`${base}${link}`);
  await respondent.getByRole('heading', { name: 'Kleine Testumfrage' }).waitFor();
  await choice(respondent, 'Verband').click();
  await respondent.getByRole('button', { name: 'Weiter' }).click();
  await respondent.getByRole('group', { name: 'Kanäle' }).waitFor();
  await choice(respondent, 'Websites').click();
  await respondent.getByRole('button', { name: 'Abschließen' }).click();
  await respondent.getByText('Vielen Dank').first().waitFor();

  await admin.reload();
  const after = await rate();
  t.equal(after?.trim(), '50 %', 'one of the two invited SMEs has answered');
  t.match(await admin.locator('tr[data-email="anna@example.org"]').textContent(), /complete/);
  await admin.screenshot({ path: `${ARTIFACTS}panel-answered.png`, fullPage: true });
});
