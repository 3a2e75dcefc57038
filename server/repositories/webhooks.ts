// Webhooks: an HMAC-signed POST for each completed response. The outbox row is written in the
// response's own transaction; delivery happens later, with retries and backoff.
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

/**
 * Claims due deliveries (a lease of 60 s, so a crashed worker's claims come back) and sends
 * them. Returns how many were delivered. Bounded: at most `limit` per call.
 */
export async function deliverDue(db: Db, limit = 20, timeoutMs = 10_000): Promise<number> {
  const result = (await db.execute(sql`update ${webhookDeliveries}
      set next_attempt_at = now() + interval '60 seconds', attempts = attempts + 1
      where id in (select id from ${webhookDeliveries}
        where delivered_at is null and next_attempt_at <= now() and attempts < ${MAX_ATTEMPTS}
        order by id limit ${limit} for update skip locked)
      returning id, survey_id, response_id, attempts`)) as unknown as { rows: Claimed[] };
  const claimed = result.rows;
  let delivered = 0;
  for (const d of claimed) {
    const error = await send(db, d, timeoutMs);
    if (error === null) {
      await db.update(webhookDeliveries).set({ deliveredAt: new Date(), lastError: null }).where(eq(webhookDeliveries.id, d.id));
      delivered++;
    } else {
      const next = new Date(Date.now() + backoffSeconds(d.attempts) * 1000);
      await db.update(webhookDeliveries).set({ nextAttemptAt: next, lastError: error }).where(eq(webhookDeliveries.id, d.id));
    }
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
