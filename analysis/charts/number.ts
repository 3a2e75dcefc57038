// Numbers: a box plot drawn from the aggregated quartiles (never from raw values): the box spans
// the first to third quartile, a stroke marks the median, a diamond the mean, and whiskers reach
// minimum and maximum only where the report model shows them (it never does: each is one person's
// value). Below 2k answers the model holds only n and the mean, and the chart shows only the mean.
import { formatNumber } from '../format.ts';
import type { NumberStats, QuestionResult } from '../report/model.ts';
import { ACCENT, BAR_COLOUR, type ChartContext, type ChartSpec, CATEGORICAL, frame, isHidden, tr, WIDTH } from './common.ts';

const TEXT = {
  de: {
    axis: 'Wert',
    note: 'Kasten: mittlere Hälfte der Antworten (1. bis 3. Quartil); Strich: Median; Raute: Mittelwert.',
    whiskers: 'Linien: kleinster bis größter Wert.',
    kind: 'Kastendiagramm aus Quartilen',
    meanOnly: 'Mittelwert',
    meanNote: 'Raute: Mittelwert. Streuung und Quartile werden erst ab 2 × Mindestgruppengröße Antworten gezeigt.',
    stats: (s: Quartiles, f: (x: number) => string) => `Median ${f(s.median)}, Mittelwert ${f(s.mean)}, Quartile ${f(s.q1)} bis ${f(s.q3)}`,
  },
  en: {
    axis: 'Value',
    note: 'Box: middle half of the answers (1st to 3rd quartile); stroke: median; diamond: mean.',
    whiskers: 'Lines: smallest to largest value.',
    kind: 'Box plot from quartiles',
    meanOnly: 'Mean',
    meanNote: 'Diamond: mean. Spread and quartiles are shown only from twice the minimum group size of answers on.',
    stats: (s: Quartiles, f: (x: number) => string) => `median ${f(s.median)}, mean ${f(s.mean)}, quartiles ${f(s.q1)} to ${f(s.q3)}`,
  },
} as const;

type Quartiles = NumberStats & { q1: number; median: number; q3: number };
const hasQuartiles = (s: NumberStats): s is Quartiles => s.q1 !== undefined && s.median !== undefined && s.q3 !== undefined;

export function numberChart(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  const t = TEXT[ctx.locale];
  const s = q.number;
  if (q.suppressed || !s || isHidden(s)) return null;
  const f = (v: number) => formatNumber(v, ctx.locale, Number.isInteger(v) ? 0 : 1);
  if (!hasQuartiles(s)) {
    // fewer than 2k answers: the mean alone
    const x = { type: 'quantitative', title: t.axis, scale: { zero: false, nice: true } };
    return frame(
      {
        q,
        view: {
          data: { values: [{ label: ' ', mean: s.mean }] },
          width: WIDTH,
          height: 60,
          encoding: { y: { field: 'label', type: 'nominal', axis: null } },
          layer: [
            { mark: { type: 'point', shape: 'diamond', filled: true, color: CATEGORICAL[1], size: 90 }, encoding: { x: { ...x, field: 'mean' } } },
            { mark: { type: 'text', dy: -22, fontSize: 11 }, encoding: { x: { ...x, field: 'mean' }, text: { field: 'mean', type: 'quantitative', format: ',.1~f' } } },
          ],
        },
        footnote: [t.meanNote],
        description: `${t.meanOnly}: ${tr(q.title, ctx.locale)}. ${t.meanOnly} ${f(s.mean)}.`,
      },
      ctx,
    );
  }
  const whiskers = s.min !== undefined && s.max !== undefined;
  const row = { label: ' ', q1: s.q1, median: s.median, q3: s.q3, mean: s.mean, min: s.min ?? s.q1, max: s.max ?? s.q3 };
  const x = { type: 'quantitative', title: t.axis, scale: { zero: false, nice: true } };
  return frame(
    {
      q,
      view: {
        data: { values: [row] },
        width: WIDTH,
        height: 60,
        encoding: { y: { field: 'label', type: 'nominal', axis: null } },
        layer: [
          ...(whiskers ? [{ mark: { type: 'rule', color: ACCENT }, encoding: { x: { ...x, field: 'min' }, x2: { field: 'max' } } }] : []),
          { mark: { type: 'bar', color: BAR_COLOUR, size: 28, opacity: 0.85 }, encoding: { x: { ...x, field: 'q1' }, x2: { field: 'q3' } } },
          { mark: { type: 'tick', color: 'white', thickness: 3, size: 28 }, encoding: { x: { ...x, field: 'median' } } },
          { mark: { type: 'point', shape: 'diamond', filled: true, color: CATEGORICAL[1], size: 90 }, encoding: { x: { ...x, field: 'mean' } } },
          {
            mark: { type: 'text', dy: -22, fontSize: 11 },
            encoding: { x: { ...x, field: 'median' }, text: { field: 'median', type: 'quantitative', format: ',.1~f' } },
          },
        ],
      },
      footnote: [t.note, ...(whiskers ? [t.whiskers] : [])],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${t.stats(s, f)}.`,
    },
    ctx,
  );
}
