// Responses: stored only after validation and idempotent by client-supplied uuid; a 201 means
// the answer is committed. Complete responses are folded into the report counts afterwards
// (server/repositories/counts.ts), so submissions never queue on shared count rows.
import { and, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Catalogue } from '../../surveys/types.ts';
import { type Db, pgPoolOf } from '../db/client.ts';
import { links, responses, surveys, surveyVersions, webhookDeliveries } from '../db/schema.ts';
import { audit } from './audit.ts';
import { applyCounts, type VersionForCounts, versionsForCounts } from './counts.ts';
import { removeFromRelease } from './releases.ts';
import { linkIsOpen, newestVersionOfLink, randomToken, sha256 } from './links.ts';
import { enqueueWebhook } from './webhooks.ts';

export interface NewResponse {
  id: string;
  surveyId: number;
  versionId: number;
  catalogue: Catalogue;
  link: { id: number; segment: string; label: string | null };
  data: Record<string, unknown>;
  complete: boolean;
  locale: string;
}

/**
 * Stores a validated response. `created: false` is a replay of an id already stored. One
 * statement, so one round trip: the response and, for a complete one on a survey with a
 * webhook, its outbox row commit together.
 */
export async function insertResponse(db: Db, r: NewResponse): Promise<{ created: boolean; resumeKey?: string }> {
  const source = sql`select ${r.link.id}::int as id, ${r.surveyId}::int as survey_id, ${r.link.segment}::text as segment, ${r.link.label}::text as label`;
  const resumeKey = randomToken();
  const stored = await runInsert(db, insertSql(source, r.complete, { id: r.id, versionId: r.versionId, status: statusOf(r), locale: r.locale, data: JSON.stringify(r.data), resumeKeyHash: sha256(resumeKey) }), resumeKey);
  return { created: stored.created, resumeKey: stored.resumeKey };
}

/**
 * Stores a validated response through a link token, in the same statement that checks the link:
 * it must exist, be open now (not revoked, archived, before its start, after its end or full),
 * and `versionId` must still be its survey's newest version. Otherwise nothing is stored and
 * `linkOpen` is false, so a revocation or a new version takes effect at once, in every process,
 * without a lookup before each insert. Segment and label come from the link row.
 *
 * The maximum: a complete answer through a link with one locks the link row (`for update`)
 * and raises its `completed_count` in the same statement. A concurrent answer waits for the
 * lock, and PostgreSQL then re-checks the condition against the row's newest version, so it
 * sees the raised count and finds the link full. Links without a maximum take no lock, so their
 * answers never queue on one row. A replay stores nothing and so counts nothing.
 */
export async function insertThroughLink(db: Db, token: string, r: Omit<NewResponse, 'link' | 'surveyId'>): Promise<{ linkOpen: boolean; created: boolean; linkId?: number; resumeKey?: string }> {
  let statement = throughLink.get(r.complete);
  if (!statement) {
    statement = prepare(throughLinkSql(r.complete), `befund_insert_through_link_${statusOf(r)}`);
    throughLink.set(r.complete, statement);
  }
  const resumeKey = randomToken();
  const values: Record<Slot, unknown> = { token, id: r.id, versionId: r.versionId, status: statusOf(r), locale: r.locale, data: JSON.stringify(r.data), resumeKeyHash: sha256(resumeKey) };
  const params = statement.slots.map((name) => values[name]);
  // On PostgreSQL the insert runs as a named prepared statement, so each connection plans it once:
  // planning this statement took 1.3 ms of the database's CPU per answer, more than running it
  // (EXPLAIN ANALYZE, PostgreSQL 15).
  const pool = pgPoolOf(db);
  if (!pool) return runInsert(db, sql(statement.strings, ...params), resumeKey);
  const { rows } = await pool.query<InsertRow>({ name: statement.name, text: statement.text, values: params });
  return insertOutcome(rows, resumeKey);
}

const statusOf = (r: { complete: boolean }) => (r.complete ? 'complete' : 'partial');

type Slot = 'token' | 'id' | 'versionId' | 'status' | 'locale' | 'data' | 'resumeKeyHash';
const SLOT_MARK = '\u0001slot:';
const slot = (name: Slot) => `${SLOT_MARK}${name}`;

