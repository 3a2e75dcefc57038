import t from 'tap';
import { createValidator, type ValidationResult } from '../../surveys/validate.ts';

// One question per value-carrying type, each shown only when `show` is "ja".
type Case = {
  name: string;
  question: Record<string, unknown>;
  valid: unknown;
  invalid: unknown;
  complete?: boolean;
  error: string;
};
const cases: Case[] = [
  { name: 'text', question: { type: 'text' }, valid: 'Hallo', invalid: 42, error: 'Erwartet wird ein Text, nicht 42.' },
  {
    name: 'text_number',
    question: { type: 'text', inputType: 'number', min: 0, max: 10 },
    valid: 7,
    invalid: '7',
    error: 'Erwartet wird eine Zahl, nicht "7".',
  },
  {
    name: 'text_number_range',
    question: { type: 'text', inputType: 'number', min: 0, max: 10 },
    valid: 0,
    invalid: 11,
    complete: true,
    error: 'Der Wert sollte nicht größer als 10 sein',
  },
  {
    name: 'text_email',
    question: { type: 'text', inputType: 'email', validators: [{ type: 'email' }] },
    valid: 'a@b.de',
    invalid: 'kein-at',
    complete: true,
    error: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  },
  {
    name: 'text_date',
    question: { type: 'text', inputType: 'date' },
    valid: '2024-05-01',
    invalid: 20240501,
    error: 'Erwartet wird ein Text, nicht 20240501.',
  },
  {
    name: 'text_regex',
    question: { type: 'text', validators: [{ type: 'regex', regex: '^[0-9]{5}$', text: 'PLZ: fünf Ziffern' }] },
    valid: '52062',
    invalid: '5206',
    complete: true,
    error: 'PLZ: fünf Ziffern',
  },
  {
    name: 'comment',
    question: { type: 'comment', maxLength: 5 },
    valid: 'kurz',
    invalid: 'zu lang',
    error: 'Der Text ist länger als 5 Zeichen.',
  },
  {
    name: 'radiogroup',
    question: { type: 'radiogroup', choices: [1, 2, 3] },
    valid: 2,
    invalid: '2',
    error: 'Der Wert "2" ist keine der möglichen Antworten.',
  },
  {
    name: 'dropdown',
    question: { type: 'dropdown', choices: ['a', 'b'] },
    valid: 'b',
    invalid: 'c',
    error: 'Der Wert "c" ist keine der möglichen Antworten.',
  },
  {
    name: 'checkbox',
    question: { type: 'checkbox', choices: ['a', 'b'], showOtherItem: true },
    valid: ['a', 'other'],
    invalid: ['a', 'z'],
    error: 'Der Wert "z" ist keine der möglichen Antworten.',
  },
  {
    name: 'checkbox_min',
    question: { type: 'checkbox', choices: ['a', 'b', 'c'], minSelectedChoices: 2 },
    valid: ['a', 'c'],
    invalid: ['a'],
    complete: true,
    error: 'Bitte wählen Sie mindestens 2 Antwort(en) aus.',
  },
  {
    name: 'checkbox_max',
    question: { type: 'checkbox', choices: ['a', 'b', 'c'], maxSelectedChoices: 2 },
    valid: ['a', 'c'],
    invalid: ['a', 'b', 'c'],
    error: 'Höchstens 2 Antworten sind möglich.',
  },
  {
    name: 'tagbox',
    question: { type: 'tagbox', choices: ['a', 'b'] },
    valid: ['b'],
    invalid: 'b',
    error: 'Erwartet wird eine Liste, nicht "b".',
  },
  {
    name: 'boolean',
    question: { type: 'boolean' },
    valid: false,
    invalid: 'ja',
    error: 'Der Wert "ja" ist keine der möglichen Antworten.',
  },
  {
    name: 'rating',
    question: { type: 'rating', rateMax: 5 },
    valid: 5,
    invalid: 6,
    error: 'Der Wert 6 ist keine der möglichen Antworten.',
  },
  {
    name: 'ranking',
    question: { type: 'ranking', choices: ['a', 'b', 'c'] },
    valid: ['c', 'a', 'b'],
    invalid: ['c', 'x', 'b'],
    error: 'Der Wert "x" ist keine der möglichen Antworten.',
  },
  {
    name: 'matrix',
    question: { type: 'matrix', rows: ['r1', 'r2'], columns: [1, 2, 3] },
    valid: { r1: 3 },
    invalid: { r9: 1 },
    error: 'Unbekannte Zeile „r9“.',
  },
  {
    name: 'matrixdropdown',
    question: { type: 'matrixdropdown', rows: ['r1'], columns: [{ name: 'c1' }], choices: ['a', 'b'] },
    valid: { r1: { c1: 'a' } },
    invalid: { r1: { c1: 'z' } },
    error: 'r1: c1: Der Wert "z" ist keine der möglichen Antworten.',
  },
  {
    name: 'matrixdynamic',
    question: { type: 'matrixdynamic', rowCount: 0, columns: [{ name: 'anzahl', cellType: 'text', inputType: 'number' }] },
    valid: [{ anzahl: 2 }],
    invalid: [{ anzahl: 'zwei' }],
    error: '1: anzahl: Erwartet wird eine Zahl, nicht "zwei".',
  },
  {
    name: 'multipletext',
    question: { type: 'multipletext', items: [{ name: 'vorname' }, { name: 'alter', inputType: 'number' }] },
    valid: { vorname: 'Ada', alter: 36 },
    invalid: { vorname: 'Ada', spitzname: 'A' },
    error: 'Unbekannte Angabe „spitzname“.',
  },
  {
    name: 'paneldynamic',
    question: { type: 'paneldynamic', templateElements: [{ type: 'text', name: 'projekt', isRequired: true }] },
    valid: [{ projekt: 'WIN:A' }],
    invalid: [{ projekt: 5 }],
    error: '1: Erwartet wird ein Text, nicht 5.',
  },
  {
    name: 'paneldynamic_required',
    question: { type: 'paneldynamic', templateElements: [{ type: 'text', name: 'projekt', isRequired: true }] },
    valid: [{ projekt: 'WIN:A' }],
    invalid: [{}],
    complete: true,
    error: '1. projekt: Bitte beantworten Sie diese Frage.',
  },
  {
    name: 'file',
    question: { type: 'file', maxSize: 8 },
    valid: [{ name: 'a.txt', type: 'text/plain', content: 'data:text/plain;base64,SGFsbG8=' }],
    invalid: [{ name: 'b.txt', type: 'text/plain', content: 'data:text/plain;base64,SGFsbG8gV2VsdCE=' }],
    error: 'Die Datei „b.txt“ ist größer als 8 Bytes.',
  },
  {
    name: 'file_not_allowed',
    question: { type: 'file' },
    valid: undefined,
    invalid: [{ name: 'a.txt', type: 'text/plain', content: 'data:text/plain;base64,SGFsbG8=' }],
    error: 'Datei-Uploads sind in dieser Umfrage nicht erlaubt.',
  },
];

