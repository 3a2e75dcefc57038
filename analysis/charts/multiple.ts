// Multiple choice (checkbox, tagbox): bars of the share of respondents choosing each option,
// sorted as the question lists them. Shares do not add up to 100 %, and the footnote says so.
import { formatShare } from '../format.ts';
import type { QuestionResult } from '../report/model.ts';
import { mainSuppression } from '../suppress.ts';
import { BAR_COLOUR, type ChartContext, type ChartSpec, frame, type HiddenLabel, heightFor, hiddenLine, isHidden, tr, WIDTH } from './common.ts';

const TEXT = {
  de: {
    axis: 'Anteil der Befragten, die die Option wählen',
    note: 'Mehrfachnennungen möglich: Die Anteile ergeben zusammen nicht 100 %.',
    kind: 'Balkendiagramm der Anteile, die eine Option wählen',
    top: 'Am häufigsten gewählt',
  },
  en: {
    axis: 'Share of respondents choosing the option',
    note: 'Several answers possible: the shares do not add up to 100 %.',
    kind: 'Bar chart of the share choosing each option',
    top: 'Chosen most often',
  },
} as const;

/** A dynamic panel or matrix (analysis/report/questions/pooled.ts): shares of the persons who answered. */
const POOLED = {
  de: {
    axis: 'Anteil der Personen, die die Antwort in mindestens einem Eintrag nannten',
    note: 'Mehrere Einträge je Person möglich: Jede Person zählt je Antwort einmal, die Anteile ergeben zusammen nicht 100 %.',
    kind: 'Balkendiagramm der Anteile der Personen, die eine Antwort nannten',
    top: 'Von den meisten Personen genannt',
  },
  en: {
    axis: 'Share of persons who gave the answer in at least one entry',
    note: 'Several entries per person possible: each person counts once per answer; the shares do not add up to 100 %.',
    kind: 'Bar chart of the share of persons giving each answer',
    top: 'Given by most persons',
  },
} as const;

export function multipleChart(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  const t = (q.type === 'matrixdynamic' || q.type === 'paneldynamic' ? POOLED : TEXT)[ctx.locale];
  const shown: { label: string; share: number; count: number }[] = [];
  const hidden: HiddenLabel[] = [];
  for (const o of q.options ?? []) {
    const label = tr(o.label, ctx.locale);
    if (isHidden(o.percent) || isHidden(o.count)) hidden.push({ label, hidden: mainSuppression([o.count, o.percent]) });
    else shown.push({ label, share: o.percent / 100, count: o.count });
  }
  if (q.suppressed || shown.length === 0) return null;
  const top = shown.reduce((a, b) => (b.share > a.share ? b : a));
  return frame(
    {
      q,
      view: {
        data: { values: shown },
        width: WIDTH,
        height: heightFor(shown.length),
        encoding: { y: { field: 'label', type: 'nominal', sort: shown.map((r) => r.label), title: null } },
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
            mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
            encoding: { x: { field: 'share', type: 'quantitative' }, text: { field: 'share', type: 'quantitative', format: '.1%' } },
          },
        ],
      },
      footnote: [t.note, ...hiddenLine(hidden, ctx)],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${t.top}: ${top.label} (${formatShare(top.share, ctx.locale)}).`,
    },
    ctx,
  );
}
