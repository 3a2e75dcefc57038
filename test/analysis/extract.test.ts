import t from 'tap';
import { countedValues, extractOpenTexts, extractValues, PERSONS_VARIABLE } from '../../analysis/extract.ts';
import type { Catalogue, CatalogueQuestion, Choice, Measure, Variable } from '../../surveys/types.ts';

const label = (de: string) => ({ de });
const choices = (...values: (string | number)[]): Choice[] => values.map((value) => ({ value, label: label(String(value)) }));
const variable = (key: string, question: string, measure: Measure): Variable => ({ key, question, measure, label: label(key) });
const question = (q: Partial<CatalogueQuestion> & Pick<CatalogueQuestion, 'name' | 'type'>, vars: [string, Measure][]): CatalogueQuestion => ({
  title: label(q.name),
  ordinal: false,
  hasOther: false,
  ...q,
  variables: vars.map(([key, measure]) => variable(key, q.name, measure)),
});

// A tiny catalogue with every variable kind, built by hand as buildCatalogue would.
const catalogue: Catalogue = {
  locales: ['de', 'en'],
  questions: [
    question({ name: 'org', type: 'radiogroup', choices: choices('chamber', 'union'), hasOther: true }, [
      ['org', 'nominal'],
      ['org.other', 'text'],
    ]),
    question({ name: 'often', type: 'rating', ordinal: true }, [['often', 'ordinal']]),
    question({ name: 'member', type: 'boolean' }, [['member', 'binary']]),
    question({ name: 'staff', type: 'text', inputType: 'number' }, [['staff', 'scale']]),
    question({ name: 'channels', type: 'checkbox', choices: choices('web', 'news', 'events'), hasOther: true }, [
      ['channels.web', 'binary'],
      ['channels.news', 'binary'],
      ['channels.events', 'binary'],
      ['channels.other', 'text'],
    ]),
    question({ name: 'formats', type: 'ranking', choices: choices('check', 'workshop', 'module') }, [
      ['formats.check', 'rank'],
      ['formats.workshop', 'rank'],
      ['formats.module', 'rank'],
    ]),
    question({ name: 'topics', type: 'matrix', ordinal: true, rows: choices('ki', 'lksg'), columns: choices(1, 2, 3) }, [
      ['topics.ki', 'ordinal'],
      ['topics.lksg', 'ordinal'],
    ]),
    question({ name: 'use', type: 'matrixdropdown', rows: choices('web'), columns: choices('freq', 'useful') }, [
      ['use.web.freq', 'ordinal'],
      ['use.web.useful', 'nominal'],
    ]),
    question({ name: 'contact', type: 'multipletext' }, [
      ['contact.age', 'scale'],
      ['contact.role', 'text'],
    ]),
    question({ name: 'ideas', type: 'comment' }, [['ideas', 'text']]),
  ],
};

t.test('every variable kind of a full response becomes its documented value', async (t) => {
  const data = {
    org: 'chamber',
    often: 4,
    member: false,
    staff: '12.50',
    channels: ['news', 'other'],
    'channels-Comment': 'Podcast',
    formats: ['workshop', 'check', 'module'],
    topics: { ki: 3, lksg: 1 },
    use: { web: { freq: 2, useful: 'yes' } },
    contact: { age: 41, role: 'Beraterin' },
    ideas: 'Mehr Praxisbeispiele',
    unknown: 'ignored',
  };
  t.same(extractValues(catalogue, data), [
    { variable: 'org', value: 'chamber' },
    { variable: 'often', value: '4' },
    { variable: 'member', value: 'false' },
    { variable: 'staff', value: '12.5' },
    { variable: 'channels.web', value: '0' },
    { variable: 'channels.news', value: '1' },
    { variable: 'channels.events', value: '0' },
    { variable: 'formats.workshop', value: '1' },
    { variable: 'formats.check', value: '2' },
    { variable: 'formats.module', value: '3' },
    { variable: 'topics.ki', value: '3' },
    { variable: 'topics.lksg', value: '1' },
    { variable: 'use.web.freq', value: '2' },
    { variable: 'use.web.useful', value: 'yes' },
    { variable: 'contact.age', value: '41' },
  ]);
  t.same(extractOpenTexts(catalogue, data), [
    { variable: 'channels.other', text: 'Podcast' },
    { variable: 'contact.role', text: 'Beraterin' },
    { variable: 'ideas', text: 'Mehr Praxisbeispiele' },
  ]);
});

t.test('unanswered questions give nothing, so no answer stays apart from "chose none"', async (t) => {
  t.same(extractValues(catalogue, { channels: [], ideas: '  ', staff: 'viele', topics: {} }), []);
  t.same(extractOpenTexts(catalogue, { channels: [], ideas: '  ' }), []);
});

