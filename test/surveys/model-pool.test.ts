// The route's survey-core validator reuses one Model per survey version (surveys/model-pool.ts).
// Its verdicts must equal the reference's, which builds a fresh Model for every answer, whatever
// answers came before: hand-made sequences for the state survey-core is known to keep, then
// random definitions that do not compile with random interleaved answers. Full results are
// compared (messages and their order, cleaned data), not only the verdict.
// MODEL_POOL_CASES sets the random cases (default 300, ~30 s).
import { isDeepStrictEqual } from 'node:util';
import { Model } from 'survey-core';
import t, { type Test } from 'tap';
import { compileValidator } from '../../surveys/compile.ts';
import { modelPool } from '../../surveys/model-pool.ts';
import { createReferenceValidator, createSurveyCoreValidator, type Locale } from '../../surveys/validate.ts';
import { answerStream } from './generate/answers.ts';
import { randomSurvey } from './generate/definitions.ts';
import { prng } from './random-answers.ts';

type Step = { data: Record<string, unknown>; complete: boolean; locale: Locale };
const step = (data: Record<string, unknown>, complete = true, locale: Locale = 'de'): Step => ({ data, complete, locale });

/** Runs `steps` through both validators in order; each result must be the reference's. */
function sameAsFresh(t: Test, json: Record<string, unknown>, steps: Step[]) {
  const pooled = createSurveyCoreValidator(json);
  const reference = createReferenceValidator(json);
  for (const [i, s] of steps.entries()) {
    const options = { complete: s.complete, locale: s.locale };
    t.same(pooled.validate(s.data, options), reference.validate(s.data, options), `answer ${i + 1}: ${JSON.stringify(s)}`);
  }
  // Answers the shape checks refuse never reach a Model; all others were decided on the first one.
  t.ok(pooled.models.reused > 0, `the Model was reused (${JSON.stringify(pooled.models)})`);
  t.same({ built: pooled.models.built, dropped: pooled.models.dropped }, { built: 1, dropped: 0 }, 'one Model served every answer');
  return pooled;
}

const panels = {
  elements: [
    { type: 'text', name: 'a' },
    { type: 'paneldynamic', name: 'p', panelCount: 1, templateElements: [{ type: 'text', name: 't', isRequired: true }] },
  ],
};

t.test("survey-core keeps the previous answer's panels, values inside, when a Model is only given new data", async (t) => {
  // Why the pool resets: without it, the second respondent would inherit the first one's answer.
  const model = new Model(panels);
  model.data = { p: [{ t: 'erste' }, { t: 'zweite' }] };
  t.equal(model.getQuestionByName('p').panels.length, 2);
  model.data = { a: 'x' };
  t.same(model.data.p, [{ t: 'erste' }], 'the first panel and its value stay');
});

t.test('dynamic panels: fewer or no panels after an answer with more', async (t) => {
  sameAsFresh(t, panels, [
    step({ p: [{ t: 'a' }, { t: 'b' }, { t: 'c' }] }),
    step({}),
    step({ a: 'x' }, false),
    step({ p: [{ t: 'a' }] }),
    step({ p: [] }),
    step({}, true, 'en'),
  ]);
});

t.test('dynamic matrix: no rows after an answer with more rows than the definition', async (t) => {
  const json = {
    elements: [
      { type: 'matrixdynamic', name: 'm', rowCount: 2, columns: [{ name: 's', cellType: 'text', isRequired: true }] },
      { type: 'matrixdropdown', name: 'd', rows: ['z1', 'z2'], columns: [{ name: 'c', cellType: 'text', isRequired: true }] },
    ],
  };
  sameAsFresh(t, json, [
    step({ m: [{ s: '1' }, { s: '2' }, { s: '3' }], d: { z1: { c: 'x' }, z2: { c: 'y' } } }),
    step({}),
    step({ m: [{ s: '1' }] }),
    step({ d: { z1: { c: 'x' } } }, false),
    step({}, true, 'en'),
  ]);
});

