// Releases: what a share-key reader sees is the survey's counts frozen at one moment, not live
// data, so reading the report before and after one new response cannot single that person out.
// Researchers keep reading live counts.
//
// A release copies answer_counts into release_counts (one current release per survey; earlier
// rows of `releases` are its history) and remembers the newest open text counted by then
// (`textMark`): report reads for share keys use release_counts and open texts up to that mark,
// so every filter keeps working without storing each combination.
//
// A new release comes from a researcher (API, CLI, workspace), from the first share-key read of
// a survey that has answers and no release yet, or automatically once every group that changed
// — every segment × link label, the finest unit a report groups by, so every union the filters
// offer too — has gained at least k (MIN_GROUP_SIZE) responses. Each release is audited.
//
// Erasure reaches into the release: an erased response leaves release_counts (and its open
// texts go with the row), so the release's figures change by exactly that one person; see the
// README for what that means.
import { and, desc, eq, sql } from 'drizzle-orm';
import { countedValues } from '../../analysis/extract.ts';
import type { Catalogue } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { answerCounts, links, openTexts, releaseCounts, releases, responses, surveys } from '../db/schema.ts';
import { audit } from './audit.ts';
import { BASE_VARIABLE, FOLD_LOCK, foldPending } from './counts.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type ReleaseReason = 'manual' | 'auto' | 'first-read';

export interface Release {
  id: number;
  surveyId: number;
  publishedAt: Date;
  actor: string;
  reason: ReleaseReason;
  responses: number;
  textMark: number;
  erased: number;
}

const columns = {
  id: releases.id,
  surveyId: releases.surveyId,
  publishedAt: releases.publishedAt,
  actor: releases.actor,
  reason: releases.reason,
  responses: releases.responses,
  textMark: releases.textMark,
  erased: releases.erased,
};

/** The release share keys see now, or null when none was published. */
export async function currentRelease(db: Db | Tx, surveyId: number): Promise<Release | null> {
  const [row] = await db.select(columns).from(releases).where(eq(releases.surveyId, surveyId)).orderBy(desc(releases.id)).limit(1);
  return row ?? null;
}

/** Every release of a survey, newest first. */
export async function listReleases(db: Db, surveyId: number, limit = 50): Promise<Release[]> {
  return db.select(columns).from(releases).where(eq(releases.surveyId, surveyId)).orderBy(desc(releases.id)).limit(limit);
}

/**
 * Responses marked per statement. One statement for all of them took 38 s at 1,000,000 on a busy
 * machine, past the statement timeout (DB_STATEMENT_TIMEOUT_MS, default 30 s), so releases of
 * large surveys failed; 5,000 rows take well under a second.
 */
const MARK_BATCH = 5_000;

/** Marks the survey's counted responses that are not in the release yet, MARK_BATCH at a time. */
async function markReleased(tx: Tx, surveyId: number): Promise<void> {
  for (;;) {
    // the partial index on counted, unreleased responses finds each batch without reading the rest
    const result = (await tx.execute(sql`
      with marked as (
        update ${responses} set released = true
        where ${responses.id} in (select id from ${responses} where survey_id = ${surveyId} and counted and not released limit ${MARK_BATCH})
        returning 1)
      select count(*)::int as n from marked`)) as unknown as { rows: { n: number }[] };
    if (Number(result.rows[0]?.n ?? 0) < MARK_BATCH) return;
  }
}

/**
 * Publishes the survey's counted responses as its new release, after folding what is pending.
 * Under the fold lock, so no batch is half in; the responses are marked first, so an erasure
 * running at the same time either finishes before the counts are copied or, waiting on the
 * marked row, takes its response out of the new release afterwards.
 */
export async function publishRelease(db: Db, surveyId: number, actor: string, reason: ReleaseReason, options: { onlyAfter?: number } = {}): Promise<Release> {
  await foldPending(db, { surveyId });
  const release = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
    // two first readers at once: the second finds the first one's release; two processes
    // releasing automatically at once: the second finds the first one's
    if (reason === 'first-read' || options.onlyAfter !== undefined) {
      const current = await currentRelease(tx, surveyId);
      if (current && current.id !== options.onlyAfter) return current;
    }
    await markReleased(tx, surveyId);
    await tx.delete(releaseCounts).where(eq(releaseCounts.surveyId, surveyId));
    await tx.execute(sql`
      insert into ${releaseCounts} (survey_id, link_id, variable, value, n)
      select survey_id, link_id, variable, value, n from ${answerCounts} where survey_id = ${surveyId} and n > 0`);
    const [marks] = await tx
      .select({
        text: sql<number>`(select coalesce(max(${openTexts.id}), 0) from ${openTexts})`,
        n: sql<number>`coalesce((select sum(${releaseCounts.n}) from ${releaseCounts} where ${releaseCounts.surveyId} = ${surveyId} and ${releaseCounts.variable} = ${BASE_VARIABLE}), 0)`,
      })
      .from(sql`(select 1) as one`);
    const [row] = await tx
      .insert(releases)
      .values({ surveyId, actor, reason, responses: Number(marks.n), textMark: Number(marks.text) })
      .returning(columns);
    await audit(tx, actor, 'release.publish', `release:${row.id}`, { surveyId, reason, responses: row.responses });
    return row;
  });
  return release;
}

