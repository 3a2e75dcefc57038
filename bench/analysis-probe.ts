// Child process of the analysis benchmark: a fresh Node process (so its peak RSS is the
// analysis's own) that builds the real app on a loaded database and times, warm:
//   - the in-process equivalent of `befund analyze --audience all` without files:
//       mergedCatalogue + loadAggregates (SQL) → buildReport × 3 audiences → chartsFor every question
//   - GET /api/v1/surveys/:slug/report?audience=A for all three audiences over 127.0.0.1
//   - the baseline: one SQL jsonb_each group-by over the same responses table
// It sends { ready, results } and waits for { cmd: 'close' }.
import { sql } from 'drizzle-orm';
import { chartsFor } from '../analysis/charts/index.ts';
import { listAudiences, loadProfile } from '../analysis/profiles/index.ts';
import { buildReport } from '../analysis/report/build.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { loadAggregates, mergedCatalogue } from '../server/repositories/aggregates.ts';
import { findSurvey, listVersions } from '../server/repositories/surveys.ts';
import { surveyAudiences } from '../server/repositories/profiles.ts';
import { createShare } from '../server/repositories/shares.ts';
import { createToken } from '../server/repositories/tokens.ts';

if (!process.send) throw new Error('bench/analysis-probe.ts runs as a child of bench/analysis.ts');
process.on('disconnect', () => process.exit(1));

const slug = process.env.BENCH_SLUG ?? 'om-partner-befragung';
const reps = Number(process.env.BENCH_REPS ?? 5);
const baselineReps = Number(process.env.BENCH_BASELINE_REPS ?? 2);
const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const app = await buildApp(loadConfig({ ...process.env, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const survey = await findSurvey(app.db, slug);
if (!survey) throw new Error(`bench: survey ${slug} is not loaded`);
const { token } = await createToken(app.db, 'researcher', 'bench', 'bench');
const audiences = listAudiences();
// every audience's profile decides what is published, as in the report route
const scopes = await surveyAudiences(app.db, survey.id);

async function pipeline() {
  const t0 = now();
  const [catalogue, data, versions] = await Promise.all([mergedCatalogue(app.db, survey.id), loadAggregates(app.db, survey.id), listVersions(app.db, survey.id)]);
  lastData = data;
  const t1 = now();
  const reports = audiences.map((audience) =>
    buildReport({
      catalogue,
      data,
      profile: loadProfile(audience),
      minGroupSize: app.config.minGroupSize,
      locale: 'de',
      survey: { slug, title: { de: survey.title }, versions: versions.map((v) => v.version) },
      audiences: scopes,
    }),
  );
  const t2 = now();
  let charts = 0;
  for (const report of reports) {
    const seen = new Set<string>();
    for (const q of report.sections.flatMap((s) => s.questions)) {
      if (seen.has(q.name)) continue;
      seen.add(q.name);
      charts += chartsFor(q, { locale: 'de', notice: report.notice }).length;
    }
  }
  const t3 = now();
  return { sqlMs: t1 - t0, reportsMs: t2 - t1, chartsMs: t3 - t2, totalMs: t3 - t0, charts, countRows: data.counts.length, texts: data.openTexts.length };
}

let lastData: Awaited<ReturnType<typeof loadAggregates>> | undefined;

/**
 * Share-key reads of data.json, as an outsider reads the published set: the first one publishes
 * the first release; the report pages cache a built report per locale, so `lang=en` after `de`
 * builds each report again (warm), and a third round is served from the cache.
 */
async function shareReads() {
  const keys: { audience: string; key: string }[] = [];
  for (const audience of audiences) keys.push({ audience, key: (await createShare(app.db, { surveyId: survey.id, audience }, 'bench')).key });
  // a report still being prepared answers 503 with Retry-After (REPORT_WAIT_MS): read again every
  // second, as a patient reader would, and count those answers
  let preparing = 0;
  const round = async (lang: string) => {
    const t0 = now();
    let bytes = 0;
    for (const { audience, key } of keys) {
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${port}/reports/${slug}/${audience}/data.json?key=${key}&lang=${lang}`);
        if (res.status === 503 && res.headers.get('retry-after')) {
          preparing++;
          await res.arrayBuffer();
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        if (res.status !== 200) throw new Error(`bench: share read answered ${res.status} for ${audience}: ${await res.text()}`);
        bytes += (await res.arrayBuffer()).byteLength;
        break;
      }
    }
    return { ms: now() - t0, bytes };
  };
  const first = await round('de');
  const built = await round('en');
  const cached = await round('de');
  return { firstMs: first.ms, builtMs: built.ms, cachedMs: cached.ms, bytes: built.bytes, preparing };
}

async function route() {
  const t0 = now();
  let bytes = 0;
  for (const audience of audiences) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/surveys/${slug}/report?audience=${audience}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`bench: report route answered ${res.status} for ${audience}: ${await res.text()}`);
    bytes += (await res.arrayBuffer()).byteLength;
  }
  return { totalMs: now() - t0, bytes };
}

async function baseline() {
  const t0 = now();
  const result = (await app.db.execute(
    sql`select r.segment, e.key, e.value, count(*) as n from responses r cross join lateral jsonb_each(r.data) e
        where r.survey_id = ${survey.id} and r.status = 'complete' group by 1, 2, 3`,
  )) as unknown as { rows: unknown[] };
  return { totalMs: now() - t0, groups: result.rows.length };
}

const say = (what: string, r: { totalMs: number }) => {
  if (process.env.BENCH_SHARE) process.stderr.write(`analysis probe: ${what} ${Math.round(r.totalMs)} ms\n`);
  return r;
};
const coldPipeline = say('3 reports in-process (cold)', await pipeline()) as Awaited<ReturnType<typeof pipeline>>;
const warmPipeline = [];
for (let i = 0; i < reps; i++) warmPipeline.push(say('3 reports in-process (warm)', await pipeline()) as Awaited<ReturnType<typeof pipeline>>);
const coldRoute = say('report route ×3 (cold)', await route()) as Awaited<ReturnType<typeof route>>;
const warmRoute = [];
for (let i = 0; i < reps; i++) warmRoute.push(say('report route ×3 (warm)', await route()) as Awaited<ReturnType<typeof route>>);
const base = [];
for (let i = 0; i < baselineReps; i++) base.push(await baseline());

const share = process.env.BENCH_SHARE ? await shareReads() : undefined;
const linkBases = lastData ? lastData.bases.map((b) => b.n) : [];
const groups = { links: linkBases.length, under5: linkBases.filter((n) => n > 0 && n < 5).length, under41: linkBases.filter((n) => n > 0 && n <= 40).length, largest: Math.max(0, ...linkBases) };

const pick = <T extends { totalMs: number }>(runs: T[]) => runs.find((r) => r.totalMs === median(runs.map((x) => x.totalMs))) as T;
const results = {
  pipeline: { cold: coldPipeline, warm: pick(warmPipeline), warmRuns: warmPipeline.map((r) => r.totalMs) },
  route: { cold: coldRoute, warm: pick(warmRoute), warmRuns: warmRoute.map((r) => r.totalMs) },
  baseline: { best: base.length ? Math.min(...base.map((b) => b.totalMs)) : 0, runs: base.map((b) => b.totalMs), groups: base[0]?.groups },
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  db: app.dbKind,
  share,
  groups,
};

process.on('message', async (m: { id: number; cmd: string }) => {
  if (m.cmd !== 'close') return;
  await app.close();
  process.send?.({ id: m.id });
  process.exit(0);
});
process.send({ ready: true, results });
