// The random definition and answer generators (definitions.ts, answers.ts): definitions load into
// survey-core without errors, cover every question type and logic/validator feature, 'simple'
// ones compile, streams are deterministic, and a fair share of submissions is valid.
// survey-core costs ~10–40 ms per small Model on a busy machine, so the Model-backed checks use
// fewer seeds than the JSON-only ones. Bigger run: GENERATE_SEEDS=500 npx tap test/surveys/generate/generate.test.ts
import { isDeepStrictEqual } from 'node:util';
import { Model } from 'survey-core';
import t from 'tap';
import { compileValidator } from '../../../surveys/compile.ts';
import { type Answers, answerStream, unreferenced } from './answers.ts';
import { type Profile, randomSurvey, type SurveyJson } from './definitions.ts';

const SEEDS = Number(process.env.GENERATE_SEEDS) || 60;
const PROFILES: Profile[] = ['any', 'simple'];

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Feature names found in one definition: types, type.property, validators, columns, items, choices, conditions. */
function features(json: SurveyJson): Set<string> {
  const out = new Set<string>();
  const conditionText = (s: string) => {
    for (const [name, re] of [
      ['=', /\} = /],
      ['contains', / contains /],
      ['>', /\} >=? -?\d/],
      ['notempty', / notempty/],
      ['{panel.', /\{panel\./],
      ['{item}', /\{item\}/],
      ['{calc', /\{calc\d+\}/],
    ] as const) {
      if (re.test(s)) out.add(`cond:${name}`);
    }
  };
  const visit = (v: unknown, role: string, depth: number) => {
    if (Array.isArray(v)) {
      const kinds = new Set(v.map((c) => typeof (isObj(c) ? c.value : c)));
      if (role === 'choice' && kinds.has('string') && kinds.has('number')) out.add('choices:mixed');
      for (const x of v) visit(x, role, depth);
      return;
    }
    if (!isObj(v)) return;
    const owner = role === 'element' ? String(v.type) : role;
    if (role === 'element') out.add(`type:${owner}`);
    if (owner === 'panel' && depth > 0) out.add('panel:nested');
    for (const [key, x] of Object.entries(v)) {
      out.add(`${owner}.${key}`);
      if (typeof x === 'string' && (key.endsWith('If') || key === 'expression')) conditionText(x);
      if (['inputType', 'cellType', 'choicesFromQuestionMode'].includes(key)) out.add(`${owner}.${key}:${String(x)}`);
      if (key === 'elements' || key === 'templateElements') visit(x, 'element', owner === 'panel' ? depth + 1 : depth);
      else if (key === 'validators') for (const val of x as J[]) visit(val, `validator:${String(val.type)}`, depth);
      else if (key === 'choices' || key === 'rateValues') visit(x, 'choice', depth);
      else if (key === 'columns') visit(x, owner === 'matrix' ? 'choice' : 'column', depth);
      else if (key === 'items') visit(x, 'item', depth);
      else if (key === 'pages') visit(x, 'page', depth);
      else if (key === 'calculatedValues') visit(x, 'calc', depth);
    }
  };
  visit(json, 'survey', 0);
  return out;
}

