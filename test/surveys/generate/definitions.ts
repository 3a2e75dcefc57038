// Random, valid SurveyJS definitions for differential tests: every question type survey-core 2.5
// knows, conditions on earlier answers (often true, often false), validators, special choice items,
// dynamic panels with {panel.x} logic and calculated values. Deterministic per seed.
// Profile 'simple' keeps to what surveys/compiled/support.ts lists, so the compiled validator
// accepts the definition; 'any' uses everything.
import { prng } from '../random-answers.ts';

export type SurveyJson = Record<string, unknown>;
export type Profile = 'any' | 'simple';
type J = Record<string, unknown>;

/** Regexes used by regex validators, with values that match and values that do not (answers.ts reads them). */
export const REGEXES: { regex: string; good: string[]; bad: string[] }[] = [
  { regex: '^[0-9]{5}$', good: ['80331', '10115', '01067'], bad: ['1234', 'abcde', '803311'] },
  { regex: '^[A-Za-zÄÖÜäöüß ]+$', good: ['Müller', 'Anna Maria', 'Straße'], bad: ['R2D2', '-', 'a_b'] },
  { regex: '^\\+?[0-9 ]{6,20}$', good: ['+49 30 123456', '0301234567'], bad: ['abc', '12', '+49-30'] },
];

/** What a condition may ask about an earlier value; `values` are ones the value often has. */
type Kind = 'single' | 'multi' | 'number' | 'text' | 'bool';
type Prior = { name: string; kind: Kind; values: unknown[] };
type Source = { name: string; values: unknown[] };

class Gen {
  readonly rnd: () => number;
  private n = 0;
  /** Earlier top-level values a condition may refer to. */
  priors: Prior[] = [];
  /** Earlier choice questions with their own choices (for choicesFromQuestion). */
  sources: Source[] = [];
  calcs: J[] = [];
  constructor(
    seed: number,
    readonly profile: Profile,
  ) {
    this.rnd = prng(seed);
  }
  get any() {
    return this.profile === 'any';
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }
  maybe(p: number) {
    return this.rnd() < p;
  }
  int(lo: number, hi: number) {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  name(prefix = 'q') {
    this.n++;
    return `${prefix}${this.n}`;
  }
}

const lit = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));
const TITLES = ['Wie zufrieden sind Sie?', 'Ihre Meinung', 'Welche Angebote nutzen Sie?', 'Größe der Einrichtung', 'Bemerkungen', 'Kontakt', 'Häufigkeit', 'Bewertung der Beratung'];
const WORDS = ['ja', 'nein', 'vielleicht', 'oft', 'selten', 'nie', 'Berlin', 'München', 'Köln', 'grün', 'blau'];
const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

/** 2–6 choice values: letters, German words, numbers or a mix. */
function choiceValues(g: Gen, min = 2, max = 6): unknown[] {
  const n = g.int(min, max);
  const style = g.pick(['letters', 'words', 'numbers', 'mixed'] as const);
  const words = [...WORDS].sort(() => g.rnd() - 0.5);
  return Array.from({ length: n }, (_, i) => {
    if (style === 'letters') return LETTERS[i];
    if (style === 'words') return words[i];
    if (style === 'numbers') return i + 1;
    return i % 2 === 0 ? i + 1 : LETTERS[i];
  });
}

/** Choice items: bare values or { value, text }. */
function items(g: Gen, values: unknown[]): unknown[] {
  const objects = g.maybe(0.5);
  return values.map((v) => (objects ? { value: v, text: `Antwort ${String(v).toUpperCase()}` } : v));
}

// ---------- conditions ----------

function atom(g: Gen, p: Prior): string {
  const v = g.pick(p.values);
  const ref = `{${p.name}}`;
  switch (p.kind) {
    case 'single':
      return g.pick([`${ref} = ${lit(v)}`, `${ref} <> ${lit(v)}`, `${ref} notempty`, `${ref} anyof [${lit(v)}, ${lit(g.pick(p.values))}]`]);
    case 'multi':
      return g.pick([`${ref} contains ${lit(v)}`, `${ref} notcontains ${lit(v)}`, `${ref} notempty`, `${ref} empty`]);
    case 'number':
      return g.pick([`${ref} > ${v}`, `${ref} <= ${v}`, `${ref} notempty`, `${ref} >= ${v}`]);
    case 'bool':
      return g.pick([`${ref} = ${lit(v)}`, `${ref} <> ${lit(v)}`, `${ref} notempty`]);
    default:
      return g.pick([`${ref} notempty`, `${ref} empty`]);
  }
}

