// Report share links: a random key (192 bits, base64url) scoped to one survey and one audience,
// revocable and optionally expiring. Only the key's sha256 is stored; the key is shown once.
// The report page asks canViewReport() before it shows anything, and answers 404 otherwise.
import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { reportShares, surveys } from '../db/schema.ts';
import { audit } from './audit.ts';
import { randomToken, sha256 } from './links.ts';
import { type Role, roleAllows } from './tokens.ts';

export interface ShareInput {
  surveyId: number;
  audience: string;
  label?: string | null;
  expiresAt?: Date | null;
}

export type ShareState = 'active' | 'expired' | 'revoked';

export interface Share {
  id: number;
  surveyId: number;
  audience: string;
  label: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  state: ShareState;
}

export function shareState(share: { expiresAt: Date | null; revokedAt: Date | null }, now = new Date()): ShareState {
  if (share.revokedAt) return 'revoked';
  if (share.expiresAt && share.expiresAt <= now) return 'expired';
  return 'active';
}

/** The report page address a share key opens. */
export function shareUrl(publicUrl: string, slug: string, audience: string, key: string): string {
  return `${publicUrl}/reports/${encodeURIComponent(slug)}/${encodeURIComponent(audience)}?key=${encodeURIComponent(key)}`;
}

const columns = {
  id: reportShares.id,
  surveyId: reportShares.surveyId,
  audience: reportShares.audience,
  label: reportShares.label,
  expiresAt: reportShares.expiresAt,
  revokedAt: reportShares.revokedAt,
  createdAt: reportShares.createdAt,
};

/** Creates a share; `key` is returned here only and never again. */
export async function createShare(db: Db, input: ShareInput, actor: string): Promise<Share & { key: string }> {
  const key = randomToken(24);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(reportShares)
      .values({ surveyId: input.surveyId, audience: input.audience, label: input.label ?? null, expiresAt: input.expiresAt ?? null, keyHash: sha256(key) })
      .returning(columns);
    await audit(tx, actor, 'share.create', `share:${created.id}`, {
      surveyId: input.surveyId,
      audience: input.audience,
      label: created.label,
      expiresAt: created.expiresAt?.toISOString() ?? null,
    });
    return created;
  });
  return { ...row, state: shareState(row), key };
}

export async function listShares(db: Db, surveyId: number): Promise<Share[]> {
  const rows = await db.select(columns).from(reportShares).where(eq(reportShares.surveyId, surveyId)).orderBy(asc(reportShares.id));
  const now = new Date();
  return rows.map((r) => ({ ...r, state: shareState(r, now) }));
}

/** Revokes a share of this survey; false when there is none (or it was revoked already). */
export async function revokeShare(db: Db, surveyId: number, shareId: number, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(reportShares)
      .set({ revokedAt: new Date() })
      .where(and(eq(reportShares.id, shareId), eq(reportShares.surveyId, surveyId), isNull(reportShares.revokedAt)))
      .returning({ id: reportShares.id });
    if (rows.length) await audit(tx, actor, 'share.revoke', `share:${shareId}`, { surveyId });
    return rows.length > 0;
  });
}

export interface ViewRequest {
  slug: string;
  audience: string;
  /** The `?key=` of a share link, if any. */
  key?: string | null;
  /** A logged-in researcher or admin (bearer token or workspace session), if any. */
  actor?: { role: Role } | null;
}

/**
 * Whether this request may see the report of `slug` for `audience`: a researcher (or admin)
 * always may; anyone else only with an unrevoked, unexpired key made for exactly that survey
 * and that audience. Callers answer 404 on false, so nobody learns whether a survey exists.
 */
export async function canViewReport(db: Db, req: ViewRequest): Promise<boolean> {
  if (req.actor && roleAllows(req.actor.role, 'researcher')) return true;
  const key = req.key;
  if (typeof key !== 'string' || key.length < 16 || key.length > 200) return false;
  const now = new Date();
  const [row] = await db
    .select({ id: reportShares.id })
    .from(reportShares)
    .innerJoin(surveys, eq(surveys.id, reportShares.surveyId))
    .where(
      and(
        eq(reportShares.keyHash, sha256(key)),
        eq(surveys.slug, req.slug),
        eq(reportShares.audience, req.audience),
        isNull(reportShares.revokedAt),
        or(isNull(reportShares.expiresAt), gt(reportShares.expiresAt, now)),
      ),
    );
  return row !== undefined;
}
