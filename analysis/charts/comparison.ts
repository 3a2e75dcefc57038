// Segment comparisons as small multiples: one panel per segment, side by side with the same
// axis (stacked on a phone, charts/fit.ts), one colour per segment (Okabe–Ito). Choice-like
// questions show each option's share per segment; matrix questions the mean of each row.
// A segment suppressed as a whole, or one with a hidden cell (its shares would let the hidden
// count be recomputed), is left out and named. The test result is given in words underneath.
import { formatNumber, formatP, type Locale } from '../format.ts';
import type { Comparison, GroupResult, QuestionResult, TestResult } from '../report/model.ts';
import { mainSuppression } from '../suppress.ts';
import { CATEGORICAL, type ChartContext, type ChartSpec, frame, type HiddenLabel, heightFor, hiddenLine, isHidden, tr, WIDTH, wrap } from './common.ts';

const TEXT = {
  de: {
    share: 'Anteil innerhalb der Gruppe',
    mean: 'Mittelwert (Skalenpunkte)',
    kind: 'Balkendiagramme je Gruppe im Vergleich',
    groups: 'Gruppen',
    test: { 'chi-square': 'Chi-Quadrat-Test', 'kruskal-wallis': 'Kruskal-Wallis-Test', 'mann-whitney': 'Mann-Whitney-Test' },
    effect: { 'cramers-v': 'Cramérs V', 'eta-squared-h': 'η²', r: 'r' },
  },
  en: {
    share: 'Share within the group',
    mean: 'Mean (scale points)',
    kind: 'Bar charts per group, compared',
    groups: 'Groups',
    test: { 'chi-square': 'Chi-square test', 'kruskal-wallis': 'Kruskal-Wallis test', 'mann-whitney': 'Mann-Whitney test' },
    effect: { 'cramers-v': "Cramér's V", 'eta-squared-h': 'η²', r: 'r' },
  },
} as const;

/** The test in words: its own text where the report model has one, else name, effect and p. */
export function testLine(test: TestResult | null, omitted: Comparison['testOmitted'], locale: Locale): string[] {
  if (!test) return omitted ? wrap(tr(omitted, locale), 90) : [];
  const t = TEXT[locale];
  const text = test.text ? tr(test.text, locale) : `${t.test[test.name]}: ${t.effect[test.effectName]} = ${formatNumber(test.effect, locale, 2)}, ${formatP(test.p, locale)}`;
  return [...wrap(text, 90), ...(test.warning ? wrap(tr(test.warning, locale), 90) : [])];
}

/** Identical test texts once, naming their rows unless they hold for every row. */
function testLines(tests: { row: string; line: string }[]): string[] {
  const by = new Map<string, string[]>();
  for (const t of tests) by.set(t.line, [...(by.get(t.line) ?? []), t.row]);
  return [...by].map(([line, rows]) => (rows.length === tests.length ? line : `${rows.join(', ')}: ${line}`));
}

/**
 * One panel per segment over the same data (filtered by `segment`), the categories' labels on
 * the first panel only: small multiples read more easily than bars of three groups interleaved.
 */
function smallMultiples(segments: string[], y: Record<string, unknown>, rows: number, layer: (colour: string) => unknown[]) {
  const width = Math.max(110, Math.floor((WIDTH * 1.25) / segments.length));
  return segments.map((segment, i) => ({
    title: { text: segment, fontSize: 12, anchor: 'start' },
    transform: [{ filter: { field: 'segment', equal: segment } }],
    width,
    height: heightFor(rows),
    encoding: { y: i === 0 ? y : { ...y, axis: null } },
    layer: layer(CATEGORICAL[i % CATEGORICAL.length]),
  }));
}

function usable(g: GroupResult): boolean {
  return !g.suppressed && !isHidden(g.n) && Object.values(g.counts).every((c) => !isHidden(c));
}

export function comparisonChart(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  if (q.suppressed) return null;
  return q.kind === 'matrix' ? matrixComparison(q, ctx) : choiceComparison(q, ctx);
}

