// Builds the question catalogue of a definition with survey-core's own model, so titles,
// choices, rate values and special items are read exactly as the browser reads them.
//
// Measurement rules (where SurveyJS has no notion of "ordinal"):
//  - rating and matrix rows are ordinal; radiogroup/dropdown are ordinal only when every
//    choice value is a number (e.g. 0 = nie … 4 = wöchentlich), otherwise nominal;
//  - text with inputType number/range, slider and expression are `scale`; other text is `text`;
//  - boolean is nominal with the values true/false;
//  - matrixdynamic rows have no names: one variable per column, key `q.col`, whose answers are
//    pooled over rows; paneldynamic likewise: one variable per inner question, key `q.inner`;
//  - checkbox cells in a matrix become `q.row.col.choice` binaries (an extension of the keys);
//  - file answers are catalogued as `text` (the file name), never analysed.
import { ConditionRunner, Model, surveyLocalization } from 'survey-core';
import type { Question } from 'survey-core';
import 'survey-core/i18n/german';
import { alwaysAnswered } from './asked.ts';
import { parseMark } from './marks.ts';
import { type Catalogue, type CatalogueQuestion, type Choice, type LocalizedText, type Measure, OTHER_CHOSEN, type Variable } from './types.ts';

// survey-core's question classes differ per type; the catalogue reads their typed properties by name.
// biome-ignore lint/suspicious/noExplicitAny: survey-core exposes type-specific properties without a shared type
type AnyQ = Question & Record<string, any>;
type Loc = { getLocaleText(loc: string): string; localizationName?: string } | undefined;
type ItemLike = {
  value: unknown;
  locText?: Loc;
  name?: string;
  locTitle?: Loc;
};

const NO_VALUE = new Set(['html', 'image', 'panel', 'flowpanel']);

export function buildCatalogue(json: unknown): Catalogue {
  const model = new Model(json);
  const locales = orderLocales(model.getUsedLocales());
  const all = model.getAllQuestions(false, false, false).filter((q) => !NO_VALUE.has(q.getType()));
  const questions = all.map((q) => catalogueQuestion(q as AnyQ, locales));
  const required = alwaysAnswered(json);
  for (const q of questions) if (required.has(q.name)) q.required = true;
  const byName = new Map(questions.map((q) => [q.name, q]));
  all.forEach((q, i) => {
    const reads = conditionReads(q as AnyQ);
    if (reads === null) return;
    questions[i].shownIf = [...reads].flatMap((name): Variable[] => {
      const vars = byName.get(name)?.variables.filter((v) => v.measure !== 'text') ?? [];
      return vars.length > 0 ? vars : [{ key: `?${name}`, question: name, measure: 'text', label: { de: name } }];
    });
  });
  return { locales, questions };
}

