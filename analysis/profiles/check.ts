// Checks a researcher's per-survey profiles (uploaded in the workspace or through the API) and
// says every mistake at once, one German sentence each, naming where it is:
//   "Profil sme, Regel 2: Frage »xyz« gibt es in dieser Umfrage nicht"
// The shape is checked by the same zod schema as the built-in profiles; then the names are
// checked against the survey's catalogue, which a built-in profile never needs.
import type { z } from 'zod';
import { ROLES } from '../../surveys/marks.ts';
import { describeQuestions, ruleFits } from '../../surveys/roles.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { KEY_FINDING_RULES, type Profile, ProfileSchema, resolveProfile } from './index.ts';

export interface ProfileMistake {
  /** Where, as a JSON path into the upload: `profiles.1.keyFindings.0.question`. */
  path: string;
  /** One German sentence naming the place and the fix. */
  message: string;
}

export type ProfileCheck = { ok: true; profiles: Profile[] } | { ok: false; mistakes: ProfileMistake[] };

type Path = readonly PropertyKey[];

/** "Profil sme, Abschnitt 2 (»themen«), Feld match.roles" for a path inside one profile. */
function place(raw: unknown, i: number, path: Path): string {
  const p = raw as { audience?: unknown; sections?: { id?: unknown }[] } | undefined;
  const name = typeof p?.audience === 'string' && p.audience ? p.audience : `Nr. ${i + 1}`;
  const parts = [`Profil ${name}`];
  let rest = [...path];
  if (rest[0] === 'sections' && typeof rest[1] === 'number') {
    const id = p?.sections?.[rest[1]]?.id;
    parts.push(`Abschnitt ${rest[1] + 1}${typeof id === 'string' ? ` (»${id}«)` : ''}`);
    rest = rest.slice(2);
  } else if (rest[0] === 'keyFindings' && typeof rest[1] === 'number') {
    parts.push(`Regel ${rest[1] + 1}`);
    rest = rest.slice(2);
  } else if (rest[0] === 'glossary' && typeof rest[1] === 'number') {
    parts.push(`Glossar-Eintrag ${rest[1] + 1}`);
    rest = rest.slice(2);
  }
  if (rest.length > 0) parts.push(`Feld ${rest.map(String).join('.')}`);
  return parts.join(', ');
}

/** A zod issue in words a researcher reads (zod's own message where no better one is known). */
function explain(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = String(issue.path[issue.path.length - 1] ?? '');
  switch (issue.code) {
    case 'invalid_union':
      if (issue.path[0] === 'keyFindings' && (field === 'rule' || issue.path.length === 2)) {
        const given = (issue.path.slice(0, 2).reduce((o: unknown, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], raw) as { rule?: unknown } | undefined)?.rule;
        return `unbekannte Regel${typeof given === 'string' ? ` »${given}«` : ''}; möglich sind ${KEY_FINDING_RULES.join(', ')}`;
      }
      return issue.message;
    case 'invalid_value':
      if (issue.path.includes('roles') || field === 'role') return `unbekannte Rolle; möglich sind ${ROLES.join(', ')}`;
      return `unzulässiger Wert; möglich sind ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unbekanntes Feld ${issue.keys.map((k) => `»${k}«`).join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? 'fehlt' : `hat den falschen Typ (erwartet: ${issue.expected})`;
    default:
      return issue.message;
  }
}

/** Checks `{ profiles: [...] }` against the survey's catalogue and the known audiences. */
export function checkProfiles(input: unknown, catalogue: Catalogue, audiences: readonly string[]): ProfileCheck {
  const mistakes: ProfileMistake[] = [];
  const add = (path: Path, message: string) => mistakes.push({ path: path.map(String).join('.'), message });
  const list = (input as { profiles?: unknown })?.profiles;
  if (!Array.isArray(list)) {
    add(['profiles'], 'Erwartet wird ein Objekt { "profiles": [ … ] } mit einer Liste von Profilen (leer: keine eigenen Profile)');
    return { ok: false, mistakes };
  }
  const known = new Set(catalogue.questions.map((q) => q.name));
  const infos = new Map(describeQuestions(catalogue).map((i) => [i.question.name, i]));
  const seen = new Set<string>();
  const profiles: Profile[] = [];
  list.forEach((raw, i) => {
    const at = (...path: PropertyKey[]) => ['profiles', i, ...path];
    const parsed = ProfileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) add(at(...issue.path), `${place(raw, i, issue.path)}: ${explain(issue, raw)}`);
      return;
    }
    const p = parsed.data;
    const before = mistakes.length;
    /** `where`: the place the sentence names, when it is shorter than the path (a rule, not its field). */
    const say = (path: Path, text: string, where: Path = path) => add(at(...path), `${place(raw, i, where)}: ${text}`);
    if (!audiences.includes(p.audience)) say(['audience'], `die Zielgruppe »${p.audience}« gibt es nicht; möglich sind ${audiences.join(', ')}`, []);
    if (seen.has(p.audience)) say(['audience'], `die Zielgruppe »${p.audience}« hat schon ein Profil in dieser Liste`, []);
    seen.add(p.audience);
    for (const [key, names] of [
      ['compare', p.segments.compare],
      ['own', p.segments.own ?? []],
    ] as const) {
      for (const s of names.filter((s) => !p.segments.include.includes(s))) say(['segments', key], `die Gruppe »${s}« steht nicht in segments.include`);
    }
    const ids = new Set<string>();
    p.sections.forEach((s, j) => {
      if (ids.has(s.id)) say(['sections', j, 'id'], `die Kennung »${s.id}« kommt zweimal vor`);
      ids.add(s.id);
      if (!s.questions === !s.match) say(['sections', j], 'braucht genau eins von »questions« (Fragen nennen) oder »match« (Regel)');
      for (const [k, name] of (s.questions ?? []).entries()) if (!known.has(name)) say(['sections', j, 'questions', k], `Frage »${name}« gibt es in dieser Umfrage nicht`, ['sections', j]);
      for (const [k, name] of (s.match?.questions ?? []).entries()) if (!known.has(name)) say(['sections', j, 'match', 'questions', k], `Frage »${name}« gibt es in dieser Umfrage nicht`, ['sections', j]);
    });
    for (const [j, r] of p.keyFindings.entries()) {
      const info = r.question ? infos.get(r.question) : undefined;
      if (!r.question === !r.role) say(['keyFindings', j], 'braucht genau eins von »question« (Frage nennen) oder »role« (Rolle)');
      else if (r.question && !info) say(['keyFindings', j, 'question'], `Frage »${r.question}« gibt es in dieser Umfrage nicht`, ['keyFindings', j]);
      else if (info && !ruleFits(r.rule, info))
        say(['keyFindings', j, 'question'], `Frage »${r.question}« (${info.question.type}) lässt sich mit der Regel »${r.rule}« nicht auswerten`, ['keyFindings', j]);
    }
    if (mistakes.length === before && resolveProfile(p, catalogue).sections.length === 0) {
      say(['sections'], 'findet in dieser Umfrage keine Frage, die der Bericht zeigen könnte');
    }
    if (mistakes.length === before) profiles.push(p);
  });
  return mistakes.length > 0 ? { ok: false, mistakes } : { ok: true, profiles };
}
