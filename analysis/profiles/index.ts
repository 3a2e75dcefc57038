// Report profiles: one JSON file per audience in this folder. A profile is data, not code: it
// names the audience, title, intro, sections (question names in order), the segments the report
// draws on and compares, glossary entries and key-findings rules. A researcher adds an audience
// by adding a file; `validateProfile` checks it against the survey's catalogue.
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { type Catalogue, LocalizedTextSchema } from '../../surveys/types.ts';

const Name = z.string().min(1);

/** Key-findings rules, each computed from the data by `analysis/report/findings.ts`. */
export const KeyFindingRuleSchema = z.discriminatedUnion('rule', [
  /** The `count` matrix rows (or ordinal questions) with the highest top-2-box share. */
  z.object({ rule: z.literal('top-rated'), question: Name, count: z.number().int().min(1).default(3) }).strict(),
  /** The `count` options chosen most often (multiple or single choice). */
  z.object({ rule: z.literal('most-chosen'), question: Name, count: z.number().int().min(1).default(3) }).strict(),
  /** The ranking item with the best mean rank, and how many put it first. */
  z.object({ rule: z.literal('top-ranked'), question: Name }).strict(),
  /** The top-2-box share of an ordinal question. */
  z.object({ rule: z.literal('top-box'), question: Name }).strict(),
  /** Where the compared segments differ most (top-2 share or option share), with the test. */
  z.object({ rule: z.literal('largest-difference'), question: Name }).strict(),
]);
export type KeyFindingRule = z.infer<typeof KeyFindingRuleSchema>;
export const KEY_FINDING_RULES = KeyFindingRuleSchema.options.map((o) => o.shape.rule.value);

export const ProfileSchema = z
  .object({
    audience: z.string().regex(/^[a-z][a-z0-9_]*$/, 'audience: Kleinbuchstaben, Ziffern und _, z. B. works_council'),
    title: LocalizedTextSchema,
    intro: LocalizedTextSchema,
    segments: z
      .object({
        /** Segments whose answers the report rests on. */
        include: z.array(Name).min(1),
        /** Segments compared with each other (a subset of `include`); empty: no comparison. */
        compare: z.array(Name).default([]),
        /** How segments are named in the report. */
        labels: z.record(z.string(), LocalizedTextSchema).default({}),
      })
      .strict(),
    sections: z
      .array(z.object({ id: Name, title: LocalizedTextSchema, intro: LocalizedTextSchema.optional(), questions: z.array(Name).min(1) }).strict())
      .min(1),
    glossary: z.array(z.object({ term: LocalizedTextSchema, definition: LocalizedTextSchema }).strict()).default([]),
    keyFindings: z.array(KeyFindingRuleSchema).default([]),
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
  const ids = p.sections.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ProfileError(`${source}: der Abschnitt "${dup}" kommt zweimal vor`);
  return p;
}

/** Every question name a profile relies on: its sections' and its key-findings rules'. */
export function profileQuestions(profile: Profile): string[] {
  return [...new Set([...profile.sections.flatMap((s) => s.questions), ...profile.keyFindings.map((r) => r.question)])];
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
