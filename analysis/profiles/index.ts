// Report profiles: one JSON file per audience in this folder. A profile is data, not code: it
// names the audience, title, intro, the segments the report draws on and compares, glossary
// entries, sections and key-findings rules. Sections and rules say what KIND of content the
// audience gets — `match` rules over roles, types, tags and position in the question catalogue
// (surveys/roles.ts) — so one profile serves any survey. A survey-specific profile may still name
// questions (`sections[].questions`, `keyFindings[].question`); `validateProfile` checks those
// names and `resolveProfile` turns a profile into the concrete sections of one survey.
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { RoleSchema } from '../../surveys/marks.ts';
import { describeQuestions, MatchSchema, ruleFits, selectQuestions } from '../../surveys/roles.ts';
import { type Catalogue, LocalizedTextSchema } from '../../surveys/types.ts';

const Name = z.string().min(1);

/** The report filters a profile may open to share-key readers (`shared.filters`). */
export const SHARED_FILTERS = ['segment', 'label'] as const;
export type SharedFilter = (typeof SHARED_FILTERS)[number];

/** Which question a key-findings rule reads: one by name, or the first shown one with a role. */
const Target = { question: Name.optional(), role: RoleSchema.optional() };
/** Whose answers it reads: the audience's own segments (default), or all the report includes —
 *  then the sentence says so ("… zusammengenommen"). */
const Scope = { scope: z.enum(['own', 'all']).default('own') };
/** Key-findings rules, each computed from the data by `analysis/report/findings.ts`. */
export const KeyFindingRuleSchema = z.discriminatedUnion('rule', [
  /** The `count` matrix rows (or ordinal questions) with the highest top-2-box share. */
  z.object({ rule: z.literal('top-rated'), ...Target, ...Scope, count: z.number().int().min(1).default(3) }).strict(),
  /** The `count` options chosen most often (multiple or single choice). */
  z.object({ rule: z.literal('most-chosen'), ...Target, ...Scope, count: z.number().int().min(1).default(3) }).strict(),
  /** The ranking item with the best mean rank, and how many put it first. */
  z.object({ rule: z.literal('top-ranked'), ...Target, ...Scope }).strict(),
  /** The top-2-box share of an ordinal question. */
  z.object({ rule: z.literal('top-box'), ...Target, ...Scope }).strict(),
  /** Where the compared segments differ most (top-2 share or option share), with the test. */
  z.object({ rule: z.literal('largest-difference'), ...Target }).strict(),
]);
export type KeyFindingRule = z.infer<typeof KeyFindingRuleSchema>;
export const KEY_FINDING_RULES = KeyFindingRuleSchema.options.map((o) => o.shape.rule.value);
/** A rule resolved for one survey: it names its question. */
export type ResolvedKeyFindingRule = KeyFindingRule & { question: string };

const SectionSchema = z
  .object({
    id: Name,
    title: LocalizedTextSchema,
    intro: LocalizedTextSchema.optional(),
    /** Named questions, in this order (a survey-specific profile). */
    questions: z.array(Name).min(1).optional(),
    /** Or a rule: the questions it matches, in survey order, not taken by an earlier section. */
    match: MatchSchema.optional(),
  })
  .strict();

