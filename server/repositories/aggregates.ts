// Aggregated answers for reports, computed in the database: counts grouped by variable, value,
// segment and link label (answer_counts ⋈ links), bases from the `_n` pseudo-variable, and open
// texts in a fixed order. Analysis never sees a raw response.
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { AggregatedData } from '../../analysis/types.ts';
import { versionedCatalogue } from '../../analysis/versions.ts';
import type { Catalogue } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { answerCounts, links, openTexts, releaseCounts } from '../db/schema.ts';
import { BASE_VARIABLE, foldPending } from './counts.ts';
import { versionCatalogues } from './surveys.ts';

export interface AggregateFilters {
  segments?: readonly string[];
  linkLabels?: readonly string[];
  /** Open texts listed per variable at most (default 500). */
  textLimit?: number;
  /** Read this release (what share keys see) instead of the live counts; see releases.ts. */
  release?: { textMark: number };
  /**
   * Share-key readers: each open text says whether a researcher approved it (repositories/
   * open-texts.ts), and approved texts come first within `textLimit`, so none is cut off.
   */
  approval?: boolean;
}

function linkFilter(f: AggregateFilters): SQL[] {
  const where: SQL[] = [];
  if (f.segments?.length) where.push(inArray(links.segment, [...f.segments]));
  if (f.linkLabels?.length) where.push(inArray(links.label, [...f.linkLabels]));
  return where;
}

export async function loadAggregates(db: Db, surveyId: number, filters: AggregateFilters = {}): Promise<AggregatedData> {
  // Count what arrived since the last fold, so every report is exact at the moment it is read.
  if (!filters.release) await foldPending(db, { surveyId });
  const where = linkFilter(filters);
  const counts = filters.release ? releaseCounts : answerCounts;
  const textMark = filters.release ? sql`and ${openTexts.id} <= ${filters.release.textMark}` : sql``;
  const limit = filters.textLimit ?? 500;
  const grouped = await db
    .select({
      variable: counts.variable,
      value: counts.value,
      segment: links.segment,
      linkLabel: links.label,
      n: sql<number>`sum(${counts.n})::int`,
    })
    .from(counts)
    .innerJoin(links, eq(links.id, counts.linkId))
    .where(and(eq(counts.surveyId, surveyId), sql`${counts.n} > 0`, ...where))
    .groupBy(counts.variable, counts.value, links.segment, links.label)
    .orderBy(asc(counts.variable), asc(counts.value), asc(links.segment), sql`${links.label} asc nulls first`);
  const bases = grouped.filter((r) => r.variable === BASE_VARIABLE).map((r) => ({ segment: r.segment, linkLabel: r.linkLabel, n: Number(r.n) }));
  const answers = grouped.filter((r) => r.variable !== BASE_VARIABLE).map((r) => ({ ...r, n: Number(r.n) }));
  // At most `limit` texts per text variable, in arrival order: one index range scan per
  // variable (open_texts is indexed on survey, variable, id), so the cost does not grow with
  // the number of responses.
  const variables = textVariables(await mergedCatalogue(db, surveyId));
  const texts =
    variables.length === 0
      ? []
      : ((
          await db.execute(sql`
        select v.variable, t.text, t.segment, t.label as "linkLabel"${filters.approval ? sql`, t.approved` : sql``},
          dense_rank() over (order by t.response_id)::int as person
        from (values ${sql.join(variables.map((name) => sql`(${name})`), sql`, `)}) as v(variable)
        cross join lateral (
          select ${openTexts.text} as text, ${links.segment} as segment, ${links.label} as label, ${openTexts.id} as id, ${openTexts.approved} as approved, ${openTexts.responseId} as response_id
          from ${openTexts} inner join ${links} on ${links.id} = ${openTexts.linkId}
          where ${openTexts.surveyId} = ${surveyId} and ${openTexts.variable} = v.variable and ${openTexts.text} <> '' ${textMark}
            ${where.length ? sql`and ${and(...where)}` : sql``}
          order by ${filters.approval ? sql`${openTexts.approved} desc, ` : sql``}${openTexts.id}
          limit ${limit}
        ) as t
        order by v.variable, t.id`)
        ) as unknown as { rows: { variable: string; text: string; segment: string; linkLabel: string | null; approved?: boolean; person: number }[] }).rows;
  return { bases, counts: answers, openTexts: texts };
}

/** The keys of every open-text variable in a catalogue. */
export function textVariables(catalogue: Catalogue): string[] {
  return [...new Set(catalogue.questions.flatMap((q) => q.variables.filter((v) => v.measure === 'text').map((v) => v.key)))].sort();
}

/**
 * One catalogue over all versions for reports: questions matched by name, the newest version's
 * wording; a question whose coding changed appears once per coding (analysis/versions.ts).
 */
export async function mergedCatalogue(db: Db, surveyId: number): Promise<Catalogue> {
  return versionedCatalogue(await versionCatalogues(db, surveyId));
}
