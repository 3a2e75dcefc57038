// `befund demo [--responses N] [--survey S] [--seed N]`: fills a survey with synthetic, valid
// complete responses through its default links, so a newcomer sees three filled reports.
//
// At the speed of the database: answers come from the survey's compiled plan
// (surveys/demo-answers.ts), not from a survey-core Model each, once a sample of them passed the
// server's own validator; they are stored a batch at a time in one multi-row INSERT per batch,
// folded into the report counts in the same transaction (applyCounts, as the background fold
// does). A survey whose sample fails is filled with each answer validated; one the compiled plan
// does not cover, with survey-core's generator (surveys/synthetic.ts), validated too.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { type DemoGenerator, demoGenerator } from '../../surveys/demo-answers.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import type { Catalogue } from '../../surveys/types.ts';
import type { Validator } from '../../surveys/validate.ts';
import type { Db } from '../db/client.ts';
import { countedValues, extractOpenTexts } from '../../analysis/extract.ts';
import { answerCounts, links, openTexts, responses, surveys, webhookDeliveries } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import { BASE_VARIABLE, FOLD_LOCK, type VersionForCounts, versionsForCounts } from '../repositories/counts.ts';
import { randomToken, sha256 } from '../repositories/links.ts';
import { findSurvey, latestVersion } from '../repositories/surveys.ts';
import { DEFAULT_AUDIENCES, ensureDefaultLinks, prepareStudy } from '../startup.ts';
import { output, parse, withApp } from './common.ts';
import { progress } from './progress.ts';
import type { FastifyInstance } from 'fastify';

const USAGE = 'befund demo [--responses N] [--survey S] [--seed N]';
/** How each segment leans on ordinal questions, so comparisons have something to show. */
export const PERSONAS: Record<string, number> = { intermediary: 0.35, sme: -0.25, works_council: 0.05 };
/** Answers per transaction: large enough for the database's speed, small enough that a server sharing PGlite with this command is not held up for long. */
export const BATCH = 1000;
/** Answers of the fast generator the server's validator checks before the rest are trusted. */
export const PROBE = 200;

export type DemoLink = { id: number; segment: string; label: string | null };
type Version = { id: number; definition: Record<string, unknown>; catalogue: Catalogue; validator: Validator };
/** How a survey's demo answers are made: trusted fast, fast but each validated, or through survey-core and validated. */
export type DemoMode = 'fast' | 'checked' | 'survey-core';

/**
 * The demo's answers for one survey version, in order: `next()` gives the segment and answer of
 * the next response, or null for one the validator refused (checked modes only). Deterministic
 * for the same seed and version.
 */
export async function demoSource(version: Version, seed: number): Promise<{ mode: DemoMode; reason?: string; next(): { segment: string; data: Record<string, unknown> } | null }> {
  const rnd = seededRandom(seed);
  const fast = demoGenerator(version.definition);
  let make: DemoGenerator;
  let mode: DemoMode;
  let reason: string | undefined;
  if ('generate' in fast) {
    make = fast.generate;
    reason = await probe(version, fast.generate, seed);
    mode = reason ? 'checked' : 'fast';
  } else {
    const model = syntheticModel(version.definition);
    // survey-core's values belong to the Model, which the next answer changes: a copy is kept
    make = (r, persona) => JSON.parse(JSON.stringify(syntheticResponse(model, r, persona)));
    mode = 'survey-core';
    reason = fast.reason;
  }
  return {
    mode,
    reason,
    next() {
      // Unequal group sizes, as in real studies: half intermediaries, a third SMEs, the rest works councils.
      const u = rnd();
      const segment = DEFAULT_AUDIENCES[u < 0.5 ? 0 : u < 0.83 ? 1 : 2];
      const data = make(rnd, { lean: PERSONAS[segment] ?? 0 });
      if (mode === 'fast') return { segment, data };
      const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
      return verdict.ok ? { segment, data: verdict.data } : null;
    },
  };
}

/** Why the fast generator's answers cannot be trusted for this version, or undefined when a sample of PROBE all pass the validator unchanged. */
async function probe(version: Version, generate: DemoGenerator, seed: number): Promise<string | undefined> {
  const rnd = seededRandom(seed ^ 0x5bd1e995);
  const leans = Object.values(PERSONAS);
  const pause = pauser();
  for (let i = 0; i < PROBE; i++) {
    await pause();
    const data = generate(rnd, { lean: leans[i % leans.length] });
    const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
    if (!verdict.ok) return `${verdict.errors[0].question}: ${verdict.errors[0].message}`;
    if (JSON.stringify(verdict.data) !== JSON.stringify(data)) return 'the validator changes the answers';
  }
  return undefined;
}

/**
 * What applyCounts (server/repositories/counts.ts) adds for these complete responses, summed
 * in memory: the base `_n` and each counted value per link and variable, keys in applyCounts'
 * order; and their open texts in order.
 */
