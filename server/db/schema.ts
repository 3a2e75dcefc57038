// The one Drizzle schema: camelCase in TypeScript, snake_case in SQL (drizzle `casing`).
// Migrations are generated from this file by drizzle-kit and committed under ./migrations.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const surveys = pgTable('surveys', {
  id: serial().primaryKey(),
  slug: text().notNull().unique(),
  title: text().notNull(),
  /** Days after which responses are purged by `befund purge`; null keeps them. */
  retentionDays: integer(),
  /** Anonymous mode: timestamps are coarsened to the day. */
  anonymous: boolean().notNull().default(true),
  /** Optional: every completed response is POSTed here, signed with HMAC-SHA256. */
  webhookUrl: text(),
  webhookSecret: text(),
  archivedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /**
   * Goes up whenever the survey's answer_counts change (a trigger, migration 0009): the report
   * cache's stamp, read in one row instead of counting the responses. The counts change only in
   * the fold and on erasure, never on a respondent's path, so this row is no hot spot.
   */
  dataVersion: bigint({ mode: 'number' }).notNull().default(0),
  /**
   * How the survey's answer_counts and release_counts were derived from its responses
   * (server/repositories/recount.ts COUNTS_VERSION): 1 counts dynamic-panel and dynamic-matrix
   * answers per person (migration 0014); a survey below the current version is recounted at start.
   */
  countsVersion: integer().notNull().default(1),
});

/** Immutable: a changed definition becomes version n+1, identified by its content hash. */
export const surveyVersions = pgTable(
  'survey_versions',
  {
    id: serial().primaryKey(),
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    contentHash: text().notNull(),
    definition: jsonb().notNull(),
    /** The question catalogue built at import (surveys/catalogue.ts). */
    catalogue: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.surveyId, t.version), uniqueIndex().on(t.surveyId, t.contentHash)],
);

/** A collector: one link per audience / partner / channel. */
export const links = pgTable(
  'links',
  {
    id: serial().primaryKey(),
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    /** Random, 128 bits or more, base64url. Kept so researchers can copy the link again. */
    token: text().notNull().unique(),
    /** The respondent segment every response through this link gets (never from the client). */
    segment: text().notNull(),
    label: text(),
    opensAt: timestamp({ withTimezone: true }),
    closesAt: timestamp({ withTimezone: true }),
    maxResponses: integer(),
    /**
     * Complete responses counted against `maxResponses`, kept only for a link with a maximum
     * (null otherwise): raised in the statement that stores or completes an answer while the link
     * row is locked, lowered when one is erased, so the maximum holds under concurrency.
     */
    completedCount: integer(),
    oneResponsePerBrowser: boolean().notNull().default(false),
    /** The collector behind the partner panel's personal links (one per segment and label); its token is never mailed. */
    panel: boolean().notNull().default(false),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.surveyId)],
);

export const responses = pgTable(
  'responses',
  {
    /** Supplied by the client for idempotent retries. */
    id: uuid().primaryKey(),
    /** Monotonic order for cursors and incremental pulls, without exact timestamps. */
    seq: bigserial({ mode: 'number' }).notNull().unique(),
    // No foreign keys on these three (migration 0015): every answer referred to the same survey,
    // version and link row, and each key check locked that row for share, so 50 concurrent
    // answers queued on three rows (ingest bench: 0.17 ms of the database's CPU per answer, p99
    // and throughput). What the keys guaranteed is kept: the one statement that stores an answer
    // reads the link, its survey and newest version (insertThroughLink); deleting a survey or a
    // link deletes its responses, and deleting a version that has responses is refused, by
    // triggers on those tables, which the app itself never deletes from.
    surveyId: integer().notNull(),
    versionId: integer().notNull(),
    linkId: integer().notNull(),
    segment: text().notNull(),
    linkLabel: text(),
    status: text({ enum: ['partial', 'complete'] }).notNull(),
    locale: text().notNull().default('de'),
    data: jsonb().notNull(),
    resumeKeyHash: text().notNull(),
    /** Coarse dates only (anonymous mode): no time of day, no IP, no user agent. */
    createdOn: date({ mode: 'string' })
      .notNull()
      .default(sql`current_date`),
    updatedOn: date({ mode: 'string' })
      .notNull()
      .default(sql`current_date`),
    completedOn: date({ mode: 'string' }),
    /** Whether this complete response has been folded into answer_counts / open_texts yet. */
    counted: boolean().notNull().default(false),
    /**
     * Whether this response is in the survey's current release (what share keys see). Each
     * release sets it for every counted response, so it never records when one arrived.
     */
    released: boolean().notNull().default(false),
  },
  (t) => [
    index().on(t.surveyId, t.status),
    index().on(t.linkId),
    // The fold finds complete responses that are not yet counted without scanning the rest.
    index('responses_uncounted_index').on(t.seq).where(sql`status = 'complete' and not counted`),
    // A release marks the counted responses it takes in without scanning the rest.
    index('responses_unreleased_index').on(t.surveyId).where(sql`counted and not released`),
  ],
);

