// Sends the partner panel's invitations and reminders, at most once each.
//
// Each mail: claim the participant (state "sending", committed) → SMTP → "sent" (committed).
// A process killed between the two leaves "sending", which the next run turns into
// "uncertain" and never sends again: a mail may be missing (shown per participant), never
// doubled. Temporary SMTP failures (4xx, connection refused or lost before the message was
// handed over) go back to the queue with exponential backoff; permanent ones (5xx) are kept as
// the participant's last mail error. One mail at a time, at most `ratePerSecond`.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { auditLog, participants } from '../db/schema.ts';
import { audit } from '../repositories/audit.ts';
import { type Participant, personalToken, tokenKey } from '../repositories/participants.ts';
import { type MailKind, renderMail, type TemplateSet } from './templates.ts';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface Transport {
  sendMail(message: MailMessage): Promise<unknown>;
}

export interface SendOptions {
  surveyId: number;
  kind: MailKind;
  /** Reminder round (1 … maxReminders): a participant gets reminder r only while fewer than r were sent. */
  round?: number;
  transport: Transport;
  from: string;
  publicUrl: string;
  templates: TemplateSet;
  closes: Date | null;
  ratePerSecond?: number;
  maxAttempts?: number;
  /** Wait before attempt n + 1 after n temporary failures. */
  backoffMs?: (failures: number) => number;
  onMail?: (outcome: 'sent' | 'failed' | 'deferred') => void;
  stop?: () => boolean;
}

export interface SendResult {
  sent: number;
  failed: number;
  /** Mails a killed earlier run may or may not have handed over: never sent again. */
  uncertain: number;
  retries: number;
}

const UNCERTAIN = 'Zustellung ungewiss: der Versand wurde während dieser E-Mail abgebrochen; sie wird nicht noch einmal gesendet.';

/** Personal link and opt-out address of one participant. */
export function personalUrls(publicUrl: string, key: string, participantId: string) {
  const token = personalToken(key, participantId);
  return { link: `${publicUrl}/s/${token}`, optout: `${publicUrl}/o/${token}` };
}

