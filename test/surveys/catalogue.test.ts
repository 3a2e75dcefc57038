import { readFileSync } from 'node:fs';
import { Model } from 'survey-core';
import t from 'tap';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { CatalogueSchema } from '../../surveys/types.ts';

const demo = JSON.parse(readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8'));

t.test('both demo definitions build catalogues that match the schema', async (t) => {
  for (const f of ['om-partner-befragung', 'om-check-umweltschutz']) {
    const c = buildCatalogue(JSON.parse(readFileSync(`surveys/definitions/${f}.json`, 'utf8')));
    t.equal(CatalogueSchema.safeParse(c).success, true, f);
    t.same(c.locales, ['de', 'en']);
  }
});

t.test('the demo survey gives one variable per analysable column', async (t) => {
  const c = buildCatalogue(demo);
  const keys = (name: string) => c.questions.find((q) => q.name === name)?.variables.map((v) => `${v.key}:${v.measure}`);
  t.same(keys('org_typ'), ['org_typ:nominal', 'org_typ.other:text']);
  t.same(keys('nutzung'), ['nutzung:ordinal']);
  t.same(keys('reichweite'), ['reichweite:scale']);
  t.same(keys('kanaele')?.slice(0, 2), ['kanaele.web:binary', 'kanaele.newsletter:binary']);
  t.same(keys('kanaele')?.at(-1), 'kanaele.other:text');
  t.same(keys('relevanz')?.[1], 'relevanz.ki:ordinal');
  t.same(keys('formate')?.[0], 'formate.checks:rank');
  t.same(keys('beispiele'), ['beispiele.projekt:text', 'beispiele.beschreibung:text']);
});

t.test('titles and labels come in both locales', async (t) => {
  const q = buildCatalogue(demo).questions.find((q) => q.name === 'relevanz');
  t.same(q?.title, {
    de: 'Wie relevant sind die folgenden Themenfelder für Ihre Zielgruppen?',
    en: 'How relevant are the following topics for your target groups?',
  });
  t.same(
    q?.columns?.map((c) => c.value),
    [1, 2, 3, 4, 5],
  );
  t.same(q?.rows?.[3], {
    value: 'lksg',
    label: { de: 'Lieferkettensorgfaltspflicht (LkSG)', en: 'Supply-chain due diligence (LkSG)' },
  });
  t.equal(q?.ordinal, true);
});

t.test('matrix cells, dynamic rows, multiple text and booleans get their own keys', async (t) => {
  const c = buildCatalogue({
    title: 'T',
    elements: [
      {
        type: 'matrixdropdown',
        name: 'md',
        rows: ['r1'],
        columns: [{ name: 'n', cellType: 'text', inputType: 'number' }, { name: 'd' }],
        choices: ['a'],
      },
      { type: 'matrixdynamic', name: 'dy', columns: [{ name: 'c', cellType: 'rating' }] },
      { type: 'multipletext', name: 'mt', items: [{ name: 'alter', inputType: 'number' }, { name: 'ort' }] },
      { type: 'boolean', name: 'b' },
      { type: 'expression', name: 'x', expression: '1' },
      { type: 'file', name: 'f' },
      { type: 'html', name: 'h', html: 'x' },
    ],
  });
  t.same(
    c.questions.map((q) => [q.name, q.variables.map((v) => `${v.key}:${v.measure}`)]),
    [
      ['md', ['md.r1.n:scale', 'md.r1.d:nominal']],
      ['dy', ['dy.c:ordinal']],
      ['mt', ['mt.alter:scale', 'mt.ort:text']],
      ['b', ['b:nominal']],
      ['x', ['x:scale']],
      ['f', ['f:text']],
    ],
  );
  t.same(c.questions[3].choices, [
    { value: true, label: { de: 'ja', en: 'yes' } },
    { value: false, label: { de: 'nein', en: 'no' } },
  ]);
  t.same(c.questions[0].title, { de: 'md', en: 'md' }, 'the name stands in for a missing title');
});

t.test('the befund mark is a registered survey-core property: no JSON error, kept by toJSON, read into the catalogue', async (t) => {
  const mark = { role: 'barrier', audiences: ['sme', 'works_council'], short: { de: 'Hürden', en: 'Barriers' } };
  const json = { title: 'T', pages: [{ name: 'p', elements: [{ type: 'checkbox', name: 'h', choices: ['a', 'b'], befund: mark }, { type: 'text', name: 'plain' }] }] };
  const model = new Model(json);
  t.same(model.jsonErrors ?? [], [], 'survey-core knows the property');
  const again = model.toJSON();
  t.same(again.pages[0].elements[0].befund, mark, 'toJSON keeps the mark');
  t.same(new Model(again).toJSON(), again, 'a second round trip changes nothing');
  const c = buildCatalogue(json);
  t.same(c.questions[0].befund, mark);
  t.equal(c.questions[1].befund, undefined, 'an unmarked question has no mark');
  t.equal(CatalogueSchema.safeParse(c).success, true);
  t.equal(buildCatalogue({ elements: [{ type: 'text', name: 'x', befund: { role: 'chef' } }] }).questions[0].befund, undefined, 'a malformed mark is left out (the linter names it)');
});
