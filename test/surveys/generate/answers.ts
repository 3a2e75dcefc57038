// Random submissions for one SurveyJS definition, for differential tests. About half come from
// careful respondents (every visible, enabled question answered with a value its question and
// validators accept, where that is easy); the rest leave gaps and make one to three mistakes:
// values outside the choices, wrong JSON types, numbers out of range or off the step, exclusive
// items together with others, "other" without its text, unknown keys, rows, columns and items,
// too many rows or panels, NUL and lone surrogates, over-long texts, deep nesting, nulls, answers
// to hidden questions and to questions nobody answers (expression, html). Deterministic per seed.
// The respondent is simulated on one Model of the definition: each answer is set into it, so
// visibility, choicesVisibleIf and choicesFromQuestion reflect the answers given so far.
import { ConditionRunner, Model } from 'survey-core';
import { prng } from '../random-answers.ts';
import { REGEXES, type SurveyJson } from './definitions.ts';

export type Answers = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: survey-core's question types differ per type
type Q = Record<string, any>;

/** Per submission: the random source, the answers so far and whether this respondent is careful. */
type Ctx = {
  rnd: () => number;
  pick: <T>(xs: readonly T[]) => T;
  maybe: (p: number) => boolean;
  int: (lo: number, hi: number) => number;
  data: Answers;
  /** The survey's values now, expressions and calculated values included (for dynamic panels' conditions). */
  extra: Answers;
};
type Gen = (q: Q, c: Ctx) => unknown;

