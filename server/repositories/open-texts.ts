// Approval of open texts for shared reports (issue 11). A share-key reader sees only the open
// texts a researcher approved (still under the report's small-group protection); researchers see
// all of them. Approval is one boolean per open_texts row (migration 0011): who approved or
// withdrew it, and when, is in the audit log against the survey, never beside a response id.
import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { links, openTexts, surveys } from '../db/schema.ts';
import { mergedCatalogue } from './aggregates.ts';
import { audit } from './audit.ts';
import { foldPending } from './counts.ts';

export interface OpenTextEntry {
  id: number;
  /** The question the text answers (its SurveyJS name) and the text variable. */
  question: string;
  variable: string;
  segment: string;
  linkLabel: string | null;
  text: string;
  approved: boolean;
}

export interface OpenTextPage {
  texts: OpenTextEntry[];
  /** The `after` of the next page, or null when this was the last one. */
  next: number | null;
  approved: number;
  total: number;
}

/**
 * The survey's open texts (non-empty, of counted complete responses) in arrival order, `limit`
 * at a time after the id `after`, with each one's approval; plus how many there are and how
 * many are approved. Uncounted responses are folded first, so a text is listed as soon as its
 * response is complete.
 */
export async function listOpenTexts(db: Db, surveyId: number, options: { after?: number; limit?: number; approved?: boolean } = {}): Promise<OpenTextPage> {
  await foldPending(db, { surveyId });
  const limit = options.limit ?? 200;
  const where = and(
    eq(openTexts.surveyId, surveyId),
    ne(openTexts.text, ''),
    ...(options.after ? [gt(openTexts.id, options.after)] : []),
    ...(options.approved === undefined ? [] : [eq(openTexts.approved, options.approved)]),
  );
  const [rows, [sums], catalogue] = await Promise.all([
    db
      .select({ id: openTexts.id, variable: openTexts.variable, segment: links.segment, linkLabel: links.label, text: openTexts.text, approved: openTexts.approved })
      .from(openTexts)
      .innerJoin(links, eq(links.id, openTexts.linkId))
      .where(where)
      .orderBy(asc(openTexts.id))
      .limit(limit + 1),
    db
      .select({ total: sql<number>`count(*)::int`, approved: sql<number>`count(*) filter (where ${openTexts.approved})::int` })
      .from(openTexts)
      .where(and(eq(openTexts.surveyId, surveyId), ne(openTexts.text, ''))),
    mergedCatalogue(db, surveyId),
  ]);
  const questionOf = new Map(catalogue.questions.flatMap((q) => q.variables.map((v) => [v.key, q.name] as const)));
  const page = rows.slice(0, limit).map((r) => ({ ...r, question: questionOf.get(r.variable) ?? r.variable }));
  return { texts: page, next: rows.length > limit ? page[page.length - 1].id : null, approved: Number(sums?.approved ?? 0), total: Number(sums?.total ?? 0) };
}

export type ApprovalResult = { found: false } | { found: true; changed: boolean; id: number; approved: boolean };

/**
 * Approves (or withdraws) one open text of this survey. A change is audited
 * (`open_text.approve` / `open_text.withdraw`, against the survey, with the text's id and
 * variable, never its words) and raises the survey's data_version, so cached shared reports are
 * rebuilt at once; setting the state it already has changes and audits nothing.
 */
export async function setOpenTextApproval(db: Db, surveyId: number, id: number, approved: boolean, actor: string): Promise<ApprovalResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: openTexts.id, variable: openTexts.variable, approved: openTexts.approved })
      .from(openTexts)
      .where(and(eq(openTexts.id, id), eq(openTexts.surveyId, surveyId), ne(openTexts.text, '')))
      .for('update');
    if (!row) return { found: false } as const;
    if (row.approved === approved) return { found: true, changed: false, id, approved } as const;
    await tx.update(openTexts).set({ approved }).where(eq(openTexts.id, id));
    await tx
      .update(surveys)
      .set({ dataVersion: sql`${surveys.dataVersion} + 1` })
      .where(eq(surveys.id, surveyId));
    await audit(tx, actor, approved ? 'open_text.approve' : 'open_text.withdraw', `survey:${surveyId}`, { openText: id, variable: row.variable });
    return { found: true, changed: true, id, approved } as const;
  });
}