const EXPECTED = [
  ...['text', 'comment', 'radiogroup', 'dropdown', 'checkbox', 'tagbox', 'boolean', 'rating', 'ranking', 'imagepicker'].map((x) => `type:${x}`),
  ...['matrix', 'matrixdropdown', 'matrixdynamic', 'multipletext', 'panel', 'paneldynamic', 'slider', 'expression', 'html'].map((x) => `type:${x}`),
  ...['number', 'email', 'date', 'tel', 'range'].map((x) => `text.inputType:${x}`),
  'text.min', 'text.max', 'text.step', 'text.maxLength', 'comment.maxLength', 'boolean.valueTrue', 'boolean.valueFalse',
  'rating.rateMin', 'rating.rateMax', 'rating.rateStep', 'rating.rateValues', 'ranking.selectToRankEnabled',
  'imagepicker.multiSelect', 'choice.imageLink', 'matrix.eachRowRequired', 'matrix.isAllRowRequired',
  ...['dropdown', 'checkbox', 'text', 'radiogroup', 'boolean'].map((x) => `column.cellType:${x}`), 'column.isRequired',
  'matrixdynamic.minRowCount', 'matrixdynamic.maxRowCount', 'item.inputType:number', 'item.validators',
  'panel:nested', 'panel.visibleIf', 'paneldynamic.minPanelCount', 'paneldynamic.maxPanelCount', 'paneldynamic.panelCount',
  'slider.min', 'slider.max', 'slider.step', 'survey.calculatedValues', 'expression.expression',
  ...['visibleIf', 'enableIf', 'requiredIf', 'isRequired', 'readOnly', 'choicesVisibleIf', 'choicesFromQuestion'].map((x) => `radiogroup.${x}`),
  ...['all', 'selected', 'unselected'].map((x) => `dropdown.choicesFromQuestionMode:${x}`),
  ...['showNoneItem', 'showOtherItem', 'showCommentArea', 'showRefuseItem', 'showDontKnowItem', 'maxSelectedChoices', 'minSelectedChoices'].map(
    (x) => `checkbox.${x}`,
  ),
  'choice.isExclusive', 'choices:mixed',
  ...['=', 'contains', '>', 'notempty', '{panel.', '{item}', '{calc'].map((x) => `cond:${x}`),
  'validator:numeric.minValue', 'validator:numeric.maxValue', 'validator:text.minLength', 'validator:text.maxLength',
  'validator:text.allowDigits', 'validator:regex.regex', 'validator:email.type', 'validator:expression.expression',
  'validator:expression.text', 'validator:answercount.minCount', 'validator:answercount.maxCount',
];

t.test('definitions are deterministic per seed and cover every listed type and feature', async (t) => {
  t.same(randomSurvey(7), randomSurvey(7), 'same seed, same definition');
  t.same(randomSurvey(7, 'simple'), randomSurvey(7, 'simple'), 'same seed, same simple definition');
  t.notSame(randomSurvey(7), randomSurvey(8), 'another seed, another definition');
  const seen = new Map<string, number>();
  for (let s = 0; s < 300; s++) for (const f of features(randomSurvey(s, 'any'))) seen.set(f, (seen.get(f) ?? 0) + 1);
  t.same(EXPECTED.filter((f) => !seen.has(f)), [], 'every listed feature occurs in 300 definitions');
  const simple = new Set<string>();
  for (let s = 0; s < 300; s++) for (const f of features(randomSurvey(s, 'simple'))) simple.add(f);
  for (const type of ['imagepicker', 'matrixdropdown', 'matrixdynamic', 'multipletext', 'slider']) {
    t.notOk(simple.has(`type:${type}`), `'simple' leaves out ${type}`);
  }
  t.ok(simple.has('type:paneldynamic') && simple.has('type:matrix') && simple.has('cond:contains'), "'simple' still has panels, matrices, logic");
});

t.test('every definition loads into survey-core without jsonErrors; names are unique', async (t) => {
  const problems: unknown[] = [];
  for (const profile of PROFILES) {
    for (let s = 0; s < SEEDS && problems.length < 3; s++) {
      const json = randomSurvey(s, profile);
      const model = new Model(json);
      if (model.jsonErrors?.length) problems.push({ profile, s, errors: model.jsonErrors.map((e) => e.message) });
      const questions = model.getAllQuestions(false, false, false);
      const inner = questions.flatMap((q) => ((q as unknown as J).template as { questions: { name: string }[] } | undefined)?.questions ?? []);
      const names = [...questions, ...inner, ...model.getAllPanels(false, false)].map((q) => q.name.toLowerCase());
      if (new Set(names).size !== names.length) problems.push({ profile, s, names });
      const count = model.getAllQuestions(false, false, false).length;
      if (count < 3) problems.push({ profile, s, count });
    }
  }
  t.same(problems, [], `${SEEDS} seeds per profile`);
});