/** A condition on earlier values (or on `pool`), or undefined when there is nothing to refer to. */
function condition(g: Gen, pool: Prior[] = g.priors): string | undefined {
  if (pool.length === 0) return undefined;
  const first = atom(g, g.pick(pool));
  if (!g.maybe(0.2)) return first;
  return `(${first}) ${g.pick(['and', 'or'])} (${atom(g, g.pick(pool))})`;
}

/** Sometimes a calculated value over an earlier value ('any' only), itself usable in later conditions. */
function maybeCalc(g: Gen) {
  if (!g.any || !g.maybe(0.25)) return;
  const p = g.pick(g.priors.filter((x) => x.kind !== 'text' && !x.name.startsWith('calc')));
  if (!p) return;
  const name = g.name('calc');
  const expression =
    p.kind === 'number' ? `{${p.name}} + ${g.int(0, 3)}` : `iif(${atom(g, p)}, ${g.int(2, 5)}, ${g.int(0, 2)})`;
  g.calcs.push({ name, expression });
  g.priors.push({ name, kind: 'number', values: [1, 2, 3, 4] });
}

/** Logic on a top-level (or static panel) question: visibleIf, enableIf, requiredIf, isRequired, readOnly. */
function logic(g: Gen, q: J, required = 0.45): J {
  if (g.maybe(0.35)) q.visibleIf = condition(g);
  if (g.maybe(0.1)) q.enableIf = condition(g);
  if (g.maybe(required)) q.isRequired = true;
  else if (g.maybe(0.15)) q.requiredIf = condition(g);
  if (g.maybe(0.04)) q.readOnly = true;
  return q;
}

/** Logic on a dynamic panel's template question: {panel.x} conditions ('any' only). */
function innerLogic(g: Gen, q: J, pool: Prior[]): J {
  if (g.maybe(0.35)) q.isRequired = true;
  if (!g.any) return q;
  if (g.maybe(0.4)) q.visibleIf = condition(g, pool.length > 0 && g.maybe(0.8) ? pool : g.priors);
  if (!q.isRequired && g.maybe(0.3)) q.requiredIf = condition(g, pool);
  return q;
}

// ---------- question makers: one per type ----------

type Ctx = { g: Gen; inner: boolean; pool: Prior[] };
type Maker = (c: Ctx, name: string) => { q: J; prior?: Prior; source?: Source };

function numberText({ g }: Ctx, name: string) {
  const min = g.pick([0, 1, -10, 18]);
  const max = min + g.pick([10, 100, 1000]);
  const q: J = { type: 'text', name, inputType: 'number', title: 'Anzahl' };
  if (g.maybe(0.6)) q.min = min;
  if (g.maybe(0.6)) q.max = max;
  if (g.maybe(0.3)) q.step = g.pick([1, 5, 0.5]);
  if (g.maybe(0.3)) q.validators = [{ type: 'numeric', minValue: min + 1, maxValue: max - 1 }];
  return { q, prior: { name, kind: 'number' as Kind, values: [min + 1, Math.round((min + max) / 2), min + 10] } };
}

