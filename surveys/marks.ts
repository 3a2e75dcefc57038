// The `befund` custom property: authors mark a question with its role in the reports, the
// audiences whose reports show it and a plain-words short title per locale, e.g.
//   { "type": "matrix", "name": "q7", "befund": { "role": "topic rating", "audiences": ["sme"],
//     "short": { "de": "Themen", "en": "Topics" } } }
// Registered with survey-core's Serializer (type `object`), so `new Model(json)` accepts it and
// `toJSON()` keeps it. survey-core does not check the object's shape: `parseMark` does, and the
// linter names a malformed mark.
import { Serializer } from 'survey-core';
import { z } from 'zod';

/** What a question is for, as far as the audience reports are concerned. */
export const ROLES = [
  'segment', // says who answers (organisation type, function)
  'screening', // describes the respondent or their organisation (size, sector, tenure)
  'topic rating', // a grid of topics rated on one scale
  'rating', // one rating or ordinal judgement (satisfaction, frequency, agreement)
  'barrier', // what hinders or makes things hard
  'wish', // what they want or prefer (formats, support, priorities)
  'practice', // what they do or use today (channels, measures, yes/no practices)
  'open suggestion', // open text: suggestions, comments
  'detail', // methodical or fine-grained detail (numbers, repeated panels, free short text)
] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const MarkSchema = z
  .object({
    role: RoleSchema.optional(),
    audiences: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).optional(),
    short: z.object({ de: z.string().min(1), en: z.string().optional() }).catchall(z.string()).optional(),
  })
  .strict();
export type Mark = z.infer<typeof MarkSchema>;

if (!Serializer.findProperty('question', 'befund')) {
  Serializer.addProperty('question', { name: 'befund:object', visible: false, category: 'befund' });
}

/** The mark of a question, or an error message naming what is wrong with it. */
export function parseMark(value: unknown): { mark?: Mark; error?: string } {
  if (value === undefined || value === null) return {};
  const parsed = MarkSchema.safeParse(value);
  if (parsed.success) return { mark: parsed.data };
  return { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'befund'}: ${i.message}`).join('; ') };
}
