// WCAG 2.1 AA on the respondent page, checked by axe-core inside Debian's Chromium: the demo
// survey's first page, its second page, and the phone-sized viewport.
import { createRequire } from 'node:module';
import t from 'tap';
import { serveForBrowser } from '../helpers/browser.ts';
import { buildWeb } from '../../web/build.ts';
import { buildTestApp } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';
import fs from 'node:fs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const demo = JSON.parse(fs.readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8'));

await buildWeb({ minify: true });
const { app, cleanup } = await buildTestApp();
const survey = await seedSurvey(app, 'om-partner-befragung', demo);
const link = await seedLink(app, survey.surveyId, { segment: 'sme' });
const { base, browser } = await serveForBrowser(t, app, cleanup);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 667 }],
] as const) {
  t.test(`the respondent page has no WCAG 2.1 A/AA violations on ${name}`, async (t) => {
    // axe is injected as a script; the page's own CSP would refuse that, so it is bypassed here only.
    const ctx = await browser.newContext({ viewport, locale: 'de-DE', bypassCSP: true });
    t.teardown(() => ctx.close());
    const page = await ctx.newPage();
    await page.goto(`${base}/s/${link.token}`);
    await page.locator('.sd-question').first().waitFor();
    await page.addScriptTag({ content: axeSource });
    const run = () =>
      page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe;
        const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return {
          passes: r.passes.length,
          violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) })),
        };
      });
    const first = await run();
    t.ok(first.passes >= 10, `axe checked the page (${first.passes} rules passed)`);
    t.same(first.violations, [], `page 1: ${JSON.stringify(first.violations, null, 1)}`);
    // The second page: choose a usage frequency so the channel page is shown, then go on.
    await page.locator('.sd-question', { hasText: 'Welcher Art ist Ihre Organisation' }).first().locator('label').first().click();
    await page.locator('.sd-question', { hasText: 'Wie häufig nutzen Sie' }).first().locator('label').nth(2).click();
    await page.getByRole('button', { name: /Weiter/ }).click();
    await page.locator('.sd-question', { hasText: 'Über welche Kanäle' }).first().waitFor();
    const second = await run();
    t.same(second.violations, [], `page 2: ${JSON.stringify(second.violations, null, 1)}`);
    await page.screenshot({ path: `test/artifacts/axe-${name}.png`, fullPage: true });
  });
}
