// The counts reports read: answer_counts (per survey, link, variable and value) and open_texts.
// Submitting a response only inserts it; complete responses are folded into the counts in
// batches, by a background worker every second and by every report read before it reads, so
// reports stay exact while concurrent submissions never queue on the same count rows.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { countedValuesAndTexts } from '../../analysis/extract.ts';
import { type NotAsked, notAskedFor } from '../../surveys/asked.ts';
import type { Catalogue } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { answerCounts, openTexts, releaseCounts, responses, surveyVersions } from '../db/schema.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The pseudo-variable that counts complete responses per link: the base of every report. */
export const BASE_VARIABLE = '_n';

export interface Contribution {
  surveyId: number;
  linkId: number;
  responseId: string;
  catalogue: Catalogue;
  data: Record<string, unknown>;
  /** Questions the respondent was not asked (surveys/asked.ts), counted under `_skip`. */
  notAsked?: ReadonlySet<string>;
}

const ROWS_PER_STATEMENT = 5000;

/**
 * Adds (+1) or removes (−1) complete responses' values from the counts, in one pass. `texts:
 * false` leaves open_texts alone; `table: 'release'` adds to release_counts (a recount, recount.ts).
 */
export async function applyCounts(tx: Tx, contributions: readonly Contribution[], sign: 1 | -1, options: { texts?: boolean; table?: 'live' | 'release' } = {}): Promise<void> {
  const target = options.table === 'release' ? releaseCounts : answerCounts;
  const tally = new Map<string, { surveyId: number; linkId: number; variable: string; value: string; n: number }>();
  const add = (c: Contribution, variable: string, value: string) => {
    const key = `${c.surveyId}\u0000${c.linkId}\u0000${variable}\u0000${value}`;
    const entry = tally.get(key);
    if (entry) entry.n += sign;
    else tally.set(key, { surveyId: c.surveyId, linkId: c.linkId, variable, value, n: sign });
  };
  const texts: { response_id: string; survey_id: number; link_id: number; variable: string; text: string }[] = [];
  for (const c of contributions) {
    // one walk over the answers gives both the counted values and the open texts
    const extracted = countedValuesAndTexts(c.catalogue, c.data, c.notAsked);
    add(c, BASE_VARIABLE, '1');
    for (const v of extracted.values) add(c, v.variable, v.value);
    if (sign > 0 && options.texts !== false) for (const t of extracted.texts) texts.push({ response_id: c.responseId, survey_id: c.surveyId, link_id: c.linkId, variable: t.variable, text: t.text });
  }
  // A fixed order keeps concurrent writers from deadlocking on the same count rows (the rows
  // below are inserted in the order of the array).
  const keys = [...tally.keys()].sort();
  // Rows go in as one JSON parameter per statement: building thousands of bound parameters
  // cost more CPU than the statement itself.
  for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
    const rows = keys.slice(i, i + ROWS_PER_STATEMENT).map((k) => tally.get(k) as NonNullable<ReturnType<typeof tally.get>>);
    await tx.execute(sql`
      insert into ${target} (survey_id, link_id, variable, value, n)
      select r.survey_id, r.link_id, r.variable, r.value, r.n
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ survey_id: r.surveyId, link_id: r.linkId, variable: r.variable, value: r.value, n: r.n })))}::jsonb)
        as r(survey_id int, link_id int, variable text, value text, n int)
      on conflict (survey_id, link_id, variable, value) do update set n = ${target}.n + excluded.n`);
  }
  if (sign < 0) {
    for (const c of contributions)
      await tx.delete(target).where(and(eq(target.surveyId, c.surveyId), eq(target.linkId, c.linkId), sql`${target.n} <= 0`));
    return;
  }
  if (options.texts === false) return;
  for (let i = 0; i < texts.length; i += ROWS_PER_STATEMENT)
    await tx.execute(sql`
      insert into ${openTexts} (response_id, survey_id, link_id, variable, text)
      select r.response_id, r.survey_id, r.link_id, r.variable, r.text
      from jsonb_to_recordset(${JSON.stringify(texts.slice(i, i + ROWS_PER_STATEMENT))}::jsonb)
        as r(response_id uuid, survey_id int, link_id int, variable text, text text)`);
}