export function composeMail(p: Pick<Participant, 'id' | 'email' | 'name' | 'language'>, o: Pick<SendOptions, 'kind' | 'round' | 'from' | 'publicUrl' | 'templates' | 'closes'>, key: string): MailMessage {
  const urls = personalUrls(o.publicUrl, key, p.id);
  const body = renderMail(o.templates, o.kind, p.language, { name: p.name, link: urls.link, optout: urls.optout, closes: o.closes });
  return {
    from: o.from,
    to: p.email,
    ...body,
    // The same id for the same mail: a receiving server may drop a copy by it, too.
    messageId: `<${p.id}.${o.kind}${o.kind === 'reminder' ? o.round : ''}@befund.invalid>`,
    headers: { 'List-Unsubscribe': `<${urls.optout}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Whether an SMTP error leaves the mail safe to try again: refused for now (4xx) or never handed over. */
export function classify(err: unknown): 'temporary' | 'permanent' | 'uncertain' {
  const e = err as { responseCode?: number; code?: string; command?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? 'permanent' : 'temporary';
  // No reply code: the connection broke. Once the message was being handed over (DATA) the
  // server may have taken it.
  if (e.command === 'DATA' || e.command === 'DATA END' || e.command === 'MESSAGE') return 'uncertain';
  return 'temporary';
}

function describe(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = e.response ?? e.message ?? String(err);
  return `${e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'Fehler')}: ${text}`.slice(0, 300);
}

/** Rows a killed run left in "sending": uncertain from now on, never sent again. */
async function settleInterrupted(db: Db, surveyId: number): Promise<number> {
  const a = await db
    .update(participants)
    .set({ invitation: 'uncertain', lastMailError: UNCERTAIN })
    .where(and(eq(participants.surveyId, surveyId), eq(participants.invitation, 'sending')))
    .returning({ id: participants.id });
  const b = await db
    .update(participants)
    .set({ reminderSending: false, remindersSent: sql`${participants.remindersSent} + 1`, lastMailError: UNCERTAIN })
    .where(and(eq(participants.surveyId, surveyId), eq(participants.reminderSending, true)))
    .returning({ id: participants.id });
  return a.length + b.length;
}

/** Which participants are due: not opted out, not deferred; reminders only to the invited who have not completed. */
function dueCondition(o: SendOptions) {
  const base = sql`p.survey_id = ${o.surveyId} and not p.opted_out`;
  if (o.kind === 'invitation') return sql`${base} and p.invitation = 'none'`;
  return sql`${base} and p.invitation in ('sent', 'uncertain') and p.reminders_sent < ${o.round ?? 1} and not p.reminder_sending
    and not exists (select 1 from participation pa where pa.participant_id = p.id)`;
}

const ready = sql`(p.mail_not_before is null or p.mail_not_before <= now())`;

/** Ids due now, in claim order: read once per run, so that each claim finds its row by primary key. */
async function dueNow(db: Db, o: SendOptions): Promise<string[]> {
  const result = (await db.execute(sql`select p.id from participants p where ${dueCondition(o)} and ${ready} order by p.id`)) as unknown as { rows: { id: string }[] };
  return result.rows.map((r) => r.id).reverse();
}

/**
 * Claims one due participant (committed before any SMTP), or reports how long until one is due.
 * `queue` (from dueNow) is tried first, by primary key; a row another sender took or that
 * stopped being due meanwhile is passed over. Only then is the list searched, which reads all of
 * the survey's participants (no index by mail state): once per mail, that held 50,000
 * invitations to a few dozen a second.
 */
async function claim(db: Db, o: SendOptions, queue: string[]): Promise<{ row?: Participant; waitMs?: number }> {
  const due = dueCondition(o);
  const mark = o.kind === 'invitation' ? sql`invitation = 'sending'` : sql`reminder_sending = true`;
  const take = async (next: ReturnType<typeof sql>) => {
    const result = (await db.execute(sql`
      update participants set ${mark}
      where id = (${next} for update skip locked)
      returning id, email, name, language, mail_attempts`)) as unknown as { rows: { id: string; email: string; name: string | null; language: 'de' | 'en'; mail_attempts: number }[] };
    const [r] = result.rows;
    return r && ({ id: r.id, email: r.email, name: r.name, language: r.language, mailAttempts: Number(r.mail_attempts) } as Participant);
  };
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    const row = await take(sql`select p.id from participants p where p.id = ${id} and ${due} and ${ready}`);
    if (row) return { row };
  }
  const row = await take(sql`select p.id from participants p where ${due} and ${ready} order by p.id limit 1`);
  if (row) return { row };
  const later = (await db.execute(sql`select extract(epoch from (min(p.mail_not_before) - now())) * 1000 as ms from participants p where ${due}`)) as unknown as { rows: { ms: string | number | null }[] };
  const ms = later.rows[0]?.ms;
  return ms === null || ms === undefined ? {} : { waitMs: Math.max(0, Number(ms)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendDue(db: Db, o: SendOptions): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, uncertain: await settleInterrupted(db, o.surveyId), retries: 0 };
  const key = await tokenKey(db);
  const interval = 1000 / (o.ratePerSecond ?? 10);
  const maxAttempts = o.maxAttempts ?? 5;
  const backoff = o.backoffMs ?? ((n: number) => Math.min(3_600_000, 30_000 * 2 ** (n - 1)));
  const invitation = o.kind === 'invitation';
  let nextAt = 0;
  const queue = await dueNow(db, o);
  while (!o.stop?.()) {
    const { row, waitMs } = await claim(db, o, queue);
    if (!row) {
      if (waitMs === undefined) break;
      // Waiting out a backoff: in slices, so a stopping server is not held up by it.
      const until = Date.now() + Math.min(waitMs + 5, 60_000);
      while (Date.now() < until && !o.stop?.()) await sleep(Math.min(1000, until - Date.now()));
      continue;
    }
    const now = Date.now();
    if (now < nextAt) await sleep(nextAt - now);
    nextAt = Math.max(now, nextAt) + interval;
    const where = eq(participants.id, row.id);
    try {
      await o.transport.sendMail(composeMail(row, o, key));
      await db
        .update(participants)
        .set(invitation ? { invitation: 'sent', mailAttempts: 0, mailNotBefore: null, lastMailError: null } : { reminderSending: false, remindersSent: sql`${participants.remindersSent} + 1`, mailAttempts: 0, mailNotBefore: null, lastMailError: null })
        .where(where);
      result.sent++;
      o.onMail?.('sent');
    } catch (err) {
      const kind = classify(err);
      const failures = row.mailAttempts + 1;
      const error = describe(err);
      if (kind === 'uncertain') {
        await db.update(participants).set(invitation ? { invitation: 'uncertain', lastMailError: `${UNCERTAIN} (${error})` } : { reminderSending: false, remindersSent: sql`${participants.remindersSent} + 1`, lastMailError: `${UNCERTAIN} (${error})` }).where(where);
        result.uncertain++;
        o.onMail?.('failed');
      } else if (kind === 'permanent' || failures >= maxAttempts) {
        // A reminder that failed for good is not tried again in this round.
        await db.update(participants).set(invitation ? { invitation: 'failed', mailAttempts: failures, lastMailError: error } : { reminderSending: false, remindersSent: sql`${participants.remindersSent} + 1`, mailAttempts: failures, lastMailError: error }).where(where);
        result.failed++;
        o.onMail?.('failed');
      } else {
        const notBefore = new Date(Date.now() + backoff(failures));
        await db.update(participants).set(invitation ? { invitation: 'none', mailAttempts: failures, mailNotBefore: notBefore, lastMailError: error } : { reminderSending: false, mailAttempts: failures, mailNotBefore: notBefore, lastMailError: error }).where(where);
        result.retries++;
        o.onMail?.('deferred');
      }
    }
  }
  await audit(db, 'panel', `participants.${o.kind}`, `survey:${o.surveyId}`, { round: o.round ?? null, ...result, finished: !o.stop?.() });
  return result;
}

/** The reminder round that comes next: one more than the last round that was sent to the end. */
export async function nextRound(db: Db, surveyId: number): Promise<number> {
  const [row] = await db
    .select({ last: sql<number | null>`max((${auditLog.details}->>'round')::int)` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'participants.reminder'), eq(auditLog.target, `survey:${surveyId}`), sql`${auditLog.details}->>'finished' = 'true'`));
  return Number(row?.last ?? 0) + 1;
}

/** Participants an invitation run or reminder round would write to (for the progress bar and the dry run). */
export async function dueParticipants(db: Db, o: Pick<SendOptions, 'surveyId' | 'kind' | 'round'>): Promise<Participant[]> {
  const result = (await db.execute(sql`select p.id from participants p where ${dueCondition(o as SendOptions)} order by lower(p.email)`)) as unknown as { rows: { id: string }[] };
  const ids = new Set(result.rows.map((r) => r.id));
  if (!ids.size) return [];
  const rows = await db.select().from(participants).where(eq(participants.surveyId, o.surveyId));
  return rows.filter((r) => ids.has(r.id)).sort((a, b) => a.email.toLowerCase().localeCompare(b.email.toLowerCase()));
}
