#!/usr/bin/env node
// The `befund` command. Runs the compiled build in dist/ (`npm run build`; `npm install` runs it
// through `prepare`): plain JavaScript, no tsx, no esbuild, no TypeScript at run time.
//
// A checkout whose sources are newer than dist/ (a developer's, or tests beside an edit) or that
// has no build runs the TypeScript sources through tsx instead, and `serve` then rebuilds the
// browser bundles first when they are out of date. BEFUND_SOURCE=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** True when dist/ exists and no source file it was built from changed since. */
function compiledIsCurrent() {
  try {
    const stamp = JSON.parse(readFileSync(new URL('dist/build.json', root), 'utf8'));
    for (const file of stamp.inputs) if (statSync(new URL(file, root)).mtimeMs > stamp.builtAt) return false;
    return stamp.inputs.length > 0;
  } catch {
    return false;
  }
}

if (process.env.BEFUND_SOURCE !== '1' && compiledIsCurrent()) {
  await import('../dist/cli.js');
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error(
      'befund: Es gibt keinen aktuellen Build (dist/) und tsx ist nicht installiert: führen Sie npm install und npm run build aus.\n' +
        'befund: There is no current build (dist/) and tsx is not installed: run npm install and npm run build.',
    );
    process.exit(1);
  }
  register();
  if (process.argv[2] === 'serve') await (await import('../web/build.ts')).buildWeb(); // a no-op when web/dist is current
  await import('../server/cli.ts');
}