// Each case gets its own small survey, so one question's rules never leak into another's verdict.
const validatorFor = (c: Case) =>
  createValidator({
    title: c.name,
    elements: [
      { type: 'radiogroup', name: 'show', choices: ['ja', 'nein'] },
      { type: 'dropdown', name: 'dropdown', choices: ['a', 'b'] },
      { ...c.question, name: c.name, visibleIf: "{show} = 'ja'" },
    ],
  });

for (const c of cases) {
  const validator = validatorFor(c);
  const check = (data: unknown, complete = false): ValidationResult => validator.validate(data, { complete, locale: 'de' });
  t.test(`${c.name}: a valid answer is kept`, async (t) => {
    if (c.valid === undefined) return t.pass('no valid answer exists for this question');
    t.same(check({ show: 'ja', [c.name]: c.valid }, c.complete), { ok: true, data: { show: 'ja', [c.name]: c.valid } });
  });
  t.test(`${c.name}: an invalid answer is refused, naming the question`, async (t) => {
    t.same(check({ show: 'ja', [c.name]: c.invalid }, c.complete), {
      ok: false,
      errors: [{ question: c.name, message: c.error }],
    });
  });
  t.test(`${c.name}: an answer to the hidden question is stripped`, async (t) => {
    const value = c.valid ?? c.invalid;
    if (c.valid === undefined) return t.same(check({ show: 'nein', [c.name]: value }).ok, false, 'a refused file stays refused');
    t.same(check({ show: 'nein', [c.name]: value }, c.complete), { ok: true, data: { show: 'nein' } });
  });
  t.test(`${c.name}: an unknown key next to it is refused, naming the key`, async (t) => {
    t.same(check({ show: 'ja', [`${c.name}_x`]: 1 }), {
      ok: false,
      errors: [{ question: `${c.name}_x`, message: `Die Umfrage kennt keine Frage „${c.name}_x“.` }],
    });
  });
}

// The expression question has no invalid answer of its own: whatever the client sends is replaced.
const withExpression = createValidator({
  title: 'Ausdruck',
  elements: [
    { type: 'radiogroup', name: 'show', choices: ['ja', 'nein'] },
    { type: 'text', name: 'basis', inputType: 'number' },
    { type: 'expression', name: 'doppelt', expression: '{basis} * 2', visibleIf: "{show} = 'ja'" },
  ],
});
const checkExpression = (data: unknown) => withExpression.validate(data, { complete: true, locale: 'de' });

t.test('expression: the computed value is stored', async (t) => {
  t.same(checkExpression({ show: 'ja', basis: 21 }), { ok: true, data: { show: 'ja', basis: 21, doppelt: 42 } });
});

