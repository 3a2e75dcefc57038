// One catalogue question → its QuestionResult, by kind. Notes tell the reader how to read it.
import type { CatalogueQuestion, Variable } from '../../../surveys/types.ts';
import { isPooled, NOT_ASKED_VARIABLE } from '../../extract.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import { groupFigures, isHidden, labelOf, type ReportContext, valueList } from '../context.ts';
import type { Comparison, QuestionKind, QuestionResult, RowResult } from '../model.ts';
import { summariseVariable } from './choice.ts';
import { summariseMultiple } from './multiple.ts';
import { spreadThreshold, summariseNumber } from './number.ts';
import { POOLED_NOTE, POOLED_NUMBER_NOTE, personsOf, protectedPersons, summarisePooled } from './pooled.ts';
import { summariseRanking } from './ranking.ts';
import { openTexts } from './texts.ts';

export function kindOf(q: CatalogueQuestion): QuestionKind {
  const measures = q.variables.filter((v) => v.measure !== 'text').map((v) => v.measure);
  if (measures.length === 0) return 'text';
  // a dynamic panel or matrix counts persons per value (pooled.ts): shares of persons, like a checkbox
  if (isPooled(q)) return measures.length > 1 ? 'matrix' : measures[0] === 'scale' ? 'number' : 'multiple';
  if (measures.includes('rank')) return 'ranking';
  if (measures.includes('binary')) return 'multiple';
  if (measures.length > 1) return 'matrix';
  if (measures[0] === 'scale') return 'number';
  return measures[0] === 'ordinal' ? 'ordinal' : 'single';
}

const NOTES = {
  multiple: { de: 'Mehrfachnennungen möglich: Die Anteile ergeben zusammen nicht 100 %.', en: 'Several answers possible: the shares do not add up to 100 %.' },
  ranking: { de: 'Mittlerer Rang: 1 = am liebsten. Je kleiner, desto beliebter.', en: 'Mean rank: 1 = most preferred. The smaller, the more preferred.' },
  number: (k: number) => ({
    de: `Kleinster und größter Wert werden zum Schutz der Befragten nicht gezeigt, Streuung, Median und Quartile erst ab ${spreadThreshold(k)} Antworten.`,
    en: `Smallest and largest values are not shown, to protect respondents; spread, median and quartiles only from ${spreadThreshold(k)} answers on.`,
  }),
  percent: { de: 'Prozent der gültigen Antworten; „keine Angabe“ wird getrennt gezählt.', en: 'Percent of valid answers; "no answer" is counted separately.' },
};

/**
 * "Ohne Antwort": respondents who were asked but gave no answer, base − n − not asked. Where the
 * not-asked figure is hidden, so is this one (else it would give the hidden figure away).
 */
function noAnswerAfter(base: number, n: Figure, notAsked: Figure): Figure {
  if (isSuppressed(n)) return n;
  if (isSuppressed(notAsked)) return notAsked;
  // base, n and not asked are all shown, so their difference says nothing new
  return Math.max(0, base - n - notAsked);
}

const HIDDEN_WITH_CONDITION: Figure = { suppressed: true, reason: 'complementary' };

/**
 * "Nicht gefragt": respondents a condition never showed the question to (counted under `_skip`
 * at submission, surveys/asked.ts), protected like every count. It is also a sum of the cells of
 * the questions the condition reads ("nein" plus no answer to the filter question), so it is
 * shown only where all those cells are shown in the report, and where those asked are not a
 * small group; else it is hidden, and "ohne Antwort" with it. Null: the catalogue predates the
 * condition data, and "ohne Antwort" stays base − n as before.
 */
