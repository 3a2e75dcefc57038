// Sessions of the researcher's workspace. The browser holds a random id (256 bits); the table
// holds its sha256, the token it was opened with, and an absolute expiry. A session is valid
// only while its token is unrevoked, so revoking a token ends its sessions at once.
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adminSessions, apiTokens, serverSecrets } from '../db/schema.ts';
import { randomToken, sha256 } from './links.ts';
import type { Role } from './tokens.ts';

/** Eight hours: a working day, after which the researcher logs in again. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface Session {
  /** sha256 of the cookie value: safe to use as a key (e.g. for CSRF binding) and in logs. */
  idHash: string;
  expiresAt: Date;
  actor: { id: number; role: Role; name: string };
}

export async function createSession(db: Db, tokenId: number, ttlMs = SESSION_TTL_MS): Promise<{ id: string; expiresAt: Date }> {
  const id = randomToken(32);
  const expiresAt = new Date(Date.now() + ttlMs);
  // Opportunistic clean-up keeps the table small without a scheduler.
  await db.delete(adminSessions).where(lte(adminSessions.expiresAt, new Date()));
  await db.insert(adminSessions).values({ idHash: sha256(id), tokenId, expiresAt });
  return { id, expiresAt };
}

/** The live session behind a cookie value, or undefined (unknown, expired, or its token revoked). */
export async function findSession(db: Db, id: string): Promise<Session | undefined> {
  if (!id || id.length > 100) return undefined;
  const [row] = await db
    .select({ idHash: adminSessions.idHash, expiresAt: adminSessions.expiresAt, id: apiTokens.id, role: apiTokens.role, name: apiTokens.name })
    .from(adminSessions)
    .innerJoin(apiTokens, eq(apiTokens.id, adminSessions.tokenId))
    .where(and(eq(adminSessions.idHash, sha256(id)), gt(adminSessions.expiresAt, new Date()), isNull(apiTokens.revokedAt)));
  if (!row) return undefined;
  return { idHash: row.idHash, expiresAt: row.expiresAt, actor: { id: row.id, role: row.role, name: row.name } };
}

export async function deleteSession(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(adminSessions).where(eq(adminSessions.idHash, sha256(id))).returning({ idHash: adminSessions.idHash });
  return rows.length > 0;
}

/**
 * A secret shared by every instance on this database, made by whichever asks first: the insert
 * of a fresh value does nothing when one exists (or is being made by another instance, which
 * it waits for), and all read the one value.
 */
export async function sharedSecret(db: Db, name: string): Promise<string> {
  await db.insert(serverSecrets).values({ name, value: randomToken(32) }).onConflictDoNothing();
  const [row] = await db.select({ value: serverSecrets.value }).from(serverSecrets).where(eq(serverSecrets.name, name));
  return row.value;
}
