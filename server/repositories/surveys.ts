// Surveys and their immutable versions. An identical definition (same content hash) is
// recognised and changes nothing; a changed one becomes version n+1. Lint findings refuse the
// whole import, so nothing is half-imported.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { alwaysAnswered } from '../../surveys/asked.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { type CodingFinding, codingSplits, lintCodingChanges } from '../../surveys/coding.ts';
import { definitionHash } from '../../surveys/hash.ts';
import { lintSurvey } from '../../surveys/lint.ts';
import { type SanitizeFinding, sanitizeDefinition } from '../../surveys/sanitize.ts';
import type { Catalogue } from '../../surveys/types.ts';
import type { Db } from '../db/client.ts';
import { surveys, surveyVersions } from '../db/schema.ts';
import { audit } from './audit.ts';

/** Advisory lock class for survey imports (the second key is the slug's hash). */
const IMPORT_LOCK = 7240003;

export interface Finding {
  element: string;
  message: string;
}

/** A survey definition that the linter refused; `findings` name each element. */
export class LintError extends Error {
  override name = 'LintError';
  constructor(
    readonly slug: string,
    readonly findings: Finding[],
  ) {
    super(`Die Umfrage "${slug}" wurde nicht importiert: ${findings.map((f) => `${f.element}: ${f.message}`).join('; ')}`);
  }
}

export interface ImportResult {
  slug: string;
  surveyId: number;
  versionId: number;
  version: number;
  created: boolean;
  /** What was removed from the author's HTML before storing (German, per element); empty if nothing. */
  sanitized: SanitizeFinding[];
  /**
   * Warnings that do not block the import: questions whose choice codes, scale or type changed
   * since the previous version (surveys/coding.ts); reports and exports keep their versions apart.
   */
  warnings: CodingFinding[];
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function surveyTitle(definition: Record<string, unknown>, slug: string): string {
  const title = definition.title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object') {
    const t = title as Record<string, unknown>;
    const text = t.de ?? t.default ?? Object.values(t)[0];
    if (typeof text === 'string') return text;
  }
  return slug;
}