function choiceComparison(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  const c = q.comparison;
  if (!c || !q.options) return null;
  const t = TEXT[ctx.locale];
  const entries = Object.entries(c.bySegment);
  const shown = entries.filter(([, g]) => usable(g));
  if (shown.length < 2) return null;
  const hidden: (string | HiddenLabel)[] = [
    ...entries.filter(([, g]) => !usable(g)).map(([k, g]) => ({ label: tr(g.label, ctx.locale) || k, hidden: mainSuppression([g.n, ...Object.values(g.counts)]) })),
    ...c.dropped.filter((d) => !c.bySegment[d]),
  ];
  const segments = shown.map(([k, g]) => tr(g.label, ctx.locale) || k);
  const options = q.options.map((o) => ({ value: o.value, label: tr(o.label, ctx.locale) }));
  const data = shown.flatMap(([k, g]) =>
    options.map((o) => ({ option: o.label, segment: tr(g.label, ctx.locale) || k, share: (g.counts[o.value] as number) / (g.n as number), n: g.n as number })),
  );
  return frame(
    {
      q,
      subtitle: wrap(shown.map(([k, g]) => `${tr(g.label, ctx.locale) || k}: n = ${formatNumber(g.n as number, ctx.locale)}`).join('; '), 90),
      view: {
        data: { values: data },
        hconcat: smallMultiples(segments, { field: 'option', type: 'nominal', sort: options.map((o) => o.label), title: null }, options.length, (colour) => [
          {
            mark: { type: 'bar', color: colour },
            encoding: {
              x: { field: 'share', type: 'quantitative', title: t.share, axis: { format: '.0%' }, scale: { domain: [0, 1] } },
              tooltip: [
                { field: 'segment', title: ' ' },
                { field: 'option', title: '  ' },
                { field: 'share', format: '.1%', title: '%' },
                { field: 'n', format: ',d', title: 'n' },
              ],
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 },
            encoding: { x: { field: 'share', type: 'quantitative' }, text: { field: 'share', type: 'quantitative', format: '.0%' }, color: { value: 'black' } },
          },
        ]),
      },
      footnote: [...testLine(c.test, c.testOmitted, ctx.locale), ...hiddenLine(hidden, ctx)],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${t.groups}: ${segments.join(', ')}. ${testLine(c.test, c.testOmitted, ctx.locale).join(' ')}`.trim(),
    },
    ctx,
  );
}

function matrixComparison(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  const t = TEXT[ctx.locale];
  const data: { row: string; segment: string; mean: number }[] = [];
  const hidden: HiddenLabel[] = [];
  const segments: string[] = [];
  const tests: { row: string; line: string }[] = [];
  for (const r of q.rows ?? []) {
    if (!r.comparison) continue;
    const row = tr(r.label, ctx.locale);
    for (const [k, g] of Object.entries(r.comparison.bySegment)) {
      const segment = tr(g.label, ctx.locale) || k;
      if (g.suppressed || !g.ordinal || isHidden(g.ordinal)) {
        hidden.push({ label: `${row} – ${segment}`, hidden: mainSuppression([g.n, ...Object.values(g.counts), g.ordinal]) });
        continue;
      }
      if (!segments.includes(segment)) segments.push(segment);
      data.push({ row, segment, mean: g.ordinal.mean });
    }
    const line = testLine(r.comparison.test, r.comparison.testOmitted, ctx.locale).join(' ');
    if (line) tests.push({ row, line });
  }
  if (segments.length < 2) return null;
  const rows = [...new Set(data.map((d) => d.row))];
  const scale = (q.rows?.[0]?.options ?? []).length;
  return frame(
    {
      q,
      view: {
        data: { values: data },
        hconcat: smallMultiples(segments, { field: 'row', type: 'nominal', sort: rows, title: null }, rows.length, (colour) => [
          { mark: { type: 'bar', color: colour }, encoding: { x: { field: 'mean', type: 'quantitative', title: t.mean, scale: { domain: [0, Math.max(scale, 1)] } } } },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 },
            encoding: { x: { field: 'mean', type: 'quantitative' }, text: { field: 'mean', type: 'quantitative', format: '.1f' }, color: { value: 'black' } },
          },
        ]),
      },
      footnote: [...testLines(tests).flatMap((l) => wrap(l, 100)), ...hiddenLine(hidden, ctx)],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${t.groups}: ${segments.join(', ')}.`,
    },
    ctx,
  );
}