/**
 * The release a share-key reader sees: the current one, or — for a survey with counted answers
 * and none yet — a first release made now (so sharing works without an extra step, and from
 * then on the figures hold still). Null while there is nothing to release.
 */
export async function releaseForReaders(db: Db, surveyId: number): Promise<Release | null> {
  const current = await currentRelease(db, surveyId);
  if (current) return current;
  await foldPending(db, { surveyId });
  const [any] = await db.select({ one: sql<number>`1` }).from(answerCounts).where(eq(answerCounts.surveyId, surveyId)).limit(1);
  if (!any) return null;
  return publishRelease(db, surveyId, 'share', 'first-read');
}

export interface GroupGrowth {
  segment: string;
  linkLabel: string | null;
  released: number;
  live: number;
}

/** Complete responses per segment × link label: in the current release and counted now. */
export async function releaseGrowth(db: Db, surveyId: number): Promise<GroupGrowth[]> {
  await foldPending(db, { surveyId });
  const base = (table: typeof answerCounts | typeof releaseCounts) =>
    db
      .select({ segment: links.segment, linkLabel: links.label, n: sql<number>`sum(${table.n})::int` })
      .from(table)
      .innerJoin(links, eq(links.id, table.linkId))
      .where(and(eq(table.surveyId, surveyId), eq(table.variable, BASE_VARIABLE)))
      .groupBy(links.segment, links.label);
  const [live, released] = await Promise.all([base(answerCounts), base(releaseCounts)]);
  const groups = new Map<string, GroupGrowth>();
  const key = (r: { segment: string; linkLabel: string | null }) => JSON.stringify([r.segment, r.linkLabel]);
  for (const r of released) groups.set(key(r), { segment: r.segment, linkLabel: r.linkLabel, released: Number(r.n), live: 0 });
  for (const r of live) {
    const g = groups.get(key(r)) ?? { segment: r.segment, linkLabel: r.linkLabel, released: 0, live: 0 };
    g.live = Number(r.n);
    groups.set(key(r), g);
  }
  return [...groups.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * Whether the growth since the release may be published on its own: something changed, and
 * every group that changed gained at least k responses (a group that lost some through an
 * erasure lost them from the release too, so it does not count as changed).
 */
export function readyToRelease(growth: readonly GroupGrowth[], k: number): boolean {
  const changed = growth.filter((g) => g.live !== g.released);
  return changed.length > 0 && changed.every((g) => g.live - g.released >= k);
}

/**
 * Groups that gained fewer than k responses since the release (but some): publishing now by
 * hand would show a difference of fewer than k people there. Told to whoever publishes.
 */
export function smallGrowth(growth: readonly GroupGrowth[], k: number): (GroupGrowth & { added: number })[] {
  return growth.map((g) => ({ ...g, added: g.live - g.released })).filter((g) => g.added > 0 && g.added < k);
}

/** Publishes a new release of every survey whose growth is ready; returns how many. */
export async function autoRelease(db: Db, k: number): Promise<number> {
  await foldPending(db);
  const released = await db.selectDistinct({ surveyId: releases.surveyId }).from(releases).innerJoin(surveys, eq(surveys.id, releases.surveyId));
  let published = 0;
  for (const { surveyId } of released) {
    const current = await currentRelease(db, surveyId);
    if (!current || !readyToRelease(await releaseGrowth(db, surveyId), k)) continue;
    if ((await publishRelease(db, surveyId, 'auto', 'auto', { onlyAfter: current.id })).id !== current.id) published++;
  }
  return published;
}

/**
 * Takes an erased response out of the current release, inside the erasure's transaction; call
 * it only for a complete response with `released` set. Its open texts leave with its row.
 */
export async function removeFromRelease(
  tx: Tx,
  r: { surveyId: number; linkId: number; catalogue: Catalogue; data: Record<string, unknown>; notAsked?: ReadonlySet<string> },
): Promise<void> {
  const tally = new Map<string, number>();
  for (const v of [{ variable: BASE_VARIABLE, value: '1' }, ...countedValues(r.catalogue, r.data, r.notAsked)]) {
    const key = JSON.stringify([v.variable, v.value]);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const rows = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, n]) => {
    const [variable, value] = JSON.parse(key) as [string, string];
    return { surveyId: r.surveyId, linkId: r.linkId, variable, value, n: -n };
  });
  // an upsert, not an update: a release being published at this moment copies the counts
  // with this response still in them, and these rows then take it out again
  await tx
    .insert(releaseCounts)
    .values(rows)
    .onConflictDoUpdate({ target: [releaseCounts.surveyId, releaseCounts.linkId, releaseCounts.variable, releaseCounts.value], set: { n: sql`${releaseCounts.n} + excluded.n` } });
  await tx.delete(releaseCounts).where(and(eq(releaseCounts.surveyId, r.surveyId), eq(releaseCounts.linkId, r.linkId), sql`${releaseCounts.n} <= 0`));
  const current = await currentRelease(tx, r.surveyId);
  if (current) await tx.update(releases).set({ erased: sql`${releases.erased} + 1` }).where(eq(releases.id, current.id));
}
