// The production build (issue 15): `npm run build`'s server bundle, built into a folder of its
// own, starts with plain Node, serves /healthz, the respondent page and its hashed bundles, and
// loads no TypeScript, no tsx and no esbuild. A loader hook in the child records every module
// it resolves (ES modules) and, on exit, every CommonJS module in require.cache.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildAll } from '../../scripts/build.ts';
import { readManifest } from '../../web/manifest.ts';
import { root } from '../helpers/cli.ts';

// Inside the project, so the bundle's package imports resolve from node_modules as dist/'s do.
const cache = path.join(root, 'node_modules', '.cache');
fs.mkdirSync(cache, { recursive: true });
const out = fs.mkdtempSync(path.join(cache, 'befund-build-test-'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-build-'));
t.teardown(() => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

const loaded = path.join(scratch, 'loaded.txt');
const hook = path.join(scratch, 'hook.mjs');
const resolveHook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(loaded)}, r.url + '\\n');
  return r;
}`;
fs.writeFileSync(
  hook,
  `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolveHook)}));
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(${JSON.stringify(loaded)}, Object.keys(require.cache).join('\\n') + '\\n'));
`,
);

t.test('the compiled server starts without TypeScript and serves the pages and hashed bundles', async (t) => {
  const built = await buildAll({ outdir: out });
  t.ok(fs.existsSync(path.join(out, 'cli.js')), 'cli.js written');
  t.ok(built.inputs.includes('server/commands/serve.ts'), 'the build lists its sources (bin/befund.js compares their times)');
  t.notOk(
    built.inputs.some((f) => f === 'web/build.ts' || f.startsWith('scripts/')),
    'the server bundle does not contain the web build',
  );
  const manifest = readManifest();
  t.equal(Object.keys(manifest).length, 6, 'web/dist/manifest.json names six bundles');

  const child: ChildProcess = spawn(process.execPath, ['--import', hook, path.join(out, 'cli.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(scratch, 'data'), MAX_EVENT_LOOP_DELAY_MS: '0' },
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const base = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /Befund läuft auf (http:\/\/\S+)/.exec(output);
      if (m && /Status: /.test(output)) return resolve(m[1]);
      if (child.exitCode !== null) return reject(new Error(`server exited with ${child.exitCode}: ${output}`));
      setTimeout(check, 100);
    };
    check();
  });

  const health = await fetch(`${base}/healthz`);
  t.equal(health.status, 200, '/healthz answers 200');
  t.match(await health.json(), { status: 'ok' });

  const link = /Teilnahme-Link \S+\s+(http:\/\/\S+\/s\/\S+)/.exec(output)?.[1];
  t.ok(link, 'the start prints a respondent link');
  const page = await fetch(link as string);
  t.equal(page.status, 200, 'the respondent page answers 200');
  const html = await page.text();
  for (const name of ['respondent.js', 'respondent.css'] as const) {
    const file = manifest[name] as string;
    t.match(file, /\.[0-9a-f]{8}\.(js|css)$/, `${name} has a hashed name`);
    t.ok(html.includes(`/assets/${file}`), `the page links ${file}`);
    const asset = await fetch(`${base}/assets/${file}`, { headers: { 'accept-encoding': 'br' } });
    t.equal(asset.status, 200, `${file} is served`);
    t.match(asset.headers.get('cache-control'), /immutable/, `${file} is cached for good`);
    await asset.arrayBuffer();
  }

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'the server stops cleanly on SIGTERM');

  const modules = fs.readFileSync(loaded, 'utf8').split('\n').filter(Boolean);
  t.ok(modules.some((m) => m.includes(`${path.sep}node_modules${path.sep}fastify${path.sep}`)), 'the record holds the CommonJS packages (fastify)');
  t.ok(modules.some((m) => m.endsWith('/cli.js') && m.includes(path.basename(out))), 'the record holds the bundle');
  const typescript = modules.filter((m) => /\.(c|m)?tsx?$/.test(m.replace(/[?#].*$/, '')));
  t.same(typescript, [], 'no TypeScript module is loaded');
  const tools = modules.filter((m) => /[\\/]node_modules[\\/](tsx|esbuild|@esbuild|typescript|survey-js-ui|vega-embed|vega-interpreter)[\\/]/.test(m));
  t.same(tools, [], 'no tsx, esbuild, TypeScript or browser-only package is loaded');
});
