CREATE TABLE "survey_profiles" (
	"survey_id" integer NOT NULL,
	"audience" text NOT NULL,
	"profile" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_profiles_survey_id_audience_pk" PRIMARY KEY("survey_id","audience")
);
--> statement-breakpoint
ALTER TABLE "survey_profiles" ADD CONSTRAINT "survey_profiles_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;