export function foldInMemory(surveyId: number, version: VersionForCounts, rows: readonly DemoRow[]) {
  const tally = new Map<string, { link_id: number; variable: string; value: string; n: number }>();
  const texts: { response_id: string; link_id: number; variable: string; text: string }[] = [];
  for (const r of rows) {
    for (const v of [{ variable: BASE_VARIABLE, value: '1' }, ...countedValues(version.catalogue, r.data, version.notAsked(r.data))]) {
      const key = `${surveyId}\u0000${r.link.id}\u0000${v.variable}\u0000${v.value}`;
      const entry = tally.get(key);
      if (entry) entry.n++;
      else tally.set(key, { link_id: r.link.id, variable: v.variable, value: v.value, n: 1 });
    }
    for (const t of extractOpenTexts(version.catalogue, r.data)) texts.push({ response_id: r.id, link_id: r.link.id, variable: t.variable, text: t.text });
  }
  const counts = [...tally.keys()].sort().map((k) => tally.get(k) as NonNullable<ReturnType<typeof tally.get>>);
  return { counts, texts };
}

/**
 * Lets the event loop run about every 20 ms of work: the database's health probe (server/db/outage.ts)
 * must be answered within a second, and a loop that held the process longer under load was taken
 * for a database outage.
 */
function pauser(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < 20) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

export interface DemoRow {
  id: string;
  link: DemoLink;
  data: Record<string, unknown>;
}

/** A batch ready to store: its rows, and what they add to the counts. */
export interface PreparedBatch {
  survey: { id: number; versionId: number };
  rows: readonly DemoRow[];
  folded: ReturnType<typeof foldInMemory>;
}

/** Works out a batch's counts before its transaction, so the database is not kept waiting for them. */
export function prepareDemoBatch(survey: { id: number; versionId: number }, version: VersionForCounts, rows: readonly DemoRow[]): PreparedBatch {
  return { survey, rows, folded: foldInMemory(survey.id, version, rows) };
}

/**
 * Stores valid complete responses in one transaction: one INSERT for all of them, already
 * counted, with their values added to the report counts under the background fold's lock (the
 * same sums applyCounts would add, in one upsert, and their open texts in one INSERT), a webhook
 * delivery each where the survey has a webhook, and the links' completed counts where they have
 * a maximum: what insertResponse and the fold do for one. An id already stored stores nothing.
 */
export async function storeDemoBatch(db: Db, version: VersionForCounts, batch: PreparedBatch): Promise<number> {
  const { survey, rows } = batch;
  if (rows.length === 0) return 0;
  const records = rows.map((r) => ({ id: r.id, link_id: r.link.id, segment: r.link.segment, label: r.link.label, data: r.data, hash: sha256(randomToken()) }));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
    const inserted = (await tx.execute(sql`
      insert into ${responses} (id, survey_id, version_id, link_id, segment, link_label, status, locale, data, resume_key_hash, completed_on, counted)
      select x.id, ${survey.id}::int, ${survey.versionId}::int, x.link_id, x.segment, x.label, 'complete', 'de', x.data, x.hash, current_date, true
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(id uuid, link_id int, segment text, label text, data jsonb, hash text)
      on conflict (id) do nothing
      returning id`)) as unknown as { rows: { id: string }[] };
    const created = new Set(inserted.rows.map((r) => r.id));
    const fresh = created.size === rows.length ? rows : rows.filter((r) => created.has(r.id));
    if (fresh.length === 0) return 0;
    const folded = fresh === rows ? batch.folded : foldInMemory(survey.id, version, fresh);
    // as applyCounts: one upsert in the order of the keys, so concurrent writers cannot deadlock
    await tx.execute(sql`
      insert into ${answerCounts} (survey_id, link_id, variable, value, n)
      select ${survey.id}::int, x.link_id, x.variable, x.value, x.n
      from rows from (jsonb_to_recordset(${JSON.stringify(folded.counts)}::jsonb) as (link_id int, variable text, value text, n int)) with ordinality as x(link_id, variable, value, n, ord)
      order by x.ord
      on conflict (survey_id, link_id, variable, value) do update set n = ${answerCounts}.n + excluded.n`);
    if (folded.texts.length)
      await tx.execute(sql`
        insert into ${openTexts} (response_id, survey_id, link_id, variable, text)
        select x.response_id, ${survey.id}::int, x.link_id, x.variable, x.text
        from rows from (jsonb_to_recordset(${JSON.stringify(folded.texts)}::jsonb) as (response_id uuid, link_id int, variable text, text text)) with ordinality as x(response_id, link_id, variable, text, ord)
        order by x.ord`);
    await tx.execute(sql`
      insert into ${webhookDeliveries} (survey_id, response_id)
      select s.id, x.id::uuid from ${surveys} s, jsonb_array_elements_text(${JSON.stringify(fresh.map((r) => r.id))}::jsonb) as x(id)
      where s.id = ${survey.id} and s.webhook_url is not null`);
    const perLink = new Map<number, number>();
    for (const r of fresh) perLink.set(r.link.id, (perLink.get(r.link.id) ?? 0) + 1);
    for (const [linkId, k] of perLink)
      await tx.execute(sql`update ${links} set completed_count = coalesce(completed_count, 0) + ${k}::int where id = ${linkId} and max_responses is not null`);
    return fresh.length;
  });
}

