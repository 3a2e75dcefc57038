// Pages: the respondent page's weight (every script and stylesheet it loads, as served, with
// gzip and with brotli) against 350 kB, and — where the report page exists — the time to its
// first chart in headless Chromium for the survey with 100,000 responses.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { chromium } from 'playwright-core';
import { buildWeb } from '../web/build.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { links } from '../server/db/schema.ts';
import { createToken } from '../server/repositories/tokens.ts';
import { loadDemo } from './analysis.ts';
import { type BenchResult, type Goal, goal, ms, table } from './lib/report.ts';
import { createTarget } from './lib/target.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Bytes on the wire for one GET with the given Accept-Encoding (no decoding). */
function wireBytes(url: string, encoding: string): Promise<{ status: number; bytes: number; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`bench: ${url} timed out`)));
  });
}

async function pageWeight(base: string, token: string) {
  const html = await (await fetch(`${base}/s/${token}`)).text();
  const assets = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]).filter((u) => /\.(js|css)(\?|$)/.test(u));
  const rows: { asset: string; identity: number; gzip: number; brotli: number }[] = [];
  for (const asset of assets) {
    const url = new URL(asset, base).toString();
    rows.push({ asset, identity: (await wireBytes(url, 'identity')).bytes, gzip: (await wireBytes(url, 'gzip')).bytes, brotli: (await wireBytes(url, 'br')).bytes });
  }
  const sum = (k: 'identity' | 'gzip' | 'brotli') => rows.reduce((s, r) => s + r[k], 0);
  return { assets: rows, total: { identity: sum('identity'), gzip: sum('gzip'), brotli: sum('brotli') } };
}

async function timeToFirstChart(url: string, bearer: string): Promise<{ status: number; ms?: number }> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'befund-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    extraHTTPHeaders: { authorization: `Bearer ${bearer}` },
  });
  try {
    const page = await context.newPage();
    // Record when the first chart SVG enters the document (during parsing, or when the script
    // draws it), so a busy main thread afterwards does not count against the chart.
    await page.addInitScript(() => {
      const w = window as unknown as { __firstChart?: number };
      const seen = () => document.querySelector('figure[data-chart] svg, .vega-embed svg');
      new MutationObserver((_m, obs) => {
        if (w.__firstChart === undefined && seen()) {
          w.__firstChart = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < 3; i++) {
      const res = await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
      status = res?.status() ?? 0;
      if (status !== 200) return { status };
      await page.waitForSelector('figure[data-chart] svg, .vega-embed svg', { timeout: 30_000 });
      // Visible = in the document and painted: the later of the SVG's arrival and the first contentful paint.
      times.push(
        await page.evaluate(() => {
          const inserted = (window as unknown as { __firstChart?: number }).__firstChart ?? performance.now();
          const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? inserted;
          return Math.max(inserted, fcp);
        }),
      );
    }
    return { status, ms: times.sort((a, b) => a - b)[1] }; // median of three, browser warm
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

export async function runPage(opts: { quick: boolean }): Promise<BenchResult> {
  await buildWeb({ minify: true });
  const n = 100_000;
  const target = await createTarget('postgres');
  const goals: Goal[] = [];
  const figures: Record<string, unknown> = {};
  try {
    await loadDemo(target, n, opts.quick);
    const app = await buildApp(loadConfig({ ...process.env, ...target.env, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1' }));
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const [link] = await app.db.select().from(links).where(eq(links.segment, 'sme'));
      const weight = await pageWeight(base, link.token);
      figures.respondentPage = weight;
      console.log(
        table('Respondent page weight (scripts + stylesheets as served)', ['asset', 'raw', 'gzip', 'brotli'], [
          ...weight.assets.map((a) => [a.asset, kB(a.identity), kB(a.gzip), kB(a.brotli)]),
          ['total', kB(weight.total.identity), kB(weight.total.gzip), kB(weight.total.brotli)],
        ]),
      );
      goals.push(goal('respondent page JS + CSS, gzip ≤ 350 kB', weight.total.gzip / 1000, 350, 'at most', ' kB'));
      goals.push(goal('respondent page JS + CSS, brotli ≤ 350 kB', weight.total.brotli / 1000, 350, 'at most', ' kB'));
      const { token } = await createToken(app.db, 'researcher', 'bench', 'bench');
      const url = `${base}/reports/om-partner-befragung/intermediary`;
      const probe = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (probe.status === 404) {
        figures.reportPage = 'not built yet';
        console.log('\nReport page: not built yet (GET /reports/:slug/:audience answers 404)');
        goals.push({ goal: 'report page: first chart ≤ 1 s at 100k', measured: 'not built yet', met: false, margin: 'the page does not exist yet' });
      } else {
        const ttfc = await timeToFirstChart(url, token);
        figures.reportPage = { responses: n, ...ttfc };
        console.log(table(`Report page at ${n.toLocaleString('en-US')} responses (headless Chromium, loopback)`, ['page', 'status', 'first chart'], [[url.replace(base, ''), ttfc.status, ttfc.ms === undefined ? '–' : ms(ttfc.ms)]]));
        if (ttfc.ms === undefined) goals.push({ goal: 'report page: first chart ≤ 1 s at 100k', measured: `HTTP ${ttfc.status}`, met: false, margin: 'no chart drawn' });
        else goals.push(goal('report page: first chart ≤ 1 s at 100k', ttfc.ms, 1000, 'at most', ' ms'));
      }
    } finally {
      await app.close();
    }
  } finally {
    await target.drop();
  }
  return { id: 'page', title: 'Pages', goals, figures };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
