// Which questions a respondent was asked (surveys/asked.ts): survey-core's own verdict (a fresh
// Model with the answers) on hand-made cases, and the compiled plan against survey-core on
// generated surveys with conditions, with the answers as storage keeps them (validated).
import t from 'tap';
import { notAskedByModel, notAskedByReusedModel, notAskedFor } from '../../surveys/asked.ts';
import { createReferenceValidator } from '../../surveys/validate.ts';
import { randomSurvey } from './generate/definitions.ts';
import { answerStream } from './generate/answers.ts';

const json = {
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'radiogroup', name: 'arbeit', choices: ['ja', 'nein'] },
        { type: 'rating', name: 'zufrieden', visibleIf: "{arbeit} = 'ja'" },
        { type: 'panel', name: 'pflege', visibleIf: '{kinder} > 0', elements: [{ type: 'text', name: 'stunden', inputType: 'number' }] },
        { type: 'text', name: 'kinder', inputType: 'number' },
      ],
    },
    { name: 'p2', visibleIf: "{arbeit} = 'nein'", elements: [{ type: 'comment', name: 'grund' }] },
  ],
};

t.test('a question hidden by its own condition, its panel’s or its page’s was not asked', async (t) => {
  for (const notAsked of [notAskedFor(json), notAskedByModel(json), notAskedByReusedModel(json)]) {
    t.same([...notAsked({ arbeit: 'ja', kinder: 2 })].sort(), ['grund']);
    t.same([...notAsked({ arbeit: 'nein' })].sort(), ['stunden', 'zufrieden'], 'panel hidden: its question too');
    t.same([...notAsked({})].sort(), ['grund', 'stunden', 'zufrieden'], 'nothing answered: only unconditional questions were asked');
  }
});

t.test('a survey without conditions asks everything', async (t) => {
  t.same([...notAskedFor({ elements: [{ type: 'text', name: 'a' }] })({})], []);
});

t.test('the compiled plan agrees with survey-core on generated surveys', async (t) => {
  let cases = 0;
  let conditional = 0;
  for (let seed = 1; seed <= 15; seed++) {
    const survey = randomSurvey(seed, 'simple');
    const fast = notAskedFor(survey);
    const reference = notAskedByModel(survey);
    const validator = createReferenceValidator(survey);
    const next = answerStream(survey, seed);
    for (let i = 0; i < 8; i++) {
      const res = validator.validate(next(), { complete: false, locale: 'de' });
      if (!res.ok) continue;
      const a = [...fast(res.data)].sort();
      const b = [...reference(res.data)].sort();
      cases++;
      if (b.length > 0) conditional++;
      if (JSON.stringify(a) !== JSON.stringify(b)) t.same(a, b, `seed ${seed}, answers ${JSON.stringify(res.data)}`);
    }
  }
  t.ok(cases >= 40, `${cases} stored answers compared`);
  t.ok(conditional >= 10, `${conditional} of them with a question not asked`);
});

t.test('one reused Model (for surveys that do not compile) agrees with a fresh Model per response', async (t) => {
  let cases = 0;
  // Many answers per survey, one after the other on the same Model: the way a reused Model
  // went wrong in the answer route (state kept from one respondent to the next).
  for (let seed = 101; seed <= 140; seed++) {
    const survey = randomSurvey(seed, 'any', seed % 2 === 0 ? 'mixed' : 'small');
    const reused = notAskedByReusedModel(survey);
    const reference = notAskedByModel(survey);
    const validator = createReferenceValidator(survey);
    const next = answerStream(survey, seed);
    for (let i = 0; i < 15; i++) {
      const res = validator.validate(next(), { complete: false, locale: 'de' });
      if (!res.ok) continue;
      cases++;
      const a = [...reused(res.data)].sort();
      const b = [...reference(res.data)].sort();
      if (JSON.stringify(a) !== JSON.stringify(b)) t.same(a, b, `seed ${seed}, answers ${JSON.stringify(res.data)}`);
    }
  }
  t.ok(cases >= 200, `${cases} stored answers compared`);
});
