// Debian's Chromium for browser tests, never a downloaded one. The flags keep it off the
// network (it would otherwise keep trying to reach Google's hosts) and let it run as root.
import { type LaunchOptions, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(options: LaunchOptions = {}) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, ...options });
}