const text: Maker = (c, name) => {
  const { g } = c;
  const inputType = g.pick(['text', 'text', 'number', 'number', 'email', 'date', 'tel', 'range']);
  if (inputType === 'number') return numberText(c, name);
  const q: J = { type: 'text', name, title: g.pick(TITLES) };
  if (inputType !== 'text' || g.maybe(0.3)) q.inputType = inputType;
  if (inputType === 'range') {
    if (g.any && g.maybe(0.7)) Object.assign(q, { min: 0, max: g.pick([10, 100]), step: g.pick([1, 5]) });
    return { q, prior: { name, kind: 'number' as Kind, values: [3, 5, 50] } };
  }
  const validators: J[] = [];
  if (inputType === 'text' && g.maybe(0.3)) {
    const v: J = { type: 'text', minLength: g.int(0, 3), maxLength: g.int(10, 40) };
    if (g.maybe(0.4)) v.allowDigits = false;
    validators.push(v);
  }
  if ((inputType === 'text' || inputType === 'tel') && g.maybe(0.3)) {
    validators.push({ type: 'regex', regex: g.pick(REGEXES).regex, text: 'Bitte im richtigen Format angeben.' });
  }
  if ((inputType === 'email' && g.maybe(0.4)) || (inputType === 'text' && g.maybe(0.1))) validators.push({ type: 'email' });
  if (inputType === 'text' && g.maybe(0.2)) q.maxLength = g.pick([5, 20, 100]);
  if (validators.length > 0) q.validators = validators;
  return { q, prior: { name, kind: 'text' as Kind, values: [] } };
};

const comment: Maker = ({ g }, name) => {
  const q: J = { type: 'comment', name, title: 'Bemerkungen' };
  if (g.maybe(0.5)) q.maxLength = g.pick([20, 200, 500]);
  if (g.maybe(0.2)) q.validators = [{ type: 'text', minLength: 5 }];
  return { q, prior: { name, kind: 'text' as Kind, values: [] } };
};

/** Choices, special items, choicesVisibleIf and choicesFromQuestion, shared by the choice types. */
function choiceQuestion(c: Ctx, name: string, type: string, multi: boolean) {
  const { g } = c;
  const q: J = { type, name, title: g.pick(TITLES) };
  const source = !c.inner && g.any && g.sources.length > 0 && g.maybe(0.25) ? g.pick(g.sources) : null;
  let values: unknown[];
  if (source) {
    values = source.values;
    q.choicesFromQuestion = source.name;
    q.choicesFromQuestionMode = g.pick(['all', 'selected', 'unselected']);
  } else {
    values = choiceValues(g);
    q.choices = items(g, values);
  }
  if (g.maybe(0.3)) q.showOtherItem = true;
  if (g.maybe(0.25)) q.showNoneItem = true;
  if (g.any && g.maybe(0.15)) q.showRefuseItem = true;
  if (g.any && g.maybe(0.15)) q.showDontKnowItem = true;
  if (g.any && g.maybe(0.1)) q.showCommentArea = true;
  if (!c.inner && g.maybe(0.15)) {
    const other = g.priors.find((p) => p.kind === 'single' || p.kind === 'multi');
    q.choicesVisibleIf = other && g.maybe(0.5) ? `{item} <> {${other.name}}` : `{item} <> ${lit(g.pick(values))}`;
  }
  if (multi && !source) {
    if (g.any && g.maybe(0.2)) {
      const list = q.choices as unknown[];
      const last = list[list.length - 1];
      list[list.length - 1] = { value: typeof last === 'object' ? (last as J).value : last, text: 'Keine davon', isExclusive: true };
    }
    if (g.maybe(0.2)) q.maxSelectedChoices = g.int(2, Math.max(2, values.length - 1));
    if (g.maybe(0.2)) q.minSelectedChoices = g.int(1, 2);
  }
  if (multi && g.any && g.maybe(0.15)) q.validators = [{ type: 'answercount', minCount: 1, maxCount: g.int(2, 3) }];
  return {
    q,
    prior: { name, kind: (multi ? 'multi' : 'single') as Kind, values },
    source: source || c.inner ? undefined : { name, values },
  };
}

const single: (type: string) => Maker = (type) => (c, name) => choiceQuestion(c, name, type, false);
const multi: (type: string) => Maker = (type) => (c, name) => choiceQuestion(c, name, type, true);

const boolean: Maker = ({ g }, name) => {
  const q: J = { type: 'boolean', name, title: 'Trifft das zu?' };
  let values: unknown[] = [true, false];
  if (g.any && g.maybe(0.35)) {
    values = g.pick([['ja', 'nein'], [1, 0], ['yes', 'no']]);
    q.valueTrue = values[0];
    q.valueFalse = values[1];
  }
  return { q, prior: { name, kind: 'bool' as Kind, values } };
};

