// `prepare` (run by npm install and npm ci): builds dist/ and web/dist/ (scripts/build.ts), so
// `npm start` runs compiled JavaScript straight after an install. An install without the dev
// dependencies (npm install --omit=dev, npm prune --omit=dev) has no survey-js-ui, vega-embed …: it keeps a build
// made before, or says how to make one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// esbuild alone is not enough (tsx, a dependency, brings it): the browser bundles need these too.
const bundler = ['esbuild', 'survey-js-ui', 'vega-embed', 'vega-interpreter'].every((name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
});

if (bundler) {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildAll } = await import('./build.ts');
  const r = await buildAll();
  console.log(`befund: built dist/ (${r.inputs.length} modules, ${r.ms.server} ms) and web/dist/ (${r.ms.web} ms)`);
} else if (existsSync(new URL('../dist/build.json', import.meta.url)) && existsSync(new URL('../web/dist/manifest.json', import.meta.url))) {
  console.log('befund: installed without dev dependencies: keeping the build in dist/ and web/dist/');
} else {
  console.log('befund: installed without dev dependencies and no build in dist/: run npm install with dev dependencies and npm run build, then npm prune --omit=dev');
}

// tap runs each test file with the loaders of the plugins it was built with, and npm installs it
// built with its TypeScript plugin (ts-node). .taprc turns that plugin off for tsx; tap notices
// only on its first run and rebuilds after it, so that first run would load both. Build it now.
if (bundler && existsSync(new URL('../.taprc', import.meta.url))) {
  try {
    const tap = require.resolve('tap/package.json').replace(/package\.json$/, 'dist/esm/run.mjs');
    const built = spawnSync(process.execPath, [tap, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(built.status === 0 ? 'befund: built tap with the plugins in .taprc (tests run through tsx)' : 'befund: tap build failed; the first npm test rebuilds it');
  } catch {
    // installed without dev dependencies: no tests to run
  }
}
