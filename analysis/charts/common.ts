// Shared by the chart builders: localized text, the title with the base n, a footnote that names
// suppressed cells in words, colour-blind-safe palettes, and the outer spec with locale, aria
// description and generous label space (server-side text widths are estimated, not measured).
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber, type Locale, vegaLocale } from '../format.ts';
import type { Figure, LocalizedText, QuestionResult, Suppressed } from '../report/model.ts';
import { noticeFor } from '../suppress.ts';

export type ChartSpec = TopLevelSpec;
/** A Vega-Lite view (unit, layer, concat or facet) before the outer title and config. */
export type View = Record<string, unknown>;

export interface ChartContext {
  locale: Locale;
  /** What a suppressed figure says, e.g. "weniger als 5 Antworten". */
  notice: LocalizedText;
}

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const CATEGORICAL = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const BAR_COLOUR = '#0072B2';
export const ACCENT = '#333333';
/** ColorBrewer PuOr (colour-blind safe), low → high, with a grey neutral. */
export const DIVERGING_LOW = ['#b35806', '#f1a340', '#fee0b6'];
export const DIVERGING_HIGH = ['#d8daeb', '#998ec3', '#542788'];
export const NEUTRAL = '#bdbdbd';

export const LABEL_LIMIT = 440;
export const WIDTH = 360;

export function tr(text: LocalizedText | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text.de;
}

export function isHidden(f: Figure | unknown): f is Suppressed {
  return typeof f === 'object' && f !== null && (f as Suppressed).suppressed === true;
}

/** Splits long text into lines of at most `width` characters (Vega titles take arrays). */
export function wrap(text: string, width = 70): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

const WORDS = {
  de: { n: 'n', noAnswer: 'ohne Antwort', notAsked: 'nicht gefragt', answered: 'gültige Antworten', hidden: 'Nicht gezeigt', all: 'alle Angaben' },
  en: { n: 'n', noAnswer: 'no answer', notAsked: 'not asked', answered: 'valid answers', hidden: 'Not shown', all: 'all figures' },
} as const;

export function words(locale: Locale) {
  return WORDS[locale];
}

/** "n = 142 gültige Antworten (8 ohne Antwort)"; a suppressed n is given in words. */
export function baseLine(q: Pick<QuestionResult, 'n' | 'noAnswer' | 'notAsked'>, ctx: ChartContext): string {
  const w = words(ctx.locale);
  const n = isHidden(q.n) ? tr(noticeFor(q.n, ctx.notice), ctx.locale) : `${formatNumber(q.n, ctx.locale)} ${w.answered}`;
  const parts: string[] = [];
  if (typeof q.noAnswer === 'number' && q.noAnswer > 0) parts.push(`${formatNumber(q.noAnswer, ctx.locale)} ${w.noAnswer}`);
  // never asked (a condition hid the question) is not "no answer"
  if (typeof q.notAsked === 'number' && q.notAsked > 0) parts.push(`${formatNumber(q.notAsked, ctx.locale)} ${w.notAsked}`);
  return `${w.n} = ${n}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** A hidden entry of a chart with the suppression whose words apply (see `mainSuppression`). */
export interface HiddenLabel {
  label: string;
  hidden?: Suppressed;
}

/** "Nicht gezeigt: »Sonstiges«, »Keine« – weniger als 5 Antworten", one line per wording: primary
 *  suppressions (and plain labels) say "weniger als k Antworten", complementary ones "zum Schutz
 *  kleiner Gruppen ausgeblendet" (empty when nothing is hidden). */
export function hiddenLine(labels: (string | HiddenLabel)[], ctx: ChartContext): string[] {
  const byWords = new Map<string, string[]>();
  for (const l of labels) {
    const entry = typeof l === 'string' ? { label: l } : l;
    const text = tr(noticeFor(entry.hidden, ctx.notice), ctx.locale);
    byWords.set(text, [...(byWords.get(text) ?? []), entry.label]);
  }
  return [...byWords].flatMap(([text, ls]) => {
    const list = ls.map((l) => (ctx.locale === 'de' ? `»${l}«` : `“${l}”`)).join(', ');
    return wrap(`${words(ctx.locale).hidden}: ${list} – ${text}`, 90);
  });
}

export interface Frame {
  q: Pick<QuestionResult, 'title' | 'n' | 'noAnswer' | 'notAsked'>;
  view: View;
  /** Footnote lines: hidden cells in words, reading notes, tests. */
  footnote: string[];
  /** The aria description: what the chart shows, in one or two sentences. */
  description: string;
  /** Extra lines under the base n. */
  subtitle?: string[];
}

/** The outer spec: title with the base n, the view with its footnote, locale and accessibility. */
export function frame(f: Frame, ctx: ChartContext): ChartSpec {
  const inner: View = { ...f.view };
  if (f.footnote.length)
    inner.title = { text: f.footnote, orient: 'bottom', anchor: 'start', fontSize: 11, fontWeight: 'normal', color: '#444444', offset: 12 };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${f.description} ${baseLine(f.q, ctx)}.`,
    title: {
      text: wrap(tr(f.q.title, ctx.locale)),
      subtitle: [baseLine(f.q, ctx), ...(f.subtitle ?? [])],
      anchor: 'start',
      fontSize: 14,
      subtitleFontSize: 12,
    },
    vconcat: [inner],
    config: {
      locale: vegaLocale(ctx.locale),
      font: 'DejaVu Sans, Verdana, sans-serif',
      // no text under 11 px (legible on a phone, charts/fit.ts keeps sizes when narrowing)
      axis: { labelLimit: LABEL_LIMIT, labelFontSize: 11, titleFontSize: 11 },
      legend: { labelLimit: LABEL_LIMIT, orient: 'top', direction: 'horizontal', columns: 3, labelFontSize: 11, titleFontSize: 11 },
      // Vega's own aria labels are English ("X-axis titled …", "bar"); the chart is one image
      // whose label is `description`, in the report's locale (render/svg.ts, web/report)
      aria: false,
      view: { stroke: null },
      background: 'white',
      padding: 8,
    },
  } as unknown as ChartSpec;
}

/** Bar height per category, so long labels and many options stay readable. */
export function heightFor(count: number, per = 26): number {
  return Math.max(per * 2, count * per);
}
