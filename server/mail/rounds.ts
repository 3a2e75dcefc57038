// Mail rounds the running server sends (partner panel): the researcher schedules an invitation
// run or a reminder round for a time; the server's background job takes each due round and sends
// it with sendDue, the very sender `befund invite` uses (rate limit, backoff, at most once per
// participant). A round is claimed with a lease; a server that stops mid-round gives it back, and
// one that was killed loses it when the lease runs out, so another start goes on where it stopped.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { mailRounds } from '../db/schema.ts';
import { audit } from '../repositories/audit.ts';
import { type MailSettings, smtpTransport } from './env.ts';
import { nextRound, type SendResult, sendDue, type Transport } from './send.ts';
import { DEFAULT_TEMPLATES, type MailKind, type TemplateSet } from './templates.ts';

export type MailRound = typeof mailRounds.$inferSelect;
/**
 * How long a running round stays claimed without its server renewing it (every quarter of it). A
 * stalled server that loses it lets a second one send beside it: still at most once per
 * participant (their own claims), so the lease may be short.
 */
const LEASE_SECONDS = 30;

export class RoundRefused extends Error {
  constructor(
    readonly status: 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** The survey's rounds, newest first. */
export function listRounds(db: Db, surveyId: number): Promise<MailRound[]> {
  return db.select().from(mailRounds).where(eq(mailRounds.surveyId, surveyId)).orderBy(desc(mailRounds.dueAt), desc(mailRounds.id));
}

/**
 * Schedules a round for `dueAt` (now when in the past). Refused without SMTP, and for a reminder
 * that would exceed PANEL_MAX_REMINDERS counting the rounds already sent and those still waiting.
 */
export async function scheduleRound(db: Db, mail: MailSettings, surveyId: number, input: { kind: MailKind; dueAt: Date; closes: Date | null }, actor: string): Promise<MailRound> {
  if (!mail.smtpUrl || !mail.from)
    throw new RoundRefused(409, 'Der Server hat kein SMTP_URL und MAIL_FROM: laden Sie die CSV für den Serienbrief herunter, oder setzen Sie beide Variablen und starten Sie neu.');
  if (input.kind === 'reminder') {
    const pending = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(mailRounds)
      .where(and(eq(mailRounds.surveyId, surveyId), eq(mailRounds.kind, 'reminder'), inArray(mailRounds.state, ['scheduled', 'running'])));
    const planned = (await nextRound(db, surveyId)) + Number(pending[0]?.n ?? 0);
    if (planned > mail.maxReminders)
      throw new RoundRefused(409, `Höchstens ${mail.maxReminders} Erinnerungen (PANEL_MAX_REMINDERS): ${planned - 1} sind gesendet oder geplant, eine weitere wird nicht geplant.`);
  }
  const [row] = await db.insert(mailRounds).values({ surveyId, kind: input.kind, dueAt: input.dueAt, closes: input.closes }).returning();
  await audit(db, actor, 'mail_round.schedule', `survey:${surveyId}`, { id: row.id, kind: row.kind, dueAt: row.dueAt.toISOString() });
  return row;
}

/** Cancels a round that has not started; running, sent and cancelled ones stay as they are. */
export async function cancelRound(db: Db, surveyId: number, id: number, actor: string): Promise<'cancelled' | 'not_found' | 'not_scheduled'> {
  const [row] = await db
    .update(mailRounds)
    .set({ state: 'cancelled', finishedAt: new Date() })
    .where(and(eq(mailRounds.id, id), eq(mailRounds.surveyId, surveyId), eq(mailRounds.state, 'scheduled')))
    .returning({ id: mailRounds.id });
  if (row) {
    await audit(db, actor, 'mail_round.cancel', `survey:${surveyId}`, { id });
    return 'cancelled';
  }
  const [exists] = await db.select({ id: mailRounds.id }).from(mailRounds).where(and(eq(mailRounds.id, id), eq(mailRounds.surveyId, surveyId)));
  return exists ? 'not_scheduled' : 'not_found';
}

/**
 * Rounds left running by a server that died: due again at once. Only where no other server can be
 * sending them, i.e. on the embedded database, which one server holds at a time.
 */
export async function releaseOrphanedRounds(db: Db): Promise<void> {
  await db.update(mailRounds).set({ state: 'scheduled', leaseUntil: null }).where(eq(mailRounds.state, 'running'));
}

/** Takes the earliest due round (or one whose server's lease ran out), committed before any mail. */
async function claimRound(db: Db): Promise<MailRound | undefined> {
  const result = (await db.execute(sql`
    update mail_rounds set state = 'running', lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
    where id = (select id from mail_rounds
      where (state = 'scheduled' and due_at <= now()) or (state = 'running' and lease_until < now())
      order by due_at, id limit 1 for update skip locked)
    returning id`)) as unknown as { rows: { id: number }[] };
  const id = result.rows[0]?.id;
  if (id === undefined) return undefined;
  const [row] = await db.select().from(mailRounds).where(eq(mailRounds.id, Number(id)));
  return row;
}

export interface RunOptions {
  mail: MailSettings;
  publicUrl: string;
  /** The SMTP connection (SMTP_URL) unless given, e.g. by a test. */
  transport?: Transport;
  stop: () => boolean;
  /** MAIL_TEMPLATES, read and checked at the server's start; the built-in ones unless given. */
  templates?: TemplateSet;
  /** Waits between attempts after temporary failures; sendDue's own schedule unless given. */
  backoffMs?: (failures: number) => number;
}

/** Sends every due round, one after the other; the number of mails sent. */
export async function runDueRounds(db: Db, o: RunOptions): Promise<number> {
  if (!o.mail.smtpUrl || !o.mail.from) return 0;
  let sent = 0;
  while (!o.stop()) {
    const round = await claimRound(db);
    if (!round) break;
    const where = eq(mailRounds.id, round.id);
    let number = round.round;
    if (round.kind === 'reminder' && number === null) {
      number = await nextRound(db, round.surveyId);
      if (number > o.mail.maxReminders) {
        await db.update(mailRounds).set({ state: 'done', leaseUntil: null, finishedAt: new Date(), result: { error: `Höchstens ${o.mail.maxReminders} Erinnerungen (PANEL_MAX_REMINDERS): nichts gesendet.` } }).where(where);
        continue;
      }
      await db.update(mailRounds).set({ round: number }).where(where);
    }
    // The lease is renewed while the round runs; a killed server's round is free after it.
    const renew = setInterval(() => {
      void db
        .update(mailRounds)
        .set({ leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
        .where(and(where, eq(mailRounds.state, 'running')))
        .catch(() => undefined);
    }, (LEASE_SECONDS * 1000) / 4);
    renew.unref();
    const own = o.transport ? undefined : await smtpTransport(o.mail.smtpUrl);
    let result: SendResult;
    try {
      result = await sendDue(db, {
        surveyId: round.surveyId,
        kind: round.kind,
        round: number ?? undefined,
        transport: o.transport ?? (own as Transport),
        from: o.mail.from,
        publicUrl: o.publicUrl,
        templates: o.templates ?? DEFAULT_TEMPLATES,
        closes: round.closes,
        ratePerSecond: o.mail.ratePerSecond,
        ...(o.backoffMs ? { backoffMs: o.backoffMs } : {}),
        stop: o.stop,
      });
    } finally {
      clearInterval(renew);
      own?.close();
    }
    sent += result.sent;
    // Stopped mid-way: back to the queue, to go on at the next start.
    if (o.stop()) await db.update(mailRounds).set({ state: 'scheduled', leaseUntil: null }).where(where);
    else await db.update(mailRounds).set({ state: 'done', leaseUntil: null, finishedAt: new Date(), result: { ...result } }).where(where);
  }
  return sent;
}

/** Rounds still to come or running, earliest first (for the workspace). */
export function pendingRounds(db: Db, surveyId: number): Promise<MailRound[]> {
  return db
    .select()
    .from(mailRounds)
    .where(and(eq(mailRounds.surveyId, surveyId), inArray(mailRounds.state, ['scheduled', 'running'])))
    .orderBy(asc(mailRounds.dueAt));
}
