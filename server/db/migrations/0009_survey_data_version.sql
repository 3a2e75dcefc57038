ALTER TABLE "surveys" ADD COLUMN "data_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The report cache's stamp: every statement that changes a survey's answer_counts (the fold,
-- an erasure) raises that survey's data_version once, in the same transaction.
CREATE FUNCTION "bump_survey_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "surveys" SET "data_version" = "data_version" + 1 WHERE "id" IN (SELECT DISTINCT "survey_id" FROM "changed_counts");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "answer_counts_inserted" AFTER INSERT ON "answer_counts" REFERENCING NEW TABLE AS "changed_counts" FOR EACH STATEMENT EXECUTE FUNCTION "bump_survey_data_version"();--> statement-breakpoint
CREATE TRIGGER "answer_counts_updated" AFTER UPDATE ON "answer_counts" REFERENCING NEW TABLE AS "changed_counts" FOR EACH STATEMENT EXECUTE FUNCTION "bump_survey_data_version"();--> statement-breakpoint
CREATE TRIGGER "answer_counts_deleted" AFTER DELETE ON "answer_counts" REFERENCING OLD TABLE AS "changed_counts" FOR EACH STATEMENT EXECUTE FUNCTION "bump_survey_data_version"();
