// Webhooks: an HMAC-signed POST for each completed response. The outbox row is written in the
// response's own transaction; delivery happens later, several at a time, with retries and
// backoff; a delivered row is deleted, one that gave up is deleted after a retention, and no
// time is stored beside the response id. Targets on loopback, private, link-local or
// unique-local addresses are refused (at registration and again at every connection, after
// DNS) unless WEBHOOK_ALLOW_PRIVATE=1, so a webhook cannot reach into the server's own network.
import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
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
  await db.transaction(async (tx) => {
    await tx.update(surveys).set({ webhookUrl: url, webhookSecret: secret }).where(eq(surveys.id, surveyId));
    await audit(tx, actor, 'survey.webhook', `survey:${surveyId}`, { url });
  });
  return { url, secret };
}

// Addresses a webhook may not reach: this host, private networks, link-local (cloud metadata
// at 169.254.169.254), unique-local, CGNAT, multicast and reserved ranges. IPv4-mapped IPv6
// (::ffff:127.0.0.1) is checked as the IPv4 address it is (BlockList does this itself).
const PRIVATE = new net.BlockList();
for (const [a, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(a, bits, 'ipv4');
for (const [a, bits] of [
  ['::', 127], // :: and ::1
  ['::', 96], // IPv4-compatible (deprecated)
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(a, bits, 'ipv6');

/** The IPv4 address inside NAT64 (64:ff9b::/96) or 6to4 (2002::/16), which routers unwrap. */
function embeddedIpv4(ip: string): string | null {
  const groups = expandIpv6(ip);
  if (!groups) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return v4(groups[6], groups[7]);
  if (groups[0] === 0x2002) return v4(groups[1], groups[2]);
  return null;
}

function expandIpv6(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const dotted = s.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = s.split('::');
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  const fill = s.includes('::') ? 8 - l.length - r.length : 0;
  const all = [...l, ...Array(fill).fill('0'), ...r].map((g) => Number.parseInt(g, 16));
  return all.length === 8 && all.every((g) => g >= 0 && g <= 0xffff) ? all : null;
}

/** True for an IP address a webhook may not reach (see PRIVATE). */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return PRIVATE.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  if (PRIVATE.check(bare, 'ipv6')) return true;
  const inner = embeddedIpv4(bare);
  return inner !== null && PRIVATE.check(inner, 'ipv4');
}

const refusedSentence = (host: string, ip: string) =>
  `Die Webhook-Adresse ${host} führt zu ${ip}, einer Loopback-, privaten oder link-lokalen Adresse; solche Ziele sind gesperrt, damit Befund nicht ins eigene Netz sendet. Für einen Empfänger im eigenen Netz setzen Sie WEBHOOK_ALLOW_PRIVATE=1.`;

/**
 * Why `url` may not be a webhook target, in one German sentence, or null if it may. The host
 * is checked as written (the URL parser has already turned 2130706433, 0x7f.1 and 127.1 into
 * 127.0.0.1) and, for a name, every address it resolves to now. A name that does not resolve
 * is accepted here: each delivery checks the address it actually connects to.
 */
export async function webhookTargetProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url muss eine http(s)-Adresse sein, z. B. https://example.org/hook';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url muss eine http(s)-Adresse sein, z. B. https://example.org/hook';
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return isPrivateAddress(host) ? refusedSentence(parsed.hostname, host) : null;
  // At most 2 s for DNS: a name that does not resolve in time is checked at delivery instead.
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    dns.promises.lookup(host, { all: true, verbatim: true }).catch(() => []),
    new Promise<dns.LookupAddress[]>((resolve) => {
      timer = setTimeout(() => resolve([]), 2000);
    }),
  ]).finally(() => clearTimeout(timer));
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? refusedSentence(parsed.hostname, bad.address) : null;
}

/** A connection refused because the resolved address is private (see isPrivateAddress). */
class PrivateTargetError extends Error {
  override name = 'PrivateTargetError';
  code = 'EPRIVATETARGET';
}

