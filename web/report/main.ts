// Report page entry (bundled to /assets/report.js by web/build.ts).
//
//   body[data-data] (data.json with the same key and filters) → fetch → for each
//   <figure data-chart=id>, in page order: vega-embed(spec) as SVG → SVG/PNG download buttons
//
// Under the page's CSP (script-src 'self', no eval) Vega's expressions run through
// vega-interpreter (`ast: true`), never through `new Function`. The tables next to each chart
// are server-rendered; this script only draws.
import embed from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { fitChart } from '../../analysis/charts/fit.ts';

type Spec = Parameters<typeof embed>[1];
type View = Awaited<ReturnType<typeof embed>>['view'];

const lang = document.documentElement.lang === 'en' ? 'en' : 'de';
const T = {
  de: { svg: 'Diagramm als SVG', png: 'Diagramm als PNG', failed: 'Das Diagramm konnte nicht gezeichnet werden; die Zahlen stehen in der Tabelle.' },
  en: { svg: 'Chart as SVG', png: 'Chart as PNG', failed: 'The chart could not be drawn; the figures are in the table.' },
}[lang];

function save(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

function buttons(view: View, figure: HTMLElement, id: string): void {
  const stem = `${document.body.dataset.file ?? 'bericht'}-${id.replace(/[^\w.-]+/g, '_')}`;
  const title = figure.closest('article')?.querySelector('h3')?.textContent ?? id;
  const bar = document.createElement('div');
  bar.className = 'chart-actions';
  for (const [type, label] of [['svg', T.svg], ['png', T.png]] as const) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = type.toUpperCase();
    b.setAttribute('aria-label', `${label}: ${title}`);
    b.dataset.download = type;
    b.addEventListener('click', async () => save(await view.toImageURL(type, type === 'png' ? 2 : 1), `${stem}.${type}`));
    bar.append(b);
  }
  figure.after(bar);
}

const EMBED = { renderer: 'svg', actions: false, ast: true, expr: expressionInterpreter, defaultStyle: false, tooltip: false } as const;

/** One image for assistive technology, labelled in the report's locale (Vega's own labels are English). */
function labelChart(target: HTMLElement, spec: Spec): void {
  const svg = target.querySelector('svg');
  if (!svg) return;
  for (const el of svg.querySelectorAll('[role], [aria-label], [aria-roledescription], [aria-hidden]'))
    for (const a of ['role', 'aria-label', 'aria-roledescription', 'aria-hidden']) el.removeAttribute(a);
  for (const a of ['aria-roledescription', 'aria-hidden']) svg.removeAttribute(a);
  svg.setAttribute('role', 'img');
  const description = (spec as { description?: unknown }).description;
  if (typeof description === 'string') svg.setAttribute('aria-label', description);
}

async function draw(figure: HTMLElement, spec: Spec): Promise<void> {
  const id = figure.dataset.chart ?? '';
  const target = figure.querySelector<HTMLElement>('.vis') ?? figure;
  target.textContent = '';
  let result = await embed(target, spec, EMBED);
  // Too wide for the page (a phone): draw it again, narrower, instead of scaling the text down.
  // Vega measures the text, so each round narrows by what is still too much (twice at most).
  const available = figure.clientWidth;
  let fitted = spec;
  for (let round = 0; round < 3; round++) {
    const natural = Number(target.querySelector('svg')?.getAttribute('width') ?? 0);
    if (available <= 0 || natural <= available || round === 2) break;
    fitted = fitChart(fitted as never, natural, available) as Spec;
    result.finalize();
    target.textContent = '';
    result = await embed(target, fitted, EMBED);
  }
  labelChart(target, spec);
  figure.dataset.rendered = 'true';
  buttons(result.view, figure, id);
}

async function main(): Promise<void> {
  document.body.dataset.scriptStart = String(Math.round(performance.now()));
  const url = document.body.dataset.data;
  if (!url) return;
  const figures = [...document.querySelectorAll<HTMLElement>('figure[data-chart]')];
  if (figures.length === 0) return;
  // same request as the page's <link rel=preload as=fetch crossorigin>, so the preloaded response is used
  const res = await fetch(url);
  if (!res.ok) throw new Error(`data.json: ${res.status}`);
  const data = (await res.json()) as { charts: Record<string, Spec> };
  document.body.dataset.dataReady = String(Math.round(performance.now()));
  let first = true;
  for (const figure of figures) {
    const spec = data.charts[figure.dataset.chart ?? ''];
    try {
      if (!spec) throw new Error(`no spec for ${figure.dataset.chart}`);
      await draw(figure, spec);
      if (first) {
        first = false;
        performance.mark('befund:first-chart');
        document.body.dataset.firstChart = String(Math.round(performance.now()));
      }
    } catch (err) {
      console.error(err);
      figure.dataset.rendered = 'failed';
      const p = document.createElement('p');
      p.className = 'note';
      p.textContent = T.failed;
      (figure.querySelector('.vis') ?? figure).replaceChildren(p);
    }
  }
  document.body.dataset.charts = 'ready';
}

main().catch((err) => {
  console.error(err);
  document.body.dataset.charts = 'failed';
  for (const f of document.querySelectorAll<HTMLElement>('figure[data-chart] .vis')) f.textContent = T.failed;
});
