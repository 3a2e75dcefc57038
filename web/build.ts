// One bundler step for the browser code: `npx tsx web/build.ts` (or `buildWeb()` from
// `npm run build` and the tests). Skips work when web/dist is newer than every input. Runs at
// build time only: the server reads web/dist/manifest.json (web/manifest.ts), never esbuild.
//
//   web/respondent/main.ts (+ survey-core, survey-js-ui)  → web/dist/respondent.js  (IIFE, ES2020)
//   survey-core fontless CSS + web/respondent/style.css   → web/dist/respondent.css
//   web/admin/main.ts                                     → web/dist/admin.js       (IIFE, ES2020)
//   web/admin/style.css                                   → web/dist/admin.css
//   web/report/main.ts (+ vega, vega-lite, vega-embed)    → web/dist/report.js      (IIFE, ES2020)
//   web/report/style.css                                  → web/dist/report.css
// (web/admin/html/ and web/pages/ are server-side HTML, not bundled.)
// Each output is also written as name.<hash>.ext (+ .gz, .br); manifest.json maps the names.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { type BuildOptions as BuildOptionsEsbuild, build, type Plugin } from 'esbuild';
import { ASSETS, distDir, HASHED, type Manifest, manifestFile } from './manifest.ts';

export { distDir };
const webDir = dirname(fileURLToPath(import.meta.url));
const srcDir = join(webDir, 'respondent');
const adminDir = join(webDir, 'admin');
const adminInputs = [join(adminDir, 'main.ts'), join(adminDir, 'style.css')];
const reportInputs = [join(webDir, 'report', 'main.ts'), join(webDir, 'report', 'style.css')];
const outputs = ASSETS.map((name) => join(distDir, name));
const stampFile = join(distDir, '.build.json');

export interface BuildOptions {
  /** Minify JS and CSS (default true). */
  minify?: boolean;
  /** Rebuild even when the outputs look current. */
  force?: boolean;
}

async function mtime(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return Number.NaN;
  }
}

async function inputFiles(): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const own = (await readdir(srcDir)).map((f) => join(srcDir, f));
  return [
    ...own,
    ...adminInputs,
    ...reportInputs,
    fileURLToPath(import.meta.url),
    // The packages' entry files: they change when another version is installed.
    require.resolve('survey-core'),
    require.resolve('survey-js-ui'),
    require.resolve('vega-embed'),
  ];
}

async function isCurrent(minify: boolean): Promise<boolean> {
  let stamp: { minify?: boolean; inputs?: string[] };
  try {
    stamp = JSON.parse(await readFile(stampFile, 'utf8')) as { minify?: boolean; inputs?: string[] };
    if (stamp.minify !== minify) return false;
  } catch {
    return false;
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
  } catch {
    return false;
  }
  const hashed = ASSETS.map((name) => manifest[name]).filter((f): f is string => typeof f === 'string');
  if (hashed.length !== ASSETS.length) return false;
  const outTimes = await Promise.all([...outputs, ...hashed.map((f) => join(distDir, f))].map(mtime));
  if (outTimes.some(Number.isNaN)) return false;
  const inTimes = await Promise.all([...(await inputFiles()), ...(stamp.inputs ?? [])].map(mtime));
  return Math.max(...inTimes.filter((t) => !Number.isNaN(t))) < Math.min(...outTimes);
}


/**
 * survey-js-ui embeds two icon sets: "v1" for the retired legacy theme and "v2" for the
 * current one. The page uses the current theme only, so the v1 set is left out (about 35 KB).
 */
const dropLegacyIcons: Plugin = {
  name: 'drop-legacy-survey-icons',
  setup(b) {
    b.onLoad({ filter: /survey-js-ui[\\/]fesm[\\/]survey-js-ui\.mjs$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const marker = 'var iconsV1Exports = requireIconsV1();';
      if (!source.includes(marker)) return undefined; // a different survey-js-ui: bundle it unchanged
      return { contents: source.replace(marker, 'var iconsV1Exports = { icons: {} };'), loader: 'js' };
    });
  },
};

/** Writes `.gz` and `.br` next to a file, for a static server that serves precompressed assets. */
async function precompress(file: string): Promise<void> {
  const buf = await readFile(file);
  await Promise.all([
    writeFile(`${file}.gz`, gzipSync(buf, { level: 9 })),
    writeFile(
      `${file}.br`,
      brotliCompressSync(buf, {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: buf.length },
      }),
    ),
  ]);
}

