// Answers that were once stored although wrong, refused although right, or answered with a 500:
// each is sent through the real route, on a survey the demo never had (a dynamic panel with a
// required question inside, choices taken from another question, an exclusive "none").
import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import t from 'tap';
import { responses } from '../../server/db/schema.ts';
import { compileValidator } from '../../surveys/compile.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const definition = {
  title: { de: 'Fremde Studie', en: 'Unseen study' },
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'checkbox', name: 'kanaele', choices: ['web', 'newsletter', 'messe'], showNoneItem: true, isRequired: true },
        { type: 'radiogroup', name: 'wichtigster', choicesFromQuestion: 'kanaele', choicesFromQuestionMode: 'selected', visibleIf: '{kanaele} notempty' },
        { type: 'text', name: 'anzahl', inputType: 'number', min: 0, max: 100000 },
        { type: 'dropdown', name: 'lieblings', choices: ['web', 'newsletter', 'messe'], choicesVisibleIf: '{kanaele} contains {item}' },
      ],
    },
    {
      name: 'p2',
      elements: [
        {
          type: 'paneldynamic',
          name: 'beispiele',
          templateElements: [
            { type: 'text', name: 'titel', isRequired: true },
            { type: 'comment', name: 'notiz' },
          ],
        },
        { type: 'comment', name: 'anmerkung' },
      ],
    },
  ],
};

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app, 'fremd', definition);
const link = await seedLink(app, survey.surveyId, { segment: 'sme', label: 'Nord' });

const post = (data: unknown, complete = true, token = link.token) =>
  app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), complete, data } });
const rows = async () => (await app.db.select({ n: count() }).from(responses).where(eq(responses.linkId, link.id)))[0].n;

t.test('the survey needs survey-core (choicesFromQuestion), so the fallback path is the one tested', async (t) => {
  t.equal(compileValidator(definition), null);
});

t.test(`respondents interleaved: a panel filled by one never counts against the next (${dbLabel})`, async (t) => {
  for (let i = 0; i < 6; i++) {
    const withPanel = await post({ kanaele: ['web'], wichtigster: 'web', beispiele: [{ titel: `Beispiel ${i}` }, { titel: 'Zweites' }] });
    t.equal(withPanel.statusCode, 201, `respondent ${2 * i + 1} with two panels`);
    const without = await post({ kanaele: ['newsletter'], wichtigster: 'newsletter' });
    t.equal(without.statusCode, 201, `respondent ${2 * i + 2} without panels: ${without.body}`);
  }
  const emptyPanel = await post({ kanaele: ['web'], beispiele: [{ notiz: 'ohne Titel' }] });
  t.equal(emptyPanel.statusCode, 422, 'a panel without its required title is still refused');
  t.match(emptyPanel.json().errors[0], { question: 'beispiele', message: /titel/ });
});

const refused: [string, unknown, boolean, string][] = [
  ['a most important channel that was not chosen', { kanaele: ['web'], wichtigster: 'messe' }, true, 'wichtigster'],
  ['a favourite hidden by choicesVisibleIf', { kanaele: ['web'], lieblings: 'messe' }, true, 'lieblings'],
  ['"none" together with a channel', { kanaele: ['none', 'web'] }, true, 'kanaele'],
  ['a partial save with a negative number', { anzahl: -5 }, false, 'anzahl'],
  ['a partial save with 1e308', { anzahl: 1e308 }, false, 'anzahl'],
  ['a partial save with a choice outside the list', { kanaele: ['fax'] }, false, 'kanaele'],
  ['a partial save with a chosen channel missing', { kanaele: ['web'], wichtigster: 'newsletter' }, false, 'wichtigster'],
  ['a text with NUL', { kanaele: ['web'], anmerkung: 'a\u0000b' }, true, 'anmerkung'],
  ['a text with a lone surrogate', { kanaele: ['web'], anmerkung: 'a\ud800b' }, true, 'anmerkung'],
  ['a lone surrogate inside a panel', { kanaele: ['web'], beispiele: [{ titel: '\udfff' }] }, false, 'beispiele'],
];

for (const [what, data, complete, question] of refused) {
  t.test(`${what}: 422 naming "${question}", nothing stored`, async (t) => {
    const before = await rows();
    const res = await post(data, complete);
    t.equal(res.statusCode, 422, res.body);
    t.ok(res.json().errors.some((e: { question: string }) => e.question === question), JSON.stringify(res.json()));
    t.equal(await rows(), before);
  });
}

t.test('a value nested 10,000 levels deep: 422 naming the question, and the server stays up', async (t) => {
  // Written as text: JSON.stringify itself overflows at this depth, JSON.parse does not.
  const deep = `${'['.repeat(10_000)}"x"${']'.repeat(10_000)}`;
  const payload = `{"id":"${randomUUID()}","complete":true,"data":{"kanaele":["web"],"anmerkung":${deep}}}`;
  const res = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload, headers: { 'content-type': 'application/json' } });
  t.equal(res.statusCode, 422);
  t.equal(res.json().errors[0].question, 'anmerkung');
  t.match(res.json().errors[0].message, /verschachtelt/);
  t.equal((await app.inject('/healthz')).statusCode, 200);
});

t.test('"%00" and other characters outside a token: 404, not 500', async (t) => {
  for (const token of ['%00', 'abc%00def', '%F0%9F%98%80', 'a%20b']) {
    const api = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), data: {} } });
    t.equal(api.statusCode, 404, `POST ${token}`);
    t.equal((await app.inject(`/api/v1/links/${token}`)).statusCode, 404, `GET ${token}`);
    t.equal((await app.inject(`/s/${token}`)).statusCode, 404, `page ${token}`);
  }
});

t.test('the same answers as a partial save and complete: only "required" differs', async (t) => {
  const partial = await post({ anmerkung: 'nur eine Anmerkung' }, false);
  t.equal(partial.statusCode, 201, 'a partial save without the required channels');
  const complete = await post({ anmerkung: 'nur eine Anmerkung' }, true);
  t.equal(complete.statusCode, 422);
  t.equal(complete.json().errors[0].question, 'kanaele');
});

t.test('100,000 unknown keys: a short 422 naming the first of them, nothing stored', async (t) => {
  const before = await rows();
  const data = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 1]));
  const res = await post(data);
  t.equal(res.statusCode, 422);
  const errors = res.json().errors as { question: string; message: string }[];
  t.equal(errors[0].question, 'k0');
  t.ok(errors.length <= 51, `${errors.length} entries, not 100,000`);
  t.match(errors.at(-1)?.message, /nicht geprüft/);
  t.ok(res.body.length < 20_000, `${res.body.length} bytes`);
  t.equal(await rows(), before);
});

t.test('a malformed request gets a German sentence, not a parser message', async (t) => {
  const broken = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: '{"id": ', headers: { 'content-type': 'application/json' } });
  t.equal(broken.statusCode, 400);
  t.same(broken.json(), { message: 'Die Anfrage enthält kein gültiges JSON.' });
  const badId = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id: 'nicht-eine-uuid', data: {} } });
  t.equal(badId.statusCode, 400);
  t.equal(badId.json().errors[0].question, 'id');
  t.match(badId.json().errors[0].message, /Ungültig/);
});
