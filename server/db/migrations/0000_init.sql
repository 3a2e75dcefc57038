CREATE TABLE "answer_counts" (
	"survey_id" integer NOT NULL,
	"link_id" integer NOT NULL,
	"variable" text NOT NULL,
	"value" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "answer_counts_survey_id_link_id_variable_value_pk" PRIMARY KEY("survey_id","link_id","variable","value")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "links" (
	"id" serial PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"token" text NOT NULL,
	"segment" text NOT NULL,
	"label" text,
	"opens_at" timestamp with time zone,
	"closes_at" timestamp with time zone,
	"max_responses" integer,
	"one_response_per_browser" boolean DEFAULT false NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "links_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "open_texts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"response_id" uuid NOT NULL,
	"survey_id" integer NOT NULL,
	"link_id" integer NOT NULL,
	"variable" text NOT NULL,
	"text" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_shares" (
	"id" serial PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"audience" text NOT NULL,
	"key_hash" text NOT NULL,
	"label" text,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_shares_keyHash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "responses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"survey_id" integer NOT NULL,
	"version_id" integer NOT NULL,
	"link_id" integer NOT NULL,
	"segment" text NOT NULL,
	"link_label" text,
	"status" text NOT NULL,
	"locale" text DEFAULT 'de' NOT NULL,
	"data" jsonb NOT NULL,
	"resume_key_hash" text NOT NULL,
	"created_on" date DEFAULT current_date NOT NULL,
	"updated_on" date DEFAULT current_date NOT NULL,
	"completed_on" date,
	CONSTRAINT "responses_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "survey_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"definition" jsonb NOT NULL,
	"catalogue" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"retention_days" integer,
	"anonymous" boolean DEFAULT true NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
ALTER TABLE "answer_counts" ADD CONSTRAINT "answer_counts_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_counts" ADD CONSTRAINT "answer_counts_link_id_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open_texts" ADD CONSTRAINT "open_texts_response_id_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."responses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_shares" ADD CONSTRAINT "report_shares_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_version_id_survey_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."survey_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_link_id_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_versions" ADD CONSTRAINT "survey_versions_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "links_survey_id_index" ON "links" USING btree ("survey_id");--> statement-breakpoint
CREATE INDEX "open_texts_survey_id_variable_index" ON "open_texts" USING btree ("survey_id","variable");--> statement-breakpoint
CREATE INDEX "responses_survey_id_status_index" ON "responses" USING btree ("survey_id","status");--> statement-breakpoint
CREATE INDEX "responses_link_id_index" ON "responses" USING btree ("link_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_versions_survey_id_version_index" ON "survey_versions" USING btree ("survey_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_versions_survey_id_content_hash_index" ON "survey_versions" USING btree ("survey_id","content_hash");