const rating: Maker = ({ g }, name) => {
  const q: J = { type: 'rating', name, title: 'Bewertung' };
  const style = g.pick(g.any ? ['default', 'range', 'values'] : ['default', 'range']);
  let values = [1, 2, 3, 4, 5];
  if (style === 'range') {
    q.rateMin = g.pick([0, 1]);
    q.rateStep = g.pick([1, 1, 2]);
    q.rateMax = (q.rateMin as number) + (q.rateStep as number) * g.int(2, 9);
    values = [q.rateMin as number, (q.rateMax as number) - (q.rateStep as number)];
  } else if (style === 'values') {
    values = choiceValues(g, 3, 5) as number[];
    q.rateValues = items(g, values);
  }
  return { q, prior: { name, kind: (style === 'values' ? 'single' : 'number') as Kind, values } };
};

const ranking: Maker = ({ g }, name) => {
  const values = choiceValues(g, 3, 5);
  const q: J = { type: 'ranking', name, title: 'Reihenfolge', choices: items(g, values) };
  if (g.any && g.maybe(0.4)) q.selectToRankEnabled = true;
  return { q, prior: { name, kind: 'multi' as Kind, values } };
};

const imagepicker: Maker = ({ g }, name) => {
  const values = choiceValues(g, 2, 4);
  const q: J = {
    type: 'imagepicker',
    name,
    title: 'Bild wählen',
    choices: values.map((v) => ({ value: v, imageLink: `https://example.org/bild-${String(v)}.png` })),
  };
  if (g.maybe(0.4)) q.multiSelect = true;
  return { q, prior: { name, kind: (q.multiSelect ? 'multi' : 'single') as Kind, values } };
};

const matrix: Maker = ({ g }, name) => {
  const columns = choiceValues(g, 2, 5);
  const q: J = { type: 'matrix', name, title: 'Matrix', rows: items(g, ['z1', 'z2', 'z3'].slice(0, g.int(1, 3))), columns: items(g, columns) };
  if (g.maybe(0.25)) q[g.pick(['eachRowRequired', 'isAllRowRequired'])] = true;
  return { q, prior: { name: `${name}.z1`, kind: 'single' as Kind, values: columns } };
};

function columns(g: Gen): J[] {
  return Array.from({ length: g.int(1, 3) }, (_, i) => {
    const cellType = g.pick(['dropdown', 'checkbox', 'text', 'radiogroup', 'boolean']);
    const col: J = { name: `s${i + 1}`, title: `Spalte ${i + 1}`, cellType };
    if (['dropdown', 'checkbox', 'radiogroup'].includes(cellType)) col.choices = choiceValues(g, 2, 4);
    if (cellType === 'text' && g.maybe(0.4)) col.inputType = 'number';
    if (g.maybe(0.3)) col.isRequired = true;
    return col;
  });
}

const matrixdropdown: Maker = ({ g }, name) => ({
  q: { type: 'matrixdropdown', name, title: 'Tabelle', rows: ['z1', 'z2', 'z3'].slice(0, g.int(1, 3)), columns: columns(g) },
});

const matrixdynamic: Maker = ({ g }, name) => {
  const q: J = { type: 'matrixdynamic', name, title: 'Liste', columns: columns(g), rowCount: g.int(0, 2) };
  if (g.maybe(0.4)) q.minRowCount = g.int(0, 1);
  if (g.maybe(0.5)) q.maxRowCount = g.int(2, 4);
  return { q };
};

const multipletext: Maker = ({ g }, name) => {
  const q: J = {
    type: 'multipletext',
    name,
    title: 'Angaben',
    items: Array.from({ length: g.int(1, 3) }, (_, i) => {
      const item: J = { name: `f${i + 1}`, title: `Feld ${i + 1}` };
      if (g.maybe(0.5)) {
        item.inputType = 'number';
        if (g.maybe(0.6)) item.validators = [{ type: 'numeric', minValue: 0, maxValue: g.pick([10, 100]) }];
      } else if (g.maybe(0.3)) item.validators = [{ type: 'text', maxLength: 20 }];
      if (g.maybe(0.2)) item.isRequired = true;
      return item;
    }),
  };
  return { q };
};

