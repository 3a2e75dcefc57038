// Issue 11, "done when": three surveys that have no marks and share no question names with the
// demos each give three different, non-empty audience reports through every surface a user
// meets — `befund analyze` (a real child process on the same database), the report API and the
// server-rendered report pages — one of them with a survey's own profile uploaded through the
// API. Responses are generated from each survey's own catalogue
// (surveys/synthetic.ts, as `befund demo` does, with a lean per segment), validated and stored.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { dbLabel, freshPostgresDatabase } from '../helpers/app.ts';
import { runInProcess } from '../helpers/cli.ts';
import { researcherHeaders, seedFixtureStudy } from '../helpers/fixtures.ts';

const FIXTURES = ['survey-pflege-beruf', 'survey-kammer-mitglieder', 'survey-weiterbildung-betrieb'];
const AUDIENCES = ['intermediary', 'sme', 'works_council'];
const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const PER_SURVEY = 120;
/** A survey's own profile (uploaded through the API before the reports are read): every surface must use it. */
const OWN = { fixture: 'survey-weiterbildung-betrieb', audience: 'works_council' };
const ownProfile = {
  audience: 'works_council',
  title: { de: 'Weiterbildung aus Sicht der Arbeitnehmervertretung', en: 'Training from the employee representatives’ point of view' },
  intro: { de: 'Was Beschäftigte für ihre Weiterbildung brauchen.', en: 'What employees need for their training.' },
  segments: { include: ['works_council', 'sme'], compare: ['works_council', 'sme'] },
  sections: [
    { id: 'felder', title: { de: 'Dringende Felder', en: 'Urgent fields' }, questions: ['kompetenzfelder'] },
    { id: 'huerden', title: { de: 'Was Weiterbildung erschwert', en: 'What makes training hard' }, match: { roles: ['barrier'] } },
    { id: 'stimmen', title: { de: 'Anregungen', en: 'Suggestions' }, match: { roles: ['open suggestion'] } },
  ],
  keyFindings: [
    { rule: 'top-rated', question: 'kompetenzfelder', count: 2 },
    { rule: 'most-chosen', question: 'lernhuerden', count: 2 },
  ],
};

// One database for the test process and the `befund` child processes: a PGlite folder (opened by
// one process at a time) or a fresh PostgreSQL database.
const out = mkdtempSync(path.join(tmpdir(), 'befund-surfaces-'));
const pgdb = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
const dbEnv = pgdb ? { DATABASE_URL: pgdb.url } : { DATA_DIR: path.join(out, 'data'), DATABASE_URL: undefined };
t.teardown(async () => {
  await pgdb?.drop();
  rmSync(out, { recursive: true, force: true });
});

const openApp = async () => {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0', ...(pgdb ? { DATABASE_URL: pgdb.url } : { DATA_DIR: dbEnv.DATA_DIR as string }) }));
  await app.ready();
  return app;
};

type Question = { name: string; title: { de: string } };
type Report = { audience: string; sections: { id: string; title: { de: string }; questions: Question[] }[]; summary: { text: { de: string }; questions: string[] }[]; responses: { total: number } };
const api: Record<string, Record<string, Report>> = {};
const pages: Record<string, Record<string, string>> = {};
const questionNames: Record<string, string[]> = {};

// 1. import, links, generated responses, then the API and the pages — all in this process
{
  const app = await openApp();
  const headers = await researcherHeaders(app);
  const rnd = seededRandom(2011);
  for (const fixture of FIXTURES) {
    const { surveyId, version } = await seedFixtureStudy(app, fixture, PER_SURVEY, rnd, SEGMENTS);
    questionNames[fixture] = version.catalogue.questions.map((q: { name: string }) => q.name);
    if (fixture === OWN.fixture) {
      const put = await app.inject({ method: 'PUT', url: `/api/v1/surveys/${fixture}/profiles`, headers, payload: { profiles: [ownProfile] } });
      if (put.statusCode !== 200) throw new Error(`own profile refused: ${put.body}`);
    }
    api[fixture] = {};
    pages[fixture] = {};
    for (const audience of AUDIENCES) {
      const res = await app.inject({ url: `/api/v1/surveys/${fixture}/report?audience=${audience}`, headers });
      if (res.statusCode !== 200) throw new Error(`${fixture}/${audience}: report API ${res.statusCode} ${res.body}`);
      api[fixture][audience] = res.json();
      const share = await createShare(app.db, { surveyId, audience }, 'test');
      const page = await app.inject({ url: `/reports/${fixture}/${audience}?key=${share.key}` });
      if (page.statusCode !== 200) throw new Error(`${fixture}/${audience}: report page ${page.statusCode}`);
      pages[fixture][audience] = page.body;
    }
  }
  await app.close();
}

