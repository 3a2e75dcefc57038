// Fast loading of synthetic complete responses to the demo survey, with the rows the app would
// have maintained on write (`answer_counts`, `open_texts`), without going through HTTP.
//
//   pool of P validated synthetic responses (survey-core walk, once; cached in bench/results/cache)
//     → table bench_pool in the bench database
//     → responses: INSERT … SELECT over generate_series, response g takes pool entry (g·7919) mod P,
//       its id is md5('bench'‖g)::uuid and its `reichweite` becomes g mod 5000 (so numbers vary)
//     → open_texts: the same mapping, joined to the pool's texts
//     → answer_counts: computed here from the same mapping with analysis/extract.ts, the very
//       function the app uses on write, and written in one go
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractOpenTexts, extractValues } from '../../analysis/extract.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { createValidator } from '../../surveys/validate.ts';
import { RESULTS_DIR } from './report.ts';

export interface Sql {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface PoolEntry {
  segment: string;
  data: Record<string, unknown>;
}

export interface BenchLink {
  id: number;
  segment: string;
  label: string | null;
}

const STEP = 7919; // prime, so g ↦ (g·STEP) mod P walks the whole pool
const REICHWEITE_MOD = 5000;
/** Group sizes as in real studies: half intermediaries, 30 % SMEs, 20 % works councils. */
const SEGMENTS: [string, number, number][] = [
  ['intermediary', 0.5, 0.35],
  ['sme', 0.3, -0.25],
  ['works_council', 0.2, 0.05],
];

/** `size` validated synthetic responses; made once per definition and cached on disk. */
export function demoPool(definition: Record<string, unknown>, size: number): PoolEntry[] {
  const hash = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 12);
  const file = path.join(RESULTS_DIR, 'cache', `demo-pool-${hash}-${size}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PoolEntry[];
  const model = syntheticModel(definition);
  const validator = createValidator(definition);
  const rnd = seededRandom(42);
  const pool: PoolEntry[] = [];
  for (const [segment, share, lean] of SEGMENTS) {
    const want = Math.round(size * share);
    for (let tries = 0; pool.filter((p) => p.segment === segment).length < want && tries < want * 3; tries++) {
      const verdict = validator.validate(syntheticResponse(model, rnd, { lean }), { complete: true, locale: 'de' });
      if (verdict.ok) pool.push({ segment, data: verdict.data });
    }
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(pool));
  return pool;
}

/** Which link a pool entry's responses come through: intermediaries spread over their links. */
function linkFor(links: BenchLink[], entry: PoolEntry, idx: number): BenchLink {
  const mine = links.filter((l) => l.segment === entry.segment);
  return mine[idx % mine.length];
}

export interface LoadPlan {
  surveyId: number;
  versionId: number;
  catalogue: Catalogue;
  links: BenchLink[];
  pool: PoolEntry[];
  /**
   * Optional: the link of response g is links[assign[g − 1]] (a link of the pool entry's segment)
   * instead of one link per pool entry. The `--labels` run uses it to spread responses over
   * many labels, small ones included, which one link per pool entry cannot.
   */
  assign?: Int32Array;
}

export async function createPoolTables(db: Sql, plan: LoadPlan): Promise<void> {
  await db.query('create table bench_pool (idx int primary key, link_id int, segment text, link_label text, data jsonb)');
  await db.query('create table bench_pool_texts (idx int, ord int, link_id int, variable text, text text)');
  const rows = plan.pool.map((e, idx) => ({ idx, link: linkFor(plan.links, e, idx), e }));
  await db.query(
    'insert into bench_pool select * from unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::jsonb[])',
    [rows.map((r) => r.idx), rows.map((r) => r.link.id), rows.map((r) => r.e.segment), rows.map((r) => r.link.label), rows.map((r) => JSON.stringify(r.e.data))],
  );
  const texts = rows.flatMap((r) => extractOpenTexts(plan.catalogue, r.e.data).map((t, ord) => ({ idx: r.idx, ord, link: r.link.id, ...t })));
  await db.query('insert into bench_pool_texts select * from unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[])', [
    texts.map((t) => t.idx),
    texts.map((t) => t.ord),
    texts.map((t) => t.link),
    texts.map((t) => t.variable),
    texts.map((t) => t.text),
  ]);
}

/** Appends responses g = from…to (1-based) and their open texts, in chunks, with progress. */
export async function appendResponses(db: Sql, plan: LoadPlan, from: number, to: number, progress: (done: number) => void): Promise<void> {
  const P = plan.pool.length;
  const chunk = 50_000;
  for (let lo = from; lo <= to; lo += chunk) {
    const hi = Math.min(to, lo + chunk - 1);
    if (plan.assign) {
      await appendAssigned(db, plan, plan.assign, lo, hi);
      progress(hi);
      continue;
    }
    await db.query(
      `insert into responses (id, survey_id, version_id, link_id, segment, link_label, status, locale, data, resume_key_hash, created_on, updated_on, completed_on, counted)
       select md5('bench' || g)::uuid, $1, $2, p.link_id, p.segment, p.link_label, 'complete', 'de',
              case when p.data ? 'reichweite' then jsonb_set(p.data, '{reichweite}', to_jsonb(g % ${REICHWEITE_MOD})) else p.data end,
              md5('resume' || g), current_date, current_date, current_date, true
       from generate_series($3::int, $4::int) g join bench_pool p on p.idx = (g::bigint * ${STEP}) % ${P}
       order by g`,
      [plan.surveyId, plan.versionId, lo, hi],
    );
    await db.query(
      `insert into open_texts (response_id, survey_id, link_id, variable, text)
       select md5('bench' || g)::uuid, $1, t.link_id, t.variable, t.text
       from generate_series($2::int, $3::int) g join bench_pool_texts t on t.idx = (g::bigint * ${STEP}) % ${P}
       order by g, t.ord`,
      [plan.surveyId, lo, hi],
    );
    progress(hi);
  }
}

/** appendResponses for a plan with `assign`: each response's link comes with it as a parameter. */
async function appendAssigned(db: Sql, plan: LoadPlan, assign: Int32Array, lo: number, hi: number): Promise<void> {
  const P = plan.pool.length;
  const gs: number[] = [];
  const ids: number[] = [];
  const labels: (string | null)[] = [];
  for (let g = lo; g <= hi; g++) {
    const link = plan.links[assign[g - 1]];
    gs.push(g);
    ids.push(link.id);
    labels.push(link.label);
  }
  await db.query(
    `insert into responses (id, survey_id, version_id, link_id, segment, link_label, status, locale, data, resume_key_hash, created_on, updated_on, completed_on, counted)
     select md5('bench' || a.g)::uuid, $1, $2, a.link_id, p.segment, a.link_label, 'complete', 'de',
            case when p.data ? 'reichweite' then jsonb_set(p.data, '{reichweite}', to_jsonb(a.g % ${REICHWEITE_MOD})) else p.data end,
            md5('resume' || a.g), current_date, current_date, current_date, true
     from unnest($3::int[], $4::int[], $5::text[]) a(g, link_id, link_label) join bench_pool p on p.idx = (a.g::bigint * ${STEP}) % ${P}
     order by a.g`,
    [plan.surveyId, plan.versionId, gs, ids, labels],
  );
  await db.query(
    `insert into open_texts (response_id, survey_id, link_id, variable, text)
     select md5('bench' || a.g)::uuid, $1, a.link_id, t.variable, t.text
     from unnest($2::int[], $3::int[]) a(g, link_id) join bench_pool_texts t on t.idx = (a.g::bigint * ${STEP}) % ${P}
     order by a.g, t.ord`,
    [plan.surveyId, gs, ids],
  );
}

/** Rewrites answer_counts for responses 1…n exactly as insertResponse would have left them. */
export async function writeCounts(db: Sql, plan: LoadPlan, n: number): Promise<number> {
  const P = plan.pool.length;
  const times = new Array<number>(P).fill(0);
  const counts = new Map<string, number>();
  const add = (linkId: number, variable: string, value: string, by: number) => {
    const key = `${linkId}\u0000${variable}\u0000${value}`;
    counts.set(key, (counts.get(key) ?? 0) + by);
  };
  // with `assign`, times are counted per (pool entry, link) instead of per pool entry
  const perLink = new Map<number, number>();
  for (let g = 1; g <= n; g++) {
    const idx = Number((BigInt(g) * BigInt(STEP)) % BigInt(P));
    const e = plan.pool[idx];
    const link = plan.assign ? plan.links[plan.assign[g - 1]] : linkFor(plan.links, e, idx);
    if (plan.assign) perLink.set(link.id * P + idx, (perLink.get(link.id * P + idx) ?? 0) + 1);
    else times[idx]++;
    if ('reichweite' in e.data) add(link.id, 'reichweite', String(g % REICHWEITE_MOD), 1);
  }
  const values = plan.pool.map((e) => extractValues(plan.catalogue, e.data).filter((v) => v.variable !== 'reichweite'));
  const addEntry = (link: number, idx: number, by: number) => {
    add(link, '_n', '1', by);
    for (const v of values[idx]) add(link, v.variable, v.value, by);
  };
  if (plan.assign) for (const [key, by] of perLink) addEntry(Math.floor(key / P), key % P, by);
  else
    plan.pool.forEach((e, idx) => {
      if (times[idx] > 0) addEntry(linkFor(plan.links, e, idx).id, idx, times[idx]);
    });
  await db.query('delete from answer_counts where survey_id = $1', [plan.surveyId]);
  const rows = [...counts].map(([key, c]) => [...key.split('\u0000'), c] as [string, string, string, number]);
  for (let i = 0; i < rows.length; i += 20_000) {
    const part = rows.slice(i, i + 20_000);
    await db.query('insert into answer_counts (survey_id, link_id, variable, value, n) select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::int[])', [
      plan.surveyId,
      part.map((r) => Number(r[0])),
      part.map((r) => r[1]),
      part.map((r) => r[2]),
      part.map((r) => r[3]),
    ]);
  }
  return rows.length;
}

/**
 * Checks the load against the app's own rules on a sample variable: the counts of `zufriedenheit`
 * in answer_counts equal a group-by over responses.data, and `_n` equals the responses.
 */
export async function verifyLoad(db: Sql, surveyId: number): Promise<{ ok: boolean; detail: string }> {
  const q = async (text: string) => (await db.query(text, [surveyId])).rows.map((r) => `${r.v}=${r.n}`).join(',');
  const fromData = await q(
    "select data->>'zufriedenheit' as v, count(*)::int as n from responses where survey_id = $1 and data ? 'zufriedenheit' group by 1 order by 1",
  );
  const fromCounts = await q("select value as v, sum(n)::int as n from answer_counts where survey_id = $1 and variable = 'zufriedenheit' group by 1 order by 1");
  const total = await q("select 'responses' as v, count(*)::int as n from responses where survey_id = $1 union all select '_n', sum(n)::int from answer_counts where survey_id = $1 and variable = '_n'");
  const [a, b] = total.split(',').map((s) => s.split('=')[1]);
  return { ok: fromData === fromCounts && a === b, detail: `zufriedenheit ${fromData} vs ${fromCounts}; responses ${a} vs _n ${b}` };
}
