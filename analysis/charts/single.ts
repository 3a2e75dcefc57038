// Single choice: horizontal bars of the percent of valid answers, with Wilson 95 % error bars.
// Suppressed options are left out of the bars and named in the footnote.
import { formatShare } from '../format.ts';
import type { QuestionResult } from '../report/model.ts';
import { mainSuppression } from '../suppress.ts';
import { ACCENT, BAR_COLOUR, type ChartContext, type ChartSpec, frame, type HiddenLabel, heightFor, hiddenLine, isHidden, tr, WIDTH } from './common.ts';

const TEXT = {
  de: { axis: 'Anteil der gültigen Antworten', ci: 'Fehlerbalken: 95-%-Konfidenzintervall (Wilson).', kind: 'Balkendiagramm', top: 'Häufigste Antwort' },
  en: { axis: 'Share of valid answers', ci: 'Error bars: 95 % confidence interval (Wilson).', kind: 'Bar chart', top: 'Most frequent answer' },
} as const;

export function singleChart(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  const t = TEXT[ctx.locale];
  const shown: { label: string; share: number; count: number; at: number; lower?: number; upper?: number }[] = [];
  const hidden: HiddenLabel[] = [];
  for (const o of q.options ?? []) {
    const label = tr(o.label, ctx.locale);
    if (isHidden(o.percent) || isHidden(o.count)) {
      hidden.push({ label, hidden: mainSuppression([o.count, o.percent]) });
      continue;
    }
    const row: (typeof shown)[number] = { label, share: o.percent / 100, count: o.count, at: o.percent / 100 };
    if (o.interval && !isHidden(o.interval)) Object.assign(row, { lower: o.interval.lower, upper: o.interval.upper, at: o.interval.upper });
    shown.push(row);
  }
  if (q.suppressed || shown.length === 0) return null;
  const order = shown.map((r) => r.label);
  const y = { field: 'label', type: 'nominal', sort: order, title: null };
  const top = shown.reduce((a, b) => (b.share > a.share ? b : a));
  return frame(
    {
      q,
      view: {
        data: { values: shown },
        width: WIDTH,
        height: heightFor(shown.length),
        encoding: { y },
        layer: [
          {
            mark: { type: 'bar', color: BAR_COLOUR },
            encoding: {
              x: { field: 'share', type: 'quantitative', title: t.axis, axis: { format: '.0%' }, scale: { domain: [0, 1] } },
              tooltip: [
                { field: 'label', title: ' ' },
                { field: 'share', format: '.1%', title: '%' },
                { field: 'count', format: ',d', title: 'n' },
              ],
            },
          },
          {
            mark: { type: 'rule', color: ACCENT, strokeWidth: 1.5 },
            encoding: { x: { field: 'lower', type: 'quantitative' }, x2: { field: 'upper' } },
          },
          {
            mark: { type: 'text', align: 'left', dx: 6, dy: -7, fontSize: 11 },
            encoding: { x: { field: 'at', type: 'quantitative' }, text: { field: 'share', type: 'quantitative', format: '.1%' } },
          },
        ],
      },
      footnote: [t.ci, ...hiddenLine(hidden, ctx)],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${shown.length} ${ctx.locale === 'de' ? 'Antwortmöglichkeiten' : 'options'}. ${t.top}: ${top.label} (${formatShare(top.share, ctx.locale)}).`,
    },
    ctx,
  );
}
