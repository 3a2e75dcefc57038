CREATE TABLE "participants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"email" text NOT NULL,
	"name" text,
	"organisation" text,
	"segment" text NOT NULL,
	"label" text,
	"language" text DEFAULT 'de' NOT NULL,
	"token_hash" text NOT NULL,
	"opted_out" boolean DEFAULT false NOT NULL,
	"progress" text DEFAULT 'none' NOT NULL,
	"pending_key_hash" text,
	"invitation" text DEFAULT 'none' NOT NULL,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"reminder_sending" boolean DEFAULT false NOT NULL,
	"mail_attempts" integer DEFAULT 0 NOT NULL,
	"mail_not_before" timestamp with time zone,
	"last_mail_error" text,
	CONSTRAINT "participants_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "participation" (
	"id" uuid PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"participant_id" uuid NOT NULL,
	"completed_on" date NOT NULL
);
--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "panel" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation" ADD CONSTRAINT "participation_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation" ADD CONSTRAINT "participation_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "participants_survey_email_index" ON "participants" USING btree ("survey_id",lower("email"));--> statement-breakpoint
CREATE INDEX "participants_pending_key_hash_index" ON "participants" USING btree ("pending_key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "participation_participant_id_index" ON "participation" USING btree ("participant_id");--> statement-breakpoint
CREATE INDEX "participation_survey_id_index" ON "participation" USING btree ("survey_id");