// Where the built browser assets are and what they are called. web/build.ts writes each bundle
// under a content-hashed name (respondent.3f9a1c2b.js) and web/dist/manifest.json maps the plain
// name to it; the pages link the hashed name (cached for a year, a new build gets a new URL).
// The plain names are written too, for links from outside and for pages rendered before a build.
// No esbuild here: the server imports this module at run time.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const distDir = fileURLToPath(new URL('./dist', import.meta.url));
export const manifestFile = join(distDir, 'manifest.json');

/** The bundles the pages link, by plain name. */
export const ASSETS = ['respondent.js', 'respondent.css', 'admin.js', 'admin.css', 'report.js', 'report.css'] as const;
export type AssetName = (typeof ASSETS)[number];
export type Manifest = Partial<Record<AssetName, string>>;

/** A hashed file name: `name.<8 hex>.ext`, served with an immutable cache header. */
export const HASHED = /\.[0-9a-f]{8}\.(js|css)(\.gz|\.br)?$/;

let cached: { mtimeMs: number; manifest: Manifest } | undefined;

/** The manifest (re-read when a build replaced it); empty when web/dist was never built. */
export function readManifest(): Manifest {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(manifestFile).mtimeMs;
  } catch {
    return {};
  }
  if (cached?.mtimeMs !== mtimeMs) {
    try {
      cached = { mtimeMs, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest };
    } catch {
      return cached?.manifest ?? {};
    }
  }
  return cached.manifest;
}

/** The file name a page links for a bundle: the hashed one, or the plain one before any build. */
export function assetFile(name: AssetName): string {
  return readManifest()[name] ?? name;
}