/** The statement of `insertThroughLink`, its values left as named slots. */
function throughLinkSql(complete: boolean): SQL {
  const open = sql`${links.token} = ${slot('token')} and ${linkIsOpen} and ${newestVersionOfLink} = ${slot('versionId')}`;
  const columns = sql`${links.id} as id, ${links.surveyId} as survey_id, ${links.segment} as segment, ${links.label} as label`;
  const source = complete
    ? sql`
    select ${columns} from ${links} join ${surveys} on ${surveys.id} = ${links.surveyId} where ${open} and ${links.maxResponses} is null
    union all
    select * from (select ${columns} from ${links} join ${surveys} on ${surveys.id} = ${links.surveyId} where ${open} and ${links.maxResponses} is not null for update of ${links}) capped`
    : sql`select ${columns} from ${links} join ${surveys} on ${surveys.id} = ${links.surveyId} where ${open}`;
  return insertSql(source, complete, { id: slot('id'), versionId: slot('versionId'), status: slot('status'), locale: slot('locale'), data: slot('data'), resumeKeyHash: slot('resumeKeyHash') });
}

/**
 * The statement's text, rendered once: building it from Drizzle's column objects on every answer
 * cost more CPU than anything else on the route. Only the values are filled in per answer, in
 * the order their slots appear.
 */
interface Prepared {
  strings: TemplateStringsArray;
  slots: Slot[];
  /** The statement with $1 … $n, and its name as a prepared statement on PostgreSQL. */
  text: string;
  name: string;
}
const throughLink = new Map<boolean, Prepared>();
const dialect = new PgDialect({ casing: 'snake_case' });

function prepare(statement: SQL, name: string): Prepared {
  const query = dialect.sqlToQuery(statement);
  const parts = query.sql.split(/\$(\d+)/);
  const strings: string[] = [];
  const slots: Slot[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) strings.push(part);
    else {
      const value = query.params[Number(part) - 1];
      if (typeof value !== 'string' || !value.startsWith(SLOT_MARK)) throw new Error(`responses: parameter ${part} of the insert is not a slot`);
      slots.push(value.slice(SLOT_MARK.length) as Slot);
    }
  });
  return { strings: Object.assign(strings, { raw: strings }) as unknown as TemplateStringsArray, slots, text: query.sql, name };
}

/** The one INSERT of a response, from `source` (one row: the link's id, survey_id, segment, label, or none). */
function insertSql(source: SQL, complete: boolean, v: { id: unknown; versionId: unknown; status: unknown; locale: unknown; data: unknown; resumeKeyHash: unknown }): SQL {
  return sql`
    with source as (${source}), inserted as (
      insert into ${responses} (id, survey_id, version_id, link_id, segment, link_label, status, locale, data, resume_key_hash, completed_on)
      select ${v.id}, source.survey_id, ${v.versionId}, source.id, source.segment, source.label, ${v.status}, ${v.locale},
             ${v.data}::jsonb, ${v.resumeKeyHash}, ${complete ? sql`current_date` : sql`null`}
      from source
      on conflict (id) do nothing
      returning id, survey_id, link_id, status
    ), hook as (
      insert into ${webhookDeliveries} (survey_id, response_id)
      select s.id, i.id from inserted i join ${surveys} s on s.id = i.survey_id
      where i.status = 'complete' and s.webhook_url is not null
    ), claimed as (
      update ${links} set completed_count = coalesce(completed_count, 0) + 1
      where id in (select link_id from inserted where status = 'complete') and max_responses is not null
    )
    select (select count(*) from source)::int as open, (select count(*) from inserted)::int as created, (select id from source limit 1) as link_id`;
}

type InsertRow = { open: number; created: number; link_id: number | null };

async function runInsert(db: Db, statement: SQL, resumeKey: string): Promise<{ linkOpen: boolean; created: boolean; linkId?: number; resumeKey?: string }> {
  const result = (await db.execute(statement)) as unknown as { rows: InsertRow[] };
  return insertOutcome(result.rows, resumeKey);
}

function insertOutcome([row]: InsertRow[], resumeKey: string): { linkOpen: boolean; created: boolean; linkId?: number; resumeKey?: string } {
  const created = Number(row.created) > 0;
  return { linkOpen: Number(row.open) > 0, created, linkId: row.link_id === null ? undefined : Number(row.link_id), resumeKey: created ? resumeKey : undefined };
}

/** A response found by id and resume key, with its version's definition and catalogue. */
export async function findOwnResponse(db: Db, id: string, resumeKey: string) {
  const [row] = await db
    .select({ response: responses, definition: surveyVersions.definition, catalogue: surveyVersions.catalogue })
    .from(responses)
    .innerJoin(surveyVersions, eq(surveyVersions.id, responses.versionId))
    .where(and(eq(responses.id, id), eq(responses.resumeKeyHash, sha256(resumeKey))));
  return row;
}