/**
 * A `lookup` for http.request that refuses private addresses: the check applies to the address
 * the socket really connects to, so a name that resolves differently later (DNS rebinding)
 * gains nothing.
 */
function guardedLookup(hostname: string, options: dns.LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateTargetError(`private address ${bad.address}`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    callback(null, first.address, first.family);
  });
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

export interface DeliverOptions {
  /** At most this many deliveries are attempted per call (the next call goes on). */
  limit?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  schedule?: RetrySchedule;
  /** Hold the row lock in a transaction during the POST (PostgreSQL; see deliverDue). */
  holdLock?: boolean;
  allowPrivate?: boolean;
  /** Checked before each new delivery: true stops the run (shutdown), deliveries in flight finish. */
  stop?: () => boolean;
}

/**
 * Sends due deliveries, up to `concurrency` at a time. On PostgreSQL each delivery runs inside
 * its own short transaction that holds the row lock while the POST is under way (so no other
 * instance sends it twice, and a crashed worker's row comes back by itself); that costs one
 * pooled connection per delivery in flight, which is why the bound is small. On the embedded
 * database (one connection) a transaction would stall every other query for the length of the
 * POST; there the caller's one-run-at-a-time and the distinct ids handed to the workers suffice.
 * A delivered row is deleted; a failed one counts the attempt and waits 2, 4, 8 … s in
 * `schedule`; one whose response or webhook is gone is deleted. Returns how many were delivered.
 */
