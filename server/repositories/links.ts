// Links (collectors): one per audience / partner / channel. The segment and label of every
// response come from its link, never from the client.
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { links, surveys, surveyVersions } from '../db/schema.ts';
import { audit } from './audit.ts';

/** 144 random bits, URL-safe. */
export function randomToken(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The shape of every token randomToken() and custom links produce: URL-safe characters only. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

export const SEGMENT_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export interface LinkInput {
  surveyId: number;
  segment: string;
  label?: string | null;
  maxResponses?: number | null;
  opensAt?: Date | null;
  closesAt?: Date | null;
  oneResponsePerBrowser?: boolean;
}

export type Link = typeof links.$inferSelect;

export async function createLink(db: Db, input: LinkInput, actor = 'system'): Promise<Link> {
  // The change and its audit entry commit together or not at all.
  return db.transaction(async (tx) => {
    const [link] = await tx
      .insert(links)
      .values({
        surveyId: input.surveyId,
        token: randomToken(),
        segment: input.segment,
        label: input.label ?? null,
        maxResponses: input.maxResponses ?? null,
        completedCount: input.maxResponses == null ? null : 0,
        opensAt: input.opensAt ?? null,
        closesAt: input.closesAt ?? null,
        oneResponsePerBrowser: input.oneResponsePerBrowser ?? false,
      })
      .returning();
    await audit(tx, actor, 'link.create', `link:${link.id}`, { surveyId: input.surveyId, segment: input.segment, label: link.label });
    return link;
  });
}

/**
 * A link by its token, with what answering through it needs, in one round trip: its survey's
 * slug and archive state, the survey's newest version (new responses get that one) and its
 * state now.
 */
export async function findLinkByToken(db: Db, token: string) {
  // Every token we issue is base64url; anything else (a NUL from "%00", say) is no link, and
  // never reaches the database, which refuses NUL in text.
  if (!TOKEN_SHAPE.test(token)) return undefined;
  let query = linkByToken.get(db);
  if (!query) {
    query = linkByTokenQuery(db);
    linkByToken.set(db, query);
  }
  const [row] = await query.execute({ token });
  return row;
}

// Every answer looks its link up: built once per database and prepared on the server, so
// neither the query builder nor PostgreSQL's planner runs per request.
const linkByToken = new WeakMap<Db, ReturnType<typeof linkByTokenQuery>>();
function linkByTokenQuery(db: Db) {
  return db
    .select({
      link: links,
      slug: surveys.slug,
      archivedAt: surveys.archivedAt,
      versionId: sql<number>`${newestVersionOfLink}`.mapWith(Number),
      state: sql<LinkState>`${linkStateNow}`,
    })
    .from(links)
    .innerJoin(surveys, eq(surveys.id, links.surveyId))
    .where(eq(links.token, sql.placeholder('token')))
    .prepare('befund_link_by_token');
}

// SQL over a row of `links` joined with its `surveys` row, shared by the lookup above and the
// statement that stores an answer (`insertThroughLink`).

/** The newest version of the link's survey: new answers are given this one. */
export const newestVersionOfLink = sql`(select ${surveyVersions.id} from ${surveyVersions} where ${surveyVersions.surveyId} = ${links.surveyId} order by ${surveyVersions.version} desc limit 1)`;

/**
 * Whether the link takes answers now, by the database's clock (an app server's clock may
 * differ near opening and closing times). The SQL twin of `linkState(…)` below, which the
 * workspace uses for its lists: keep the two rules the same.
 */
const linkStateNow = sql`case
  when ${links.revokedAt} is not null or ${surveys.archivedAt} is not null then 'closed'
  when ${links.opensAt} is not null and now() < ${links.opensAt} then 'not_open'
  when ${links.closesAt} is not null and now() >= ${links.closesAt} then 'closed'
  when ${links.maxResponses} is not null and coalesce(${links.completedCount}, 0) >= ${links.maxResponses} then 'full'
  else 'open' end`;
export const linkIsOpen = sql`(${linkStateNow}) = 'open'`;

export type LinkState = 'open' | 'not_open' | 'closed' | 'full';

/** Whether a link takes new responses now; `completed` is its count of complete responses. Its SQL twin is `linkStateNow`. */
export function linkState(link: Omit<Link, 'completedCount' | 'panel'>, completed: number, now = new Date(), surveyArchived = false): LinkState {
  if (link.revokedAt || surveyArchived) return 'closed';
  if (link.opensAt && now < link.opensAt) return 'not_open';
  if (link.closesAt && now >= link.closesAt) return 'closed';
  if (link.maxResponses !== null && completed >= link.maxResponses) return 'full';
  return 'open';
}

/** A link's state now, by id (for continuing a response), by the database's clock. */
export async function linkStateById(db: Db, linkId: number): Promise<LinkState | undefined> {
  const [row] = await db
    .select({ state: sql<LinkState>`${linkStateNow}` })
    .from(links)
    .innerJoin(surveys, eq(surveys.id, links.surveyId))
    .where(eq(links.id, linkId));
  return row?.state;
}

export async function listLinks(db: Db, surveyId: number) {
  return db
    .select({
      id: links.id,
      token: links.token,
      segment: links.segment,
      label: links.label,
      opensAt: links.opensAt,
      closesAt: links.closesAt,
      maxResponses: links.maxResponses,
      oneResponsePerBrowser: links.oneResponsePerBrowser,
      revokedAt: links.revokedAt,
      complete: sql<number>`(select count(*)::int from responses r where r.link_id = "links"."id" and r.status = 'complete')`,
      partial: sql<number>`(select count(*)::int from responses r where r.link_id = "links"."id" and r.status = 'partial')`,
    })
    .from(links)
    .where(eq(links.surveyId, surveyId))
    .orderBy(asc(links.id));
}

export async function revokeLink(db: Db, surveyId: number, linkId: number, actor: string): Promise<boolean> {
  // The change and its audit entry commit together or not at all.
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(links)
      .set({ revokedAt: new Date() })
      .where(and(eq(links.id, linkId), eq(links.surveyId, surveyId)))
      .returning({ id: links.id });
    if (rows.length) await audit(tx, actor, 'link.revoke', `link:${linkId}`);
    return rows.length > 0;
  });
}
