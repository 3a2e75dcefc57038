// The audit log: who did what, when — never the answers themselves.
import { desc } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

type Executor = Pick<Db, 'insert'>;

export async function audit(db: Executor, actor: string, action: string, target: string | null, details?: Record<string, unknown>) {
  await db.insert(auditLog).values({ actor, action, target, details: details ?? null });
}

export async function recentAudit(db: Db, limit = 100) {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
}