function notAskedOf(ctx: ReportContext, q: CatalogueQuestion, base: number): Figure | null {
  if (!q.shownIf) return null;
  const pv = ctx.protectCounts(`${NOT_ASKED_VARIABLE}\u0000${q.name}`, (u) => ({ n: ctx.index.table(NOT_ASKED_VARIABLE, u)[q.name] ?? 0 }), ['n']);
  const figure = pv.figure(ctx.scope, 'n');
  if (isSuppressed(figure) || figure === 0) return figure;
  const asked = base - figure;
  if (asked > 0 && asked < ctx.minGroupSize) return HIDDEN_WITH_CONDITION;
  const shown = q.shownIf.every((v) => {
    // rank cells are protected with their own value lists: leave the count out rather than guess
    if (v.key.startsWith('?') || v.measure === 'text' || v.measure === 'rank') return false;
    // numbers are shown only as summaries: no cell of theirs is hidden for the count to reveal
    if (v.measure === 'scale') return true;
    return groupFigures(ctx.protect(v.key, shownValues(ctx, v)), ctx.scope).complete;
  });
  return shown ? figure : HIDDEN_WITH_CONDITION;
}

/** The value list a question builder protects a variable with (the same cache entry). */
function shownValues(ctx: ReportContext, v: Variable): string[] {
  if (v.measure === 'binary') return ['1', '0'];
  return valueList(
    v.values?.map((c) => c.value),
    ctx.index.valuesOf(v.key),
  );
}

function segmentsOf(c: Comparison | undefined): Pick<QuestionResult, 'comparison' | 'bySegment' | 'test'> {
  if (!c) return {};
  return {
    comparison: c,
    bySegment: Object.fromEntries(Object.entries(c.bySegment).map(([k, g]) => [k, { n: g.n, counts: g.counts }])),
    test: c.test,
  };
}

/** `base` = complete responses in the report's scope. */
export function buildQuestion(ctx: ReportContext, q: CatalogueQuestion, base: number): QuestionResult {
  const kind = kindOf(q);
  const skipped = notAskedOf(ctx, q, base);
  const head = { name: q.name, type: q.type, kind, title: q.title, base, ...(skipped !== null && (isSuppressed(skipped) || skipped > 0) ? { notAsked: skipped } : {}) };
  const noAnswerOf = (b: number, n: Figure) => noAnswerAfter(b, n, skipped ?? 0);
  const textVars = q.variables.filter((v) => v.measure === 'text').map((v) => v.key);
  const withTexts = (r: QuestionResult): QuestionResult => {
    if (kind !== 'text' && textVars.length > 0) {
      const t = openTexts(ctx, textVars, q.name);
      r.texts = t.texts;
      if (t.note) r.notes = [...(r.notes ?? []), t.note];
    }
    return r;
  };
  const whole = (n: Figure) => isSuppressed(n) || n < ctx.minGroupSize;
  if (isPooled(q) && kind !== 'text') return withTexts(pooledQuestion(ctx, q, kind, head, noAnswerOf, whole));
  switch (kind) {
    case 'single':
    case 'ordinal': {
      const s = summariseVariable(ctx, q.variables.find((v) => v.measure !== 'text') as CatalogueQuestion['variables'][number]);
      return withTexts({
        ...head,
        n: s.n,
        noAnswer: noAnswerOf(base, s.n),
        suppressed: whole(s.n),
        counts: s.counts,
        options: s.options,
        ...(s.ordinal ? { ordinal: s.ordinal } : {}),
        ...segmentsOf(s.comparison),
        notes: [NOTES.percent],
      });
    }
    case 'matrix': {
      const rows: RowResult[] = q.variables
        .filter((v) => v.measure !== 'text')
        .map((v) => {
          const s = summariseVariable(ctx, v);
          const key = v.key.slice(q.name.length + 1);
          const row: RowResult = { key, label: labelOf(q.rows, key), n: s.n, counts: s.counts, options: s.options };
          if (s.ordinal) row.ordinal = s.ordinal;
          if (s.comparison) row.comparison = s.comparison;
          return row;
        });
      // the question's n: the most answered row (a lower bound of those who answered any row)
      let n: Figure = rows[0]?.n ?? 0;
      for (const r of rows) if (!isSuppressed(r.n) && (isSuppressed(n) || r.n > n)) n = r.n;
      return withTexts({ ...head, n, noAnswer: noAnswerOf(base, n), suppressed: whole(n), rows, notes: [NOTES.percent] });
    }
    case 'multiple': {
      const s = summariseMultiple(ctx, q);
      return withTexts({
        ...head,
        n: s.n,
        noAnswer: noAnswerOf(base, s.n),
        suppressed: whole(s.n),
        counts: s.counts,
        options: s.options,
        ...segmentsOf(s.comparison),
        notes: [NOTES.multiple],
      });
    }
    case 'ranking': {
      const s = summariseRanking(ctx, q);
      return withTexts({ ...head, n: s.n, noAnswer: noAnswerOf(base, s.n), suppressed: whole(s.n), ranking: s.items, notes: [NOTES.ranking] });
    }
    case 'number': {
      const s = summariseNumber(ctx, q.variables.find((v) => v.measure === 'scale') as CatalogueQuestion['variables'][number]);
      return withTexts({ ...head, n: s.n, noAnswer: noAnswerOf(base, s.n), suppressed: whole(s.n), number: s.number, ...segmentsOf(s.comparison), notes: [NOTES.number(ctx.minGroupSize)] });
    }
    case 'text': {
      const t = openTexts(ctx, textVars, q.name);
      return { ...head, n: t.n, noAnswer: noAnswerOf(base, t.n), suppressed: isHidden(t.texts), texts: t.texts, ...(t.note ? { notes: [t.note] } : {}) };
    }
  }
}

