// API tokens: shown once, stored only as a sha256 hash, with a role.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiTokens } from '../db/schema.ts';
import { audit } from './audit.ts';
import { randomToken, sha256 } from './links.ts';

export type Role = 'admin' | 'researcher';

/** Admin can do everything a researcher can. */
export function roleAllows(have: Role, need: Role): boolean {
  return have === 'admin' || have === need;
}

export async function createToken(db: Db, role: Role, name: string, actor = 'cli'): Promise<{ id: number; token: string }> {
  // The prefix makes a leaked token recognisable in logs and secret scanners.
  const token = `bef_${randomToken(24)}`;
  // The change and its audit entry commit together or not at all (so for every change below).
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.insert(apiTokens).values({ name, role, tokenHash: sha256(token) }).returning({ id: apiTokens.id });
    await audit(tx, actor, 'token.create', `token:${row.id}`, { role, name });
    return row.id;
  });
  return { id, token };
}

/** The token's identity, or undefined for an unknown or revoked token. */
export async function verifyToken(db: Db, token: string): Promise<{ id: number; role: Role; name: string } | undefined> {
  // Looked up by hash: the secret itself is never compared byte by byte.
  const [row] = await db
    .select({ id: apiTokens.id, role: apiTokens.role, name: apiTokens.name })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt)));
  return row;
}

export async function listTokens(db: Db) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, createdAt: apiTokens.createdAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .orderBy(asc(apiTokens.id));
}

export async function revokeToken(db: Db, id: number, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id)).returning({ id: apiTokens.id });
    if (rows.length) await audit(tx, actor, 'token.revoke', `token:${id}`);
    return rows.length > 0;
  });
}
