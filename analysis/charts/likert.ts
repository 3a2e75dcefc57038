// Ordinal and matrix questions: a diverging stacked bar per row, the neutral (middle) category
// centred on zero, lower categories to the left and higher ones to the right. Positions are
// computed here from the aggregated shares, so the centring does not depend on Vega's stacking.
// A row with a suppressed figure is left out as a whole (its shares would not add up) and named.
import { formatShare } from '../format.ts';
import type { OptionResult, QuestionResult, Suppressed } from '../report/model.ts';
import { mainSuppression } from '../suppress.ts';
import { type ChartContext, type ChartSpec, frame, heightFor, hiddenLine, isHidden, NEUTRAL, tr, WIDTH } from './common.ts';

/** ColorBrewer PuOr (colour-blind safe): picks for 1–5 categories on each side, outermost first. */
const LOW: Record<number, string[]> = {
  1: ['#e08214'],
  2: ['#b35806', '#fdb863'],
  3: ['#b35806', '#e08214', '#fdb863'],
  4: ['#7f3b08', '#b35806', '#e08214', '#fdb863'],
  5: ['#7f3b08', '#b35806', '#e08214', '#fdb863', '#fee0b6'],
};
const HIGH: Record<number, string[]> = {
  1: ['#8073ac'],
  2: ['#b2abd2', '#542788'],
  3: ['#b2abd2', '#8073ac', '#542788'],
  4: ['#b2abd2', '#8073ac', '#542788', '#2d004b'],
  5: ['#d8daeb', '#b2abd2', '#8073ac', '#542788', '#2d004b'],
};

const TEXT = {
  de: {
    axis: 'Anteil der gültigen Antworten (links: untere, rechts: obere Kategorien)',
    note: 'Die mittlere Kategorie ist um die Nulllinie zentriert.',
    kind: 'Gestapeltes Balkendiagramm, um die mittlere Kategorie zentriert',
    top: 'Höchster Anteil in den oberen Kategorien',
  },
  en: {
    axis: 'Share of valid answers (left: lower, right: upper categories)',
    note: 'The middle category is centred on the zero line.',
    kind: 'Diverging stacked bar chart centred on the middle category',
    top: 'Highest share in the upper categories',
  },
} as const;

interface Row {
  key: string;
  label: string;
  options: OptionResult[];
  hidden: boolean;
  /** The suppression whose words the footnote gives. */
  reason?: Suppressed;
}

function rowsOf(q: QuestionResult, ctx: ChartContext): Row[] {
  if (q.kind === 'matrix')
    return (q.rows ?? []).map((r) => ({
      key: r.key,
      label: tr(r.label, ctx.locale),
      options: r.options,
      hidden: isHidden(r.n) || r.options.some((o) => isHidden(o.percent)),
      reason: mainSuppression([r.n, ...r.options.map((o) => o.percent)]),
    }));
  const options = q.options ?? [];
  return [{ key: q.name, label: ' ', options, hidden: q.suppressed || options.some((o) => isHidden(o.percent)), reason: mainSuppression([q.n, ...options.map((o) => o.percent)]) }];
}

export function colours(k: number): string[] {
  const side = Math.floor(k / 2);
  if (side > 5) throw new Error(`likert chart: ${k} categories are more than the palette holds (11)`);
  return [...(LOW[side] ?? []), ...(k % 2 === 1 ? [NEUTRAL] : []), ...(HIGH[side] ?? [])];
}

const round = (v: number) => Math.round(v * 1e9) / 1e9;

/** Black or white text, whichever reads better on `hex`. */
function ink(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 ? 'white' : 'black';
}

