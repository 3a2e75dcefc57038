-- Erasure audit entries written before this version named the erased response next to the
-- entry's exact time. They now name the survey only, as new entries do.
UPDATE "audit_log"
SET "target" = 'survey:' || ("details"->>'surveyId'), "details" = '{}'::jsonb
WHERE "action" = 'response.erase' AND "target" LIKE 'response:%' AND "details" ? 'surveyId';--> statement-breakpoint
UPDATE "audit_log"
SET "target" = NULL
WHERE "action" = 'response.erase' AND "target" LIKE 'response:%';