t.test('"other" on a single choice counts as other and lists its comment', async (t) => {
  const data = { org: 'other', 'org-Comment': 'Hochschule' };
  t.same(extractValues(catalogue, data), [{ variable: 'org', value: 'other' }]);
  t.same(extractOpenTexts(catalogue, data), [{ variable: 'org.other', text: 'Hochschule' }]);
});

t.test('with storeOthersAsComment false the typed text stands in for "other"', async (t) => {
  t.same(extractValues(catalogue, { org: 'Stiftung' }), [{ variable: 'org', value: 'other' }]);
  t.same(extractOpenTexts(catalogue, { org: 'Stiftung', channels: ['web', 'Radio'] }), [
    { variable: 'org.other', text: 'Stiftung' },
    { variable: 'channels.other', text: 'Radio' },
  ]);
});

t.test('a partly ranked list gives ranks only to the ranked items', async (t) => {
  t.same(extractValues(catalogue, { formats: ['module'] }), [{ variable: 'formats.module', value: '1' }]);
});

t.test('a checkbox choice the catalogue does not declare is not counted', async (t) => {
  const plain: Catalogue = {
    locales: ['de'],
    questions: [question({ name: 'c', type: 'checkbox', choices: choices(1, 2) }, [['c.1', 'binary'], ['c.2', 'binary']])],
  };
  t.same(extractValues(plain, { c: [2, 3] }), [
    { variable: 'c.1', value: '0' },
    { variable: 'c.2', value: '1' },
  ]);
});

t.test('dynamic matrices and panels are pooled per row; a checkbox cell gives 1/0 per choice', async (t) => {
  const dynamic: Catalogue = {
    locales: ['de'],
    questions: [
      question({ name: 'staff', type: 'matrixdynamic' }, [['staff.role', 'nominal'], ['staff.hours', 'scale']]),
      question({ name: 'projects', type: 'paneldynamic' }, [['projects.title', 'text'], ['projects.year', 'scale']]),
      question({ name: 'tools', type: 'matrixdropdown' }, [['tools.web.used.a', 'binary'], ['tools.web.used.b', 'binary']]),
    ],
  };
  const data = {
    staff: [{ role: 'lead', hours: 40 }, { role: 'aide', hours: '19.5' }],
    projects: [{ title: 'Check KI', year: 2024 }],
    tools: { web: { used: ['b'] } },
  };
  t.same(extractValues(dynamic, data), [
    { variable: 'staff.role', value: 'lead' },
    { variable: 'staff.hours', value: '40' },
    { variable: 'staff.role', value: 'aide' },
    { variable: 'staff.hours', value: '19.5' },
    { variable: 'projects.year', value: '2024' },
    { variable: 'tools.web.used.a', value: '0' },
    { variable: 'tools.web.used.b', value: '1' },
  ]);
  t.same(extractOpenTexts(dynamic, data), [{ variable: 'projects.title', text: 'Check KI' }]);
});

t.test('what is counted of a dynamic matrix or panel is per person: a value once, a number every entry, _p the persons', async (t) => {
  const dynamic: Catalogue = {
    locales: ['de'],
    questions: [
      question({ name: 'staff', type: 'matrixdynamic' }, [['staff.role', 'nominal'], ['staff.hours', 'scale']]),
      question({ name: 'projects', type: 'paneldynamic' }, [['projects.title', 'text'], ['projects.year', 'scale']]),
    ],
  };
  const data = {
    staff: [{ role: 'lead', hours: 40 }, { role: 'lead', hours: 40 }, { role: 'aide' }, { role: 'lead', hours: 10 }],
    projects: [{ title: 'Check KI' }, { title: 'Zweites' }],
  };
  t.same(countedValues(dynamic, data), [
    { variable: 'staff.role', value: 'lead' },
    { variable: 'staff.hours', value: '40' },
    { variable: 'staff.hours', value: '40' },
    { variable: 'staff.role', value: 'aide' },
    { variable: 'staff.hours', value: '10' },
    { variable: PERSONS_VARIABLE, value: 'staff.role' },
    { variable: PERSONS_VARIABLE, value: 'staff.hours' },
  ]);
  // exports keep every entry
  t.equal(extractValues(dynamic, data).filter((v) => v.variable === 'staff.role').length, 4);
  t.equal(extractOpenTexts(dynamic, data).length, 2, 'each text is listed');
});

