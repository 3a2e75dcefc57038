// The worked example scripts run through `befund run` on a filled study, and what they write
// equals what the raw responses say (counts) and what R says (chi-square).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openStudy } from '../../server/study.ts';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { runCli, runInProcess } from '../helpers/cli.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-examples-'));
const pg = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
t.teardown(async () => pg?.drop());
const env = { DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '' };
const out = path.join(dataDir, 'out');

// inside the test process (the scripts below run through the real befund run)
const demo = await runInProcess(['demo', '--responses', '160', '--json'], env);
t.equal(demo.code, 0, demo.stderr);

t.test('the channel comparison gives per-channel crosstabs equal to the raw answers and chi-square equal to R', async (t) => {
  const run = await runCli(['run', 'analysis/examples/channels-works-councils-vs-smes.ts', out], env);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /Websites +\d+,\d\s% vs\. \d+,\d\s%/, 'a German table on stdout');
  const result = JSON.parse(fs.readFileSync(path.join(out, 'channels.json'), 'utf8')) as {
    groups: string[];
    rows: { channel: string; table: number[][]; chiSquare: { statistic: number; df: number; p: number } | null }[];
  };
  t.equal(result.rows.length, 7, 'one row per channel, "Sonstiges" (kanaele.other.chosen) included');
  t.ok(result.rows.some((r) => r.channel === 'kanaele.other.chosen'));

  // Count the same thing from the raw responses.
  const study = await openStudy(env);
  t.teardown(() => study.close());
  const raw = new Map<string, number[][]>();
  for await (const r of study.responses('om-partner-befragung', { segments: result.groups })) {
    const chosen = r.data.kanaele as string[] | undefined;
    if (!chosen?.length) continue;
    const g = result.groups.indexOf(r.segment);
    for (const row of result.rows) {
      const m = raw.get(row.channel) ?? result.groups.map(() => [0, 0]);
      m[g][chosen.includes(row.channel.split('.')[1]) ? 0 : 1] += 1;
      raw.set(row.channel, m);
    }
  }
  for (const row of result.rows) t.same(row.table, raw.get(row.channel), `${row.channel} counts equal the raw answers`);

  const tested = result.rows.filter((r) => r.chiSquare);
  t.ok(tested.length > 0, 'at least one channel was tested');
  const rCode = tested
    .map((r) => `x <- suppressWarnings(chisq.test(matrix(c(${r.table.flat().join(',')}), nrow=2, byrow=TRUE), correct=FALSE)); cat(sprintf('%.15g %.15g\\n', x$statistic, x$p.value))`)
    .join('; ');
  const lines = execFileSync('Rscript', ['-e', rCode], { encoding: 'utf8' }).trim().split('\n');
  tested.forEach((r, i) => {
    const [stat, p] = lines[i].split(' ').map(Number);
    const ours = r.chiSquare ?? { statistic: Number.NaN, p: Number.NaN };
    t.ok(Math.abs(ours.statistic - stat) < 1e-9, `${r.channel}: χ² equals R's ${stat}`);
    t.ok(Math.abs(ours.p - p) < 1e-9, `${r.channel}: p equals R's ${p}`);
  });
});

t.test('the paper table is a German CSV whose n and means equal the raw answers', async (t) => {
  const run = await runCli(['run', 'analysis/examples/paper-table-csv.ts', out], env);
  t.equal(run.code, 0, run.stderr);
  const csv = fs.readFileSync(path.join(out, 'relevanz.csv'), 'utf8');
  t.ok(csv.startsWith('\ufeffThemenfeld;n;Mittelwert;SD;Median;Top-2-Box (%)'), 'BOM and German header');
  const study = await openStudy(env);
  t.teardown(() => study.close());
  const values: number[] = [];
  for await (const r of study.responses('om-partner-befragung')) {
    const v = (r.data.relevanz as Record<string, number> | undefined)?.ki;
    if (v !== undefined) values.push(v);
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const line = csv.split('\r\n').find((l) => l.startsWith('KI erkennen'));
  t.ok(line, 'a line for the AI topic');
  const [, n, meanText] = (line ?? '').split(';');
  t.equal(Number(n), values.length);
  t.equal(meanText, mean.toFixed(2).replace('.', ','));
});

t.test('befund run names a missing script without a stack trace', async (t) => {
  const r = await runCli(['run', 'gibt-es-nicht.ts'], env);
  t.equal(r.code, 2);
  t.match(r.stderr, /Das Skript gibt-es-nicht\.ts gibt es nicht/);
  t.notMatch(r.stderr, /\n\s+at /);
});