// 2. `befund analyze` through the command's own dispatch (in this process: analyze's real-process
// runs are in analyze.test.ts), on the same database, one survey after the other (the app above is
// closed first: a PGlite folder allows one user at a time)
const cli: Record<string, Record<string, Report>> = {};
for (const fixture of FIXTURES) {
  const res = await runInProcess(['analyze', '--survey', fixture, '--audience', 'all', '--format', 'json,html', '--out', path.join(out, fixture), '--json'], dbEnv);
  if (res.code !== 0) throw new Error(`befund analyze ${fixture}: ${res.stderr}`);
  cli[fixture] = Object.fromEntries(AUDIENCES.map((a) => [a, JSON.parse(readFileSync(path.join(out, fixture, a, 'report.json'), 'utf8'))]));
}

const shownOf = (r: Report) => r.sections.flatMap((s) => s.questions.map((q) => q.name));
const plainText = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

for (const fixture of FIXTURES) {
  t.test(`${fixture}: three different, non-empty reports through befund analyze, the report API and the report pages (${dbLabel})`, async (t) => {
    for (const audience of AUDIENCES) {
      const fromCli = cli[fixture][audience];
      const fromApi = api[fixture][audience];
      t.equal(fromCli.audience, audience);
      t.ok(fromCli.responses.total >= 2 * (PER_SURVEY / 3) - 1, `${audience}: rests on ${fromCli.responses.total} responses`);
      t.ok(fromCli.sections.length >= 3 && fromCli.sections.every((s) => s.questions.length > 0), `${audience}: ${fromCli.sections.length} sections, none empty`);
      t.ok(fromCli.summary.length >= 2, `${audience}: ${fromCli.summary.length} key findings`);
      t.ok(shownOf(fromCli).every((n) => questionNames[fixture].includes(n)), `${audience}: only questions of this survey`);
      t.same(fromApi, fromCli, `${audience}: the API gives the report that befund analyze wrote`);
      const html = plainText(readFileSync(path.join(out, fixture, audience, 'report.html'), 'utf8'));
      const page = plainText(pages[fixture][audience]);
      for (const [where, text] of [
        ['report.html', html],
        ['report page', page],
      ]) {
        for (const s of fromCli.sections) t.ok(text.includes(s.title.de), `${audience} ${where}: section "${s.title.de}"`);
        for (const k of fromCli.summary) t.ok(text.includes(k.text.de), `${audience} ${where}: key finding "${k.text.de.slice(0, 60)}…"`);
      }
    }
    if (fixture === OWN.fixture) {
      const r = cli[fixture][OWN.audience] as Report & { title: { de: string } };
      t.equal(r.title.de, ownProfile.title.de, "befund analyze, the API and the page use the survey's own profile");
      t.same(
        r.sections.map((s) => s.id),
        ['felder', 'huerden', 'stimmen'],
      );
      t.ok(pages[fixture][OWN.audience].includes(ownProfile.title.de), 'the report page too');
    }
    const shown = AUDIENCES.map((a) => shownOf(cli[fixture][a]).join(','));
    t.equal(new Set(shown).size, 3, 'the three audiences see three different sets of questions');
    const findings = AUDIENCES.map((a) => cli[fixture][a].summary.map((k) => k.text.de).join('\n'));
    t.equal(new Set(findings).size, 3, 'and read three different key-findings paragraphs');
    t.equal(new Set(AUDIENCES.map((a) => pages[fixture][a])).size, 3, 'three different report pages');
  });
}
