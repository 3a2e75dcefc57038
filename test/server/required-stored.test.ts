// Catalogues stored before the catalogue recorded required questions (issue 12) lack the flag,
// and an unchanged definition is not imported again. Reports read which questions everyone had to
// answer from the stored definition, so the protection assumes n = base for them all the same.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { surveyVersions } from '../../server/db/schema.ts';
import { mergedCatalogue } from '../../server/repositories/aggregates.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedSurvey } from '../helpers/fixtures.ts';

const definition = {
  title: 'Pflichtfragen',
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'radiogroup', name: 'pflicht', isRequired: true, choices: ['a', 'b'] },
        { type: 'radiogroup', name: 'frei', choices: ['a', 'b'] },
        { type: 'rating', name: 'bedingt', isRequired: true, visibleIf: "{pflicht} = 'a'" },
      ],
    },
  ],
};

const requiredNames = (c: { questions: { name: string; required?: true }[] }) =>
  c.questions
    .filter((q) => q.required)
    .map((q) => q.name)
    .sort();

t.test(`a catalogue stored without the required flags reports them from its definition (${dbLabel})`, async (t) => {
  const { app, cleanup } = await buildTestApp();
  t.teardown(cleanup);
  const { surveyId } = await seedSurvey(app, 'alt-gespeichert', definition);
  t.same(requiredNames(await mergedCatalogue(app.db, surveyId)), ['pflicht'], 'as imported');

  // what an older Befund stored: the same catalogue without any `required`
  await app.db.execute(sql`
    update ${surveyVersions} set catalogue = jsonb_set(catalogue, '{questions}',
      (select jsonb_agg(q - 'required') from jsonb_array_elements(catalogue->'questions') q))
    where ${surveyVersions.surveyId} = ${surveyId}`);
  const [stored] = await app.db.select({ catalogue: surveyVersions.catalogue }).from(surveyVersions).where(sql`${surveyVersions.surveyId} = ${surveyId}`);
  t.same(requiredNames(stored.catalogue as { questions: { name: string }[] }), [], 'the stored catalogue has lost the flags');
  t.same(requiredNames(await mergedCatalogue(app.db, surveyId)), ['pflicht'], 'the report catalogue has them from the definition');

  // and a flag stored where the definition does not make the question required is not believed
  await app.db.execute(sql`
    update ${surveyVersions} set catalogue = jsonb_set(catalogue, '{questions}',
      (select jsonb_agg(q || '{"required": true}') from jsonb_array_elements(catalogue->'questions') q))
    where ${surveyVersions.surveyId} = ${surveyId}`);
  t.same(requiredNames(await mergedCatalogue(app.db, surveyId)), ['pflicht'], 'only what the definition says');
});
