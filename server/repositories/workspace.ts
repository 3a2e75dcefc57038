// Read models for the researcher's workspace: surveys with versions and response counts, and
// the live counter's numbers. Counts only — never answers.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { responses, surveys, surveyVersions } from '../db/schema.ts';

export interface SurveyOverview {
  id: number;
  slug: string;
  title: string;
  archived: boolean;
  versions: { version: number; createdAt: Date }[];
  complete: number;
  partial: number;
}

export async function surveyOverview(db: Db): Promise<SurveyOverview[]> {
  const rows = await db
    .select({
      id: surveys.id,
      slug: surveys.slug,
      title: surveys.title,
      archived: sql<boolean>`${surveys.archivedAt} is not null`,
      complete: sql<number>`(select count(*)::int from responses r where r.survey_id = "surveys"."id" and r.status = 'complete')`,
      partial: sql<number>`(select count(*)::int from responses r where r.survey_id = "surveys"."id" and r.status = 'partial')`,
    })
    .from(surveys)
    .orderBy(asc(surveys.slug));
  const versions = await db
    .select({ surveyId: surveyVersions.surveyId, version: surveyVersions.version, createdAt: surveyVersions.createdAt })
    .from(surveyVersions)
    .orderBy(asc(surveyVersions.version));
  return rows.map((r) => ({ ...r, versions: versions.filter((v) => v.surveyId === r.id).map(({ version, createdAt }) => ({ version, createdAt })) }));
}

export interface LiveCounts {
  complete: number;
  partial: number;
  links: Record<string, { complete: number; partial: number }>;
}

/** Complete and partial responses of one survey, in total and per link. */
export async function liveCounts(db: Db, surveyId: number): Promise<LiveCounts> {
  const rows = await db
    .select({ linkId: responses.linkId, status: responses.status, n: sql<number>`count(*)::int` })
    .from(responses)
    .where(eq(responses.surveyId, surveyId))
    .groupBy(responses.linkId, responses.status);
  const out: LiveCounts = { complete: 0, partial: 0, links: {} };
  for (const r of rows) {
    const link = out.links[r.linkId] ?? { complete: 0, partial: 0 };
    link[r.status] += r.n;
    out[r.status] += r.n;
    out.links[r.linkId] = link;
  }
  return out;
}
