// An uploaded XLSForm file, checked against what is stored: converted (surveys/xlsform), cleaned
// and linted as an import would, compared with the survey's versions (unchanged? which codings
// change?) — without storing anything. The workspace keeps the checked upload in memory until
// the researcher publishes or discards it (PendingUploads); the API imports it at once.
import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { loadProfiles } from '../../analysis/profiles/index.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { lintCodingChanges } from '../../surveys/coding.ts';
import { definitionHash } from '../../surveys/hash.ts';
import { lintCoverage, lintSurvey } from '../../surveys/lint.ts';
import { sanitizeDefinition } from '../../surveys/sanitize.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { describeProblem, type Problem, readXlsForm } from '../../surveys/xlsform/index.ts';
import { type PreviewFinding, previewFindings, suggestedSlug } from '../../surveys/xlsform/preview.ts';
import type { Db } from '../db/client.ts';
import { surveys, surveyVersions } from '../db/schema.ts';
import { SLUG_PATTERN, surveyTitle } from './surveys.ts';

export interface CheckedUpload {
  slug: string;
  fileName: string;
  title: string;
  /** The definition as it would be stored (cleaned HTML). */
  definition: Record<string, unknown>;
  locales: string[];
  findings: PreviewFinding[];
  /** What --lenient dropped (empty unless lenient). */
  dropped: Problem[];
  /** The version with the same content, if there is one: publishing then changes nothing. */
  sameAs?: number;
  /** The version publishing would create (the next one), or sameAs. */
  version: number;
}

export type CheckResult = { ok: true; upload: CheckedUpload } | { ok: false; problems: Problem[]; message: string; en: string };

/** "form.xlsx: nicht importiert: survey, Zeile 14, Spalte relevant: …; …" — the CLI's sentence. */
export function refusal(fileName: string, problems: Problem[]): { message: string; en: string } {
  return {
    message: `${fileName}: nicht importiert: ${problems.map((p) => describeProblem(p)).join('; ')}`,
    en: `${fileName}: not imported: ${problems.map((p) => describeProblem(p, 'en')).join('; ')}`,
  };
}

function localesOf(definition: Record<string, unknown>): string[] {
  const found = new Set<string>([typeof definition.locale === 'string' ? definition.locale : 'de']);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'title' || k === 'html' || k === 'text') && x && typeof x === 'object' && !Array.isArray(x)) for (const l of Object.keys(x)) if (/^[a-z]{2,3}$/.test(l)) found.add(l);
        walk(x);
      }
    }
  };
  walk(definition);
  return [...found];
}

/**
 * Converts and checks an XLSForm file as `slug` (default: its form_id or file name). Refused when
 * the converter or the linter finds a problem; nothing is stored either way.
 */
export async function checkXlsFormUpload(db: Db, bytes: Uint8Array, fileName: string, opts: { slug?: string; lenient?: boolean } = {}): Promise<CheckResult> {
  const name = fileName.split(/[\\/]/).pop() || 'upload.xlsx';
  const converted = await readXlsForm(bytes, name, { lenient: opts.lenient });
  if (!converted.ok || !converted.definition) return { ok: false, problems: converted.problems, ...refusal(name, converted.problems) };
  const slug = opts.slug || suggestedSlug(converted.formId, name);
  if (!SLUG_PATTERN.test(slug)) {
    const problems: Problem[] = [{ sheet: 'settings', column: 'form_id', de: `„${slug}“ taugt nicht als Kurzname: nur Kleinbuchstaben, Ziffern und Bindestriche`, en: `"${slug}" is not a valid short name: lower-case letters, digits and hyphens only` }];
    return { ok: false, problems, ...refusal(name, problems) };
  }
  const { definition, findings: cleaned } = sanitizeDefinition(converted.definition);
  const lint = lintSurvey(definition);
  const blocking = lint.filter((f) => f.severity !== 'warning');
  if (blocking.length) {
    const problems = blocking.map((f): Problem => ({ sheet: 'survey', row: converted.rows[f.element], column: converted.rows[f.element] ? 'name' : undefined, de: `${f.element}: ${f.message}`, en: `${f.element}: ${f.message}` }));
    return { ok: false, problems, ...refusal(name, problems) };
  }
  const built = buildCatalogue(definition);
  const hash = definitionHash(definition);
  const versions = await db
    .select({ version: surveyVersions.version, contentHash: surveyVersions.contentHash, catalogue: surveyVersions.catalogue })
    .from(surveyVersions)
    .innerJoin(surveys, eq(surveys.id, surveyVersions.surveyId))
    .where(eq(surveys.slug, slug))
    .orderBy(desc(surveyVersions.version));
  const same = versions.find((v) => v.contentHash === hash);
  const last = versions[0];
  const coding = last && !same ? lintCodingChanges(last.catalogue as Catalogue, built, last.version) : [];
  const findings = previewFindings({
    rows: converted.rows,
    warnings: converted.warnings,
    dropped: converted.problems,
    lint: lint.filter((f) => f.severity === 'warning'),
    coverage: lintCoverage(definition, Object.values(loadProfiles())),
    coding,
    cleaned,
  });
  return {
    ok: true,
    upload: {
      slug,
      fileName: name,
      title: surveyTitle(definition, slug),
      definition,
      locales: localesOf(definition),
      findings,
      dropped: converted.problems,
      sameAs: same?.version,
      version: same?.version ?? (last?.version ?? 0) + 1,
    },
  };
}

/**
 * Checked uploads waiting for "Veröffentlichen" or "Verwerfen", in memory: they are drafts of
 * one researcher's session, worth nothing after a restart, so no table. Each is found by a
 * random id and only by the session that uploaded it; it expires after an hour, a session
 * keeps at most ten and the server at most two hundred.
 */
export class PendingUploads {
  private readonly items = new Map<string, { owner: string; upload: CheckedUpload; expires: number }>();
  constructor(
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly perOwner = 10,
    private readonly total = 200,
  ) {}

  add(owner: string, upload: CheckedUpload): string {
    this.sweep();
    // the oldest go first: of this session beyond its ten, of all beyond two hundred (Map keeps insertion order)
    const mine = [...this.items].filter(([, v]) => v.owner === owner);
    for (const [id] of mine.slice(0, Math.max(0, mine.length - this.perOwner + 1))) this.items.delete(id);
    for (const id of [...this.items.keys()].slice(0, Math.max(0, this.items.size - this.total + 1))) this.items.delete(id);
    const id = randomBytes(16).toString('base64url');
    this.items.set(id, { owner, upload, expires: Date.now() + this.ttlMs });
    return id;
  }

  get(owner: string, id: string): CheckedUpload | undefined {
    this.sweep();
    const item = this.items.get(id);
    return item && item.owner === owner ? item.upload : undefined;
  }

  /** Removes and returns the upload (publish and discard both end it). */
  take(owner: string, id: string): CheckedUpload | undefined {
    const upload = this.get(owner, id);
    if (upload) this.items.delete(id);
    return upload;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, v] of this.items) if (v.expires <= now) this.items.delete(id);
  }
}
