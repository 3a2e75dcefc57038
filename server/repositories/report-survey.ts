// What a report says about its survey: the slug, the title in every language the newest version
// gives it (an English report shows the English title where the survey has one), and the version
// numbers the report pools. One function for the report API, the report pages and `befund analyze`.
import { asc, desc, eq } from 'drizzle-orm';
import type { LocalizedText } from '../../analysis/report/model.ts';
import type { Db } from '../db/client.ts';
import { surveyVersions } from '../db/schema.ts';

/** The definition's title per locale; `fallback` (the stored German title) where it has none. */
export function localizedTitle(definition: unknown, fallback: string): LocalizedText {
  const title = (definition as { title?: unknown } | null)?.title;
  if (!title || typeof title !== 'object') return { de: fallback };
  const t = title as Record<string, unknown>;
  return typeof t.en === 'string' && t.en.trim() ? { de: fallback, en: t.en } : { de: fallback };
}

export async function surveyForReport(db: Db, survey: { id: number; slug: string; title: string }): Promise<{ slug: string; title: LocalizedText; versions: number[] }> {
  const of = eq(surveyVersions.surveyId, survey.id);
  const [rows, [newest]] = await Promise.all([
    db.select({ version: surveyVersions.version }).from(surveyVersions).where(of).orderBy(asc(surveyVersions.version)),
    db.select({ definition: surveyVersions.definition }).from(surveyVersions).where(of).orderBy(desc(surveyVersions.version)).limit(1),
  ]);
  return { slug: survey.slug, title: localizedTitle(newest?.definition, survey.title), versions: rows.map((r) => r.version) };
}
