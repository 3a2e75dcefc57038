// Small pieces every researcher route uses.
import type { Db } from '../db/client.ts';
import { z } from 'zod';
import { httpError } from '../errors.ts';
import { findSurvey } from '../repositories/surveys.ts';

/** The survey named in the URL, or a 404 that names it. */
export async function surveyOr404(db: Db, slug: string) {
  const survey = await findSurvey(db, slug);
  if (!survey) throw httpError(404, `Die Umfrage "${slug}" gibt es nicht`);
  return survey;
}

/**
 * A row id in the URL (links, share links, tokens): a serial, so at most 2³¹ − 1. A larger
 * number is bad input (400 naming the field), not a database error.
 */
export const RowId = z.coerce.number().int().min(1).max(2_147_483_647);