/**
 * storeDemoBatch, tried again while the database is briefly taken for unavailable (on a machine
 * under heavy load its one-second health probe can miss): a batch's ids are fixed, so a batch
 * that did commit stores nothing twice. Returns how many of the batch are stored now.
 */
async function storeRetrying(db: Db, version: VersionForCounts, batch: PreparedBatch): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await storeDemoBatch(db, version, batch);
      return attempt === 1 ? created : batch.rows.length;
    } catch (err) {
      if ((err as { cause?: { code?: string }; code?: string }).cause?.code !== 'BEFUND_DB_UNAVAILABLE' && (err as { code?: string }).code !== 'BEFUND_DB_UNAVAILABLE') throw err;
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Fills survey `slug` with `n` demo responses, BATCH at a time; `onBatch` hears how many each stored. */
export async function fillDemo(app: FastifyInstance, options: { n: number; slug: string; seed: number; onBatch?: (stored: number) => void }) {
  const { n, slug } = options;
  await prepareStudy(app);
  const survey = await findSurvey(app.db, slug);
  if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
  // a survey imported with `befund survey add` (not from the surveys folder) gets its links here
  await ensureDefaultLinks(app, survey.id, 'demo');
  const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
  const allLinks = await app.db.select().from(links).where(eq(links.surveyId, survey.id));
  const bySegment = new Map<string, DemoLink>();
  for (const segment of DEFAULT_AUDIENCES) {
    const link = allLinks.find((l) => l.segment === segment && l.label === 'Standard');
    if (!link) throw new Error(`default link for ${segment} missing`);
    bySegment.set(segment, { id: link.id, segment: link.segment, label: link.label });
  }
  const source = await demoSource(version, options.seed);
  const pause = pauser();
  const forCounts = (await app.db.transaction((tx) => versionsForCounts(app.db, tx, [version.id]))).get(version.id) as VersionForCounts;
  const ids = { id: survey.id, versionId: version.id };
  let stored = 0;
  let refused = 0;
  let attempts = 0;
  let planned = 0;
  // One batch is stored while the next is made: the database and this process work at once.
  let storing: Promise<number> | undefined;
  const settle = async () => {
    if (!storing) return;
    const k = await storing;
    storing = undefined;
    stored += k;
    options.onBatch?.(k);
  };
  // Bounded: a refused answer is retried, but not forever.
  while (planned < n && attempts < 2 * n + 10) {
    const rows: DemoRow[] = [];
    while (rows.length < Math.min(BATCH, n - planned) && attempts < 2 * n + 10) {
      attempts++;
      await pause();
      const next = source.next();
      if (!next) {
        refused++;
        continue;
      }
      rows.push({ id: randomUUID(), link: bySegment.get(next.segment) as DemoLink, data: next.data });
    }
    const batch = prepareDemoBatch(ids, forCounts, rows);
    await settle();
    planned += rows.length;
    storing = storeRetrying(app.db, forCounts, batch);
    // settle() awaits it, but only after the next batch is made, which awaits too: a failure in
    // between (the server behind the socket killed) would be an unhandled rejection and crash the
    // command with a stack trace instead of the sentence cli-run.ts prints for a lost connection
    storing.catch(() => {});
  }
  await settle();
  return { survey: slug, stored, refused, mode: source.mode };
}

export default async function demo(argv: string[]): Promise<void> {
  const { values } = parse(argv, { responses: { type: 'string' }, survey: { type: 'string' }, seed: { type: 'string' } }, USAGE);
  const n = Number(values.responses ?? 300);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UserError(`--responses muss eine ganze Zahl von 1 bis 1000000 sein. Aufruf: ${USAGE}`);
  const seed = Number(values.seed ?? 42);
  if (!Number.isInteger(seed)) throw new UserError(`--seed muss eine ganze Zahl sein. Aufruf: ${USAGE}`);
  const slug = (values.survey as string | undefined) ?? 'om-partner-befragung';
  const bar = progress(n, values.json === true);
  const result = await withApp((app) => fillDemo(app, { n, slug, seed, onBatch: (k) => bar.tick(k) }));
  bar.done();
  output(values.json, result, `${result.stored} synthetische Antworten in ${slug} gespeichert${result.refused ? ` (${result.refused} vom Validator abgelehnt)` : ''}.`);
}