/**
 * Counts maintained on submission: how many complete responses from one link gave `value`
 * for the analysable `variable`. Reports read these instead of scanning responses.
 */
export const answerCounts = pgTable(
  'answer_counts',
  {
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    linkId: integer()
      .notNull()
      .references(() => links.id, { onDelete: 'cascade' }),
    variable: text().notNull(),
    value: text().notNull(),
    n: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.linkId, t.variable, t.value] })],
);

/** Open-text answers of complete responses, extracted on submission. */
export const openTexts = pgTable(
  'open_texts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    responseId: uuid()
      .notNull()
      .references(() => responses.id, { onDelete: 'cascade' }),
    surveyId: integer().notNull(),
    linkId: integer().notNull(),
    variable: text().notNull(),
    text: text().notNull(),
    /**
     * Whether a researcher approved this text for shared reports (share keys see approved texts
     * only; researchers see all). Who approved it and when is in the audit log, not here: a time
     * beside a response id would date the response.
     */
    approved: boolean().notNull().default(false),
  },
  (t) => [index().on(t.surveyId, t.variable, t.id)],
);

export const apiTokens = pgTable('api_tokens', {
  id: serial().primaryKey(),
  name: text().notNull(),
  role: text({ enum: ['admin', 'researcher'] }).notNull(),
  /** sha256 of the token; the token itself is shown once and never stored. */
  tokenHash: text().notNull().unique(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp({ withTimezone: true }),
});

/** Report share links: a random key scoped to one survey and one audience. */
export const reportShares = pgTable('report_shares', {
  id: serial().primaryKey(),
  surveyId: integer()
    .notNull()
    .references(() => surveys.id, { onDelete: 'cascade' }),
  audience: text().notNull(),
  keyHash: text().notNull().unique(),
  label: text(),
  expiresAt: timestamp({ withTimezone: true }),
  revokedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Releases: what share-key readers see. A release is the survey's counts frozen at one moment;
 * only the current one is kept in release_counts, older rows here are its history. A release
 * row holds no response id, so its time may be exact.
 */
export const releases = pgTable(
  'releases',
  {
    id: serial().primaryKey(),
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    publishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Who published: a token, the workspace, `auto` (k new per changed group) or `first-read`. */
    actor: text().notNull(),
    reason: text({ enum: ['manual', 'auto', 'first-read'] }).notNull(),
    /** Complete responses in the release when it was published. */
    responses: integer().notNull(),
    /** Open texts with an id up to this one were counted when it was published. */
    textMark: bigint({ mode: 'number' }).notNull(),
    /** Responses erased from it since (their figures leave the release, see README). */
    erased: integer().notNull().default(0),
  },
  (t) => [index().on(t.surveyId, t.id)],
);

/** answer_counts as they were at the survey's current release (minus erasures since). */
export const releaseCounts = pgTable(
  'release_counts',
  {
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    linkId: integer()
      .notNull()
      .references(() => links.id, { onDelete: 'cascade' }),
    variable: text().notNull(),
    value: text().notNull(),
    n: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.linkId, t.variable, t.value] })],
);

/** Who did what, when: never the answers themselves. */
export const auditLog = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  actor: text().notNull(),
  action: text().notNull(),
  target: text(),
  details: jsonb(),
});

/**
 * Browser sessions of the researcher's workspace (`/admin`): the cookie holds a random id, the
 * table only its sha256. A session dies at `expiresAt`, on logout, and with its token.
 */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    idHash: text().primaryKey(),
    tokenId: integer()
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.tokenId)],
);

