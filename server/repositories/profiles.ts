// Per-survey audience profiles: a researcher's override of a built-in audience's profile for one
// survey (table survey_profiles). Every report of that survey and audience — the API, the report
// pages, `befund analyze` — uses the override instead of analysis/profiles/<audience>.json.
// Profiles are checked (analysis/profiles/check.ts) before they are stored; a stored one is
// parsed again on use, so a profile stored by an older version still fails loudly, not silently.
import { and, asc, eq } from 'drizzle-orm';
import { checkProfiles, type ProfileCheck } from '../../analysis/profiles/check.ts';
import { listAudiences, loadProfile, type Profile, parseProfile } from '../../analysis/profiles/index.ts';
import type { AudienceScope } from '../../analysis/report/published.ts';
import type { Db } from '../db/client.ts';
import { surveyProfiles } from '../db/schema.ts';
import { mergedCatalogue } from './aggregates.ts';
import { audit } from './audit.ts';

/** The survey's own profiles, by audience order. */
export async function listSurveyProfiles(db: Db, surveyId: number): Promise<Profile[]> {
  const rows = await db.select().from(surveyProfiles).where(eq(surveyProfiles.surveyId, surveyId)).orderBy(asc(surveyProfiles.audience));
  return rows.map((r) => parseProfile(r.profile, `Eigenes Profil ${r.audience} dieser Umfrage`));
}

/**
 * What every audience's report of this survey draws on and which filters it opens to share keys
 * (its own profile, else the built-in one): the published set that `buildReport` protects as a
 * whole. A profile that cannot be read is left out; it cannot produce a report either.
 */
export async function surveyAudiences(db: Db, surveyId: number): Promise<AudienceScope[]> {
  const rows = await db.select().from(surveyProfiles).where(eq(surveyProfiles.surveyId, surveyId));
  const own = new Map(rows.map((r) => [r.audience, r.profile]));
  const out: AudienceScope[] = [];
  for (const audience of listAudiences()) {
    try {
      const p = own.has(audience) ? parseProfile(own.get(audience), `Eigenes Profil ${audience} dieser Umfrage`) : loadProfile(audience);
      out.push({ include: [...new Set(p.segments.include)].sort(), compare: [...p.segments.compare], filters: [...p.shared.filters] });
    } catch {
      // reported where the profile is used
    }
  }
  return out;
}

/** The profile a report of this survey and audience uses: the survey's own, else the built-in one. */
export async function profileFor(db: Db, surveyId: number, audience: string): Promise<Profile> {
  const [row] = await db
    .select({ profile: surveyProfiles.profile })
    .from(surveyProfiles)
    .where(and(eq(surveyProfiles.surveyId, surveyId), eq(surveyProfiles.audience, audience)));
  return row ? parseProfile(row.profile, `Eigenes Profil ${audience} dieser Umfrage`) : loadProfile(audience);
}

/**
 * Replaces the survey's own profiles with `input` (`{ profiles: [...] }`; an empty list removes
 * them) if every profile is valid for this survey; otherwise stores nothing and returns the
 * mistakes. Audited with the audiences, never with the profiles' text.
 */
export async function replaceSurveyProfiles(db: Db, surveyId: number, input: unknown, actor: string): Promise<ProfileCheck> {
  const catalogue = await mergedCatalogue(db, surveyId);
  const checked = checkProfiles(input, catalogue, listAudiences());
  if (!checked.ok) return checked;
  await db.transaction(async (tx) => {
    await tx.delete(surveyProfiles).where(eq(surveyProfiles.surveyId, surveyId));
    if (checked.profiles.length > 0) await tx.insert(surveyProfiles).values(checked.profiles.map((p) => ({ surveyId, audience: p.audience, profile: p })));
    await audit(tx, actor, 'profiles.replace', `survey:${surveyId}`, { audiences: checked.profiles.map((p) => p.audience) });
  });
  return checked;
}
