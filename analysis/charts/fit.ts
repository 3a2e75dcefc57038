// A chart narrower than its natural size, for a phone. Scaling the SVG down (max-width: 100 %)
// shrinks 11 px text to 6 px at 390 px wide; instead the plot areas give up width, long axis and
// legend labels get a tighter limit (Vega ends them with "…"; the table beside the chart keeps
// the whole text), and titles and footnotes are wrapped to the narrower width. Text sizes stay.
import { LABEL_LIMIT, type ChartSpec, wrap } from './common.ts';

/** No plot area becomes narrower than this: bars still compare. */
export const MIN_PLOT_WIDTH = 90;
/** Characters per line for `px` of width at a font size (DejaVu Sans averages ~0.6 em, bold more). */
const charsFor = (px: number, fontSize: number, em = 0.62) => Math.max(16, Math.floor(px / (fontSize * em)));

type Json = Record<string, unknown>;

/** Sum of the fixed plot widths in a view tree (hconcat panels side by side add up). */
function plotWidth(view: unknown): number {
  if (!view || typeof view !== 'object') return 0;
  const v = view as Json;
  if (Array.isArray(v.hconcat)) return v.hconcat.reduce((s: number, x) => s + plotWidth(x), 0);
  if (Array.isArray(v.vconcat)) return Math.max(0, ...v.vconcat.map(plotWidth));
  return typeof v.width === 'number' ? v.width : 0;
}

/** The view tree with every fixed width multiplied by `factor` (never below MIN_PLOT_WIDTH). */
function scaleWidths(view: unknown, factor: number): unknown {
  if (Array.isArray(view)) return view.map((x) => scaleWidths(x, factor));
  if (!view || typeof view !== 'object') return view;
  const out: Json = {};
  for (const [k, x] of Object.entries(view as Json)) {
    if (k === 'data') out[k] = x;
    else if (k === 'width' && typeof x === 'number') out[k] = Math.max(MIN_PLOT_WIDTH, Math.floor(x * factor));
    else out[k] = typeof x === 'object' ? scaleWidths(x, factor) : x;
  }
  return out;
}

/** Axis titles (`encoding.x.title`) wrapped to `chars`: a long one centred under a narrow plot runs far past its left edge. */
function wrapAxisTitles(view: unknown, chars: number): unknown {
  if (Array.isArray(view)) return view.map((x) => wrapAxisTitles(x, chars));
  if (!view || typeof view !== 'object') return view;
  const out: Json = {};
  for (const [k, x] of Object.entries(view as Json)) {
    if (k === 'data') out[k] = x;
    else if (k === 'encoding' && x && typeof x === 'object') {
      const enc = { ...(x as Json) };
      for (const ch of ['x', 'y']) {
        const def = enc[ch] as Json | undefined;
        if (def && typeof def.title === 'string' && def.title.length > chars) enc[ch] = { ...def, title: wrap(def.title, chars) };
      }
      out[k] = wrapAxisTitles(enc, chars);
    } else out[k] = typeof x === 'object' ? wrapAxisTitles(x, chars) : x;
  }
  return out;
}

function stackPanels(view: Json): Json {
  if (!Array.isArray(view.hconcat)) return view;
  const { hconcat, ...rest } = view;
  const panels = (hconcat as Json[]).map((p) => {
    const enc = p.encoding as Json | undefined;
    const y = enc?.y as Json | undefined;
    if (!y || y.axis !== null) return p;
    const { axis: _hidden, ...shown } = y;
    return { ...p, encoding: { ...enc, y: shown } };
  });
  return { ...rest, vconcat: panels };
}

function rewrap(lines: unknown, chars: number): unknown {
  if (!Array.isArray(lines) && typeof lines !== 'string') return lines;
  const text = (Array.isArray(lines) ? lines : [lines]).join(' ');
  return wrap(text, chars);
}

/**
 * `spec` made to fit `available` px, given that it rendered `natural` px wide. Returns the spec
 * unchanged when it fits. Pure: the browser renders, measures and calls this once more.
 */
export function fitChart(spec: ChartSpec, natural: number, available: number): ChartSpec {
  if (natural <= available) return spec;
  const s = structuredClone(spec) as unknown as Json;
  // a second round (still too wide after the first) wraps text tighter
  const round = Number((s.usermeta as Json | undefined)?.fitRound ?? 0) + 1;
  s.usermeta = { ...(s.usermeta as Json), fitRound: round };
  const textWidth = (available - 2 * Number((s.config as Json | undefined)?.padding ?? 8) - 8) * 0.85 ** (round - 1);
  const excess = natural - available;
  const labelLimit = Math.max(60, Math.min(LABEL_LIMIT, Math.floor(available * 0.38)));
  const config = (s.config ?? {}) as Json;
  // panels side by side (a ranking's mean rank and first places) go one under the other, each
  // with its own row labels
  s.vconcat = (s.vconcat as Json[] | undefined)?.map(stackPanels);
  // the label area is what Vega measured minus the plot; it shrinks to labelLimit first
  const plots = (s.vconcat as unknown[] | undefined)?.map(plotWidth) ?? [];
  const plot = Math.max(0, ...plots);
  const labelsNow = Math.max(0, natural - plot);
  const gained = Math.max(0, labelsNow - (labelLimit + 40));
  const plotTarget = Math.max(MIN_PLOT_WIDTH, plot - Math.max(0, excess - gained));
  s.config = {
    ...config,
    axis: { ...(config.axis as Json), labelLimit },
    legend: { ...(config.legend as Json), labelLimit, columns: 1 },
  };
  if (plot > 0 && plotTarget < plot) s.vconcat = scaleWidths(s.vconcat, plotTarget / plot);
  s.vconcat = wrapAxisTitles(s.vconcat, charsFor(Math.min(plot, plotTarget) || textWidth, 11));
  const title = s.title as Json | undefined;
  if (title) {
    s.title = {
      ...title,
      text: rewrap(title.text, charsFor(textWidth, Number(title.fontSize ?? 14), 0.68)),
      subtitle: Array.isArray(title.subtitle) ? title.subtitle.flatMap((l) => rewrap(l, charsFor(textWidth, Number(title.subtitleFontSize ?? 12))) as string[]) : title.subtitle,
    };
  }
  // footnotes are the inner view's bottom title: one wrapped block per footnote line
  s.vconcat = (s.vconcat as Json[] | undefined)?.map((v) => {
    const t = v.title as Json | undefined;
    if (!t || !Array.isArray(t.text)) return v;
    const chars = charsFor(textWidth, Number(t.fontSize ?? 11));
    return { ...v, title: { ...t, text: t.text.flatMap((l) => rewrap(l, chars) as string[]) } };
  });
  return s as unknown as ChartSpec;
}