export const ProfileSchema = z
  .object({
    audience: z.string().regex(/^[a-z][a-z0-9_]*$/, 'audience: Kleinbuchstaben, Ziffern und _, z. B. works_council'),
    title: LocalizedTextSchema,
    intro: LocalizedTextSchema,
    segments: z
      .object({
        /** Segments whose answers the report rests on. */
        include: z.array(Name).min(1),
        /** The audience's own segments, whose answers key findings read by default; default: the
         *  audience itself where it is a segment in `include`, else all of `include`. */
        own: z.array(Name).min(1).optional(),
        /** Segments compared with each other (a subset of `include`); empty: no comparison. */
        compare: z.array(Name).default([]),
        /** How segments are named in the report. */
        labels: z.record(z.string(), LocalizedTextSchema).default({}),
      })
      .strict(),
    sections: z.array(SectionSchema).min(1),
    glossary: z.array(z.object({ term: LocalizedTextSchema, definition: LocalizedTextSchema }).strict()).default([]),
    keyFindings: z.array(KeyFindingRuleSchema).default([]),
    /**
     * What a share-key reader of this report may use: the filters by `segment` and by link
     * `label`. Only with `label` do they see link labels (a partner's name, say) at all: as the
     * filter's choices. Researchers keep every filter. Default: segment only.
     */
    shared: z.object({ filters: z.array(z.enum(SHARED_FILTERS)).default(['segment']) }).strict().default({ filters: ['segment'] }),
  })
  .strict();
export type Profile = z.infer<typeof ProfileSchema>;

/** A profile that cannot be used; the message names the file, field or question. */
export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** An audience for which no profile exists; `known` lists those that do. */
export class UnknownAudienceError extends Error {
  override name = 'UnknownAudienceError';
  constructor(
    readonly audience: string,
    readonly known: string[],
  ) {
    super(`Die Zielgruppe "${audience}" gibt es nicht; bekannt sind: ${known.join(', ')} (unknown audience)`);
  }
}

/** Parses a profile; unknown rule names and malformed fields fail with their place. */
export function parseProfile(input: unknown, source = 'Profil'): Profile {
  const rules = (input as { keyFindings?: unknown })?.keyFindings;
  if (Array.isArray(rules)) {
    rules.forEach((r, i) => {
      const name = (r as { rule?: unknown })?.rule;
      if (!KEY_FINDING_RULES.includes(name as never)) {
        throw new ProfileError(`${source}: keyFindings[${i}] nennt die unbekannte Regel "${String(name)}"; bekannt sind: ${KEY_FINDING_RULES.join(', ')}`);
      }
    });
  }
  const parsed = ProfileSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(Wurzel)'}: ${i.message}`).join('; ');
    throw new ProfileError(`${source} ist ungültig: ${issues}`);
  }
  const p = parsed.data;
  const stray = p.segments.compare.filter((s) => !p.segments.include.includes(s));
  if (stray.length > 0) throw new ProfileError(`${source}: segments.compare nennt ${stray.join(', ')}, das nicht in segments.include steht`);
  const strayOwn = (p.segments.own ?? []).filter((s) => !p.segments.include.includes(s));
  if (strayOwn.length > 0) throw new ProfileError(`${source}: segments.own nennt ${strayOwn.join(', ')}, das nicht in segments.include steht`);
  const ids = p.sections.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ProfileError(`${source}: der Abschnitt "${dup}" kommt zweimal vor`);
  p.sections.forEach((s, i) => {
    if (!s.questions === !s.match) throw new ProfileError(`${source}: sections[${i}] ("${s.id}") braucht genau eins von "questions" (Fragen nennen) oder "match" (Regel)`);
  });
  p.keyFindings.forEach((r, i) => {
    if (!r.question === !r.role) throw new ProfileError(`${source}: keyFindings[${i}] braucht genau eins von "question" oder "role"`);
  });
  return p;
}

/** Every question name a profile relies on: its sections' and its key-findings rules'. */
export function profileQuestions(profile: Profile): string[] {
  return [
    ...new Set([
      ...profile.sections.flatMap((s) => [...(s.questions ?? []), ...(s.match?.questions ?? [])]),
      ...profile.keyFindings.flatMap((r) => (r.question ? [r.question] : [])),
    ]),
  ];
}

/** Rejects a profile that names a question the catalogue does not have, naming it. */
export function validateProfile(profile: Profile, catalogue: Catalogue): Profile {
  const known = new Set(catalogue.questions.map((q) => q.name));
  const unknown = profileQuestions(profile).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ProfileError(
      `Das Profil "${profile.audience}" nennt ${unknown.length === 1 ? 'die unbekannte Frage' : 'die unbekannten Fragen'} ${unknown.map((n) => `"${n}"`).join(', ')} (unknown question); die Umfrage hat: ${[...known].join(', ')}`,
    );
  }
  return profile;
}