/** The names the visibility conditions of a question and its panels and page read; null when none can hide it. */
function conditionReads(q: AnyQ): Set<string> | null {
  let conditional = false;
  const names = new Set<string>();
  for (let e: AnyQ | null = q; e; e = e.parent as unknown as AnyQ | null) {
    if (e.visible === false && !e.visibleIf) conditional = true;
    if (!e.visibleIf) continue;
    conditional = true;
    // `{q.row}`, `{panel[0].q}`, `{q-Comment}` all read question q
    for (const v of new ConditionRunner(String(e.visibleIf)).getVariables()) names.add(v.split(/[.[]/)[0].replace(/-Comment$/, ''));
  }
  return conditional ? names : null;
}

function orderLocales(used: string[]): string[] {
  const rest = used.filter((l) => l && l !== 'de' && l !== 'default');
  return ['de', ...rest.sort()];
}

/** Text per locale, falling back to the default-locale text and then to `fallback`. */
export function localized(loc: Loc, locales: string[], fallback: string): LocalizedText {
  const base = loc?.getLocaleText('default') || loc?.getLocaleText('') || '';
  const out: Record<string, string> = {};
  for (const l of locales) out[l] = loc?.getLocaleText(l) || base || out.de || fallback;
  return out as LocalizedText;
}

const choiceOf = (item: ItemLike, locales: string[]): Choice => {
  const value = item.value as string | number;
  return {
    value,
    label: localized(item.locText ?? item.locTitle, locales, String(value)),
  };
};

/** "Other" where the author gave no text: short words in German and English, survey-core's elsewhere. */
const OTHER_WORDS: Record<string, string> = { de: 'Sonstiges', en: 'Other' };

/**
 * A special item's label (other, none, refuse, don't know) in each locale: the author's text, else
 * the word survey-core shows in that locale ("Nichts trifft zu"), never the bare value "other".
 */
function specialLabel(item: ItemLike, locales: string[], other: boolean): LocalizedText {
  const loc = item.locText;
  const own = loc?.getLocaleText('default') || loc?.getLocaleText('') || '';
  const out: Record<string, string> = {};
  // English too, so an English export of a German-only survey says "Other", not "Sonstiges"
  for (const l of locales.includes('en') ? locales : [...locales, 'en']) {
    const builtIn = other && OTHER_WORDS[l] ? OTHER_WORDS[l] : loc?.localizationName ? surveyLocalization.getString(loc.localizationName, l) : '';
    out[l] = loc?.getLocaleText(l) || own || builtIn || String(item.value);
  }
  return out as LocalizedText;
}

function choicesOf(q: AnyQ, locales: string[]): Choice[] {
  const items: Choice[] = (q.choices ?? []).map((i: ItemLike) => choiceOf(i, locales));
  for (const [flag, item] of [
    ['showNoneItem', 'noneItem'],
    ['showRefuseItem', 'refuseItem'],
    ['showDontKnowItem', 'dontKnowItem'],
  ] as const) {
    if (q[flag] && q[item]) items.push({ value: q[item].value, label: specialLabel(q[item], locales, false) });
  }
  if (q.hasOther && q.otherItem) items.push({ value: q.otherItem.value, label: specialLabel(q.otherItem, locales, true) });
  return items;
}

const allNumbers = (choices: Choice[]) => choices.length > 0 && choices.every((c) => typeof c.value === 'number');
const withPrefix = (label: LocalizedText, extra: LocalizedText): LocalizedText =>
  Object.fromEntries(Object.entries(label).map(([l, t]) => [l, `${t}: ${extra[l] ?? extra.de}`])) as LocalizedText;

function catalogueQuestion(q: AnyQ, locales: string[]): CatalogueQuestion {
  const title = localized(q.locTitle, locales, q.name);
  const entry: CatalogueQuestion = {
    name: q.name,
    type: q.getType(),
    title,
    ordinal: false,
    hasOther: !!q.hasOther,
    variables: [],
  };
  const type = q.getType();
  if (type === 'text' || type === 'multipletext') entry.inputType = type === 'text' ? q.inputType : undefined;
  if (type === 'matrix' || type === 'matrixdropdown') entry.rows = q.rows.map((r: ItemLike) => choiceOf(r, locales));
  if (type === 'matrix') entry.columns = q.columns.map((c: ItemLike) => choiceOf(c, locales));
  if (type === 'matrixdropdown' || type === 'matrixdynamic') {
    entry.columns = q.columns.map((c: AnyQ) => ({
      value: c.name,
      label: localized(c.locTitle, locales, c.name),
    }));
  }
  if (type === 'multipletext')
    entry.rows = q.items.map((i: AnyQ) => ({
      value: i.name,
      label: localized(i.locTitle, locales, i.name),
    }));
  entry.variables = variablesOf(q, q.name, title, locales);
  if ((type === 'checkbox' || type === 'tagbox' || type === 'radiogroup' || type === 'dropdown') && q.showNoneItem) entry.hasNone = true;
  const { mark } = parseMark(q.befund);
  if (mark) entry.befund = mark;
  const first = entry.variables[0];
  if (first && (type === 'rating' || type === 'matrix' || first.measure === 'ordinal')) entry.ordinal = true;
  if (
    type !== 'matrix' &&
    type !== 'matrixdropdown' &&
    type !== 'matrixdynamic' &&
    type !== 'multipletext' &&
    type !== 'paneldynamic'
  ) {
    const choices =
      type === 'rating'
        ? rateValues(q, locales)
        : type === 'boolean'
          ? booleanValues(q, locales)
          : q.choices
            ? choicesOf(q, locales)
            : undefined;
    if (choices) entry.choices = choices;
  }
  return entry;
}

/**
 * Rate values with their labels; where an end value has no text of its own, the scale's anchor
 * (minRateDescription / maxRateDescription, e.g. "sehr unzufrieden" … "sehr zufrieden") labels it,
 * so exports carry the anchors as value labels.
 */
function rateValues(q: AnyQ, locales: string[]): Choice[] {
  const items = q.visibleRateValues as ItemLike[];
  return items.map((i, index) => {
    const choice = choiceOf(i, locales);
    const anchor: Loc = index === 0 ? q.locMinRateDescription : index === items.length - 1 ? q.locMaxRateDescription : undefined;
    const own = i.locText?.getLocaleText('default') || i.locText?.getLocaleText('');
    const anchorText = anchor?.getLocaleText('default') || anchor?.getLocaleText('');
    if (!anchor || own || !(anchorText || locales.some((l) => anchor.getLocaleText(l)))) return choice;
    return { value: choice.value, label: localized(anchor, locales, String(choice.value)) };
  });
}

function booleanValues(q: AnyQ, locales: string[]): Choice[] {
  const yes = {
    ...localized(q.locLabelTrue, locales, 'ja'),
    ...defaultsFor(q.locLabelTrue, 'yes'),
  };
  const no = {
    ...localized(q.locLabelFalse, locales, 'nein'),
    ...defaultsFor(q.locLabelFalse, 'no'),
  };
  return [
    { value: q.valueTrue ?? true, label: yes },
    { value: q.valueFalse ?? false, label: no },
  ] as Choice[];
}

// An unset boolean label falls back to German everywhere; give English its own word.
const defaultsFor = (loc: Loc, en: string): Record<string, string> =>
  loc?.getLocaleText('en') || loc?.getLocaleText('default') ? {} : { en };

const variable = (key: string, question: string, measure: Measure, label: LocalizedText, values?: Choice[]): Variable =>
  values ? { key, question, measure, label, values } : { key, question, measure, label };

/** Variables of one question (or cell/inner question), keys prefixed by `key`. */
function variablesOf(q: AnyQ, key: string, label: LocalizedText, locales: string[], owner = key): Variable[] {
  const type = q.getType();
  const otherLabel = q.hasOther && q.otherItem ? withPrefix(label, specialLabel(q.otherItem, locales, true)) : label;
  const other = q.hasOther ? [variable(`${key}.other`, owner, 'text', otherLabel)] : [];
  switch (type) {
    case 'text':
      return [variable(key, owner, q.inputType === 'number' || q.inputType === 'range' ? 'scale' : 'text', label)];
    case 'comment':
    case 'file':
    case 'signaturepad':
      return [variable(key, owner, 'text', label)];
    case 'expression':
    case 'slider':
      return [variable(key, owner, 'scale', label)];
    case 'boolean':
      return [variable(key, owner, 'nominal', label, booleanValues(q, locales))];
    case 'rating':
      return [variable(key, owner, 'ordinal', label, rateValues(q, locales))];
    case 'radiogroup':
    case 'dropdown':
    case 'imagepicker': {
      const choices = choicesOf(q, locales);
      if (type === 'imagepicker' && q.multiSelect) return binaries(key, label, choices, owner);
      const plain = choices.filter((c) => c.value !== q.otherItem?.value || !q.hasOther);
      return [variable(key, owner, allNumbers(plain) ? 'ordinal' : 'nominal', label, choices), ...other];
    }
    case 'checkbox':
    case 'tagbox':
      return [
        ...binaries(
          key,
          label,
          choicesOf(q, locales).filter((c) => !q.hasOther || c.value !== q.otherItem?.value),
          owner,
        ),
        // "other" chosen or not, as 0/1 like every choice; its text stays in `q.other`
        ...(q.hasOther ? binaries(key, label, [], owner, otherLabel) : []),
        ...other,
      ];
    case 'ranking':
      return choicesOf(q, locales).map((c) => variable(`${key}.${c.value}`, owner, 'rank', withPrefix(label, c.label)));
    case 'matrix': {
      const columns = (q.columns as ItemLike[]).map((c) => choiceOf(c, locales));
      return (q.rows as ItemLike[]).map((r) =>
        variable(`${key}.${r.value}`, owner, 'ordinal', withPrefix(label, choiceOf(r, locales).label), columns),
      );
    }
    case 'matrixdropdown':
      return (q.rows as ItemLike[]).flatMap((r) => {
        const rowLabel = withPrefix(label, choiceOf(r, locales).label);
        return (q.columns as AnyQ[]).flatMap((c) => cellVariables(q, c, `${key}.${r.value}.${c.name}`, rowLabel, locales, owner));
      });
    case 'matrixdynamic':
      return (q.columns as AnyQ[]).flatMap((c) => cellVariables(q, c, `${key}.${c.name}`, label, locales, owner));
    case 'multipletext':
      return (q.items as AnyQ[]).map((i) =>
        variable(
          `${key}.${i.name}`,
          owner,
          i.inputType === 'number' ? 'scale' : 'text',
          withPrefix(label, localized(i.locTitle, locales, i.name)),
        ),
      );
    case 'paneldynamic':
      return (q.template.questions as AnyQ[])
        .filter((inner) => !NO_VALUE.has(inner.getType()))
        .flatMap((inner) =>
          variablesOf(
            inner,
            `${key}.${inner.getValueName()}`,
            withPrefix(label, localized(inner.locTitle, locales, inner.name)),
            locales,
            owner,
          ),
        );
    default:
      return [variable(key, owner, 'text', label)];
  }
}

/** One 0/1 variable per choice; with `otherLabel`, the "other chosen" variable instead. */
function binaries(key: string, label: LocalizedText, choices: Choice[], owner: string, otherLabel?: LocalizedText): Variable[] {
  const values: Choice[] = [
    { value: 0, label: { de: 'nicht gewählt', en: 'not chosen' } },
    { value: 1, label: { de: 'gewählt', en: 'chosen' } },
  ];
  if (otherLabel) return [variable(`${key}.${OTHER_CHOSEN}`, owner, 'binary', otherLabel, values)];
  return choices.map((c) => variable(`${key}.${c.value}`, owner, 'binary', withPrefix(label, c.label), values));
}

/** A matrix column's template question has the cell type; plain dropdown cells take the matrix's choices. */
function cellVariables(
  matrix: AnyQ,
  column: AnyQ,
  key: string,
  label: LocalizedText,
  locales: string[],
  owner: string,
): Variable[] {
  const cell = column.templateQuestion as AnyQ;
  const colLabel = withPrefix(label, localized(column.locTitle, locales, column.name));
  if (cell.choices && cell.choices.length === 0 && matrix.choices?.length) cell.choices = matrix.choices;
  return variablesOf(cell, key, colLabel, locales, owner);
}