const slider: Maker = ({ g }, name) => {
  const min = g.pick([0, 1, -5]);
  const step = g.pick([1, 1, 5]);
  const max = min + step * g.int(2, 20);
  return { q: { type: 'slider', name, title: 'Regler', min, max, step }, prior: { name, kind: 'number' as Kind, values: [min + step, max - step] } };
};

const expression: Maker = ({ g }, name) => {
  const nums = g.priors.filter((p) => p.kind === 'number' && (g.any || !p.name.startsWith('calc')));
  const choice = g.priors.filter((p) => p.kind === 'single');
  let expr = `${g.int(1, 9)} + ${g.int(1, 9)}`;
  if (nums.length > 0 && g.maybe(0.6)) expr = `{${g.pick(nums).name}} * 2`;
  else if (choice.length > 0) expr = `iif(${atom(g, g.pick(choice))}, 1, 0)`;
  return { q: { type: 'expression', name, title: 'Berechnet', expression: expr }, prior: { name, kind: 'number' as Kind, values: [1, 2, 10] } };
};

const html: Maker = (_c, name) => ({ q: { type: 'html', name, html: '<p>Hinweis: Ihre Angaben sind freiwillig.</p>' } });

const INNER: Record<string, Maker> = {
  text,
  comment,
  radiogroup: single('radiogroup'),
  dropdown: single('dropdown'),
  checkbox: multi('checkbox'),
  tagbox: multi('tagbox'),
  boolean,
  rating,
};

const paneldynamic: Maker = ({ g }, name) => {
  const pool: Prior[] = [];
  const templateElements = Array.from({ length: g.int(1, 3) }, () => {
    const made = INNER[g.pick(Object.keys(INNER))]({ g, inner: true, pool }, g.name('t'));
    const q = innerLogic(g, made.q, pool);
    if (!g.any) {
      const validators = (q.validators as J[] | undefined)?.filter((v) => v.type !== 'expression');
      if (validators?.length === 0) delete q.validators;
    }
    if (made.prior) pool.push({ ...made.prior, name: `panel.${made.prior.name}` });
    return q;
  });
  const q: J = { type: 'paneldynamic', name, title: 'Einträge', templateElements };
  if (g.maybe(0.4)) q.minPanelCount = g.int(0, 1);
  if (g.maybe(0.5)) q.maxPanelCount = g.int(2, 4);
  if (g.maybe(0.5)) q.panelCount = g.int(0, 2);
  return { q };
};

const TOP: Record<string, Maker> = {
  ...INNER,
  ranking,
  matrix,
  paneldynamic,
  expression,
  html,
};
const ANY_ONLY: Record<string, Maker> = { imagepicker, matrixdropdown, matrixdynamic, multipletext, slider };

/** An expression validator on a question with a number or text value (top-level only). */
function expressionValidator(g: Gen, q: J, prior: Prior) {
  const self = `{${q.name}}`;
  const expr =
    prior.kind === 'number' ? `${self} <> ${g.pick(prior.values)}` : prior.kind === 'text' ? `${self} <> 'test'` : `${self} notempty`;
  q.validators = [...((q.validators as J[]) ?? []), { type: 'expression', expression: expr, text: 'Diese Antwort passt nicht.' }];
}

function question(g: Gen): J {
  const makers = g.any ? { ...TOP, ...ANY_ONLY } : TOP;
  const type = g.pick(Object.keys(makers));
  const made = makers[type]({ g, inner: false, pool: [] }, g.name());
  const q = type === 'html' ? made.q : logic(g, made.q, type === 'expression' ? 0 : 0.45);
  if (type === 'expression') {
    delete q.enableIf;
    delete q.readOnly;
  }
  if (made.prior && ['text', 'comment', 'radiogroup', 'dropdown'].includes(type) && g.maybe(0.12)) expressionValidator(g, q, made.prior);
  if (made.prior) g.priors.push(made.prior);
  if (made.source) g.sources.push(made.source);
  maybeCalc(g);
  return q;
}

function panel(g: Gen, depth: number): J {
  const p: J = { type: 'panel', name: g.name('panel'), title: 'Abschnitt' };
  if (g.maybe(0.4)) p.visibleIf = condition(g);
  if (g.maybe(0.1)) p.enableIf = condition(g);
  p.elements = Array.from({ length: g.int(1, 3) }, () => (depth < 1 && g.maybe(0.2) ? panel(g, depth + 1) : question(g)));
  if (p.visibleIf === undefined) delete p.visibleIf;
  if (p.enableIf === undefined) delete p.enableIf;
  return p;
}

