// Webhooks: an HMAC-signed POST for each completed response. The outbox row is written in the
// response's own transaction; delivery happens later, with retries and backoff; a delivered row
// is deleted, and no time is stored beside the response id.
import { createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { responses, surveys, surveyVersions, webhookDeliveries } from '../db/schema.ts';
import { audit } from './audit.ts';
import { randomToken } from './links.ts';

type Executor = Pick<Db, 'execute'>;

export const MAX_ATTEMPTS = 8;

/** Queues a delivery if the survey has a webhook; a no-op otherwise. */
export async function enqueueWebhook(tx: Executor, surveyId: number, responseId: string): Promise<void> {
  await tx.execute(sql`insert into ${webhookDeliveries} (survey_id, response_id)
    select id, ${responseId} from ${surveys} where id = ${surveyId} and webhook_url is not null`);
}

/** Sets (or with `null` removes) a survey's webhook; returns the new signing secret once. */
export async function setWebhook(db: Db, surveyId: number, url: string | null, actor: string): Promise<{ url: string | null; secret: string | null }> {
  const secret = url ? randomToken(32) : null;
  await db.update(surveys).set({ webhookUrl: url, webhookSecret: secret }).where(eq(surveys.id, surveyId));
  await audit(db, actor, 'survey.webhook', `survey:${surveyId}`, { url });
  return { url, secret };
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Seconds to wait after the n-th failed attempt: 2, 4, 8 … capped at one hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 2 ** attempts);
}

interface Claimed {
  id: number;
  survey_id: number;
  response_id: string;
  attempts: number;
}

/** When each failed delivery may be tried again (ms since the epoch), kept in memory only. */
export type RetrySchedule = Map<number, number>;

/**
 * Sends due deliveries, one at a time, each inside its own short transaction that holds the
 * row lock while the POST is under way on PostgreSQL (so no other worker sends it twice, and a
 * crashed worker's row comes back by itself). A delivered row is deleted; a failed one counts the
 * attempt and waits 2, 4, 8 … s in `schedule`. Returns how many were delivered; bounded by
 * `limit` per call.
 */
export async function deliverDue(db: Db, options: { limit?: number; timeoutMs?: number; schedule?: RetrySchedule; holdLock?: boolean } = {}): Promise<number> {
  const limit = options.limit ?? 20;
  let lastId = 0;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const schedule = options.schedule ?? new Map<number, number>();
  const now = Date.now();
  for (const [id, due] of schedule) if (due <= now) schedule.delete(id);
  const waiting = [...schedule.keys()];
  const skip = waiting.length ? sql`and id not in (${sql.join(waiting.map((id) => sql`${id}`), sql`, `)})` : sql``;
  let delivered = 0;
  for (let i = 0; i < limit; i++) {
    // On the embedded database (one process, one connection) a transaction would stall every
    // other query for the length of the POST; there, the caller's one-run-at-a-time suffices.
    const inTransaction = <T>(work: (tx: Db) => Promise<T>): Promise<T> => (options.holdLock === false ? work(db) : db.transaction((tx) => work(tx as unknown as Db)));
    const outcome = await inTransaction(async (tx) => {
      const result = (await tx.execute(sql`select id, survey_id, response_id, attempts from ${webhookDeliveries}
          where attempts < ${MAX_ATTEMPTS} ${skip} and id > ${lastId}
          order by id limit 1 for update skip locked`)) as unknown as { rows: Claimed[] };
      const d = result.rows[0];
      if (!d) return null;
      lastId = Number(d.id);
      const error = await send(tx, d, timeoutMs);
      if (error === null) {
        await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.id, Number(d.id)));
        schedule.delete(Number(d.id));
        return 'delivered' as const;
      }
      await tx.update(webhookDeliveries).set({ attempts: sql`${webhookDeliveries.attempts} + 1`, lastError: error }).where(eq(webhookDeliveries.id, Number(d.id)));
      schedule.set(Number(d.id), Date.now() + backoffSeconds(d.attempts + 1) * 1000);
      return 'failed' as const;
    });
    if (outcome === null) break;
    if (outcome === 'delivered') delivered++;
  }
  return delivered;
}

/** One POST; null on a 2xx answer, else the reason. */
async function send(db: Db, d: Claimed, timeoutMs: number): Promise<string | null> {
  const [row] = await db
    .select({ url: surveys.webhookUrl, secret: surveys.webhookSecret, slug: surveys.slug, r: responses, version: surveyVersions.version })
    .from(surveys)
    .leftJoin(responses, eq(responses.id, d.response_id))
    .leftJoin(surveyVersions, eq(surveyVersions.id, responses.versionId))
    .where(eq(surveys.id, d.survey_id));
  if (!row?.url || !row.secret) return 'webhook removed';
  if (!row.r) return 'response erased before delivery';
  const body = JSON.stringify({
    event: 'response.completed',
    survey: row.slug,
    version: row.version,
    responseId: row.r.id,
    segment: row.r.segment,
    linkLabel: row.r.linkLabel,
    completedOn: row.r.completedOn,
    data: row.r.data,
  });
  try {
    const res = await fetch(row.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-befund-signature': signature(row.secret, body), 'x-befund-delivery': String(d.id) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message;
  }
}
