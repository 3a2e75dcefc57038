// A report that takes longer to prepare than a reader should wait (issue 12 at scale: the first
// share read publishes the first release, and at 1,000,000 responses and 500 link labels that
// and the cold build took minutes, past the HTTP connection timeout, so the reader's connection
// was dropped). Past REPORT_WAIT_MS the reader gets 503 with Retry-After and a sentence; the work
// goes on, and a later read gets the report. Here the wait is 0 ms, so every first read is too
// slow; several first readers at once share one release.
import t from 'tap';
import { releases } from '../../server/db/schema.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedFixtureStudy } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp({ REPORT_WAIT_MS: '0' });
t.teardown(cleanup);
const study = await seedFixtureStudy(app, 'survey-kammer-mitglieder', 30, seededRandom(7));
const slug = 'survey-kammer-mitglieder';
const keys = {
  intermediary: (await createShare(app.db, { surveyId: study.surveyId, audience: 'intermediary' }, 'test')).key,
  sme: (await createShare(app.db, { surveyId: study.surveyId, audience: 'sme' }, 'test')).key,
};
const get = (url: string) => app.inject({ method: 'GET', url });

t.test(`a report still being prepared: 503 with Retry-After, then the report (${dbLabel})`, async (t) => {
  // the page, its data.json and another audience's data.json, all at once, before any release
  const first = await Promise.all([
    get(`/reports/${slug}/intermediary?key=${keys.intermediary}`),
    get(`/reports/${slug}/intermediary/data.json?key=${keys.intermediary}`),
    get(`/reports/${slug}/sme/data.json?key=${keys.sme}&lang=en`),
  ]);
  for (const r of first) {
    t.equal(r.statusCode, 503, 'a first read: 503 while it is prepared');
    t.equal(r.headers['retry-after'], '30', 'Retry-After says when to come back');
  }
  t.match(first[0].body, /Dieser Bericht wird gerade vorbereitet/, 'the page says so in German');
  t.match(first[1].json().message, /wird gerade vorbereitet.*in 30 Sekunden neu/, 'data.json too');
  t.match(first[2].json().message, /being prepared.*reload the page in 30 seconds/, 'in English with lang=en');

  // the work goes on without the readers: the report arrives
  const ready = async (url: string) => {
    for (let i = 0; i < 600; i++) {
      const r = await get(url);
      if (r.statusCode !== 503) return r;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url}: still 503 after 60 s`);
  };
  const data = await ready(`/reports/${slug}/intermediary/data.json?key=${keys.intermediary}`);
  t.equal(data.statusCode, 200, 'a later read gets the report');
  t.equal(data.json().report.responses.total, 30, 'with every response of the release');
  const sme = await ready(`/reports/${slug}/sme/data.json?key=${keys.sme}`);
  t.equal(sme.statusCode, 200, "the other audience's report too");
  const page = await ready(`/reports/${slug}/intermediary?key=${keys.intermediary}`);
  t.equal(page.statusCode, 200, 'and the page');
  t.notOk(page.headers['retry-after'], 'without Retry-After');
  const published = await app.db.select().from(releases);
  t.equal(published.length, 1, 'the readers who came at once made one release, not three');
});
