// Survey imports that run at the same time as each other and as answers being stored: a starting
// server and `befund demo` both import the definitions folder, and on PostgreSQL answers may be
// arriving meanwhile. Every import must finish, each new definition gets its own version number,
// and no answer is refused for it. (In CI a starting server once died of a deadlock between its
// import, which locked the survey row FOR UPDATE, and a transaction storing answers.)
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { importSurvey } from '../../server/repositories/surveys.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey, smallSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);

const retitled = (title: string) => ({ ...smallSurvey, title });

t.test(`concurrent imports of changed definitions get consecutive versions, none lost (${dbLabel})`, async (t) => {
  const slugs = ['gleichzeitig-a', 'gleichzeitig-b'];
  const results = await Promise.allSettled(slugs.flatMap((slug) => Array.from({ length: 6 }, (_, i) => importSurvey(app.db, { slug, definition: retitled(`${slug} Fassung ${i}`) }))));
  const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  t.same(failed, [], 'every import finished');
  for (const slug of slugs) {
    const versions = results
      .filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof importSurvey>>> => r.status === 'fulfilled' && r.value.slug === slug)
      .map((r) => r.value.version)
      .sort((a, b) => a - b);
    t.same(versions, [1, 2, 3, 4, 5, 6], `${slug}: six definitions became versions 1 to 6`);
  }
});

t.test(`imports while answers are stored: every import finishes and every answer gets 201 (${dbLabel})`, async (t) => {
  const survey = await seedSurvey(app, 'unter-last');
  const link = await seedLink(app, survey.surveyId);
  let answering = true;
  const statuses: number[] = [];
  let resent = 0;
  // A new version arriving while an answer is checked is answered 503 "send again" (by design);
  // such an answer is sent again with the same id, as the survey page does.
  const answer = async () => {
    while (answering) {
      const id = randomUUID();
      for (let attempt = 1; ; attempt++) {
        const res = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id, complete: true, data: { org: 'kammer', satisfaction: 4 } } });
        if (res.statusCode !== 503 || attempt === 5) {
          statuses.push(res.statusCode);
          break;
        }
        resent++;
      }
    }
  };
  const answerers = Array.from({ length: 8 }, answer);
  const imports: Promise<unknown>[] = [];
  // unchanged definitions (the folder a second process reads again) and one new title each round
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 3; i++) imports.push(importSurvey(app.db, { slug: 'unter-last', definition: smallSurvey }));
    imports.push(importSurvey(app.db, { slug: 'unter-last', definition: retitled(`Runde ${round}`) }));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const settled = await Promise.allSettled(imports);
  answering = false;
  await Promise.all(answerers);
  t.same(
    settled.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    [],
    `all ${imports.length} imports finished`,
  );
  t.ok(statuses.length > 0, `${statuses.length} answers were sent meanwhile (${resent} sent again after "changed")`);
  t.same([...new Set(statuses)], [201], 'every answer sent meanwhile got 201');
  const [{ n }] = ((await app.db.execute(sql`select count(*)::int as n from responses where survey_id = ${survey.surveyId}`)) as unknown as { rows: { n: number }[] }).rows;
  t.equal(n, statuses.length, 'and each is stored once');
});
