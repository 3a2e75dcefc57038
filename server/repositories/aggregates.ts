// Aggregated answers for reports, computed in the database: counts grouped by variable, value,
// segment and link label (answer_counts ⋈ links), bases from the `_n` pseudo-variable, and open
// texts in a fixed order. Analysis never sees a raw response.
import { and, asc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { AggregatedData } from '../../analysis/types.ts';
import type { Catalogue, CatalogueQuestion } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { answerCounts, links, openTexts } from '../db/schema.ts';
import { BASE_VARIABLE } from './responses.ts';
import { catalogues } from './surveys.ts';

export interface AggregateFilters {
  segments?: readonly string[];
  linkLabels?: readonly string[];
  /** Open texts listed per variable at most (default 500). */
  textLimit?: number;
}

function linkFilter(f: AggregateFilters): SQL[] {
  const where: SQL[] = [];
  if (f.segments?.length) where.push(inArray(links.segment, [...f.segments]));
  if (f.linkLabels?.length) where.push(inArray(links.label, [...f.linkLabels]));
  return where;
}

export async function loadAggregates(db: Db, surveyId: number, filters: AggregateFilters = {}): Promise<AggregatedData> {
  const where = linkFilter(filters);
  const limit = filters.textLimit ?? 500;
  const grouped = await db
    .select({
      variable: answerCounts.variable,
      value: answerCounts.value,
      segment: links.segment,
      linkLabel: links.label,
      n: sql<number>`sum(${answerCounts.n})::int`,
    })
    .from(answerCounts)
    .innerJoin(links, eq(links.id, answerCounts.linkId))
    .where(and(eq(answerCounts.surveyId, surveyId), sql`${answerCounts.n} > 0`, ...where))
    .groupBy(answerCounts.variable, answerCounts.value, links.segment, links.label)
    .orderBy(asc(answerCounts.variable), asc(answerCounts.value), asc(links.segment), sql`${links.label} asc nulls first`);
  const bases = grouped.filter((r) => r.variable === BASE_VARIABLE).map((r) => ({ segment: r.segment, linkLabel: r.linkLabel, n: Number(r.n) }));
  const counts = grouped.filter((r) => r.variable !== BASE_VARIABLE).map((r) => ({ ...r, n: Number(r.n) }));
  // at most `limit` texts per variable, in a fixed order (by id, i.e. arrival), via a window
  const ranked = db
    .select({
      variable: openTexts.variable,
      text: openTexts.text,
      segment: links.segment,
      linkLabel: sql<string | null>`${links.label}`.as('link_label'),
      id: openTexts.id,
      rank: sql<number>`row_number() over (partition by ${openTexts.variable} order by ${openTexts.id})`.as('rank'),
    })
    .from(openTexts)
    .innerJoin(links, eq(links.id, openTexts.linkId))
    .where(and(eq(openTexts.surveyId, surveyId), ne(openTexts.text, ''), ...where))
    .as('ranked');
  const texts = await db
    .select({ variable: ranked.variable, text: ranked.text, segment: ranked.segment, linkLabel: ranked.linkLabel })
    .from(ranked)
    .where(sql`${ranked.rank} <= ${limit}`)
    .orderBy(asc(ranked.variable), asc(ranked.id));
  return { bases, counts, openTexts: texts };
}

/** One catalogue over all versions: questions matched by name, the newest version's wins. */
export function mergeCatalogues(newestFirst: readonly Catalogue[]): Catalogue {
  if (newestFirst.length === 0) return { locales: ['de'], questions: [] };
  const seen = new Map<string, CatalogueQuestion>();
  const order: string[] = [];
  // the newest version's order first, then questions only older versions had, in their order
  for (const c of newestFirst) {
    for (const q of c.questions) {
      if (seen.has(q.name)) continue;
      seen.set(q.name, q);
      order.push(q.name);
    }
  }
  const locales = [...new Set(newestFirst.flatMap((c) => c.locales))];
  return { locales, questions: order.map((n) => seen.get(n) as CatalogueQuestion) };
}

export async function mergedCatalogue(db: Db, surveyId: number): Promise<Catalogue> {
  return mergeCatalogues(await catalogues(db, surveyId));
}
