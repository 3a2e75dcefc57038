CREATE TABLE "mail_rounds" (
	"id" serial PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"kind" text NOT NULL,
	"round" integer,
	"due_at" timestamp with time zone NOT NULL,
	"closes" timestamp with time zone,
	"state" text DEFAULT 'scheduled' NOT NULL,
	"lease_until" timestamp with time zone,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "mail_rounds" ADD CONSTRAINT "mail_rounds_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_rounds_state_due_at_index" ON "mail_rounds" USING btree ("state","due_at");--> statement-breakpoint
CREATE INDEX "mail_rounds_survey_id_index" ON "mail_rounds" USING btree ("survey_id");