t.test('expression: a value sent by the client is ignored and recomputed', async (t) => {
  t.same(checkExpression({ show: 'ja', basis: 21, doppelt: 999 }), { ok: true, data: { show: 'ja', basis: 21, doppelt: 42 } });
});

t.test('expression: a hidden expression keeps no value', async (t) => {
  t.same(checkExpression({ show: 'nein', basis: 21, doppelt: 42 }), { ok: true, data: { show: 'nein', basis: 21 } });
});

t.test('expression: an unknown key next to it is refused, naming the key', async (t) => {
  t.same(checkExpression({ show: 'ja', doppelt_x: 1 }), {
    ok: false,
    errors: [{ question: 'doppelt_x', message: 'Die Umfrage kennt keine Frage „doppelt_x“.' }],
  });
});

const validator = validatorFor(cases.find((c) => c.name === 'checkbox') as Case);
const ratingValidator = validatorFor(cases.find((c) => c.name === 'rating') as Case);
const rangeValidator = validatorFor(cases.find((c) => c.name === 'text_number_range') as Case);
const check = (data: unknown, complete = false): ValidationResult => validator.validate(data, { complete, locale: 'de' });

t.test('the other text is kept with "other" and refused without a field for it', async (t) => {
  t.same(check({ show: 'ja', checkbox: ['other'], 'checkbox-Comment': 'Podcast' }), {
    ok: true,
    data: { show: 'ja', checkbox: ['other'], 'checkbox-Comment': 'Podcast' },
  });
  t.same(check({ show: 'ja', dropdown: 'a', 'dropdown-Comment': 'x' }).ok, false);
  t.same(check({ show: 'ja', 'dropdown-Comment': 'x' }), {
    ok: false,
    errors: [
      {
        question: 'dropdown-Comment',
        message: '„dropdown-Comment“ ist nicht erlaubt: die Frage hat kein Feld für eigene Angaben.',
      },
    ],
  });
});

t.test('an other text without "other" chosen is stripped', async (t) => {
  t.same(check({ show: 'ja', checkbox: ['a'], 'checkbox-Comment': 'vergessen' }), {
    ok: true,
    data: { show: 'ja', checkbox: ['a'] },
  });
});

t.test('"other" chosen without its text is refused on completion only', async (t) => {
  t.same(check({ show: 'ja', checkbox: ['other'] }), { ok: true, data: { show: 'ja', checkbox: ['other'] } });
  t.same(check({ show: 'ja', checkbox: ['other'] }, true), {
    ok: false,
    errors: [{ question: 'checkbox', message: 'Bitte geben Sie einen Wert an.' }],
  });
});

t.test('data that is not a plain object is refused', async (t) => {
  for (const d of [null, [], 'x', 5]) t.same(check(d).ok, false);
});

t.test('messages follow the requested locale', async (t) => {
  t.same(ratingValidator.validate({ show: 'ja', rating: 6 }, { complete: false, locale: 'en' }), {
    ok: false,
    errors: [{ question: 'rating', message: 'The value 6 is not one of the possible answers.' }],
  });
  t.same(rangeValidator.validate({ show: 'ja', text_number_range: 11 }, { complete: true, locale: 'en' }), {
    ok: false,
    errors: [{ question: 'text_number_range', message: 'The value should not be greater than 10' }],
  });
});

t.test('required questions, requiredIf and enableIf follow survey-core', async (t) => {
  const v = createValidator({
    title: 'Logik',
    elements: [
      { type: 'radiogroup', name: 'a', choices: [1, 2], isRequired: true },
      { type: 'text', name: 'b', requiredIf: '{a} = 2' },
      { type: 'text', name: 'c', enableIf: '{a} = 1' },
    ],
  });
  const run = (d: unknown) => v.validate(d, { complete: true, locale: 'de' });
  t.same(run({}), { ok: false, errors: [{ question: 'a', message: 'Bitte beantworten Sie diese Frage.' }] });
  t.same(run({ a: 2 }), { ok: false, errors: [{ question: 'b', message: 'Bitte beantworten Sie diese Frage.' }] });
  t.same(run({ a: 1 }), { ok: true, data: { a: 1 } });
  t.same(run({ a: 2, b: 'x', c: 'gesperrt' }), { ok: true, data: { a: 2, b: 'x' } }, 'disabled answer stripped');
  t.same(v.validate({}, { complete: false, locale: 'de' }), { ok: true, data: {} }, 'a partial save skips required checks');
});

t.test('a hidden answer that showed another question is stripped together with it', async (t) => {
  const v = createValidator({
    title: 'Kette',
    elements: [
      { type: 'boolean', name: 'a' },
      { type: 'boolean', name: 'b', visibleIf: '{a} = true' },
      { type: 'text', name: 'c', visibleIf: '{b} = true' },
    ],
  });
  t.same(v.validate({ a: false, b: true, c: 'x' }, { complete: true, locale: 'de' }), { ok: true, data: { a: false } });
});
