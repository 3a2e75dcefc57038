// The aggregates of one survey, shared by the reports built from the same figures within a short
// time: the three audiences' reports, both locales, the report route and the report pages read
// the same counts, and at hundreds of link labels loading them is most of a warm report (1.6 s
// of SQL at 1,000,000 responses and 500 labels, against 0.3 s to build and protect a report).
// Keyed, like the report pages' cache of built reports, on the survey's data stamp: a change to
// its counts or versions is seen at once, and an entry lives at most CACHE_MS.
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { AggregatedData } from '../../analysis/types.ts';
import { responses, surveys, surveyVersions } from '../db/schema.ts';
import { loadAggregates } from './aggregates.ts';
import { foldPending } from './counts.ts';
import type { Release } from './releases.ts';

/**
 * What a report depends on, read in one row instead of counting the survey's responses:
 * its data_version, which a trigger raises whenever its answer_counts change (the fold, an
 * erasure; migration 0009) and an open text's approval changes (repositories/open-texts.ts),
 * and its number of versions. Complete responses the fold has not
 * reached yet are folded first (the partial index on uncounted responses finds them without
 * reading the others), so a cached report never misses an answer.
 */
export async function dataStamp(app: FastifyInstance, surveyId: number): Promise<string> {
  const read = async () => {
    const result = (await app.db.execute(sql`select s.data_version, (select count(*) from ${surveyVersions} v where v.survey_id = s.id) as versions,
        exists (select 1 from ${responses} r where r.status = 'complete' and not r.counted and r.survey_id = s.id) as pending
      from ${surveys} s where s.id = ${surveyId}`)) as unknown as { rows: { data_version: string | number; versions: string | number; pending: boolean }[] };
    return result.rows[0];
  };
  let r = await read();
  if (r?.pending) {
    await foldPending(app.db, { surveyId });
    r = await read();
  }
  return `${r?.data_version}:${r?.versions}`;
}

/** Per app (its database): tests run many apps in one process. */
const caches = new WeakMap<FastifyInstance, Map<string, { at: number; data: Promise<AggregatedData> }>>();
const CACHE_MS = 60_000;
/** Each entry holds a survey's counts (tens of MB at hundreds of labels and many questions). */
const CACHE_ENTRIES = 4;

/**
 * The live aggregates (researchers) or those of a release (share keys: approved open texts
 * only), loaded once per data stamp (`dataStamp`, read by the caller) and reused for CACHE_MS.
 * Callers only read the result.
 */
export function sharedAggregates(app: FastifyInstance, surveyId: number, release: Release | 'live', stamp: string): Promise<AggregatedData> {
  let cache = caches.get(app);
  if (!cache) {
    cache = new Map();
    caches.set(app, cache);
  }
  const key = JSON.stringify([surveyId, release === 'live' ? 'live' : [release.id, release.erased], stamp]);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.data;
  const data = release === 'live' ? loadAggregates(app.db, surveyId) : loadAggregates(app.db, surveyId, { release, approval: true });
  cache.delete(key);
  cache.set(key, { at: Date.now(), data });
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  // a failed load is not kept
  const entries = cache;
  data.catch(() => {
    if (entries.get(key)?.data === data) entries.delete(key);
  });
  return data;
}

