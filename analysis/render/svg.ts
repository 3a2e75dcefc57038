// Vega-Lite spec → SVG on the server, without canvas (text widths are estimated). The de/en
// number and time locales are applied to the View, so axis labels and formatted text use the
// report's decimal separator whatever the process's default locale is. The spec's top-level
// `description` becomes the SVG's aria-label and <title>. Deterministic: the same spec gives the
// same bytes (no timestamps, no random ids).
import type { TopLevelSpec } from 'vega-lite';
import { type Locale, NUMBER_LOCALE, TIME_LOCALE } from '../format.ts';
import { escapeXml } from './escape.ts';

/**
 * The SVG without Vega's per-element roles and aria labels: they are English whatever the
 * report's locale ("Title text …", "group mark container"); the chart is one image, labelled
 * by its description. web/report/main.ts does the same to the chart it draws in the page.
 */
export function withoutVegaAria(svg: string): string {
  return svg.replace(/ (?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '');
}

export async function renderSvg(spec: TopLevelSpec, locale: Locale): Promise<string> {
  // Loaded on the first chart (about 1 s): most processes (the answer routes, most CLI commands) draw none.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    locale: { number: NUMBER_LOCALE[locale], time: TIME_LOCALE[locale] },
  } as never);
  try {
    const svg = withoutVegaAria(await view.toSVG());
    const description = typeof spec.description === 'string' ? spec.description : '';
    if (!description) return svg;
    const label = escapeXml(description);
    return svg.replace(/^<svg /, `<svg role="img" aria-label="${label}" `).replace(/(<svg [^>]*>)/, `$1<title>${label}</title>`);
  } finally {
    view.finalize();
  }
}
