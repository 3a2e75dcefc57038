CREATE TABLE "release_counts" (
	"survey_id" integer NOT NULL,
	"link_id" integer NOT NULL,
	"variable" text NOT NULL,
	"value" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "release_counts_survey_id_link_id_variable_value_pk" PRIMARY KEY("survey_id","link_id","variable","value")
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" serial PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"responses" integer NOT NULL,
	"text_mark" bigint NOT NULL,
	"erased" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "responses" ADD COLUMN "released" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "release_counts" ADD CONSTRAINT "release_counts_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_counts" ADD CONSTRAINT "release_counts_link_id_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "releases_survey_id_id_index" ON "releases" USING btree ("survey_id","id");--> statement-breakpoint
CREATE INDEX "responses_unreleased_index" ON "responses" USING btree ("survey_id") WHERE counted and not released;