// Partner panel: participant lists, personal tokens and participation kept apart from answers.
//
// Privacy (README "Partner panel"): a response row holds no participant id. A participant's
// started answer is remembered only as sha256("panel:" + resume key), which the response row's
// sha256(resume key) does not reveal; completion is a row "completed on day D" in
// `participation` with a random id. Personal tokens are HMACs of the participant's random id
// under a key in `server_secrets`, stored as sha256 only.
import { createHmac, randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { links, participants, participation } from '../db/schema.ts';
import type { ParticipantRow } from '../panel/rows.ts';
import { DEFAULT_AUDIENCES } from '../startup.ts';
import { audit } from './audit.ts';
import { randomToken, sha256 } from './links.ts';
import { sharedSecret } from './sessions.ts';

export type Participant = typeof participants.$inferSelect;

/** The key personal tokens are derived with (made once per database). */
export async function tokenKey(db: Db): Promise<string> {
  return sharedSecret(db, 'panel_token_key');
}

/** A participant's personal token: 192 bits, the same every time it is asked for (the mail and the mail-merge CSV agree). */
export function personalToken(key: string, participantId: string): string {
  return createHmac('sha256', key).update(`panel:${participantId}`).digest().subarray(0, 24).toString('base64url');
}

/** Segments a list may use: the domain's audiences and every segment of the survey's links. */
export async function knownSegments(db: Db, surveyId: number): Promise<Set<string>> {
  const rows = await db.selectDistinct({ segment: links.segment }).from(links).where(eq(links.surveyId, surveyId));
  return new Set([...DEFAULT_AUDIENCES, ...rows.map((r) => r.segment)]);
}

/**
 * Adds checked rows; an e-mail already on the survey's list is kept as it is (deduplicated, case-insensitive).
 * Audited with counts only, never the addresses.
 */
export async function importParticipants(db: Db, surveyId: number, rows: ParticipantRow[], actor: string, onProgress?: (n: number) => void): Promise<{ added: number; existing: number }> {
  const key = await tokenKey(db);
  let added = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const ids = batch.map(() => randomUUID());
    // One array per column (unnest): building a 1,000-row VALUES list through the query builder
    // took most of the CPU of a 50,000-row import.
    const column = <T>(f: (r: ParticipantRow, j: number) => T) => sql.param(batch.map(f));
    const result = (await db.execute(sql`
      insert into participants (id, survey_id, email, name, organisation, segment, label, language, token_hash)
      select id, ${surveyId}::int, email, name, organisation, segment, label, language, token_hash
      from unnest(${column((_, j) => ids[j])}::uuid[], ${column((r) => r.email)}::text[], ${column((r) => r.name)}::text[], ${column((r) => r.organisation)}::text[],
        ${column((r) => r.segment)}::text[], ${column((r) => r.label)}::text[], ${column((r) => r.language)}::text[], ${column((_, j) => sha256(personalToken(key, ids[j])))}::text[])
        as t(id, email, name, organisation, segment, label, language, token_hash)
      on conflict do nothing
      returning id`)) as unknown as { rows: unknown[] };
    added += result.rows.length;
    onProgress?.(batch.length);
  }
  await audit(db, actor, 'participants.import', `survey:${surveyId}`, { rows: rows.length, added, existing: rows.length - added });
  return { added, existing: rows.length - added };
}

export interface ParticipantView {
  id: string;
  email: string;
  name: string | null;
  organisation: string | null;
  segment: string;
  label: string | null;
  language: 'de' | 'en';
  optedOut: boolean;
  progress: 'none' | 'opened' | 'partial' | 'complete';
  completedOn: string | null;
  invitation: string;
  remindersSent: number;
  lastMailError: string | null;
}

/** The list, for researchers; the read is audited (contact data is personal data). */
export async function listParticipants(db: Db, surveyId: number, actor: string): Promise<ParticipantView[]> {
  const rows = await db
    .select({ p: participants, completedOn: participation.completedOn })
    .from(participants)
    .leftJoin(participation, eq(participation.participantId, participants.id))
    .where(eq(participants.surveyId, surveyId))
    .orderBy(asc(sql`lower(${participants.email})`));
  await audit(db, actor, 'participants.read', `survey:${surveyId}`, { rows: rows.length });
  return rows.map(({ p, completedOn }) => ({
    id: p.id,
    email: p.email,
    name: p.name,
    organisation: p.organisation,
    segment: p.segment,
    label: p.label,
    language: p.language,
    optedOut: p.optedOut,
    progress: completedOn ? 'complete' : p.progress,
    completedOn,
    invitation: p.invitation,
    remindersSent: p.remindersSent,
    lastMailError: p.lastMailError,
  }));
}

/** Erases one person (by e-mail) with their participation record; audited without the address. */
export async function eraseParticipant(db: Db, surveyId: number, email: string, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(participants)
      .where(and(eq(participants.surveyId, surveyId), eq(sql`lower(${participants.email})`, email.trim().toLowerCase())))
      .returning({ id: participants.id });
    if (rows.length) await audit(tx, actor, 'participants.erase', `survey:${surveyId}`, { rows: rows.length });
    return rows.length > 0;
  });
}

/** Purges the whole list after the field phase (answers stay; they never named anyone). */
export async function purgeParticipants(db: Db, surveyId: number, actor: string): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.delete(participants).where(eq(participants.surveyId, surveyId)).returning({ id: participants.id });
    await audit(tx, actor, 'participants.purge', `survey:${surveyId}`, { rows: rows.length });
    return rows.length;
  });
}