/** How the three usual segments are named where a profile gives no label of its own. */
export const DEFAULT_SEGMENT_LABELS: Record<string, { de: string; en: string }> = {
  intermediary: { de: 'Intermediäre', en: 'Intermediaries' },
  sme: { de: 'KMU', en: 'SMEs' },
  works_council: { de: 'Betriebsräte', en: 'Works councils' },
};

/** The segments whose answers a profile's key findings read by default. */
export function ownSegments(profile: Profile): string[] {
  return profile.segments.own ?? (profile.segments.include.includes(profile.audience) ? [profile.audience] : profile.segments.include);
}

/** A profile made concrete for one survey: sections with question names, rules with their question. */
export interface ResolvedProfile extends Omit<Profile, 'sections' | 'keyFindings'> {
  sections: { id: string; title: Profile['sections'][number]['title']; intro?: Profile['sections'][number]['intro']; questions: string[] }[];
  keyFindings: ResolvedKeyFindingRule[];
}

/**
 * The sections and key-findings rules of `profile` for this survey. Rule sections take the
 * questions they match (in survey order, each question once); questions marked for this audience
 * that no section takes form a last section "Weitere Fragen"; empty sections are left out. A
 * rule by role reads the first shown question with that role that it can read; a rule that finds
 * none is left out. Named questions must exist (ProfileError otherwise).
 */
export function resolveProfile(profile: Profile, catalogue: Catalogue): ResolvedProfile {
  validateProfile(profile, catalogue);
  const infos = describeQuestions(catalogue);
  const { sections: picked, unplaced } = selectQuestions(profile.audience, profile.sections, infos);
  const sections: ResolvedProfile['sections'] = profile.sections
    .map(({ id, title, intro }) => ({ id, title, ...(intro ? { intro } : {}), questions: picked[id] }))
    .filter((s) => s.questions.length > 0);
  if (unplaced.length > 0) sections.push({ id: 'weitere', title: { de: 'Weitere Fragen', en: 'Further questions' }, questions: unplaced });
  const shown = new Set(sections.flatMap((s) => s.questions));
  const keyFindings = profile.keyFindings.flatMap((rule): ResolvedKeyFindingRule[] => {
    if (rule.question) return [{ ...rule, question: rule.question }];
    const fits = infos.filter((i) => shown.has(i.question.name) && i.role === rule.role && ruleFits(rule.rule, i));
    // a top-2 box reads best on a rating scale: prefer one over other ordinal questions
    const hit = rule.rule === 'top-box' ? (fits.find((i) => i.question.type === 'rating') ?? fits[0]) : fits[0];
    return hit ? [{ ...rule, question: hit.question.name }] : [];
  });
  return { ...profile, sections, keyFindings };
}

const DIR = new URL('./', import.meta.url);

/** The audiences with a profile file here, sorted. */
export function listAudiences(dir: URL = DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Loads and parses one audience's profile; throws UnknownAudienceError naming the known ones. */
export function loadProfile(audience: string, dir: URL = DIR): Profile {
  const known = listAudiences(dir);
  if (!known.includes(audience)) throw new UnknownAudienceError(audience, known);
  const file = new URL(`${audience}.json`, dir);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(`Das Profil ${audience}.json ist kein gültiges JSON: ${(err as Error).message}`);
  }
  const profile = parseProfile(json, `Profil ${audience}.json`);
  if (profile.audience !== audience) throw new ProfileError(`Profil ${audience}.json: audience ist "${profile.audience}", erwartet "${audience}"`);
  return profile;
}

/** All profiles, by audience. */
export function loadProfiles(dir: URL = DIR): Record<string, Profile> {
  return Object.fromEntries(listAudiences(dir).map((a) => [a, loadProfile(a, dir)]));
}
