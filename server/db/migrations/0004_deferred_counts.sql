ALTER TABLE "responses" ADD COLUMN "counted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Until this migration, complete responses were counted in their own transaction.
UPDATE "responses" SET "counted" = true WHERE "status" = 'complete';--> statement-breakpoint
CREATE INDEX "responses_uncounted_index" ON "responses" USING btree ("seq") WHERE status = 'complete' and not counted;