/** A stored response's link and status, for deciding what a replayed POST means. */
export async function storedResponse(db: Db, id: string): Promise<{ linkId: number | null; status: string; versionId: number } | undefined> {
  const [row] = await db.select({ linkId: responses.linkId, status: responses.status, versionId: responses.versionId }).from(responses).where(eq(responses.id, id));
  return row;
}

export type UpdateOutcome = 'updated' | 'already_complete' | 'not_found' | 'full';

/**
 * Continues a partial response; completing it counts it, once. Found by its resume key (PUT),
 * or by its link (a complete POST replaying the id of a partial save whose 201 was lost).
 * Completing takes a place under the link's maximum, with the link row locked: `full` when
 * none is left, and then nothing changes.
 */
export async function updateResponse(
  db: Db,
  id: string,
  owner: { resumeKey: string } | { linkId: number },
  update: { data: Record<string, unknown>; complete: boolean; locale: string; catalogue: Catalogue },
): Promise<UpdateOutcome> {
  const whose = 'resumeKey' in owner ? eq(responses.resumeKeyHash, sha256(owner.resumeKey)) : eq(responses.linkId, owner.linkId);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: responses.status, surveyId: responses.surveyId, linkId: responses.linkId })
      .from(responses)
      .where(and(eq(responses.id, id), whose))
      .for('update');
    if (!current) return 'not_found';
    if (current.status === 'complete') return 'already_complete';
    if (update.complete) {
      const [cap] = await tx.select({ max: links.maxResponses, count: links.completedCount }).from(links).where(eq(links.id, current.linkId)).for('update');
      if (cap && cap.max !== null) {
        if ((cap.count ?? 0) >= cap.max) return 'full';
        await tx
          .update(links)
          .set({ completedCount: sql`coalesce(${links.completedCount}, 0) + 1` })
          .where(eq(links.id, current.linkId));
      }
    }
    await tx
      .update(responses)
      .set({
        data: update.data,
        locale: update.locale,
        status: update.complete ? 'complete' : 'partial',
        updatedOn: sql`current_date`,
        completedOn: update.complete ? sql`current_date` : null,
      })
      .where(eq(responses.id, id));
    if (update.complete) await enqueueWebhook(tx, current.surveyId, id);
    return 'updated';
  });
}

/**
 * Erases a response and its contribution to the counts; the erasure is audited. An erased
 * complete response also gives its place under the link's maximum back: the maximum counts the
 * complete responses that are stored, as a researcher counting the link's answers would.
 */
export async function eraseResponse(db: Db, id: string, actor: string, resumeKey?: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const where = resumeKey ? and(eq(responses.id, id), eq(responses.resumeKeyHash, sha256(resumeKey))) : eq(responses.id, id);
    const [row] = await tx
      .select({ r: responses })
      .from(responses)
      .where(where)
      .for('update');
    if (!row) return false;
    const version = (await versionsForCounts(db, tx, [row.r.versionId])).get(row.r.versionId) as VersionForCounts;
    // the questions it was not asked were counted too (`_skip`), and leave with it
    const notAsked = row.r.status === 'complete' ? version.notAsked(row.r.data as Record<string, unknown>) : undefined;
    // Only a response already folded into the counts has anything to take back.
    if (row.r.status === 'complete' && row.r.counted)
      await applyCounts(tx, [{ surveyId: row.r.surveyId, linkId: row.r.linkId, responseId: id, catalogue: version.catalogue, data: row.r.data as Record<string, unknown>, notAsked }], -1);
    // …and a response in the shared release leaves the release too (README: releases)
    if (row.r.status === 'complete' && row.r.released)
      await removeFromRelease(tx, { surveyId: row.r.surveyId, linkId: row.r.linkId, catalogue: version.catalogue, data: row.r.data as Record<string, unknown>, notAsked });
    if (row.r.status === 'complete')
      await tx
        .update(links)
        .set({ completedCount: sql`greatest(${links.completedCount} - 1, 0)` })
        .where(and(eq(links.id, row.r.linkId), isNotNull(links.maxResponses)));
    await tx.delete(responses).where(eq(responses.id, id));
    // The entry names the survey, not the response: an erased person's id next to the entry's
    // exact time would be the "time finer than a day beside a response id" the rules forbid.
    await audit(tx, actor, 'response.erase', `survey:${row.r.surveyId}`, { status: row.r.status });
    return true;
  });
}
