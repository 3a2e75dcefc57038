DROP INDEX "open_texts_survey_id_variable_index";--> statement-breakpoint
CREATE INDEX "open_texts_survey_id_variable_id_index" ON "open_texts" USING btree ("survey_id","variable","id");