// Ranking: two panels side by side, the mean rank (1 = first place; shorter is better) and the
// share of respondents ranking each item first. Items with a suppressed figure are named instead.
import { formatNumber } from '../format.ts';
import type { QuestionResult } from '../report/model.ts';
import { mainSuppression } from '../suppress.ts';
import { BAR_COLOUR, type ChartContext, type ChartSpec, CATEGORICAL, frame, type HiddenLabel, heightFor, hiddenLine, isHidden, tr } from './common.ts';

const TEXT = {
  de: {
    mean: 'Mittlerer Rang (1 = erster Platz)',
    first: 'Anteil auf Platz 1',
    note: 'Ein kleinerer mittlerer Rang heißt: weiter vorn eingeordnet.',
    kind: 'Zwei Balkendiagramme: mittlerer Rang und Anteil auf Platz 1',
    top: 'Im Mittel am weitesten vorn',
  },
  en: {
    mean: 'Mean rank (1 = first place)',
    first: 'Share ranked first',
    note: 'A smaller mean rank means ranked further up.',
    kind: 'Two bar charts: mean rank and share ranked first',
    top: 'Ranked highest on average',
  },
} as const;

export function rankingChart(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  const t = TEXT[ctx.locale];
  const shown: { label: string; meanRank: number; firstShare: number }[] = [];
  const hidden: HiddenLabel[] = [];
  for (const r of q.ranking ?? []) {
    const label = tr(r.label, ctx.locale);
    if (isHidden(r.meanRank) || isHidden(r.firstShare) || isHidden(r.n)) hidden.push({ label, hidden: mainSuppression([r.n, r.meanRank, r.firstShare]) });
    else shown.push({ label, meanRank: r.meanRank, firstShare: r.firstShare });
  }
  if (q.suppressed || shown.length === 0) return null;
  shown.sort((a, b) => a.meanRank - b.meanRank || a.label.localeCompare(b.label, 'de'));
  const items = (q.ranking ?? []).length;
  const y = { field: 'label', type: 'nominal', sort: shown.map((r) => r.label), title: null };
  const panel = (field: string, title: string, format: string, domain: number[], colour: string, axis: boolean) => ({
    width: 200,
    height: heightFor(shown.length),
    encoding: { y: axis ? y : { ...y, axis: null } },
    layer: [
      {
        mark: { type: 'bar', color: colour },
        encoding: { x: { field, type: 'quantitative', title, scale: { domain }, axis: { format } } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { x: { field, type: 'quantitative' }, text: { field, type: 'quantitative', format: field === 'meanRank' ? '.1f' : '.1%' } },
      },
    ],
  });
  return frame(
    {
      q,
      view: {
        data: { values: shown },
        hconcat: [
          panel('meanRank', t.mean, 'd', [0, Math.max(items, 1)], BAR_COLOUR, true),
          panel('firstShare', t.first, '.0%', [0, 1], CATEGORICAL[1], false),
        ],
      },
      footnote: [t.note, ...hiddenLine(hidden, ctx)],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${t.top}: ${shown[0].label} (${formatNumber(shown[0].meanRank, ctx.locale, 1)}).`,
    },
    ctx,
  );
}
