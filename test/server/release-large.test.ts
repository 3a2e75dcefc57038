// A release of a survey with hundreds of thousands of counted responses (issue 12 at scale): it
// marks every one of them as in the release. In one statement that took 38 s at 1,000,000
// responses on a busy machine, past PostgreSQL's statement timeout (DB_STATEMENT_TIMEOUT_MS,
// default 30 s), so `befund release publish`, the automatic release and a first share read failed
// on large surveys. Here the statement timeout is 2 s and 400,000 responses are waiting: the
// release must succeed and take in every one.
// PostgreSQL only: the embedded PGlite does not cancel statements on a timer.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import t from 'tap';
import { publishRelease } from '../../server/repositories/releases.ts';
import { buildTestApp } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const RESPONSES = 400_000;

t.test('a release of 400,000 counted responses stays inside a 2 s statement timeout', { skip: process.env.DATABASE_URL ? false : 'PostgreSQL only (PGlite has no statement timeout)' }, async (t) => {
  const { app, config, cleanup } = await buildTestApp({ DB_STATEMENT_TIMEOUT_MS: '2000' });
  t.teardown(cleanup);
  const seeded = await seedSurvey(app, 'gross');
  const link = await seedLink(app, seeded.surveyId);
  // stored straight into the table by a connection without the timeout: the fold has nothing
  // to do for them (counted), only the release's marking does
  const seeder = new pg.Client({ connectionString: config.databaseUrl });
  await seeder.connect();
  t.teardown(() => seeder.end());
  await seeder.query(
    `insert into responses (id, survey_id, version_id, link_id, segment, link_label, status, data, resume_key_hash, counted)
     select gen_random_uuid(), $1, $2, $3, 'sme', 'Test', 'complete', '{}'::jsonb, 'x', true from generate_series(1, $4::int)`,
    [seeded.surveyId, seeded.versionId, link.id, RESPONSES],
  );
  const timeout = (await app.db.execute(sql`show statement_timeout`)) as unknown as { rows: { statement_timeout: string }[] };
  t.equal(timeout.rows[0].statement_timeout, '2s', "the app's connections cancel statements after 2 s");

  const release = await publishRelease(app.db, seeded.surveyId, 'test', 'manual');
  t.ok(release.id > 0, 'the release is published');
  const { rows } = await seeder.query('select count(*) filter (where released)::int as released, count(*)::int as total from responses where survey_id = $1', [seeded.surveyId]);
  t.same(rows[0], { released: RESPONSES, total: RESPONSES }, 'every counted response is in the release');
});