t.test('"other" without its text after an answer with one, beside a comment area', async (t) => {
  // The text of "other" is then the value itself, and survey-core kept it apart after that answer.
  const json = { elements: [{ type: 'radiogroup', name: 'q', choices: ['a', 'b'], showOtherItem: true, showCommentArea: true }] };
  const pooled = sameAsFresh(t, json, [step({ q: 'Freitext' }), step({ q: 'other' }), step({ q: 'a' }), step({ q: 'other' }, true, 'en')]);
  t.equal(pooled.validate({ q: 'other' }, { complete: true, locale: 'de' }).ok, false, '"other" needs its text');
});

t.test('errors of questions a later answer hides, and conditions on earlier answers', async (t) => {
  const json = {
    pages: [
      { elements: [{ type: 'radiogroup', name: 'a', choices: [1, 2], isRequired: true }] },
      {
        elements: [
          { type: 'text', name: 'b', visibleIf: '{a} = 1', isRequired: true },
          { type: 'multipletext', name: 'mt', visibleIf: '{a} = 1', items: [{ name: 'x', isRequired: true }] },
          { type: 'paneldynamic', name: 'p', visibleIf: '{a} = 2', templateElements: [{ type: 'text', name: 't', visibleIf: '{panel.u} = 1', isRequired: true }, { type: 'text', name: 'u' }] },
          { type: 'expression', name: 'e', expression: "iif({a} = 1, 'eins', 'zwei')" },
        ],
      },
    ],
    calculatedValues: [{ name: 'v', expression: '{a} * 2' }],
  };
  sameAsFresh(t, json, [
    step({ a: 1 }),
    step({ a: 2, p: [{ u: 1 }, { u: 2 }] }),
    step({ a: 2, p: [{ u: 2 }] }),
    step({ a: 1, b: 'x', mt: { x: 'y' } }, true, 'en'),
    step({}),
    step({ a: 2 }, false),
  ]);
});

t.test('a Model whose use threw is not used again', async (t) => {
  const pool = modelPool(panels);
  t.throws(() => pool.use('de', () => { throw new Error('kaputt'); }));
  t.equal(pool.use('de', (model) => model.data.a), undefined);
  t.same(pool.stats, { built: 2, reused: 0, dropped: 0 });
  pool.use('en', (model) => model.locale);
  t.same(pool.stats, { built: 2, reused: 1, dropped: 0 });
});

const CASES = Number(process.env.MODEL_POOL_CASES) || 300;

t.test(`${CASES} interleaved random answers to 20 generated surveys that do not compile: the same results as fresh Models`, async (t) => {
  const seed = 5_150_001;
  const rnd = prng(seed);
  const targets: { json: Record<string, unknown>; pooled: ReturnType<typeof createSurveyCoreValidator>; reference: ReturnType<typeof createReferenceValidator>; next: () => Record<string, unknown> }[] = [];
  for (let s = 0; targets.length < 20; s++) {
    const json = randomSurvey(seed * 1000 + s, 'any', 'small');
    if (compileValidator(json)) continue;
    targets.push({ json, pooled: createSurveyCoreValidator(json), reference: createReferenceValidator(json), next: answerStream(json, seed * 7 + s) });
  }
  const differences: unknown[] = [];
  let accepted = 0;
  for (let i = 0; i < CASES; i++) {
    const target = targets[Math.floor(rnd() * targets.length)];
    const data = target.next();
    const options = { complete: rnd() < 0.7, locale: (rnd() < 0.8 ? 'de' : 'en') as Locale };
    const theirs = target.reference.validate(structuredClone(data), options);
    const ours = target.pooled.validate(structuredClone(data), options);
    if (ours.ok) accepted++;
    if (!isDeepStrictEqual(ours, theirs) && differences.length < 3) differences.push({ i, definition: target.json, data, options, ours, theirs });
  }
  t.same(differences, [], `no difference (seed ${seed})`);
  const models = targets.reduce((sum, { pooled: { models: m } }) => ({ built: sum.built + m.built, reused: sum.reused + m.reused, dropped: sum.dropped + m.dropped }), { built: 0, reused: 0, dropped: 0 });
  t.ok(accepted > CASES / 10 && accepted < CASES * 0.9, `both verdicts occur (${accepted} accepted)`);
  t.ok(models.reused > 0, `Models are reused (${JSON.stringify(models)})`);
  t.equal(models.built, targets.length + models.dropped, 'a Model is built only for a survey or after a failed reset');
  t.ok(models.dropped <= models.reused / 20, `few resets fail the fresh-Model check (${JSON.stringify(models)})`);
});
