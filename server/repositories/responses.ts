// Responses: stored only after validation, idempotent by client-supplied uuid, and counted into
// `answer_counts` / `open_texts` in the same transaction when they become complete — so a 201
// means both the answer and its contribution to every report are committed.
import { and, eq, sql } from 'drizzle-orm';
import { extractOpenTexts, extractValues } from '../../analysis/extract.ts';
import type { Catalogue } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { answerCounts, openTexts, responses, surveyVersions } from '../db/schema.ts';
import { audit } from './audit.ts';
import { randomToken, sha256 } from './links.ts';
import { enqueueWebhook } from './webhooks.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The pseudo-variable that counts complete responses per link: the base of every report. */
export const BASE_VARIABLE = '_n';

interface Contribution {
  surveyId: number;
  linkId: number;
  responseId: string;
  catalogue: Catalogue;
  data: Record<string, unknown>;
}

/** Adds (+1) or removes (−1) one complete response's values from the maintained counts. */
async function applyCounts(tx: Tx, c: Contribution, sign: 1 | -1): Promise<void> {
  const tally = new Map<string, { variable: string; value: string; n: number }>();
  for (const v of [{ variable: BASE_VARIABLE, value: '1' }, ...extractValues(c.catalogue, c.data)]) {
    const key = `${v.variable}\u0000${v.value}`;
    const entry = tally.get(key) ?? { variable: v.variable, value: v.value, n: 0 };
    entry.n += sign;
    tally.set(key, entry);
  }
  // A fixed order keeps concurrent transactions from deadlocking on the same count rows.
  const rows = [...tally.values()]
    .sort((a, b) => (a.variable === b.variable ? (a.value < b.value ? -1 : 1) : a.variable < b.variable ? -1 : 1))
    .map((r) => ({ surveyId: c.surveyId, linkId: c.linkId, ...r }));
  await tx
    .insert(answerCounts)
    .values(rows)
    .onConflictDoUpdate({
      target: [answerCounts.surveyId, answerCounts.linkId, answerCounts.variable, answerCounts.value],
      set: { n: sql`${answerCounts.n} + excluded.n` },
    });
  if (sign < 0) {
    await tx.delete(answerCounts).where(and(eq(answerCounts.surveyId, c.surveyId), eq(answerCounts.linkId, c.linkId), sql`${answerCounts.n} <= 0`));
    return;
  }
  const texts = extractOpenTexts(c.catalogue, c.data);
  if (texts.length)
    await tx.insert(openTexts).values(texts.map((t) => ({ responseId: c.responseId, surveyId: c.surveyId, linkId: c.linkId, ...t })));
}

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

/** Stores a validated response. `created: false` is a replay of an id already stored. */
export async function insertResponse(db: Db, r: NewResponse): Promise<{ created: boolean; resumeKey?: string }> {
  const resumeKey = randomToken();
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(responses)
      .values({
        id: r.id,
        surveyId: r.surveyId,
        versionId: r.versionId,
        linkId: r.link.id,
        segment: r.link.segment,
        linkLabel: r.link.label,
        status: r.complete ? 'complete' : 'partial',
        locale: r.locale,
        data: r.data,
        resumeKeyHash: sha256(resumeKey),
        completedOn: r.complete ? sql`current_date` : null,
      })
      .onConflictDoNothing({ target: responses.id })
      .returning({ id: responses.id });
    if (inserted.length === 0) return { created: false };
    if (r.complete) {
      await applyCounts(tx, { surveyId: r.surveyId, linkId: r.link.id, responseId: r.id, catalogue: r.catalogue, data: r.data }, 1);
      await enqueueWebhook(tx, r.surveyId, r.id);
    }
    return { created: true, resumeKey };
  });
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

export type UpdateOutcome = 'updated' | 'already_complete' | 'not_found';

/** Continues a partial response; completing it counts it, once. */
export async function updateResponse(
  db: Db,
  id: string,
  resumeKey: string,
  update: { data: Record<string, unknown>; complete: boolean; locale: string; catalogue: Catalogue },
): Promise<UpdateOutcome> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: responses.status, surveyId: responses.surveyId, linkId: responses.linkId })
      .from(responses)
      .where(and(eq(responses.id, id), eq(responses.resumeKeyHash, sha256(resumeKey))))
      .for('update');
    if (!current) return 'not_found';
    if (current.status === 'complete') return 'already_complete';
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
    if (update.complete) {
      await applyCounts(tx, { surveyId: current.surveyId, linkId: current.linkId, responseId: id, catalogue: update.catalogue, data: update.data }, 1);
      await enqueueWebhook(tx, current.surveyId, id);
    }
    return 'updated';
  });
}

/** Erases a response and its contribution to the counts; the erasure is audited. */
export async function eraseResponse(db: Db, id: string, actor: string, resumeKey?: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const where = resumeKey ? and(eq(responses.id, id), eq(responses.resumeKeyHash, sha256(resumeKey))) : eq(responses.id, id);
    const [row] = await tx
      .select({ r: responses, catalogue: surveyVersions.catalogue })
      .from(responses)
      .innerJoin(surveyVersions, eq(surveyVersions.id, responses.versionId))
      .where(where)
      .for('update');
    if (!row) return false;
    if (row.r.status === 'complete')
      await applyCounts(tx, { surveyId: row.r.surveyId, linkId: row.r.linkId, responseId: id, catalogue: row.catalogue as Catalogue, data: row.r.data as Record<string, unknown> }, -1);
    await tx.delete(responses).where(eq(responses.id, id));
    await audit(tx, actor, 'response.erase', `response:${id}`, { surveyId: row.r.surveyId });
    return true;
  });
}