t.test("'simple' definitions compile", async (t) => {
  const n = Math.ceil(SEEDS / 2);
  let compiled = 0;
  const failed: number[] = [];
  for (let s = 0; s < n; s++) {
    if (compileValidator(randomSurvey(s, 'simple'))) compiled++;
    else failed.push(s);
  }
  t.ok(compiled >= n * 0.95, `${compiled}/${n} compile (failed seeds: ${failed.join(', ') || 'none'})`);
});

/** survey-core warns on stderr about every wrong-typed value it is given. */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

t.test('skipping answers nothing refers to leaves every stream as it was', async (t) => {
  // The generator sets into its Model only answers the definition mentions; the others cannot
  // change what it offers next. Checked against setting every answer, on both profiles.
  let submissions = 0;
  let differ = 0;
  let skipped = 0;
  quietly(() => {
    for (let s = 0; s < Math.ceil(SEEDS / 4); s++) {
      const json = randomSurvey(7000 + s, s % 2 === 0 ? 'any' : 'simple', s % 3 === 0 ? undefined : 'small');
      const fast = answerStream(json, s);
      const every = answerStream(json, s, { everyAnswerIntoModel: true });
      for (let i = 0; i < 8; i++) {
        submissions++;
        if (!isDeepStrictEqual(fast(), every())) differ++;
      }
      skipped += unreferencedCount(json);
    }
  });
  t.equal(differ, 0, `the same ${submissions} submissions`);
  t.ok(skipped > 0, `some answers are skipped at all (${skipped} unreferenced questions)`);
});

/** How many top-level value names the definition's text never mentions (the generator's skips). */
function unreferencedCount(json: SurveyJson): number {
  const names = new Model(json).getAllQuestions(false, false, false).map((q) => q.getValueName() as string);
  return unreferenced(json, names).size;
}

t.test('answer streams are deterministic, mix valid and wrong submissions', async (t) => {
  quietly(() => {
    const json = randomSurvey(11);
    const a = answerStream(json, 5);
    const b = answerStream(json, 5);
    const first = Array.from({ length: 6 }, a);
    t.ok(isDeepStrictEqual(first, Array.from({ length: 6 }, b)), 'same seed, same submissions');
    t.notOk(isDeepStrictEqual(first, Array.from({ length: 6 }, answerStream(json, 6))), 'another seed, other submissions');
  });

  const definitions = Math.ceil(SEEDS / 3);
  let valid = 0;
  let total = 0;
  const all: Answers[] = [];
  quietly(() => {
    for (let s = 0; s < definitions; s++) {
      const json = randomSurvey(1000 + s, s % 2 === 0 ? 'any' : 'simple');
      const next = answerStream(json, s);
      for (let i = 0; i < 6; i++) {
        const answers = next();
        all.push(answers);
        if (i >= 3) continue;
        const model = new Model(json);
        model.data = answers;
        total++;
        if (model.validate(true, false)) valid++;
      }
    }
  });
  const share = valid / total;
  t.ok(share >= 0.3 && share <= 0.75, `${valid}/${total} (${Math.round(share * 100)} %) valid by a fresh survey-core Model`);

  const text = all.map((a) => JSON.stringify(a)).join('\n');
  const has = (re: RegExp) => re.test(text);
  t.ok(has(/\\u0000/), 'some submission holds a NUL');
  t.ok(has(/\\ud800/), 'some submission holds a lone surrogate');
  t.ok(has(/"unbekannt"/), 'some submission holds an unknown key');
  t.ok(has(/:null/), 'some submission holds a null');
  t.ok(has(/-Comment"/), 'some submission holds a comment');
});
