// Role inference: what a question is for, read from type, measurement, special items, position
// and title words — never from its name — and the rules profiles use to pick questions by role.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { describeQuestions, inferRole, matches, selectQuestions } from '../../surveys/roles.ts';
import type { CatalogueQuestion } from '../../surveys/types.ts';

const L = (de: string, en = de) => ({ de, en });
const survey = (elements: unknown[]) => ({ title: 'T', pages: [{ name: 'p', elements }] });
const roles = (json: unknown) => Object.fromEntries(describeQuestions(buildCatalogue(json)).map((i) => [i.question.name, i.role]));

t.test('each kind of question gets its role from its type and shape', async (t) => {
  const r = roles(
    survey([
      { type: 'radiogroup', name: 'a1', title: L('Welcher Gruppe gehören Sie an?', 'Which group do you belong to?'), choices: ['x', 'y', 'z'] },
      { type: 'dropdown', name: 'a2', title: L('Größe'), choices: ['klein', 'gross'] },
      { type: 'matrix', name: 'a3', title: L('Bewertung'), columns: [1, 2, 3], rows: ['r1', 'r2'] },
      { type: 'rating', name: 'a4', title: L('Wie zufrieden?') },
      { type: 'radiogroup', name: 'a5', title: L('Wie oft?'), choices: [0, 1, 2] },
      { type: 'checkbox', name: 'a6', title: L('Was nutzen Sie?'), choices: ['p', 'q'] },
      { type: 'checkbox', name: 'a7', title: L('Was nutzen Sie nicht?'), choices: ['p', 'q'], showNoneItem: true },
      { type: 'tagbox', name: 'a8', title: L('Was erschwert die Arbeit?'), choices: ['p', 'q'] },
      { type: 'checkbox', name: 'a9', title: L('Welche Angebote wünschen Sie sich?'), choices: ['p', 'q'] },
      { type: 'ranking', name: 'b1', title: L('Reihenfolge'), choices: ['p', 'q', 'r'] },
      { type: 'paneldynamic', name: 'b2', title: L('Beispiele'), templateElements: [{ type: 'text', name: 'x' }] },
      { type: 'text', name: 'b3', inputType: 'number', title: L('Anzahl') },
      { type: 'boolean', name: 'b4', title: L('Ja oder nein?') },
      { type: 'comment', name: 'b5', title: L('Sonst noch etwas?') },
    ]),
  );
  t.same(r, {
    a1: 'segment',
    a2: 'screening',
    a3: 'topic rating',
    a4: 'rating',
    a5: 'rating',
    a6: 'practice',
    a7: 'barrier',
    a8: 'barrier',
    a9: 'wish',
    b1: 'wish',
    b2: 'detail',
    b3: 'detail',
    b4: 'practice',
    b5: 'open suggestion',
  });
});

t.test('names carry no weight: renaming every question changes no role', async (t) => {
  const json = JSON.parse(readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8'));
  const before = Object.values(roles(json));
  const renamed = JSON.parse(JSON.stringify(json).replace(/"name":"(\w+)"/g, '"name":"zz_$1"').replace(/\{(\w+)\}/g, '{zz_$1}'));
  let i = 0;
  for (const page of renamed.pages) for (const el of page.elements) el.name = `q${i++}`;
  t.same(Object.values(roles(renamed)), before);
});

t.test('the demo survey is placed sensibly without any mark', async (t) => {
  const r = roles(JSON.parse(readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8')));
  t.equal(r.org_typ, 'segment');
  t.equal(r.relevanz, 'topic rating');
  t.equal(r.hemmnisse, 'barrier');
  t.equal(r.formate, 'wish');
  t.equal(r.anregungen, 'open suggestion');
  t.equal(r.zufriedenheit, 'rating');
});

t.test('only one question is inferred as the segment, and only early in the survey', async (t) => {
  const q = (name: string, title: string): CatalogueQuestion => ({
    name,
    type: 'radiogroup',
    title: L(title),
    ordinal: false,
    hasOther: false,
    choices: [{ value: 'a', label: L('A') }, { value: 'b', label: L('B') }],
    variables: [{ key: name, question: name, measure: 'nominal', label: L(title) }],
  });
  t.equal(inferRole(q('x', 'Ihre Rolle?'), { index: 0, count: 10 }), 'segment');
  t.equal(inferRole(q('x', 'Ihre Rolle?'), { index: 1, count: 10 }, true), 'screening', 'a second one is screening');
  t.equal(inferRole(q('x', 'Ihre Rolle?'), { index: 8, count: 10 }), 'practice', 'late in the survey it is content');
});

t.test('an author\'s mark wins over inference', async (t) => {
  const r = roles(survey([{ type: 'comment', name: 'c', title: L('Text'), befund: { role: 'wish' } }]));
  t.same(r, { c: 'wish' });
});

t.test('rules match on roles, types, tags, names and position; each question goes to the first section that takes it', async (t) => {
  const infos = describeQuestions(
    buildCatalogue(
      survey([
        { type: 'matrix', name: 'm', title: L('Belastung der Beschäftigten'), columns: [1, 2], rows: ['r'] },
        { type: 'rating', name: 'r1', title: L('Urteil') },
        { type: 'rating', name: 'r2', title: L('Urteil 2'), befund: { audiences: ['sme'] } },
        { type: 'comment', name: 'c', title: L('Anregungen') },
      ]),
    ),
  );
  const [m, r1] = infos;
  t.ok(matches({ roles: ['topic rating'], tags: ['employee'] }, m));
  t.notOk(matches({ types: ['rating'] }, m));
  t.ok(matches({ questions: ['r1'], position: { from: 0.25, to: 0.5 } }, r1));
  t.notOk(matches({ position: { from: 0.5, to: 1 } }, r1));
  const sections = [
    { id: 'a', match: { roles: ['rating' as const] } },
    { id: 'b', match: {} },
  ];
  t.same(selectQuestions('works_council', sections, infos), { sections: { a: ['r1'], b: ['m', 'c'] }, unplaced: [] }, 'r2 is only for sme');
  t.same(selectQuestions('sme', [{ id: 'x', match: { roles: ['open suggestion' as const] } }], infos), { sections: { x: ['c'] }, unplaced: ['r2'] }, 'a marked question no rule takes is unplaced');
  t.same(selectQuestions('sme', [{ id: 'x', questions: ['c', 'm'] }, { id: 'y', match: {} }], infos).sections, { x: ['c', 'm'], y: ['r1', 'r2'] }, 'named questions keep their order and are not repeated');
});
