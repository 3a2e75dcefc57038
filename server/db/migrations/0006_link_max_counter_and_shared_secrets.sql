CREATE TABLE "server_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "completed_count" integer;--> statement-breakpoint
-- Backfill: a link with a maximum starts from its complete responses so far.
UPDATE "links" SET "completed_count" = (SELECT count(*) FROM "responses" r WHERE r."link_id" = "links"."id" AND r."status" = 'complete') WHERE "max_responses" IS NOT NULL;
