// `befund purge [--json]`: deletes every response older than its survey's retention period
// (`retentionDays`, counted from the completion date, else the creation date) through the same
// erasure path as a single erasure, so its counts are subtracted and each erasure is audited.
// Prints what it deleted per survey; the purge as a whole is audited too.
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { responses, surveys } from '../db/schema.ts';
import { audit } from '../repositories/audit.ts';
import { eraseResponse } from '../repositories/responses.ts';
import { output, parse, withApp } from './common.ts';

const USAGE = 'befund purge [--json]';

export interface PurgedSurvey {
  survey: string;
  retentionDays: number;
  deleted: number;
  complete: number;
  partial: number;
}

/** Erases what is past retention, in batches; returns one entry per survey with a retention period. */
export async function purgeExpired(db: Db, actor = 'purge'): Promise<PurgedSurvey[]> {
  const withRetention = await db
    .select({ id: surveys.id, slug: surveys.slug, retentionDays: surveys.retentionDays })
    .from(surveys)
    .where(isNotNull(surveys.retentionDays))
    .orderBy(asc(surveys.slug));
  const result: PurgedSurvey[] = [];
  for (const s of withRetention) {
    const days = s.retentionDays ?? 0;
    const entry: PurgedSurvey = { survey: s.slug, retentionDays: days, deleted: 0, complete: 0, partial: 0 };
    for (;;) {
      const expired = await db
        .select({ id: responses.id, status: responses.status })
        .from(responses)
        .where(and(eq(responses.surveyId, s.id), sql`coalesce(${responses.completedOn}, ${responses.createdOn}) < current_date - ${days}::int`))
        .orderBy(asc(responses.seq))
        .limit(500);
      if (expired.length === 0) break;
      for (const r of expired) {
        if (!(await eraseResponse(db, r.id, actor))) continue;
        entry.deleted++;
        entry[r.status]++;
      }
    }
    if (entry.deleted > 0) await audit(db, actor, 'purge', s.slug, { retentionDays: days, deleted: entry.deleted, complete: entry.complete, partial: entry.partial });
    result.push(entry);
  }
  return result;
}

export default async function purge(argv: string[]): Promise<void> {
  const { values } = parse(argv, {}, USAGE);
  const purged = await withApp((app) => purgeExpired(app.db, 'cli:purge'));
  const total = purged.reduce((n, p) => n + p.deleted, 0);
  const lines = purged.map((p) => `${p.survey}: ${p.deleted} gelöscht (${p.complete} vollständig, ${p.partial} unvollständig), Aufbewahrung ${p.retentionDays} Tage`);
  const human = purged.length === 0 ? 'Keine Umfrage hat eine Aufbewahrungsfrist; nichts gelöscht.' : [...lines, `Insgesamt ${total} Antworten gelöscht.`].join('\n');
  output(values.json, { deleted: total, surveys: purged }, human);
}
