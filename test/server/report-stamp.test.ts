// The report cache's stamp is one row (surveys.data_version, raised by a trigger whenever the
// survey's counts change) instead of a count over all responses; the cached report still shows
// a new answer at once, and an erasure at once.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { links, surveys } from '../../server/db/schema.ts';
import { eraseResponse } from '../../server/repositories/responses.ts';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { prepareStudy } from '../../server/startup.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { buildTestApp } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2' });
t.teardown(cleanup);
const headers = await researcherHeaders(app);
await prepareStudy(app);
const survey = await findSurvey(app.db, 'om-partner-befragung');
const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
const [link] = (await app.db.select().from(links).where(eq(links.surveyId, survey.id))).filter((l) => l.segment === 'sme');
const model = syntheticModel(version.definition);
const rnd = seededRandom(5);
const answer = () => {
  for (;;) {
    const verdict = version.validator.validate(syntheticResponse(model, rnd, { lean: 0 }), { complete: true, locale: 'de' });
    if (verdict.ok) return verdict.data;
  }
};
const submit = (complete = true) => app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id: randomUUID(), complete, data: answer() } });
const total = async () => {
  const res = await app.inject({ url: '/reports/om-partner-befragung/sme/data.json', headers });
  t.equal(res.statusCode, 200);
  return res.json().report.responses.total as number;
};
const dataVersion = async () => Number((await app.db.select({ v: surveys.dataVersion }).from(surveys).where(eq(surveys.id, survey.id)))[0].v);

for (let i = 0; i < 12; i++) await submit();

t.test('a new answer and an erasure show at once in a cached report', async (t) => {
  const before = await total();
  t.equal(before, 12);
  t.equal(await total(), 12, 'read again (from the cache)');
  const stamp = await dataVersion();

  const added = await submit();
  t.equal(await total(), 13, 'a new complete answer shows on the next read (folded first)');
  t.ok((await dataVersion()) > stamp, 'folding it raised data_version');

  const afterAdd = await dataVersion();
  await submit(false);
  t.equal(await total(), 13, 'a partial save changes nothing');
  t.equal(await dataVersion(), afterAdd, 'and leaves data_version alone');

  t.ok(await eraseResponse(app.db, added.json().id, 'test'));
  t.ok((await dataVersion()) > afterAdd, 'an erasure raises data_version in its own transaction');
  t.equal(await total(), 12, 'and shows at once');
});

