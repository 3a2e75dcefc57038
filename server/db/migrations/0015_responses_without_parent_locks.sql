ALTER TABLE "responses" DROP CONSTRAINT "responses_survey_id_surveys_id_fk";
--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_version_id_survey_versions_id_fk";
--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_link_id_links_id_fk";
--> statement-breakpoint
-- What the dropped keys did on delete, now by triggers on the referenced tables (the app never
-- deletes from them; an operator may): a deleted survey or link takes its responses with it, and
-- a version that has responses cannot be deleted. Row triggers BEFORE DELETE run before the
-- cascades of the other tables' keys, so deleting a survey removes its responses first.
-- One function for both: TG_ARGV[0] names the responses column that refers to the deleted row.
CREATE FUNCTION "befund_delete_responses_of"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DELETE FROM "responses" WHERE %I = $1', TG_ARGV[0]) USING OLD."id";
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "surveys_delete_responses" BEFORE DELETE ON "surveys" FOR EACH ROW EXECUTE FUNCTION "befund_delete_responses_of"('survey_id');
--> statement-breakpoint
CREATE TRIGGER "links_delete_responses" BEFORE DELETE ON "links" FOR EACH ROW EXECUTE FUNCTION "befund_delete_responses_of"('link_id');
--> statement-breakpoint
CREATE FUNCTION "befund_keep_versions_with_responses"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "responses" WHERE "version_id" = OLD."id") THEN
    RAISE EXCEPTION 'Version % der Befragung % hat gespeicherte Antworten und wird nicht gelöscht (version % has stored responses)', OLD."version", OLD."survey_id", OLD."id"
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "survey_versions_keep_answered" BEFORE DELETE ON "survey_versions" FOR EACH ROW EXECUTE FUNCTION "befund_keep_versions_with_responses"();