/** What counting a response needs from its survey version. */
export interface VersionForCounts {
  catalogue: Catalogue;
  notAsked: NotAsked;
}

// Per database, per survey version. A version never changes once stored, so nothing goes stale.
// Building a "not asked" function costs two survey-core Models and a compiled plan (tens of ms for
// 40 questions); the background fold paid that every second under load before this cache.
const versionCache = new WeakMap<Db, Map<number, VersionForCounts>>();
const MAX_CACHED_VERSIONS = 500;

/** The catalogue and "not asked" function of each version id, read once per database. */
export async function versionsForCounts(db: Db, tx: Tx, ids: readonly number[]): Promise<Map<number, VersionForCounts>> {
  const cache = versionCache.get(db) ?? new Map<number, VersionForCounts>();
  versionCache.set(db, cache);
  const out = new Map<number, VersionForCounts>();
  for (const id of ids) {
    const v = cache.get(id);
    if (v) out.set(id, v);
  }
  const missing = [...new Set(ids)].filter((id) => !out.has(id));
  if (missing.length) {
    const rows = await tx
      .select({ id: surveyVersions.id, catalogue: surveyVersions.catalogue, definition: surveyVersions.definition })
      .from(surveyVersions)
      .where(inArray(surveyVersions.id, missing));
    for (const r of rows) {
      if (cache.size >= MAX_CACHED_VERSIONS) cache.delete(cache.keys().next().value as number);
      const v = { catalogue: r.catalogue as Catalogue, notAsked: notAskedFor(r.definition) };
      cache.set(r.id, v);
      out.set(r.id, v);
    }
  }
  return out;
}

/** Held by whoever folds a batch: a report waits for a running batch instead of missing it. */
export const FOLD_LOCK = 7240002;

/**
 * Folds complete, not yet counted responses into the counts, `batch` at a time, until none
 * are left (bounded by `maxBatches`). One folder at a time (FOLD_LOCK): a report that reads
 * while the background worker is in the middle of a batch waits for that batch to commit, so
 * it sees every response; skipping the worker's rows made a report miss a whole batch. Rows
 * locked by anything else (a response being changed or erased) are skipped, not waited for.
 * Returns how many responses were counted.
 */
export async function foldPending(db: Db, options: { surveyId?: number; batch?: number; maxBatches?: number } = {}): Promise<number> {
  const batch = options.batch ?? 2000;
  let total = 0;
  for (let round = 0; round < (options.maxBatches ?? 1000); round++) {
    const folded = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
      const pending = await tx
        .select({ id: responses.id, surveyId: responses.surveyId, linkId: responses.linkId, versionId: responses.versionId, data: responses.data })
        .from(responses)
        .where(and(eq(responses.status, 'complete'), eq(responses.counted, false), options.surveyId === undefined ? undefined : eq(responses.surveyId, options.surveyId)))
        .orderBy(asc(responses.seq))
        .limit(batch)
        .for('update', { skipLocked: true });
      if (pending.length === 0) return 0;
      const versions = await versionsForCounts(db, tx, pending.map((p) => p.versionId));
      await applyCounts(
        tx,
        pending.map((p) => {
          const v = versions.get(p.versionId) as VersionForCounts;
          return { surveyId: p.surveyId, linkId: p.linkId, responseId: p.id, catalogue: v.catalogue, data: p.data as Record<string, unknown>, notAsked: v.notAsked(p.data as Record<string, unknown>) };
        }),
        1,
      );
      await tx.update(responses).set({ counted: true }).where(inArray(responses.id, pending.map((p) => p.id)));
      return pending.length;
    });
    total += folded;
    if (folded < batch) break;
  }
  return total;
}