/** The hidden collector link for one segment and label: answers through personal links are stored under it. */
async function collectorLink(db: Db, surveyId: number, segment: string, label: string | null) {
  const where = and(eq(links.surveyId, surveyId), eq(links.panel, true), eq(links.segment, segment), label === null ? isNull(links.label) : eq(links.label, label));
  const [found] = await db.select({ token: links.token }).from(links).where(where).orderBy(asc(links.id)).limit(1);
  if (found) return found.token;
  const [made] = await db.insert(links).values({ surveyId, token: randomToken(), segment, label, panel: true }).returning({ token: links.token });
  await audit(db, 'panel', 'link.create', `survey:${surveyId}`, { segment, label, panel: true });
  return made.token;
}

export type PersonalLink = { participantId: string; surveyId: number; linkToken: string; state: 'open' | 'completed' | 'opted_out' };

/** What a personal token stands for, or undefined: the participant and the collector whose segment and label come from the list. */
export async function resolvePersonalToken(db: Db, token: string): Promise<PersonalLink | undefined> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return undefined; // personalToken() gives 32 characters
  const [row] = await db
    .select({ p: participants, done: participation.id })
    .from(participants)
    .leftJoin(participation, eq(participation.participantId, participants.id))
    .where(eq(participants.tokenHash, sha256(token)));
  if (!row) return undefined;
  const linkToken = await collectorLink(db, row.p.surveyId, row.p.segment, row.p.label);
  const state = row.done ? 'completed' : row.p.optedOut ? 'opted_out' : 'open';
  return { participantId: row.p.id, surveyId: row.p.surveyId, linkToken, state };
}

export async function markOpened(db: Db, participantId: string): Promise<void> {
  await db.update(participants).set({ progress: 'opened' }).where(and(eq(participants.id, participantId), eq(participants.progress, 'none')));
}

const pendingHash = (resumeKey: string) => sha256(`panel:${resumeKey}`);

/** A partial answer was stored through the personal link: remember it by a hash only the respondent's resume key opens. */
export async function markStarted(db: Db, participantId: string, resumeKey: string): Promise<void> {
  await db.update(participants).set({ progress: 'partial', pendingKeyHash: pendingHash(resumeKey) }).where(eq(participants.id, participantId));
}

/** "Completed on day D": its own row with a random id; the pending hash is forgotten. */
export async function markCompleted(db: Db, participantId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [p] = await tx.update(participants).set({ pendingKeyHash: null }).where(eq(participants.id, participantId)).returning({ surveyId: participants.surveyId });
    if (!p) return;
    await tx.insert(participation).values({ id: randomUUID(), surveyId: p.surveyId, participantId, completedOn: sql`current_date` }).onConflictDoNothing();
  });
}

/** A partial answer completed with its resume key (PUT): the participant it was started by, if any, has completed. */
export async function completeByResumeKey(db: Db, resumeKey: string): Promise<void> {
  const [p] = await db.select({ id: participants.id }).from(participants).where(eq(participants.pendingKeyHash, pendingHash(resumeKey)));
  if (p) await markCompleted(db, p.id);
}

/** Opt-out from the personal link: no more mail, the link takes no answer. */
export async function optOut(db: Db, token: string): Promise<boolean> {
  const rows = await db.update(participants).set({ optedOut: true }).where(eq(participants.tokenHash, sha256(token))).returning({ surveyId: participants.surveyId });
  if (rows.length) await audit(db, 'participant', 'participants.opt_out', `survey:${rows[0].surveyId}`);
  return rows.length > 0;
}

export interface ParticipantInput {
  email: string;
  name?: string | null;
  organisation?: string | null;
  segment: string;
  label?: string | null;
  language?: 'de' | 'en';
}

/** Adds one participant; undefined when the e-mail is already on the list. */
export async function addParticipant(db: Db, surveyId: number, input: ParticipantInput, actor: string): Promise<string | undefined> {
  const key = await tokenKey(db);
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(participants)
      .values({ id, surveyId, email: input.email, name: input.name ?? null, organisation: input.organisation ?? null, segment: input.segment, label: input.label ?? null, language: input.language ?? 'de', tokenHash: sha256(personalToken(key, id)) })
      .onConflictDoNothing()
      .returning({ id: participants.id });
    if (rows.length) await audit(tx, actor, 'participants.add', `survey:${surveyId}`);
    return rows[0]?.id;
  });
}

/** Edits one participant's contact data, segment or label; 'duplicate' when the new e-mail is taken. */
export async function updateParticipant(db: Db, surveyId: number, id: string, input: Partial<ParticipantInput>, actor: string): Promise<'updated' | 'not_found' | 'duplicate'> {
  const taken = input.email
    ? await db
        .select({ id: participants.id })
        .from(participants)
        .where(and(eq(participants.surveyId, surveyId), eq(sql`lower(${participants.email})`, input.email.toLowerCase())))
    : [];
  if (taken.some((t) => t.id !== id)) return 'duplicate';
  const values = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (!Object.keys(values).length) return 'not_found';
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(participants)
      .set(values)
      .where(and(eq(participants.surveyId, surveyId), eq(participants.id, id)))
      .returning({ id: participants.id });
    if (rows.length) await audit(tx, actor, 'participants.edit', `survey:${surveyId}`, { fields: Object.keys(values) });
    return rows.length ? 'updated' : 'not_found';
  });
}

/** Erases one participant by id (the workspace's and the API's erase); audited without the address. */
export async function eraseParticipantById(db: Db, surveyId: number, id: string, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.delete(participants).where(and(eq(participants.surveyId, surveyId), eq(participants.id, id))).returning({ id: participants.id });
    if (rows.length) await audit(tx, actor, 'participants.erase', `survey:${surveyId}`, { rows: 1 });
    return rows.length > 0;
  });
}