const COMMENT = '-Comment';
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const validator = (q: Q, type: string): Q | undefined => (q.validators as Q[] | undefined)?.find((v) => v.getType() === type);
const shuffle = <T>(xs: T[], c: Ctx): T[] => xs.map((x) => [c.rnd(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

function deep(levels: number): unknown {
  let v: unknown = 'tief';
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { x: v };
  return v;
}

/** A value of a wrong JSON type, or one of the values no question accepts. */
function junk(c: Ctx, expected: 'number' | 'string' | 'array' | 'object' | 'scalar'): unknown {
  if (c.maybe(0.02)) return deep(200);
  const wrongType = {
    number: ['12', 'NaN', 'Infinity', true, [3]],
    string: [12, ['Text'], { text: 'x' }, false],
    array: ['a', { 0: 'a' }, 1],
    object: [[], 'x', 3],
    scalar: [{}, ['a'], { value: 'a' }],
  }[expected];
  return c.pick<unknown>([...wrongType, null, 'a\u0000b', 'x\ud800y', 1e308, -5, 'NaN', '']);
}

// ---------- careful values: one generator per question type ----------

function numberIn(q: Q, c: Ctx, fallbackMax = 100): number {
  const v = validator(q, 'numericvalidator');
  const lo = Math.max(num(q.min) ?? 0, num(v?.minValue) ?? -Infinity);
  const hi = Math.min(num(q.max) ?? lo + fallbackMax, num(v?.maxValue) ?? Infinity);
  const step = num(q.step) && q.step > 0 ? q.step : 1;
  const from = Math.ceil(lo / step);
  const to = Math.max(from, Math.floor(hi / step));
  return Math.round(c.int(from, to) * step * 1000) / 1000;
}

function shortText(q: Q, base: string): string {
  const tv = validator(q, 'textvalidator');
  let s = tv?.allowDigits === false ? base.replace(/[0-9]/g, 'x') : base;
  const min = num(tv?.minLength) ?? 0;
  while (s.length < min) s += 'x';
  const limit = (v: unknown) => ((num(v) ?? 0) > 0 ? (v as number) : Infinity);
  const max = Math.min(limit(q.maxLength), limit(tv?.maxLength));
  return s.slice(0, Math.max(max, min));
}

const EMAILS = ['anna@example.org', 'b.mueller@beispiel.de', 'info@verein.de'];

const text: Gen = (q, c) => {
  const type = q.inputType;
  if (type === 'number' || type === 'range') return numberIn(q, c);
  if (type === 'date') return `202${c.int(0, 5)}-0${c.int(1, 9)}-1${c.int(0, 9)}`;
  if (type === 'email' || validator(q, 'emailvalidator')) return c.pick(EMAILS);
  const rx = validator(q, 'regexvalidator');
  const known = rx && REGEXES.find((r) => r.regex === rx.regex);
  if (known) return c.pick(known.good);
  if (type === 'tel') return '+49 30 123456';
  return shortText(q, c.pick(['Hallo', 'Gute Beratung', 'Anna Maria', 'Straße 12', 'ok']));
};

const comment: Gen = (q, c) => shortText(q, c.pick(['Alles bestens, danke.', 'Mehr Termine am Abend wären gut.', 'Keine']));

const otherValue = (q: Q) => q.otherItem?.value ?? 'other';
function isSpecial(q: Q, item: Q): boolean {
  return item.isExclusive === true || (q.hasOther && item.value === otherValue(q));
}
const visibleValues = (q: Q): unknown[] => ((q.visibleChoices as Q[] | undefined) ?? []).map((i) => i.value);

/**
 * The answer as survey-core stores it, with the text for "other" (and sometimes for the comment
 * area) under `<key>-Comment` in `holder`. With a comment area as well, survey-core stores the
 * typed "other" text in place of the "other" value (getStoreOthersAsComment() is false).
 */
function withComments(q: Q, c: Ctx, holder: Answers, key: string, value: unknown): unknown {
  const other = otherValue(q);
  const chosen = Array.isArray(value) ? value.includes(other) : value === other;
  const said = c.pick(['Podcast', 'Über Kollegen', 'Sonstiges']);
  if (q.hasComment && c.maybe(0.5)) holder[`${key}${COMMENT}`] = 'Kommentar';
  if (!chosen) return value;
  if (q.getStoreOthersAsComment?.() !== false) {
    holder[`${key}${COMMENT}`] = said;
    return value;
  }
  return Array.isArray(value) ? value.map((v) => (v === other ? said : v)) : said;
}

const single: Gen = (q, c) => {
  const values = visibleValues(q);
  return values.length > 0 ? c.pick(values) : undefined;
};

const multi: Gen = (q, c) => {
  const visible = (q.visibleChoices as Q[] | undefined) ?? [];
  const regular = visible.filter((i) => !isSpecial(q, i)).map((i) => i.value);
  const exclusive = visible.filter((i) => i.isExclusive).map((i) => i.value);
  if (exclusive.length > 0 && (regular.length === 0 || c.maybe(0.1))) return [c.pick(exclusive)];
  const count = validator(q, 'answercountvalidator');
  const min = Math.max(1, num(q.minSelectedChoices) ?? 0, num(count?.minCount) ?? 0);
  const max = Math.min(num(q.maxSelectedChoices) || Infinity, num(count?.maxCount) || Infinity, regular.length);
  if (max < 1) return undefined;
  const chosen = shuffle(regular, c).slice(0, c.int(Math.min(min, max), max));
  if (q.hasOther && chosen.length < max && c.maybe(0.15)) chosen.push(otherValue(q));
  return chosen;
};

const boolean: Gen = (q, c) => (c.maybe(0.5) ? (q.valueTrue ?? true) : (q.valueFalse ?? false));
const rating: Gen = (q, c) => c.pick((q.visibleRateValues as Q[]).map((r) => r.value));
const slider: Gen = (q, c) => numberIn(q, c);

const ranking: Gen = (q, c) => {
  const order = shuffle(visibleValues(q), c);
  return q.selectToRankEnabled && c.maybe(0.5) ? order.slice(0, c.int(1, order.length)) : order;
};

const imagepicker: Gen = (q, c) => {
  const values = visibleValues(q);
  if (!q.multiSelect) return c.pick(values);
  return shuffle(values, c).slice(0, c.int(1, values.length));
};

const matrix: Gen = (q, c) => {
  const columns = (q.columns as Q[]).map((col) => col.value);
  return Object.fromEntries((q.rows as Q[]).map((r) => [String(r.value), c.pick(columns)]));
};

/** One row of a matrixdropdown/matrixdynamic: every column's cell answered by its template question. */
function rowObject(q: Q, c: Ctx): Answers {
  const row: Answers = {};
  for (const col of q.columns as Q[]) {
    const v = goodValue(col.templateQuestion, c);
    if (v !== undefined) row[col.name] = v;
  }
  return row;
}

const matrixdropdown: Gen = (q, c) => Object.fromEntries((q.rows as Q[]).map((r) => [String(r.value), rowObject(q, c)]));

const matrixdynamic: Gen = (q, c) => {
  const min = Math.max(1, num(q.minRowCount) ?? 0);
  const max = Math.min(num(q.maxRowCount) || 3, 3);
  return Array.from({ length: c.int(min, Math.max(min, max)) }, () => rowObject(q, c));
};

const multipletext: Gen = (q, c) =>
  Object.fromEntries(
    (q.items as Q[]).map((item) => [item.name, item.inputType === 'number' ? numberIn(item, c, 10) : shortText(item, 'Angabe')]),
  );

/** One dynamic panel: visible template questions answered in order, {panel.x} conditions evaluated as they go. */
function panelObject(q: Q, c: Ctx, outer: Answers, hiddenToo: boolean): Answers {
  const panel: Answers = {};
  for (const t of q.template.questions as Q[]) {
    const cond = t.visibleIf as string | undefined;
    if (cond && !hiddenToo && !new ConditionRunner(cond).runValues({ ...outer, panel })) continue;
    const v = goodValue(t, c);
    if (v === undefined) continue;
    panel[t.getValueName()] = withComments(t, c, panel, t.getValueName(), v);
  }
  return panel;
}

const paneldynamic: Gen = (q, c) => {
  const min = Math.max(1, num(q.minPanelCount) ?? 0);
  const max = Math.min(num(q.maxPanelCount) || 3, 3);
  const outer = c.extra;
  return Array.from({ length: c.int(min, Math.max(min, max)) }, () => panelObject(q, c, outer, false));
};

const GOOD: Record<string, Gen> = {
  text,
  comment,
  radiogroup: single,
  dropdown: single,
  checkbox: multi,
  tagbox: multi,
  boolean,
  rating,
  slider,
  ranking,
  imagepicker,
  matrix,
  matrixdropdown,
  matrixdynamic,
  multipletext,
  paneldynamic,
};

function goodValue(q: Q, c: Ctx): unknown {
  return GOOD[q.getType()]?.(q, c);
}

// ---------- mistakes: one generator per question type ----------

type Bad = (q: Q, c: Ctx, key: string) => unknown;
const OUTSIDE = ['zzz', 99, 'Other', ' a', 'A'];

/** Choice values of q that are not offered now (choicesVisibleIf, choicesFromQuestion selected/unselected). */
function hiddenChoices(q: Q): unknown[] {
  const source: Q | null = q.choicesFromQuestion ? q.survey?.getQuestionByName(q.choicesFromQuestion) : q;
  const visible = new Set(visibleValues(q));
  return ((source?.choices as Q[] | undefined) ?? []).map((i) => i.value).filter((v) => !visible.has(v));
}

/** A choice value of the other JSON type: '1' for 1, 1 for '1'. */
const retyped = (v: unknown) => (typeof v === 'number' ? String(v) : Number.isFinite(Number(v)) && v !== '' ? Number(v) : `${String(v)} `);

const badSingle: Bad = (q, c, key) => {
  const values = visibleValues(q);
  const hidden = hiddenChoices(q);
  const options: (() => unknown)[] = [() => c.pick(OUTSIDE), () => junk(c, 'scalar'), () => retyped(c.pick(values.length ? values : [1]))];
  if (hidden.length > 0) options.push(() => c.pick(hidden), () => c.pick(hidden));
  if (q.hasOther) options.push(() => otherValue(q));
  if (!q.hasComment && values.length > 0)
    options.push(() => {
      c.data[`${key}${COMMENT}`] = 'Kommentar ohne Sonstiges';
      return c.pick(values.filter((v) => v !== otherValue(q)).concat(values[0]));
    });
  return c.pick(options)();
};

const badMulti: Bad = (q, c, key) => {
  const visible = (q.visibleChoices as Q[] | undefined) ?? [];
  const regular = visible.filter((i) => !isSpecial(q, i)).map((i) => i.value);
  const exclusive = visible.filter((i) => i.isExclusive).map((i) => i.value);
  const hidden = hiddenChoices(q);
  const some = regular.length > 0 ? [c.pick(regular)] : ['zzz'];
  const options: (() => unknown)[] = [
    () => junk(c, 'array'),
    () => [...some, c.pick(OUTSIDE)],
    () => [...some, ...some],
    () => some[0],
    () => regular,
    () => [],
  ];
  if (exclusive.length > 0) options.push(() => [c.pick(exclusive), ...some]);
  if (hidden.length > 0) options.push(() => [c.pick(hidden)]);
  if (q.hasOther) options.push(() => [...some, otherValue(q)]);
  if (!q.hasComment)
    options.push(() => {
      c.data[`${key}${COMMENT}`] = 'Kommentar';
      return some;
    });
  return c.pick(options)();
};

const badText: Bad = (q, c) => {
  if (q.inputType === 'number' || q.inputType === 'range') {
    const step = num(q.step) || 1;
    return c.pick<unknown>([
      (num(q.min) ?? 0) - 1,
      (num(q.max) ?? 100) + 1,
      numberIn(q, c) + step / 2,
      1e308,
      -5,
      String(numberIn(q, c)),
      'NaN',
      junk(c, 'number'),
    ]);
  }
  const rx = REGEXES.find((r) => r.regex === validator(q, 'regexvalidator')?.regex);
  return c.pick<unknown>([
    'x'.repeat((num(q.maxLength) || 10_000) + 1),
    'a\u0000b',
    'Zeichen \ud800 allein',
    rx ? c.pick(rx.bad) : 'kein-at',
    'kein-at@',
    junk(c, 'string'),
  ]);
};

const badComment: Bad = (q, c) =>
  c.pick<unknown>(['x'.repeat((num(q.maxLength) || 10_000) + 1), 'ab', 'Null\u0000Byte', junk(c, 'string')]);

const badBoolean: Bad = (q, c) => c.pick<unknown>(['ja', 1, 'true', 0, q.valueTrue === undefined ? 'yes' : true, junk(c, 'scalar')]);

const badRating: Bad = (q, c) => {
  const values = (q.visibleRateValues as Q[]).map((r) => r.value);
  const top = Math.max(...values.filter((v): v is number => typeof v === 'number'), 5);
  return c.pick<unknown>([top + 1, 0.5, retyped(c.pick(values)), -5, junk(c, 'scalar')]);
};

const badSlider: Bad = (q, c) => {
  const step = num(q.step) || 1;
  return c.pick<unknown>([(num(q.max) ?? 100) + step, (num(q.min) ?? 0) - 1, numberIn(q, c) + step / 2, String(numberIn(q, c)), junk(c, 'number')]);
};

const badRanking: Bad = (q, c) => {
  const order = visibleValues(q);
  return c.pick<unknown>([order.slice(0, 1), [...order, order[0]], [...order, 'zzz'], order[0], junk(c, 'array')]);
};

const badImagepicker: Bad = (q, c, key) => (q.multiSelect ? badMulti(q, c, key) : badSingle(q, c, key));

const badMatrix: Bad = (q, c) => {
  const good = matrix(q, c) as Answers;
  const [first] = Object.keys(good);
  return c.pick<unknown>([
    { ...good, z9: good[first] },
    { ...good, [first]: 'zzz' },
    { [first]: good[first] },
    { ...good, [first]: [good[first]] },
    junk(c, 'object'),
  ]);
};

/** A row with one mistake: an unknown column, a wrong cell value, or not an object. */
function badRow(q: Q, c: Ctx): unknown {
  const row = rowObject(q, c);
  const col = c.pick(q.columns as Q[]);
  return c.pick<unknown>([
    { ...row, unbekannt: 'x' },
    { ...row, [col.name]: BAD[col.templateQuestion.getType()]?.(col.templateQuestion, c, col.name) ?? 'zzz' },
    junk(c, 'object'),
  ]);
}

const badMatrixdropdown: Bad = (q, c) => {
  const good = matrixdropdown(q, c) as Answers;
  const [first] = Object.keys(good);
  return c.pick<unknown>([{ ...good, z9: good[first] }, { ...good, [first]: badRow(q, c) }, junk(c, 'object')]);
};

const badMatrixdynamic: Bad = (q, c) => {
  const rows = matrixdynamic(q, c) as unknown[];
  const options: unknown[] = [[...rows.slice(1), badRow(q, c)], { 0: rows[0] }, junk(c, 'array')];
  // Only a small maxRowCount (survey-core's default is 1000 rows: too slow to load).
  const max = num(q.maxRowCount) ?? 1000;
  if (max <= 20) options.push(Array.from({ length: max + 1 }, () => rows[0]), Array.from({ length: max + 1 }, () => rows[0]));
  return c.pick(options);
};

const badMultipletext: Bad = (q, c) => {
  const good = multipletext(q, c) as Answers;
  const item = c.pick(q.items as Q[]);
  const wrong = item.inputType === 'number' ? c.pick<unknown>(['7', (num(validator(item, 'numericvalidator')?.maxValue) ?? 1e308) + 1, 1e308]) : junk(c, 'string');
  return c.pick<unknown>([{ ...good, unbekannt: 'x' }, { ...good, [item.name]: wrong }, junk(c, 'object')]);
};

const badPaneldynamic: Bad = (q, c) => {
  const outer = c.extra;
  const panels = paneldynamic(q, c) as Answers[];
  const t = c.pick(q.template.questions as Q[]);
  const name = t.getValueName();
  const wrongValue = BAD[t.getType()]?.(t, c, name) ?? 'zzz';
  // Only a small maxPanelCount (survey-core's default is 100 panels: slow to load).
  const max = num(q.maxPanelCount) ?? 100;
  const tooMany = max <= 20 ? Array.from({ length: max + 1 }, () => panels[0]) : [...panels, ...panels];
  return c.pick<unknown>([
    tooMany,
    [...panels.slice(1), { ...panels[0], [name]: wrongValue }],
    [...panels.slice(1), { ...panels[0], unbekannt: 'x' }],
    [...panels.slice(1), panelObject(q, c, outer, true)],
    t.hasOther || t.hasComment ? [{ ...panels[0], [name]: c.pick(visibleValues(t).concat('x')) }] : [{ ...panels[0], [`${name}${COMMENT}`]: 'x' }],
    junk(c, 'array'),
  ]);
};

const BAD: Record<string, Bad> = {
  text: badText,
  comment: badComment,
  radiogroup: badSingle,
  dropdown: badSingle,
  checkbox: badMulti,
  tagbox: badMulti,
  boolean: badBoolean,
  rating: badRating,
  slider: badSlider,
  ranking: badRanking,
  imagepicker: badImagepicker,
  matrix: badMatrix,
  matrixdropdown: badMatrixdropdown,
  matrixdynamic: badMatrixdynamic,
  multipletext: badMultipletext,
  paneldynamic: badPaneldynamic,
  expression: (_q, c) => c.pick([0, 42, 'x', true]),
  html: (_q, c) => c.pick(['Hallo', 1, ['x']]),
};

/** A mistake outside any one question's value: unknown keys, a comment nobody can write, a null. */
function globalMistake(questions: Q[], c: Ctx) {
  const q = c.pick(questions);
  const key = q.getValueName() as string;
  const options: (() => void)[] = [
    () => {
      c.data[c.pick(['unbekannt', 'x-Comment', 'antwort_99'])] = c.pick<unknown>(['x', 3, deep(c.maybe(0.1) ? 200 : 3)]);
    },
    () => {
      c.data[key] = null;
    },
    () => {
      c.data[key.toUpperCase()] = c.data[key] ?? 'x';
    },
  ];
  if (!q.hasOther && !q.hasComment)
    options.push(() => {
      c.data[`${key}${COMMENT}`] = 'Kommentar';
    });
  c.pick(options)();
}

/**
 * The value names nothing in the definition refers to: the definition's text without its
 * elements' own `name`s and `valueName`s never mentions them (in a condition, an expression, a
 * `{placeholder}`, `choicesFromQuestion` or a trigger), so an answer to one of them cannot change
 * what any other question shows. Conservative: a name that merely occurs in some text counts as
 * mentioned.
 */
export function unreferenced(json: SurveyJson, keys: string[]): Set<string> {
  const text = JSON.stringify(json, (k, v) => (k === 'name' || k === 'valueName' ? undefined : v));
  return new Set(keys.filter((key) => !text.includes(key)));
}

/**
 * A deterministic stream of submissions for one definition: about half plausible/valid, the rest
 * slightly wrong in one or a few ways. `everyAnswerIntoModel` sets every answer into the Model, as
 * before answers nothing refers to were skipped (generate.test.ts: the streams are the same).
 */
export function answerStream(json: SurveyJson, seed: number, { everyAnswerIntoModel = false } = {}): () => Answers {
  const rnd = prng(seed);
  const c: Ctx = {
    rnd,
    pick: (xs) => xs[Math.floor(rnd() * xs.length)],
    maybe: (p) => rnd() < p,
    int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)),
    data: {},
    extra: {},
  };
  const model = new Model(json);
  const questions = model.getAllQuestions(false, false, false) as unknown as Q[];
  if (questions.length === 0) return () => ({});
  // Setting an answer makes survey-core run every condition again: the generator's main cost.
  const noEffect = everyAnswerIntoModel ? new Set<string>() : unreferenced(json, questions.map((q) => q.getValueName() as string));

  return () => {
    const careful = c.maybe(0.45);
    c.data = {};
    // Not clear(): it also resets pages and timers, half the generator's time; the answers come out the same.
    model.data = {};
    const targets = new Set<number>();
    let globals = 0;
    if (!careful) {
      for (let k = c.int(1, 3); k > 0; k--) {
        if (c.maybe(0.2)) globals++;
        else targets.add(c.int(0, questions.length - 1));
      }
    }
    questions.forEach((q, i) => {
      const key = q.getValueName() as string;
      const type = q.getType() as string;
      const mistake = targets.has(i);
      const answerable = q.isVisible && q.isParentVisible && !q.isReadOnly && GOOD[type] !== undefined;
      if (!mistake && (!answerable || (!careful && c.maybe(0.5)))) return;
      if (type === 'paneldynamic') c.extra = model.getFilteredValues();
      // A hidden, disabled or unanswerable question answered at all is the mistake.
      const value = mistake && answerable ? BAD[type](q, c, key) : (goodValue(q, c) ?? BAD[type]?.(q, c, key));
      if (value === undefined) return;
      c.data[key] = mistake ? value : withComments(q, c, c.data, key, value);
      if (mistake && answerable) return;
      // Later questions see this answer (visibility, choicesFromQuestion, choicesVisibleIf).
      if (!noEffect.has(key)) model.setValue(key, c.data[key]);
    });
    for (; globals > 0; globals--) globalMistake(questions, c);
    return c.data;
  };
}