/** Drop properties that came out undefined (a condition with nothing earlier to refer to). */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, clean(x)]),
  );
}

/** 'small' surveys (2–5 questions, now and then 8) keep a differential test of many thousand cases affordable. */
export type Size = 'mixed' | 'small';

/** A random, valid SurveyJS definition. 'simple' uses only what surveys/compiled/support.ts lists (so it compiles); 'any' uses everything. Deterministic per seed. */
export function randomSurvey(seed: number, profile: Profile = 'any', size: Size = 'mixed'): SurveyJson {
  const g = new Gen(seed, profile);
  const total = size === 'small' ? (g.maybe(0.9) ? g.int(2, 5) : 8) : g.maybe(0.8) ? g.int(3, 6) : g.int(7, 12);
  const pageCount = Math.min(total, g.pick([1, 1, 2, 3]));
  const pages: J[] = [];
  let left = total;
  for (let i = 0; i < pageCount; i++) {
    const count = i === pageCount - 1 ? left : g.int(1, left - (pageCount - i - 1));
    left -= count;
    const elements = Array.from({ length: count }, () => (g.maybe(0.12) ? panel(g, 0) : question(g)));
    pages.push({ name: `seite${i + 1}`, title: `Seite ${i + 1}`, elements });
  }
  const json: J = { title: `Zufallsumfrage ${seed}`, pages };
  if (g.calcs.length > 0) json.calculatedValues = g.calcs;
  return clean(json) as SurveyJson;
}

/** Seven-point scales as studies write them: long German column labels are what breaks a matrix's layout. */
const SCALES7 = [
  ['stimme überhaupt nicht zu', 'stimme nicht zu', 'stimme eher nicht zu', 'teils, teils', 'stimme eher zu', 'stimme zu', 'stimme voll und ganz zu'],
  ['nie', 'seltener als jährlich', 'etwa einmal im Jahr', 'halbjährlich', 'vierteljährlich', 'monatlich', 'wöchentlich oder öfter'],
  ['äußerst unzufrieden', 'sehr unzufrieden', 'eher unzufrieden', 'weder noch', 'eher zufrieden', 'sehr zufrieden', 'äußerst zufrieden'],
];
const ROWS = ['Arbeitsorganisation und Zeitdruck', 'Gesundheitsförderung und Prävention', 'Digitalisierung der Arbeitsabläufe', 'Weiterbildung', 'Vereinbarkeit von Familie und Beruf', 'Lieferkettensorgfaltspflichtengesetz'];

/**
 * A survey for layout tests: a random definition (any question type) plus a page with a
 * `columns`-column matrix of long scale labels and a `columns`-point rating with end labels.
 * All questions are shown on one page, so a layout test sees every question without answering.
 */
export function layoutSurvey(seed: number, columns = 7): SurveyJson {
  const json = randomSurvey(seed, 'any', 'mixed') as J & { pages: J[] };
  const g = new Gen(seed + 1, 'any');
  const scale = g.pick(SCALES7).slice(0, columns);
  const values = scale.map((_, i) => i + 1);
  const rows = [...ROWS].sort(() => g.rnd() - 0.5).slice(0, g.int(2, ROWS.length));
  const matrix: J = {
    type: 'matrix',
    name: 'skala',
    title: 'Wie sehr treffen diese Aussagen auf Ihre Einrichtung zu?',
    rows: rows.map((text, i) => ({ value: `z${i + 1}`, text })),
    columns: values.map((value, i) => ({ value, text: scale[i] })),
  };
  const rating: J = { type: 'rating', name: 'skala_gesamt', title: 'Gesamturteil', rateCount: columns, rateMax: columns, minRateDescription: scale[0], maxRateDescription: scale[columns - 1] };
  json.pages.push({ name: 'skalen', title: 'Skalen', elements: g.maybe(0.5) ? [matrix, rating] : [rating, matrix] });
  return { ...json, questionsOnPageMode: 'singlePage' };
}
