// Debian's Chromium for browser tests, never a downloaded one. The flags keep it off the
// network (it would otherwise keep trying to reach Google's hosts) and let it run as root.
import { type LaunchOptions, chromium } from 'playwright-core';

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
