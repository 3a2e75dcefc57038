// A list of 50,000 participants (issue 14, "bad input"): the file `befund participants import`
// reads is checked and stored in batches of 1,000, every row arrives, and the CLI's progress bar
// (on a terminal) counts up to 50.000/50.000 at 100 %. Built from the same pieces the command
// wires together (readList, importParticipants, progress), with a stand-in terminal.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { readList } from '../../server/commands/participants.ts';
import { progress } from '../../server/commands/progress.ts';
import { importParticipants, knownSegments } from '../../server/repositories/participants.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedSurvey } from '../helpers/fixtures.ts';

const N = 50_000;
const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app, 'gross');

t.test(`a list of 50,000 rows is imported in full, with the progress bar up to 100 % (${dbLabel})`, async (t) => {
  const segments = ['intermediary', 'sme', 'works_council'];
  const lines = ['E-Mail;Name;Organisation;Segment;Label;Sprache'];
  for (let i = 1; i <= N; i++) lines.push(`kontakt${i}@partner${i % 997}.example.org;Person ${i};Partner ${i % 997};${segments[i % 3]};${i % 2 ? 'Nord' : ''};${i % 5 ? 'de' : 'en'}`);
  const file = Buffer.from(`${lines.join('\r\n')}\r\n`);
  const list = await readList(file, await knownSegments(app.db, survey.surveyId));
  t.same([list.rows.length, list.errors.length, list.duplicates.length], [N, 0, 0]);
  const written: string[] = [];
  const bar = progress(list.rows.length, false, { isTTY: true, write: (s: string) => written.push(s) });
  const batches: number[] = [];
  const result = await importParticipants(app.db, survey.surveyId, list.rows, 'test', (n) => {
    batches.push(n);
    bar.tick(n);
  });
  bar.done();
  t.same(result, { added: N, existing: 0 });
  t.equal(batches.length, N / 1000, 'stored in batches of 1,000');
  const [stored] = ((await app.db.execute(sql`select count(*)::int as n, count(distinct token_hash)::int as tokens, count(*) filter (where language = 'en')::int as en from participants where survey_id = ${survey.surveyId}`)) as unknown as { rows: { n: number; tokens: number; en: number }[] }).rows;
  t.same([Number(stored.n), Number(stored.tokens), Number(stored.en)], [N, N, N / 5], 'every row stored, each with its own token');
  t.ok(written.length > 1, 'the bar is drawn as the batches arrive');
  t.match(written.at(-2), /^\r\[#{30}\] 100 % \(50\.000\/50\.000\)/, 'the last line is a full bar');
  t.equal(written.at(-1), '\n');
  const again = await importParticipants(app.db, survey.surveyId, list.rows.slice(0, 10), 'test');
  t.same(again, { added: 0, existing: 10 }, 'the same people again are kept once');
});
