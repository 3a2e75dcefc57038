ALTER TABLE "surveys" ADD COLUMN "counts_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Surveys stored before this migration counted dynamic-panel entries, not persons: the server
-- recounts them from their responses at start (server/repositories/recount.ts).
UPDATE "surveys" SET "counts_version" = 0;