export function likertChart(q: QuestionResult, ctx: ChartContext): ChartSpec | null {
  // a dynamic panel's or matrix's rows count persons per value (several per person, shares above
  // 100 % in all, each row its own values): no scale to stack; the table shows them
  if (q.type === 'matrixdynamic' || q.type === 'paneldynamic') return null;
  const t = TEXT[ctx.locale];
  const rows = rowsOf(q, ctx);
  const shown = rows.filter((r) => !r.hidden && r.options.length > 0);
  if (q.suppressed || shown.length === 0) return null;
  const scale = shown[0].options.map((o) => tr(o.label, ctx.locale));
  const k = scale.length;
  const mid = k % 2 === 1 ? (k - 1) / 2 : -1;
  const palette = colours(k);
  const data: { row: string; category: string; order: number; share: number; x: number; x2: number; centre: number; ink: string }[] = [];
  let extent = 0;
  for (const r of shown) {
    const shares = r.options.map((o) => (o.percent as number) / 100);
    // from the centre outwards: the neutral category spans exactly −h/2 … +h/2
    const half = mid >= 0 ? shares[mid] / 2 : 0;
    const lowEnd = mid >= 0 ? mid : k / 2;
    const spans: [number, number][] = new Array(k);
    if (mid >= 0) spans[mid] = [-half, half];
    let left = -half;
    for (let i = lowEnd - 1; i >= 0; i--) {
      spans[i] = [left - shares[i], left];
      left -= shares[i];
    }
    let right = half;
    for (let i = mid >= 0 ? mid + 1 : k / 2; i < k; i++) {
      spans[i] = [right, right + shares[i]];
      right += shares[i];
    }
    extent = Math.max(extent, -left, right);
    r.options.forEach((o, i) => {
      const [x, x2] = spans[i].map(round);
      data.push({ row: r.label, category: tr(o.label, ctx.locale), order: i, share: round(shares[i]), x, x2, centre: round((x + x2) / 2), ink: ink(palette[i]) });
    });
  }
  const bound = Math.min(1, Math.ceil(extent * 10) / 10);
  const upper = (r: Row) => r.options.slice(mid >= 0 ? mid + 1 : k / 2).reduce((a, o) => a + (o.percent as number) / 100, 0);
  const best = shown.reduce((a, b) => (upper(b) > upper(a) ? b : a));
  const y = { field: 'row', type: 'nominal', sort: shown.map((r) => r.label), title: null, axis: q.kind === 'matrix' ? {} : null };
  return frame(
    {
      q,
      view: {
        data: { values: data },
        width: WIDTH,
        height: heightFor(shown.length, 30),
        encoding: { y },
        layer: [
          {
            mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
            encoding: {
              x: {
                field: 'x',
                type: 'quantitative',
                title: t.axis,
                scale: { domain: [-bound, bound] },
                axis: { labelExpr: "format(abs(datum.value), '.0%')" },
              },
              x2: { field: 'x2' },
              color: { field: 'category', type: 'nominal', sort: scale, scale: { domain: scale, range: palette }, title: null },
              order: { field: 'order' },
              tooltip: [
                { field: 'row', title: ' ' },
                { field: 'category', title: '  ' },
                { field: 'share', format: '.1%', title: '%' },
              ],
            },
          },
          {
            transform: [{ filter: 'datum.share >= 0.08' }],
            mark: { type: 'text', fontSize: 11 },
            encoding: { color: { field: 'ink', type: 'nominal', scale: null }, x: { field: 'centre', type: 'quantitative' }, text: { field: 'share', type: 'quantitative', format: '.0%' } },
          },
          { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#333333' }, encoding: { x: { field: 'zero', type: 'quantitative' }, y: null } },
        ],
      },
      footnote: [...(mid >= 0 ? [t.note] : []), ...hiddenLine(rows.filter((r) => r.hidden).map((r) => ({ label: r.label.trim() || tr(q.title, ctx.locale), hidden: r.reason })), ctx)],
      description: `${t.kind}: ${tr(q.title, ctx.locale)}. ${t.top}: ${best.label.trim() || tr(q.title, ctx.locale)} (${formatShare(upper(best), ctx.locale)}).`,
    },
    ctx,
  );
}
