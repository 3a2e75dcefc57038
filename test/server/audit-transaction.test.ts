// Every change and its audit entry are written in one transaction: when the audit insert fails
// (here a trigger refuses it, as a full disk or a lost connection would), the change is rolled
// back too, so nothing changes without a trace. And with the audit working, each change leaves
// exactly its entry.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { apiTokens, auditLog, links, reportShares, responses, surveys, surveyVersions } from '../../server/db/schema.ts';
import { createLink, revokeLink } from '../../server/repositories/links.ts';
import { eraseResponse } from '../../server/repositories/responses.ts';
import { createShare, revokeShare } from '../../server/repositories/shares.ts';
import { importSurvey, updateSurveySettings } from '../../server/repositories/surveys.ts';
import { createToken, revokeToken } from '../../server/repositories/tokens.ts';
import { setWebhook } from '../../server/repositories/webhooks.ts';
import { buildTestApp } from '../helpers/app.ts';
import { seedLink, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const db = app.db;
const survey = await seedSurvey(app);
const link = await seedLink(app, survey.surveyId);
const token = await createToken(db, 'researcher', 'vorhanden', 'test');
const share = await createShare(db, { surveyId: survey.surveyId, audience: 'sme' }, 'test');
const submitted = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id: randomUUID(), complete: true, data: { org: 'kammer', satisfaction: 4 } } });
const responseId = submitted.json().id as string;

const count = async (table: typeof apiTokens | typeof links | typeof reportShares | typeof surveyVersions | typeof auditLog) =>
  Number(((await db.execute(sql`select count(*)::int as n from ${table}`)) as unknown as { rows: { n: number }[] }).rows[0].n);
const setTrap = (on: boolean) =>
  db.execute(
    on
      ? sql`create or replace trigger audit_trap before insert on audit_log for each row execute function audit_trap()`
      : sql`drop trigger if exists audit_trap on audit_log`,
  );
await db.execute(sql`create or replace function audit_trap() returns trigger language plpgsql as $$ begin raise exception 'audit log unavailable'; end $$`);

t.test('a failing audit insert rolls back the change it records', async (t) => {
  await setTrap(true);
  t.teardown(() => setTrap(false));
  const before = { tokens: await count(apiTokens), links: await count(links), shares: await count(reportShares), versions: await count(surveyVersions), audit: await count(auditLog) };

  await t.rejects(createToken(db, 'admin', 'neu', 'test'), 'token.create fails');
  t.equal(await count(apiTokens), before.tokens, 'no token without its audit entry');
  await t.rejects(revokeToken(db, token.id, 'test'));
  t.equal((await db.select().from(apiTokens).where(eq(apiTokens.id, token.id)))[0].revokedAt, null, 'the token is not revoked');

  await t.rejects(createLink(db, { surveyId: survey.surveyId, segment: 'sme', label: 'neu' }, 'test'));
  t.equal(await count(links), before.links, 'no link');
  await t.rejects(revokeLink(db, survey.surveyId, link.id, 'test'));
  t.equal((await db.select().from(links).where(eq(links.id, link.id)))[0].revokedAt, null, 'the link is not revoked');

  await t.rejects(createShare(db, { surveyId: survey.surveyId, audience: 'works_council' }, 'test'));
  t.equal(await count(reportShares), before.shares, 'no share');
  await t.rejects(revokeShare(db, survey.surveyId, share.id, 'test'));
  t.equal((await db.select().from(reportShares).where(eq(reportShares.id, share.id)))[0].revokedAt, null, 'the share is not revoked');

  await t.rejects(updateSurveySettings(db, survey.surveyId, { retentionDays: 30, archived: true }, 'test'));
  await t.rejects(setWebhook(db, survey.surveyId, 'https://example.org/hook', 'test'));
  const [s] = await db.select().from(surveys).where(eq(surveys.id, survey.surveyId));
  t.same([s.retentionDays, s.archivedAt, s.webhookUrl, s.webhookSecret], [null, null, null, null], 'settings and webhook unchanged');

  await t.rejects(importSurvey(db, { slug: 'klein', definition: { ...smallSurvey, title: 'Neue Fassung' } }, 'test'));
  t.equal(await count(surveyVersions), before.versions, 'no new version');

  await t.rejects(eraseResponse(db, responseId, 'test'));
  t.equal((await db.select().from(responses).where(eq(responses.id, responseId))).length, 1, 'the response is not erased');

  t.equal(await count(auditLog), before.audit, 'and no audit entry was written');
});

t.test('with the audit log working, each change leaves its entry', async (t) => {
  const entries = async () => (await db.select({ action: auditLog.action }).from(auditLog).orderBy(auditLog.id)).map((r) => r.action);
  const before = (await entries()).length;
  await createToken(db, 'admin', 'neu', 'test');
  await revokeToken(db, token.id, 'test');
  await createLink(db, { surveyId: survey.surveyId, segment: 'sme', label: 'neu' }, 'test');
  await revokeShare(db, survey.surveyId, share.id, 'test');
  await updateSurveySettings(db, survey.surveyId, { retentionDays: 30 }, 'test');
  await setWebhook(db, survey.surveyId, 'https://example.org/hook', 'test');
  t.same((await entries()).slice(before), ['token.create', 'token.revoke', 'link.create', 'share.revoke', 'survey.settings', 'survey.webhook']);
});