export async function importSurvey(
  db: Db,
  input: { slug: string; definition: Record<string, unknown> },
  actor = 'system',
): Promise<ImportResult> {
  const { slug } = input;
  if (!SLUG_PATTERN.test(slug))
    throw new LintError(slug, [{ element: 'slug', message: 'nur Kleinbuchstaben, Ziffern und Bindestriche, z. B. om-partner-befragung' }]);
  // Author HTML is cleaned before anything else sees it: the stored (and hashed) definition is
  // the clean one, so re-importing the same file is recognised as unchanged.
  const { definition, findings: sanitized } = sanitizeDefinition(input.definition);
  const findings = lintSurvey(definition);
  if (findings.length > 0) throw new LintError(slug, findings);
  const built = buildCatalogue(definition);
  const hash = definitionHash(definition);
  const title = surveyTitle(definition, slug);

  return db.transaction(async (tx) => {
    // Concurrent imports of the same survey (a starting server and `befund demo` reading the same
    // folder) take turns on a lock named after the slug, so version numbers never collide. The
    // survey row itself is not locked FOR UPDATE, and not updated when its title is unchanged:
    // that lock waits for every open transaction that stored an answer or link for the survey
    // (their foreign keys hold a key-share lock on the row), and in CI it deadlocked with
    // `befund demo` storing answers while a server started: the server died.
    await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK}, hashtext(${slug}))`);
    let [survey] = await tx.select({ id: surveys.id, title: surveys.title }).from(surveys).where(eq(surveys.slug, slug));
    if (!survey) [survey] = await tx.insert(surveys).values({ slug, title }).returning({ id: surveys.id, title: surveys.title });
    else if (survey.title !== title) await tx.update(surveys).set({ title }).where(eq(surveys.id, survey.id));
    const [same] = await tx
      .select()
      .from(surveyVersions)
      .where(and(eq(surveyVersions.surveyId, survey.id), eq(surveyVersions.contentHash, hash)));
    if (same) return { slug, surveyId: survey.id, versionId: same.id, version: same.version, created: false, sanitized, warnings: [] };
    const earlier = (
      await tx
        .select({ version: surveyVersions.version, catalogue: surveyVersions.catalogue })
        .from(surveyVersions)
        .where(eq(surveyVersions.surveyId, survey.id))
        .orderBy(desc(surveyVersions.version))
    ).map((r) => ({ version: r.version, catalogue: r.catalogue as Catalogue }));
    const last = earlier[0];
    const version = (last?.version ?? 0) + 1;
    // a question whose coding changed counts under its own key from now on (never pooled)
    const splits = codingSplits(earlier, built, version);
    const catalogue: Catalogue = Object.keys(splits).length > 0 ? { ...built, splits } : built;
    const warnings = last ? lintCodingChanges(last.catalogue, built, last.version) : [];
    const [row] = await tx
      .insert(surveyVersions)
      .values({ surveyId: survey.id, version, contentHash: hash, definition, catalogue })
      .returning({ id: surveyVersions.id });
    await audit(tx, actor, 'survey.version.add', slug, {
      version,
      hash,
      ...(sanitized.length ? { sanitized: sanitized.length } : {}),
      ...(warnings.length ? { codingChanged: warnings.map((w) => w.element) } : {}),
    });
    return { slug, surveyId: survey.id, versionId: row.id, version, created: true, sanitized, warnings };
  });
}

export async function findSurvey(db: Db, slug: string) {
  const [survey] = await db.select().from(surveys).where(eq(surveys.slug, slug));
  return survey;
}

export async function listSurveys(db: Db) {
  const rows = await db
    .select({
      slug: surveys.slug,
      title: surveys.title,
      archived: sql<boolean>`${surveys.archivedAt} is not null`,
      versions: sql<number>`(select count(*)::int from ${surveyVersions} v where v.survey_id = "surveys"."id")`,
      responses: sql<number>`(select count(*)::int from responses r where r.survey_id = "surveys"."id" and r.status = 'complete')`,
    })
    .from(surveys)
    .orderBy(asc(surveys.slug));
  return rows;
}

/** The newest version of a survey: new responses are given this one. (Id and number only: the definition is large.) */
export async function latestVersion(db: Db, surveyId: number) {
  const [v] = await db
    .select({ id: surveyVersions.id, version: surveyVersions.version })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(desc(surveyVersions.version))
    .limit(1);
  return v;
}

export async function listVersions(db: Db, surveyId: number) {
  return db
    .select({ version: surveyVersions.version, contentHash: surveyVersions.contentHash, createdAt: surveyVersions.createdAt })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(asc(surveyVersions.version));
}

/**
 * Every version's number, import time and catalogue, oldest first (analysis/versions.ts merges
 * them). Which questions everyone had to answer (`required`) is read from the definition here, not
 * from the stored catalogue: catalogues stored before it was recorded lack it, and the report
 * protection must assume what the public definition tells anyone (analysis/report/joint.ts).
 */
export async function versionCatalogues(db: Db, surveyId: number) {
  const rows = await db
    .select({
      version: surveyVersions.version,
      createdAt: surveyVersions.createdAt,
      catalogue: surveyVersions.catalogue,
      definition: surveyVersions.definition,
      contentHash: surveyVersions.contentHash,
    })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(asc(surveyVersions.version));
  return rows.map(({ version, createdAt, catalogue, definition, contentHash }) => ({
    version,
    createdAt,
    catalogue: withRequired(catalogue as Catalogue, requiredOf(contentHash, definition)),
  }));
}

/** alwaysAnswered per definition (by content hash: a version's definition never changes). */
const requiredByHash = new Map<string, Set<string>>();
function requiredOf(contentHash: string, definition: unknown): Set<string> {
  let found = requiredByHash.get(contentHash);
  if (!found) {
    found = alwaysAnswered(definition);
    if (requiredByHash.size >= 1000) requiredByHash.delete(requiredByHash.keys().next().value as string);
    requiredByHash.set(contentHash, found);
  }
  return found;
}

/** The catalogue with `required` set exactly on the questions named. */
function withRequired(catalogue: Catalogue, required: Set<string>): Catalogue {
  return {
    ...catalogue,
    questions: catalogue.questions.map(({ required: _stored, ...q }) => (required.has(q.name) ? { ...q, required: true as const } : q)),
  };
}

/** The coding warnings of version `version` against the one before it (none for the first). */
export async function codingWarnings(db: Db, surveyId: number, version: number): Promise<CodingFinding[]> {
  const rows = await db
    .select({ version: surveyVersions.version, catalogue: surveyVersions.catalogue })
    .from(surveyVersions)
    .where(and(eq(surveyVersions.surveyId, surveyId), inArray(surveyVersions.version, [version - 1, version])))
    .orderBy(asc(surveyVersions.version));
  return rows.length === 2 ? lintCodingChanges(rows[0].catalogue as Catalogue, rows[1].catalogue as Catalogue, rows[0].version) : [];
}

/** Every version's catalogue, newest first: analysis matches questions by name across them. */
export async function catalogues(db: Db, surveyId: number): Promise<Catalogue[]> {
  const rows = await db
    .select({ catalogue: surveyVersions.catalogue })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(desc(surveyVersions.version));
  return rows.map((r) => r.catalogue as Catalogue);
}

export interface SurveySettings {
  /** Days after which `befund purge` deletes responses; null keeps them. */
  retentionDays?: number | null;
  /** An archived survey takes no new responses; its data and reports stay. */
  archived?: boolean;
}

export async function updateSurveySettings(db: Db, surveyId: number, settings: SurveySettings, actor: string): Promise<void> {
  const set: Partial<typeof surveys.$inferInsert> = {};
  if (settings.retentionDays !== undefined) set.retentionDays = settings.retentionDays;
  if (settings.archived !== undefined) set.archivedAt = settings.archived ? new Date() : null;
  if (Object.keys(set).length === 0) return;
  await db.transaction(async (tx) => {
    await tx.update(surveys).set(set).where(eq(surveys.id, surveyId));
    await audit(tx, actor, 'survey.settings', `survey:${surveyId}`, { ...settings });
  });
}
