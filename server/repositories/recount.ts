// Recounting a survey's stored counts from its responses, when the way counts are derived
// changed (surveys.counts_version below COUNTS_VERSION). Version 1 counts the answers of dynamic
// panels and dynamic matrices per person (analysis/extract.ts PERSONS_VARIABLE); surveys stored
// before migration 0014 counted entries and are recounted once, at server start.
//
// answer_counts are rebuilt from the counted complete responses, release_counts from those in
// the current release (`responses.released`: every release sets it for all it takes in, an
// erasure removes the row), so a share key's figures stay those of the same responses. Open
// texts are not touched (they are stored per text, with their approvals); nor is any response.
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { isPooled } from '../../analysis/extract.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { answerCounts, releaseCounts, responses, surveys, surveyVersions } from '../db/schema.ts';
import { applyCounts, FOLD_LOCK, type VersionForCounts, versionsForCounts } from './counts.ts';

/** The current way of deriving counts (see above). */
export const COUNTS_VERSION = 1;

const BATCH = 2000;

/** Recounts every survey whose counts are older than COUNTS_VERSION; returns how many. */
export async function recountStale(db: Db): Promise<number> {
  const stale = await db.select({ id: surveys.id }).from(surveys).where(lt(surveys.countsVersion, COUNTS_VERSION));
  for (const { id } of stale) await recountSurvey(db, id);
  return stale.length;
}

/** Rebuilds one survey's answer_counts and release_counts from its responses, in one transaction. */
export async function recountSurvey(db: Db, surveyId: number): Promise<void> {
  await db.transaction(async (tx) => {
    // no fold or release runs meanwhile
    await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
    const [row] = await tx.select({ v: surveys.countsVersion }).from(surveys).where(eq(surveys.id, surveyId)).for('update');
    if (!row || row.v >= COUNTS_VERSION) return; // another process did it
    // only dynamic panels and matrices are counted differently: other surveys keep their counts
    const catalogues = await tx.select({ catalogue: surveyVersions.catalogue }).from(surveyVersions).where(eq(surveyVersions.surveyId, surveyId));
    if (!catalogues.some((c) => (c.catalogue as Catalogue).questions.some(isPooled))) {
      await tx.update(surveys).set({ countsVersion: COUNTS_VERSION }).where(eq(surveys.id, surveyId));
      return;
    }
    await tx.delete(answerCounts).where(eq(answerCounts.surveyId, surveyId));
    await tx.delete(releaseCounts).where(eq(releaseCounts.surveyId, surveyId));
    let after = -1;
    for (;;) {
      const batch = await tx
        .select({ seq: responses.seq, id: responses.id, linkId: responses.linkId, versionId: responses.versionId, data: responses.data, released: responses.released })
        .from(responses)
        .where(and(eq(responses.surveyId, surveyId), eq(responses.status, 'complete'), eq(responses.counted, true), sql`${responses.seq} > ${after}`))
        .orderBy(responses.seq)
        .limit(BATCH);
      if (batch.length === 0) break;
      after = Number(batch[batch.length - 1].seq);
      const versions = await versionsForCounts(db, tx, batch.map((b) => b.versionId));
      const contributions = batch.map((b) => {
        const v = versions.get(b.versionId) as VersionForCounts;
        const data = b.data as Record<string, unknown>;
        return { surveyId, linkId: b.linkId, responseId: b.id, catalogue: v.catalogue, data, notAsked: v.notAsked(data), released: b.released };
      });
      await applyCounts(tx, contributions, 1, { texts: false });
      const released = contributions.filter((c) => c.released);
      if (released.length) await applyCounts(tx, released, 1, { texts: false, table: 'release' });
      if (batch.length < BATCH) break;
    }
    await tx.update(surveys).set({ countsVersion: COUNTS_VERSION }).where(inArray(surveys.id, [surveyId]));
  });
}