/** One browser script: an IIFE for ES2020, marked as generated so the linter skips it. */
function script(entry: string, outfile: string, minify: boolean, extra: Partial<BuildOptionsEsbuild> = {}) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: `// biome-ignore-all lint: generated by web/build.ts (web/${entry.slice(webDir.length + 1)})` },
    logLevel: 'error',
    metafile: true,
    ...extra,
  });
}

/** One stylesheet, bundled with its imports. */
function style(input: Pick<BuildOptionsEsbuild, 'entryPoints' | 'stdin'>, outfile: string, minify: boolean, source: string) {
  return build({
    ...input,
    outfile,
    bundle: true,
    minify,
    target: 'es2020',
    legalComments: 'none',
    banner: { css: `/* biome-ignore-all lint: generated by web/build.ts (${source}) */` },
    logLevel: 'error',
  });
}

/** Bundles the respondent page's, the workspace's and the report page's JS and CSS into web/dist/. */
export async function buildWeb({ minify = true, force = false }: BuildOptions = {}): Promise<void> {
  if (!force && (await isCurrent(minify))) return;
  await mkdir(distDir, { recursive: true });
  const results = await Promise.all([
    // survey-js-ui probes for an optional jQuery inside try/catch; there is none here.
    script(join(srcDir, 'main.ts'), outputs[0], minify, { external: ['jquery'], plugins: [dropLegacyIcons] }),
    style(
      {
        stdin: {
          contents: '@import "survey-core/survey-core.fontless.min.css";\n@import "./style.css";\n',
          resolveDir: srcDir,
          sourcefile: 'respondent.css',
          loader: 'css',
        },
      },
      outputs[1],
      minify,
      'survey-core CSS, web/respondent/style.css',
    ),
    script(adminInputs[0], outputs[2], minify),
    style({ entryPoints: [adminInputs[1]] }, outputs[3], minify, 'web/admin/style.css'),
    script(reportInputs[0], outputs[4], minify),
    style({ entryPoints: [reportInputs[1]] }, outputs[5], minify, 'web/report/style.css'),
  ]);
  await Promise.all(outputs.map(precompress));
  await writeHashed();
  // every project file a bundle imported (analysis/charts/fit.ts for the report page, …), so a
  // change to one of them rebuilds too
  const imported = results.flatMap((r) => Object.keys(r.metafile?.inputs ?? {})).filter((f) => !f.includes('node_modules') && !f.startsWith('<'));
  await writeFile(stampFile, JSON.stringify({ minify, inputs: [...new Set(imported)].map((f) => resolve(f)) }));
}

/**
 * Copies each output (and its .gz, .br) to name.<first 8 hex of its SHA-256>.ext, writes
 * manifest.json (by rename, so a reader never sees half of it) and removes hashed files of
 * earlier builds.
 */
async function writeHashed(): Promise<void> {
  const hashedNames = await Promise.all(
    ASSETS.map(async (name, i) => {
      const file = outputs[i];
      const hash = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 8);
      const dot = name.lastIndexOf('.');
      const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
      await Promise.all(['', '.gz', '.br'].map((ext) => copyFile(`${file}${ext}`, join(distDir, `${hashed}${ext}`))));
      return hashed;
    }),
  );
  const manifest: Manifest = Object.fromEntries(ASSETS.map((name, i) => [name, hashedNames[i]]));
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, manifestFile);
  const keep = new Set(Object.values(manifest).flatMap((f) => [f, `${f}.gz`, `${f}.br`]));
  const stale = (await readdir(distDir)).filter((f) => HASHED.test(f) && !keep.has(f));
  await Promise.all(stale.map((f) => rm(join(distDir, f), { force: true })));
}

/** Raw and gzip sizes of the built assets, in bytes. */
export async function bundleSizes(): Promise<Record<string, { raw: number; gzip: number; brotli: number }>> {
  const sizes: Record<string, { raw: number; gzip: number; brotli: number }> = {};
  for (const file of outputs) {
    const [raw, gz, br] = await Promise.all([file, `${file}.gz`, `${file}.br`].map((f) => stat(f)));
    sizes[file.slice(distDir.length + 1)] = { raw: raw.size, gzip: gz.size, brotli: br.size };
  }
  return sizes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  const minify = !process.argv.includes('--no-minify');
  await buildWeb({ minify, force });
  const sizes = await bundleSizes();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  let gz = 0;
  let br = 0;
  for (const [name, s] of Object.entries(sizes)) {
    gz += s.gzip;
    br += s.brotli;
    console.log(`${name}: ${kib(s.raw)}, gzip ${kib(s.gzip)}, brotli ${kib(s.brotli)}`);
  }
  console.log(`total: gzip ${kib(gz)}, brotli ${kib(br)}`);
}
