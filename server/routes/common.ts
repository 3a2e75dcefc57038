// Small pieces every researcher route uses.
import type { Db } from '../db/client.ts';
import { httpError } from '../errors.ts';
import { findSurvey } from '../repositories/surveys.ts';

/** The survey named in the URL, or a 404 that names it. */
export async function surveyOr404(db: Db, slug: string) {
  const survey = await findSurvey(db, slug);
  if (!survey) throw httpError(404, `Die Umfrage "${slug}" gibt es nicht`);
  return survey;
}
