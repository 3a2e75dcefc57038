// The tap test files under test/ (test/**/*.test.ts), relative to the project root and sorted:
// what npm test runs (.taprc leaves out test/browser, which npm run test:browser runs), and with
// `browser: true` all of them (scripts/build-tests.ts compiles every one).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {{ browser?: boolean }} [options] @returns {string[]} */
export function testFiles({ browser = false } = {}) {
  /** @param {string} dir @returns {string[]} */
  const walk = (dir) =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) return rel === 'test/browser' && !browser ? [] : walk(rel);
      return e.name.endsWith('.test.ts') ? [rel] : [];
    });
  return walk('test').sort();
}
