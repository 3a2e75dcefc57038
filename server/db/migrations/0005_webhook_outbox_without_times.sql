-- Delivered rows are purged: only pending and failed deliveries stay, without times.
DELETE FROM "webhook_deliveries" WHERE "delivered_at" IS NOT NULL;--> statement-breakpoint
DROP INDEX "webhook_deliveries_delivered_at_next_attempt_at_index";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP COLUMN "next_attempt_at";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP COLUMN "delivered_at";