// Reads a survey's responses for export in batches by `seq` (keyset pagination), so memory
// stays constant however many responses there are.
import { and, asc, count, eq, gt, inArray, lte, max } from 'drizzle-orm';
import type { Catalogue } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { responses, surveyVersions } from '../db/schema.ts';
import type { ResponseRecord, VersionCatalogue } from './columns.ts';

export type StatusFilter = 'complete' | 'partial' | 'all';

const statuses = (status: StatusFilter): ('complete' | 'partial')[] => (status === 'all' ? ['complete', 'partial'] : [status]);

export async function surveyVersionCatalogues(db: Db, surveyId: number): Promise<VersionCatalogue[]> {
  const rows = await db
    .select({ id: surveyVersions.id, version: surveyVersions.version, catalogue: surveyVersions.catalogue, definition: surveyVersions.definition })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(asc(surveyVersions.version));
  return rows.map((r) => ({ ...r, catalogue: r.catalogue as Catalogue }));
}

export async function countResponses(db: Db, surveyId: number, status: StatusFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(responses)
    .where(and(eq(responses.surveyId, surveyId), inArray(responses.status, statuses(status))));
  return row.n;
}

/**
 * What an export holds, fixed before its first row: the responses up to the newest `seq` now,
 * and how many they are (a .sav file states its case count in the header).
 */
export async function exportBound(db: Db, surveyId: number, status: StatusFilter): Promise<{ upTo: number; count: number }> {
  const [row] = await db
    .select({ n: count(), upTo: max(responses.seq) })
    .from(responses)
    .where(and(eq(responses.surveyId, surveyId), inArray(responses.status, statuses(status))));
  return { upTo: Number(row.upTo ?? 0), count: row.n };
}

/** The responses of a survey in `seq` order, `batch` rows per query; only up to `upTo` when given. */
export async function* responseRecords(db: Db, surveyId: number, status: StatusFilter, batch = 1000, upTo?: number): AsyncGenerator<ResponseRecord> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select({
        id: responses.id,
        seq: responses.seq,
        versionId: responses.versionId,
        segment: responses.segment,
        linkLabel: responses.linkLabel,
        status: responses.status,
        completedOn: responses.completedOn,
        data: responses.data,
      })
      .from(responses)
      .where(
        and(
          eq(responses.surveyId, surveyId),
          inArray(responses.status, statuses(status)),
          gt(responses.seq, after),
          upTo === undefined ? undefined : lte(responses.seq, upTo),
        ),
      )
      .orderBy(asc(responses.seq))
      .limit(batch);
    for (const r of rows) yield { ...r, data: (r.data ?? {}) as Record<string, unknown> };
    if (rows.length < batch) return;
    after = rows[rows.length - 1].seq;
  }
}
