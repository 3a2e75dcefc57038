// The table view of each question, shared by the HTML report and tables.csv: plain rows of cells,
// where a number carries its decimals and unit and a suppressed figure carries the notice words
// ("weniger als 5 Antworten" for a primary suppression, "zum Schutz kleiner Gruppen ausgeblendet"
// for a complementary one), never 0. Formatting is the target's (HTML: "1.234,5 %"; CSV: 1234,5).
import type { Locale } from '../format.ts';
import type { Comparison, Figure, LocalizedText, NumberStats, OrdinalStats, QuestionResult, Suppressed } from '../report/model.ts';
import { noticeFor } from '../suppress.ts';

/** The words for a hidden figure, by its reason (`noticeFor`). */
type Words = (f?: unknown) => string;

export type Cell = string | { value: number; digits: number; unit?: '%' } | { hidden: string };
export interface Table {
  /** What the table shows, with its base n. */
  caption: string;
  /** Which part of the question: '' (whole), a matrix row, or 'segments'. */
  part: string;
  head: string[];
  rows: Cell[][];
}

const W = {
  de: {
    answer: 'Antwort', count: 'Anzahl', percent: 'Prozent', ci: '95-%-KI (Wilson)', n: 'n', row: 'Zeile', group: 'Gruppe',
    item: 'Eintrag', meanRank: 'Mittlerer Rang', first: 'Anteil auf Platz 1 (%)', stat: 'Kennwert', value: 'Wert',
    median: 'Median', mean: 'Mittelwert', sd: 'Standardabweichung', top2: 'Top-2-Box (%)', q1: '1. Quartil', q3: '3. Quartil',
    min: 'Minimum', max: 'Maximum', noAnswer: 'ohne Antwort', notAsked: 'nicht gefragt', texts: 'Offene Antworten', all: 'Alle', segments: 'Gruppenvergleich',
  },
  en: {
    answer: 'Answer', count: 'Count', percent: 'Percent', ci: '95 % CI (Wilson)', n: 'n', row: 'Row', group: 'Group',
    item: 'Item', meanRank: 'Mean rank', first: 'Share ranked first (%)', stat: 'Statistic', value: 'Value',
    median: 'Median', mean: 'Mean', sd: 'Standard deviation', top2: 'Top-2 box (%)', q1: '1st quartile', q3: '3rd quartile',
    min: 'Minimum', max: 'Maximum', noAnswer: 'no answer', notAsked: 'not asked', texts: 'Open answers', all: 'All', segments: 'Group comparison',
  },
} as const;

export function tableWords(locale: Locale) {
  return W[locale];
}

const tr = (t: LocalizedText | undefined, l: Locale) => (t ? (t[l] ?? t.de) : '');
const hiddenFig = (f: unknown): f is Suppressed => typeof f === 'object' && f !== null && (f as Suppressed).suppressed === true;

function fig(f: Figure | undefined, notice: Words, digits = 0, unit?: '%'): Cell {
  if (f === undefined) return '';
  if (hiddenFig(f)) return { hidden: notice(f) };
  return { value: f, digits, unit };
}

function base(q: Pick<QuestionResult, 'n' | 'noAnswer' | 'notAsked'>, locale: Locale, notice: Words): string {
  const n = hiddenFig(q.n) ? notice(q.n) : String(q.n);
  const none = typeof q.noAnswer === 'number' ? `, ${W[locale].noAnswer}: ${q.noAnswer}` : hiddenFig(q.noAnswer) ? `, ${W[locale].noAnswer}: ${notice(q.noAnswer)}` : '';
  // respondents a condition never showed the question to, apart from those who skipped it
  const skipped = typeof q.notAsked === 'number' ? `, ${W[locale].notAsked}: ${q.notAsked}` : hiddenFig(q.notAsked) ? `, ${W[locale].notAsked}: ${notice(q.notAsked)}` : '';
  return `n = ${n}${none}${skipped}`;
}

function ordinalRows(o: OrdinalStats | Suppressed | undefined, locale: Locale, notice: Words): Cell[][] {
  if (!o) return [];
  const w = W[locale];
  const h = hiddenFig(o);
  const cell = (v: number, d: number): Cell => (h ? { hidden: notice(o) } : { value: v, digits: d });
  const s = o as OrdinalStats;
  return [
    [w.median, '', cell(s.median, 1)],
    [w.mean, '', cell(s.mean, 2)],
    [w.sd, '', cell(s.sd, 2)],
    [w.top2, '', cell(s.top2Share * 100, 1)],
  ];
}

function numberRows(s: NumberStats | Suppressed, locale: Locale, notice: Words): Cell[][] {
  const w = W[locale];
  if (hiddenFig(s)) return [[w.n, { hidden: notice(s) }]];
  const rows: [string, number | undefined, number][] = [
    [w.n, s.n, 0], [w.mean, s.mean, 2], [w.sd, s.sd, 2], [w.q1, s.q1, 2], [w.median, s.median, 2], [w.q3, s.q3, 2], [w.min, s.min, 2], [w.max, s.max, 2],
  ];
  return rows.filter(([, v]) => v !== undefined).map(([k, v, d]) => [k, { value: v as number, digits: d }]);
}