export async function deliverDue(db: Db, options: DeliverOptions = {}): Promise<number> {
  const limit = options.limit ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const allowPrivate = options.allowPrivate ?? false;
  const schedule = options.schedule ?? new Map<number, number>();
  const now = Date.now();
  for (const [id, due] of schedule) if (due <= now) schedule.delete(id);
  const waiting = [...schedule.keys()];
  const skip = waiting.length ? sql`and id not in (${sql.join(waiting.map((id) => sql`${id}`), sql`, `)})` : sql``;

  // Candidate ids, fetched a page at a time and handed out to the workers one by one.
  let lastId = 0;
  let taken = 0;
  let exhausted = false;
  const page: number[] = [];
  let refilling: Promise<void> | null = null;
  const next = async (): Promise<number | null> => {
    if (options.stop?.()) return null;
    while (page.length === 0 && !exhausted) {
      refilling ??= (async () => {
        const want = Math.min(concurrency * 8, limit - taken);
        if (want <= 0) {
          exhausted = true;
          return;
        }
        const result = (await db.execute(sql`select id from ${webhookDeliveries}
            where attempts < ${MAX_ATTEMPTS} ${skip} and id > ${lastId} order by id limit ${want}`)) as unknown as { rows: { id: number }[] };
        const ids = result.rows.map((r) => Number(r.id));
        if (ids.length === 0) exhausted = true;
        else lastId = ids[ids.length - 1];
        page.push(...ids);
      })().finally(() => {
        refilling = null;
      });
      await refilling;
    }
    if (page.length === 0) return null;
    taken++;
    return page.shift() as number;
  };

  const one = async (id: number): Promise<'delivered' | 'failed' | 'dropped' | 'skipped'> => {
    const inTransaction = <T>(work: (tx: Db) => Promise<T>): Promise<T> => (options.holdLock === false ? work(db) : db.transaction((tx) => work(tx as unknown as Db)));
    return inTransaction(async (tx) => {
      // skip locked: another instance is sending this one right now.
      const result = (await tx.execute(sql`select id, survey_id, response_id, attempts from ${webhookDeliveries}
          where id = ${id} and attempts < ${MAX_ATTEMPTS} for update skip locked`)) as unknown as { rows: Claimed[] };
      const d = result.rows[0];
      if (!d) return 'skipped' as const;
      const outcome = await send(tx, d, timeoutMs, allowPrivate);
      if (outcome.ok || outcome.gone) {
        await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
        schedule.delete(id);
        return outcome.ok ? ('delivered' as const) : ('dropped' as const);
      }
      await tx.update(webhookDeliveries).set({ attempts: sql`${webhookDeliveries.attempts} + 1`, lastError: outcome.error }).where(eq(webhookDeliveries.id, id));
      schedule.set(id, Date.now() + backoffSeconds(d.attempts + 1) * 1000);
      return 'failed' as const;
    });
  };

  let delivered = 0;
  const worker = async () => {
    for (let id = await next(); id !== null; id = await next()) if ((await one(id)) === 'delivered') delivered++;
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return delivered;
}

/**
 * Deletes deliveries that gave up (MAX_ATTEMPTS failed) once their response was completed more
 * than `retentionDays` days ago, or once the response is gone. Dates only, no times: the
 * response's completion day is the clock. Returns how many rows were deleted.
 */
export async function purgeFailedDeliveries(db: Db, retentionDays: number): Promise<number> {
  const result = (await db.execute(sql`delete from ${webhookDeliveries} d
      where d.attempts >= ${MAX_ATTEMPTS}
        and not exists (select 1 from ${responses} r where r.id = d.response_id and r.completed_on >= current_date - ${retentionDays}::int)
      returning d.id`)) as unknown as { rows: unknown[] };
  return result.rows.length;
}

type Outcome = { ok: true; gone?: false } | { ok: false; gone: true } | { ok: false; gone: false; error: string };

/** One POST: ok on a 2xx answer; `gone` when there is nothing left to deliver; else the reason. */
async function send(db: Db, d: Claimed, timeoutMs: number, allowPrivate: boolean): Promise<Outcome> {
  const [row] = await db
    .select({ url: surveys.webhookUrl, secret: surveys.webhookSecret, slug: surveys.slug, r: responses, version: surveyVersions.version })
    .from(surveys)
    .leftJoin(responses, eq(responses.id, d.response_id))
    .leftJoin(surveyVersions, eq(surveyVersions.id, responses.versionId))
    .where(eq(surveys.id, d.survey_id));
  if (!row?.url || !row.secret || !row.r) return { ok: false, gone: true }; // webhook removed or response erased
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
  const headers = { 'content-type': 'application/json', 'x-befund-signature': signature(row.secret, body), 'x-befund-delivery': String(d.id) };
  const status = await post(row.url, headers, body, timeoutMs, allowPrivate);
  if (typeof status === 'string') return { ok: false, gone: false, error: status };
  return status >= 200 && status < 300 ? { ok: true } : { ok: false, gone: false, error: `HTTP ${status}` };
}

// Keep-alive: a receiver that takes many deliveries is not handed a new connection each time.
// A reused socket was checked by the guarded lookup when it was opened.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * POSTs `body` and resolves to the status code, or to the reason it failed. Plain node:http
 * rather than fetch: no redirects are followed (a public URL cannot bounce the request to a
 * private one), and the guarded lookup checks the address actually connected to.
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<number | string> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve('invalid url');
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && net.isIP(host) && isPrivateAddress(host)) return Promise.resolve(`refused: private address ${host} (WEBHOOK_ALLOW_PRIVATE=1 allows it)`);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: target.protocol === 'https:' ? httpsAgent : httpAgent,
        signal: AbortSignal.timeout(timeoutMs),
        ...(allowPrivate ? {} : { lookup: guardedLookup as unknown as typeof dns.lookup }),
      },
      (res) => {
        res.resume(); // the answer's body is not needed
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof PrivateTargetError || err.code === 'EPRIVATETARGET') resolve(`refused: ${err.message} (WEBHOOK_ALLOW_PRIVATE=1 allows it)`);
      else if (err.name === 'AbortError' || err.name === 'TimeoutError') resolve('timeout');
      else resolve(err.code ?? err.message);
    });
    req.end(body);
  });
}