/**
 * A dynamic panel's or dynamic matrix's question (pooled.ts): every figure counts persons. One
 * counted variable: a choice reads like a checkbox (persons naming each value), a number gives n
 * persons and the mean of their entries; several: one row per variable, a number's row with its
 * n of persons only.
 */
function pooledQuestion(
  ctx: ReportContext,
  q: CatalogueQuestion,
  kind: QuestionKind,
  head: Pick<QuestionResult, 'name' | 'type' | 'kind' | 'title' | 'base' | 'notAsked'>,
  noAnswerOf: (b: number, n: Figure) => Figure,
  whole: (n: Figure) => boolean,
): QuestionResult {
  const counted = q.variables.filter((v) => v.measure !== 'text');
  if (kind === 'number') {
    const v = counted[0];
    const s = summariseNumber(ctx, v, personsOf(ctx, v.key));
    return { ...head, n: s.n, noAnswer: noAnswerOf(head.base, s.n), suppressed: whole(s.n), number: s.number, ...segmentsOf(s.comparison), notes: [POOLED_NUMBER_NOTE, NOTES.number(ctx.minGroupSize)] };
  }
  if (kind === 'multiple') {
    const s = summarisePooled(ctx, counted[0]);
    return { ...head, n: s.n, noAnswer: noAnswerOf(head.base, s.n), suppressed: whole(s.n), counts: s.counts, options: s.options, ...segmentsOf(s.comparison), notes: [POOLED_NOTE] };
  }
  const rows: RowResult[] = counted.map((v) => {
    const key = v.key.slice(q.name.length + 1);
    const label = q.columns?.find((c) => String(c.value) === key)?.label ?? v.label;
    if (v.measure === 'scale') return { key, label, n: protectedPersons(ctx, v.key).n(ctx.scope), counts: {}, options: [] };
    const s = summarisePooled(ctx, v);
    const row: RowResult = { key, label, n: s.n, counts: s.counts, options: s.options };
    if (s.comparison) row.comparison = s.comparison;
    return row;
  });
  // the question's n: the most answered row (a lower bound of the persons who answered any row)
  let n: Figure = rows[0]?.n ?? 0;
  for (const r of rows) if (!isSuppressed(r.n) && (isSuppressed(n) || r.n > n)) n = r.n;
  return { ...head, kind: 'matrix', n, noAnswer: noAnswerOf(head.base, n), suppressed: whole(n), rows, notes: [POOLED_NOTE] };
}