function comparisonTable(q: QuestionResult, c: Comparison, part: string, locale: Locale, notice: Words): Table {
  const w = W[locale];
  const values = (q.options ?? q.rows?.[0]?.options ?? []).map((o) => ({ value: o.value, label: tr(o.label, locale) }));
  const rows: Cell[][] = Object.entries(c.bySegment).map(([key, g]) => [
    tr(g.label, locale) || key,
    fig(g.n, notice),
    ...values.map((v) => (g.suppressed ? { hidden: notice(g.n) } : fig(g.counts[v.value], notice))),
  ]);
  for (const d of c.dropped) if (!c.bySegment[d]) rows.push([d, { hidden: notice() }, ...values.map(() => ({ hidden: notice() }))]);
  return { caption: `${w.segments}: ${w.count}`, part, head: [w.group, w.n, ...values.map((v) => v.label)], rows };
}

/** The tables of one question, in reading order. */
export function questionTables(q: QuestionResult, locale: Locale, notice: LocalizedText): Table[] {
  const w = W[locale];
  const words: Words = (f) => tr(noticeFor(f, notice), locale);
  const caption = `${tr(q.title, locale)} (${base(q, locale, words)})`;
  if (q.suppressed) return [{ caption, part: '', head: [w.answer, w.count], rows: [[w.all, { hidden: words(q.n) }]] }];
  const out: Table[] = [];
  const optionTable = (opts: NonNullable<QuestionResult['options']>, cap: string, part: string, withCi: boolean): Table => ({
    caption: cap,
    part,
    head: [w.answer, w.count, `${w.percent} (%)`, ...(withCi ? [w.ci] : [])],
    rows: opts.map((o) => [
      tr(o.label, locale),
      fig(o.count, words),
      fig(o.percent, words, 1, '%'),
      ...(withCi ? [o.interval === undefined ? '' : hiddenFig(o.interval) ? { hidden: words(o.interval) } : (`${pct(o.interval.lower, locale)} – ${pct(o.interval.upper, locale)}` as Cell)] : []),
    ]),
  });
  switch (q.kind) {
    case 'single':
    case 'multiple':
    case 'ordinal': {
      const t = optionTable(q.options ?? [], caption, '', q.kind === 'single');
      if (q.kind === 'ordinal') t.rows.push(...ordinalRows(q.ordinal, locale, words));
      out.push(t);
      break;
    }
    case 'matrix': {
      const rows = q.rows ?? [];
      const values = rows[0]?.options ?? [];
      const head = [w.row, w.n, ...values.map((o) => tr(o.label, locale))];
      const ord = (r: (typeof rows)[number], pick: (s: OrdinalStats) => number, d: number): Cell =>
        !r.ordinal ? '' : hiddenFig(r.ordinal) ? { hidden: words(r.ordinal) } : { value: pick(r.ordinal), digits: d };
      out.push({ caption: `${caption}: ${w.count}`, part: 'count', head, rows: rows.map((r) => [tr(r.label, locale), fig(r.n, words), ...r.options.map((o) => fig(o.count, words))]) });
      out.push({
        caption: `${caption}: ${w.percent} (%)`,
        part: 'percent',
        head: [...head, w.median, w.mean, w.top2],
        rows: rows.map((r) => [
          tr(r.label, locale),
          fig(r.n, words),
          ...r.options.map((o) => fig(o.percent, words, 1, '%')),
          ord(r, (s) => s.median, 1),
          ord(r, (s) => s.mean, 2),
          ord(r, (s) => s.top2Share * 100, 1),
        ]),
      });
      const compared = rows.filter((r) => r.comparison);
      if (compared.length) {
        const parts = compared.map((r) => comparisonTable(q, r.comparison as Comparison, 'segments', locale, words));
        const label = (i: number, cell: Cell) => `${tr(compared[i].label, locale)} – ${typeof cell === 'string' ? cell : ''}`;
        out.push({ ...parts[0], head: [`${w.row} – ${w.group}`, ...parts[0].head.slice(1)], rows: parts.flatMap((t, i) => t.rows.map((r) => [label(i, r[0]), ...r.slice(1)])) });
      }
      break;
    }
    case 'ranking':
      out.push({
        caption,
        part: '',
        head: [w.item, w.n, w.meanRank, w.first],
        rows: (q.ranking ?? []).map((r) => [
          tr(r.label, locale),
          fig(r.n, words),
          fig(r.meanRank, words, 2),
          hiddenFig(r.firstShare) ? { hidden: words(r.firstShare) } : { value: r.firstShare * 100, digits: 1, unit: '%' },
        ]),
      });
      break;
    case 'number':
      out.push({ caption, part: '', head: [w.stat, w.value], rows: q.number ? numberRows(q.number, locale, words) : [] });
      break;
    case 'text': {
      const texts = q.texts;
      out.push({ caption, part: '', head: [w.texts], rows: texts === undefined ? [] : hiddenFig(texts) ? [[{ hidden: words(texts) }]] : texts.map((x) => [x]) });
      break;
    }
    default:
      throw new Error(`no table for question kind "${(q as QuestionResult).kind}"`);
  }
  if (q.comparison && q.kind !== 'matrix') out.push(comparisonTable(q, q.comparison, 'segments', locale, words));
  return out;
}

function pct(share: number, locale: Locale): string {
  const s = (share * 100).toFixed(1);
  return `${locale === 'de' ? s.replace('.', ',') : s}\u00a0%`;
}