t.test('a catalogue built by buildCatalogue from SurveyJS JSON is read the same way', async (t) => {
  const { buildCatalogue } = await import('../../surveys/catalogue.ts');
  const built = buildCatalogue({
    pages: [
      {
        name: 'p',
        elements: [
          { type: 'checkbox', name: 'k', choices: ['web', 'news'], showOtherItem: true },
          { type: 'ranking', name: 'r', choices: ['a', 'b'] },
          { type: 'rating', name: 's' },
        ],
      },
    ],
  });
  const data = { k: ['news', 'other'], 'k-Comment': 'Radio', r: ['b', 'a'], s: 4 };
  t.same(extractValues(built, data), [
    { variable: 'k.web', value: '0' },
    { variable: 'k.news', value: '1' },
    { variable: 'k.other.chosen', value: '1' },
    { variable: 'r.b', value: '1' },
    { variable: 'r.a', value: '2' },
    { variable: 's', value: '4' },
  ]);
  t.same(extractOpenTexts(built, data), [{ variable: 'k.other', text: 'Radio' }]);
  t.same(
    extractValues(built, { k: ['web'] }).filter((v) => v.variable.startsWith('k.')),
    [
      { variable: 'k.web', value: '1' },
      { variable: 'k.news', value: '0' },
      { variable: 'k.other.chosen', value: '0' },
    ],
    '"other" not chosen is a 0 of its own',
  );
});

t.test('the checkbox "other" is a 0/1 variable labelled in each language; rating anchors label the end values', async (t) => {
  const { buildCatalogue } = await import('../../surveys/catalogue.ts');
  const built = buildCatalogue({
    elements: [
      { type: 'checkbox', name: 'k', title: { de: 'Kanäle', en: 'Channels' }, choices: ['web'], showOtherItem: true },
      { type: 'radiogroup', name: 'g', title: 'Gruppe', choices: ['x'], showOtherItem: true, showNoneItem: true },
      { type: 'rating', name: 'z', minRateDescription: { de: 'sehr unzufrieden', en: 'very dissatisfied' }, maxRateDescription: { de: 'sehr zufrieden', en: 'very satisfied' } },
      { type: 'rating', name: 'own', rateValues: [{ value: 1, text: 'schlecht' }, 2, 3], minRateDescription: 'kaum' },
    ],
  });
  const k = built.questions[0];
  const chosen = k.variables.find((v) => v.key === 'k.other.chosen');
  t.equal(chosen?.measure, 'binary');
  t.same(chosen?.label, { de: 'Kanäle: Sonstiges', en: 'Channels: Other' });
  t.same(k.variables.find((v) => v.key === 'k.other')?.label, { de: 'Kanäle: Sonstiges', en: 'Channels: Other' }, 'the text column is named the same way');
  const g = built.questions[1];
  t.same(g.choices?.find((c) => c.value === 'other')?.label, { de: 'Sonstiges', en: 'Other' }, 'German-only survey: "Other" in English files');
  t.same(g.choices?.find((c) => c.value === 'none')?.label.de, 'Nichts trifft zu', 'survey-core’s German word, not "none"');
  const z = built.questions[2].variables[0].values?.map((c) => c.label);
  t.same(z?.[0], { de: 'sehr unzufrieden', en: 'very dissatisfied' });
  t.same(z?.[2], { de: '3', en: '3' });
  t.same(z?.[4], { de: 'sehr zufrieden', en: 'very satisfied' });
  t.same(built.questions[3].variables[0].values?.[0].label.de, 'schlecht', 'a rate value’s own text wins over the anchor');
});

t.test('a question a condition can hide records which questions the condition reads (shownIf)', async (t) => {
  const { buildCatalogue } = await import('../../surveys/catalogue.ts');
  const built = buildCatalogue({
    pages: [
      { name: 'p1', elements: [{ type: 'radiogroup', name: 'pflege', choices: ['ja', 'nein'] }, { type: 'rating', name: 'note', visibleIf: "{pflege} = 'ja'" }] },
      { name: 'p2', visibleIf: '{summe} > 2', elements: [{ type: 'panel', name: 'pan', visibleIf: "{kanal.web} = 1", elements: [{ type: 'text', name: 'x' }] }] },
      { name: 'p3', elements: [{ type: 'matrix', name: 'kanal', columns: [1, 2], rows: ['web'] }] },
    ],
  });
  const q = (name: string) => built.questions.find((x) => x.name === name);
  t.equal(q('pflege')?.shownIf, undefined, 'an unconditional question: always asked');
  t.same(q('note')?.shownIf?.map((v) => v.key), ['pflege']);
  t.same(q('x')?.shownIf?.map((v) => v.key).sort(), ['?summe', 'kanal.web'], 'its panel and page conditions, a name that is no question marked with ?');
});
