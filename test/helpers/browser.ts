// Debian's Chromium for browser tests, never a downloaded one. The flags keep it off the
// network (it would otherwise keep trying to reach Google's hosts) and let it run as root.
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type LaunchOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * The tests run through tsx, whose esbuild keeps function names by wrapping them in `__name(…)`.
 * A function handed to page.evaluate() carries those calls into the page, so every context the
 * browser opens (newPage opens one too) defines `__name` as the identity first.
 */
export async function launchChromium(options: LaunchOptions = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, ...options });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (contextOptions) => {
    const context = await newContext(contextOptions);
    await context.addInitScript('globalThis.__name = (f) => f;');
    return context;
  };
  return browser;
}

/** The part of a tap test the helpers below use. */
export interface TapTest {
  fail(message: string): unknown;
  teardown(fn: () => unknown): unknown;
}

/**
 * Serves `app` on a free loopback port and opens Debian's Chromium. At the end of the test file
 * the browser closes, then `cleanup` runs (the app and its database).
 */
export async function serveForBrowser(t: TapTest, app: FastifyInstance, cleanup: () => unknown): Promise<{ base: string; browser: Browser }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await cleanup();
  });
  return { base, browser };
}

/** A fresh browser profile (own cookies and storage) that fails `t` on script errors or CSP violations. */
export async function openStrict(t: TapTest, browser: Browser, options: BrowserContextOptions = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ locale: 'de-DE', ...options });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => t.fail(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) t.fail(`CSP: ${m.text()}`);
  });
  t.teardown(() => ctx.close());
  return { ctx, page };
}
