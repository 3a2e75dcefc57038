// Definitions the compiled validator does not reproduce make compileValidator return null;
// createValidator then validates with survey-core, with the same results as the reference.
import t from 'tap';
import { compile, compileValidator } from '../../surveys/compile.ts';
import { createReferenceValidator, createValidator } from '../../surveys/validate.ts';

const base = [{ type: 'radiogroup', name: 'a', choices: [1, 2], isRequired: true }];
const unsupported: [string, Record<string, unknown>][] = [
  ['choicesByUrl', { elements: [...base, { type: 'dropdown', name: 'land', choicesByUrl: { url: 'http://127.0.0.1/x' } }] }],
  ['a custom function', { elements: [...base, { type: 'text', name: 'b', visibleIf: 'myFunction({a}) = 1' }] }],
  ['a {row.x} context', { elements: [...base, { type: 'text', name: 'b', visibleIf: '{row.a} = 1' }] }],
  ['a calculated value in a condition', { calculatedValues: [{ name: 'v', expression: '{a} * 2' }], elements: [...base, { type: 'text', name: 'b', visibleIf: '{v} = 2' }] }],
  ['triggers', { triggers: [{ type: 'complete', expression: '{a} = 1' }], elements: base }],
  ['a matrixdropdown', { elements: [...base, { type: 'matrixdropdown', name: 'm', rows: ['r'], columns: [{ name: 'c' }], choices: [1] }] }],
  ['a defaultValueExpression', { elements: [...base, { type: 'text', name: 'b', defaultValueExpression: '{a}' }] }],
  ['choice items with visibleIf', { elements: [...base, { type: 'checkbox', name: 'c', choices: [{ value: 'x', visibleIf: '{a} = 1' }] }] }],
];

for (const [what, json] of unsupported) {
  t.test(`${what}: no compiled validator, survey-core validates`, async (t) => {
    const res = compile(json);
    t.ok('reason' in res, `reason: ${'reason' in res ? res.reason : ''}`);
    t.equal(compileValidator(json), null);
    const validator = createValidator(json);
    const reference = createReferenceValidator(json);
    for (const data of [{}, { a: 1 }, { a: 3 }, { a: 2, unbekannt: 1 }]) {
      for (const complete of [false, true]) {
        const options = { complete, locale: 'de' as const };
        t.same(validator.validate(data, options), reference.validate(data, options), JSON.stringify({ data, complete }));
      }
    }
    t.same(validator.validate({}, { complete: true, locale: 'de' }).ok, false, 'the required question is still checked');
  });
}

t.test('the shipped surveys compile', async (t) => {
  const { readFileSync } = await import('node:fs');
  for (const path of [
    'surveys/definitions/om-partner-befragung.json',
    'surveys/definitions/om-check-umweltschutz.json',
    'bench/fixtures/survey-40.json',
  ]) {
    const res = compile(JSON.parse(readFileSync(path, 'utf8')));
    t.ok('validator' in res, `${path} ${'reason' in res ? res.reason : ''}`);
  }
});