/**
 * Webhook outbox: written in the same transaction as the completed response, delivered by a
 * background worker with retries and backoff, so the respondent never waits for the receiver.
 * A delivered row is deleted. No time is stored next to the response id: the retry schedule
 * lives in the worker's memory (after a restart every pending delivery is due at once), and a
 * delivery in progress is held by a row lock, which a crashed worker releases.
 */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  surveyId: integer()
    .notNull()
    .references(() => surveys.id, { onDelete: 'cascade' }),
  responseId: uuid().notNull(),
  attempts: integer().notNull().default(0),
  lastError: text(),
});

/**
 * Secrets every instance on this database shares (the CSRF key), made once by whichever
 * instance starts first; `SESSION_SECRET` replaces them.
 */
export const serverSecrets = pgTable('server_secrets', {
  name: text().primaryKey(),
  value: text().notNull(),
});

/**
 * Per-survey audience profiles (analysis/profiles): a researcher's override of a built-in
 * audience's profile for one survey, validated against that survey's questions on upload.
 */
export const surveyProfiles = pgTable(
  'survey_profiles',
  {
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    audience: text().notNull(),
    profile: jsonb().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.audience] })],
);

/**
 * Partner panel (README "Partner panel"): the contacts invited to one survey. Personal data,
 * shown to researchers only. The random id carries no timing. Nothing here names a response:
 * a started answer is found only through `pendingKeyHash`, a hash of the respondent's resume
 * key that differs from the response row's own hash, so without the key (which only the
 * respondent's browser holds) the two rows cannot be joined.
 */
export const participants = pgTable(
  'participants',
  {
    id: uuid().primaryKey(),
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    name: text(),
    organisation: text(),
    /** From the list, never from the client: every answer through the personal link gets them. */
    segment: text().notNull(),
    label: text(),
    language: text({ enum: ['de', 'en'] }).notNull().default('de'),
    /** sha256 of the personal token (≥ 128 bits); the token itself is shown once, in the mail. */
    tokenHash: text().notNull().unique(),
    optedOut: boolean().notNull().default(false),
    /** none → opened → partial (a started answer); completion lives in `participation`. */
    progress: text({ enum: ['none', 'opened', 'partial'] }).notNull().default('none'),
    pendingKeyHash: text(),
    /** none | sending | sent | failed | uncertain (a crash between "sending" and "sent": never sent again). */
    invitation: text({ enum: ['none', 'sending', 'sent', 'failed', 'uncertain'] }).notNull().default('none'),
    remindersSent: integer().notNull().default(0),
    /** A reminder in flight (set before SMTP, cleared with remindersSent + 1 after it). */
    reminderSending: boolean().notNull().default(false),
    mailAttempts: integer().notNull().default(0),
    mailNotBefore: timestamp({ withTimezone: true }),
    lastMailError: text(),
  },
  (t) => [uniqueIndex('participants_survey_email_index').on(t.surveyId, sql`lower(${t.email})`), index().on(t.pendingKeyHash)],
);

/**
 * "Completed on day D", kept apart from the answers: a random id (no serial, no time-ordered
 * id), the day only, and no response id.
 */
export const participation = pgTable(
  'participation',
  {
    id: uuid().primaryKey(),
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    participantId: uuid()
      .notNull()
      .references(() => participants.id, { onDelete: 'cascade' }),
    completedOn: date({ mode: 'string' }).notNull(),
  },
  (t) => [uniqueIndex().on(t.participantId), index().on(t.surveyId)],
);

/**
 * Partner panel: a mail round the running server sends at the time the researcher set (an
 * invitation run or a reminder round), through the same sender as `befund invite`. A round whose
 * server stopped mid-way goes back to "scheduled" (or is taken over once its lease ran out) and
 * goes on where it stopped: the participants' own mail states keep every mail at most once.
 */
export const mailRounds = pgTable(
  'mail_rounds',
  {
    id: serial().primaryKey(),
    surveyId: integer()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    kind: text({ enum: ['invitation', 'reminder'] }).notNull(),
    /** The reminder round, fixed when the round starts. */
    round: integer(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    /** The closing date the mails name ({closes}); null: "until further notice". */
    closes: timestamp({ withTimezone: true }),
    state: text({ enum: ['scheduled', 'running', 'done', 'cancelled'] }).notNull().default('scheduled'),
    /** While running: another server may take the round over after this time. */
    leaseUntil: timestamp({ withTimezone: true }),
    /** sent, failed, uncertain, retries (or an error sentence) once done. */
    result: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.state, t.dueAt), index().on(t.surveyId)],
);
