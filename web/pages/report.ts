// Server-side HTML of a report page `GET /reports/:slug/:audience`, from the same report model and
// the same table view (analysis/render/tables.ts) as `befund analyze`, so page and CLI agree.
//
//   mode 'screen': charts are empty <figure data-chart> slots that /assets/report.js fills with
//                  vega-embed from `data.json`; a filter form and download links.
//   mode 'print':  the same page with charts as server-rendered SVG, no script, no form; the PDF
//                  is this view printed by Chromium (print CSS inlined, no requests).
// No inline script; every interpolated text is escaped. Glossary terms are linked where they
// appear in running text (summary, intros, notes, tests), not inside tables.
import { formatNumber, type Locale } from '../../analysis/format.ts';
import type { GlossaryEntry, LocalizedText, QuestionResult, ReportModel } from '../../analysis/report/model.ts';
import { escapeHtml as esc } from '../../analysis/render/escape.ts';
import { type Cell, questionTables, type Table } from '../../analysis/render/tables.ts';
import { noticeFor } from '../../analysis/suppress.ts';
import { assetFile } from '../manifest.ts';

const W = {
  de: {
    summary: 'Das Wichtigste in Kürze', contents: 'Inhalt', glossary: 'Glossar', texts: 'Offene Antworten', test: 'Gruppenvergleich',
    based: (n: string) => `Grundlage: ${n} vollständige Antworten`, version: 'Fragebogen-Version', suppressedQ: 'Diese Frage wird nicht ausgewertet',
    protection: (k: number) => `Schutz kleiner Gruppen: Zahlen, die auf weniger als ${k} Antworten beruhen, werden nicht gezeigt – auch keine, aus denen sie sich errechnen ließen.`,
    filters: 'Filter', segments: 'Zielgruppen', labels: 'Herkunft (Link)', apply: 'Anwenden', reset: 'Alle Antworten', active: 'Gefiltert',
    downloads: 'Herunterladen', csv: 'Tabellen (CSV)', pdf: 'Bericht (PDF)', lang: 'English', loading: 'Diagramm wird geladen …',
    table: 'Tabelle zum Diagramm', refused: 'Dieser Filter wird nicht ausgewertet', noscript: 'Die Diagramme brauchen JavaScript; alle Zahlen stehen in den Tabellen.',
  },
  en: {
    summary: 'Key findings', contents: 'Contents', glossary: 'Glossary', texts: 'Open answers', test: 'Group comparison',
    based: (n: string) => `Based on ${n} complete responses`, version: 'Questionnaire version', suppressedQ: 'This question is not reported',
    protection: (k: number) => `Small-group protection: figures resting on fewer than ${k} answers are not shown, nor any from which they could be worked out.`,
    filters: 'Filters', segments: 'Audiences', labels: 'Source (link)', apply: 'Apply', reset: 'All responses', active: 'Filtered',
    downloads: 'Download', csv: 'Tables (CSV)', pdf: 'Report (PDF)', lang: 'Deutsch', loading: 'Loading chart …',
    table: 'Table for the chart', refused: 'This filter is not reported', noscript: 'The charts need JavaScript; every figure is in the tables.',
  },
} as const;

export interface ReportQuery {
  key?: string;
  segment: string[];
  label: string[];
}

export interface ReportPageOptions {
  locale: Locale;
  mode: 'screen' | 'print';
  slug: string;
  audience: string;
  query: ReportQuery;
  /** The report, or null when it cannot be built as filtered (then `error` says why). */
  report: ReportModel | null;
  error?: string;
  /** A title to show when there is no report. */
  fallbackTitle?: LocalizedText;
  /** What the filter form offers (to a share-key reader: only what the profile allows). */
  options: { segments: { value: string; label: LocalizedText }[]; labels: string[] };
  /** Screen mode: the ids of the charts the page draws (see analysis/charts chartsFor). */
  chartIds?: string[];
  /** Print mode: chart id → SVG markup. Screen mode: the charts drawn on the server before the script runs. */
  svgs?: Record<string, string>;
  /** Print mode: the stylesheet, inlined. */
  css?: string;
  assetBase?: string;
}

const tr = (t: LocalizedText | undefined, l: Locale) => (t ? (t[l] ?? t.de) : '');

/** `/reports/<slug>/<audience><suffix>?key=…&segment=…&label=…&lang=…` */
export function reportHref(slug: string, audience: string, suffix: string, q: ReportQuery, lang?: Locale): string {
  const p = new URLSearchParams();
  if (q.key) p.set('key', q.key);
  for (const s of q.segment) p.append('segment', s);
  for (const s of q.label) p.append('label', s);
  if (lang === 'en') p.set('lang', 'en');
  const qs = p.toString();
  return `/reports/${encodeURIComponent(slug)}/${encodeURIComponent(audience)}${suffix}${qs ? `?${qs}` : ''}`;
}

// --- glossary links -------------------------------------------------------------------------

interface Terms {
  re: RegExp | null;
  ids: Map<string, string>;
}

/** The phrases a glossary term is found by: without quotes and parentheses, "A- und B-Test" as A and B. */
function phrases(term: string): string[] {
  const base = term.replace(/\s*\([^)]*\)/g, '').replace(/[„“”"]/g, '').trim();
  const parts = base.split(/\s+(?:und|and)\s+/).map((p) => p.replace(/-(?:Test)?$|\s+tests?$/i, '').trim());
  return [...new Set([base, ...parts])].filter((p) => p.length > 0);
}

function glossaryTerms(glossary: GlossaryEntry[], l: Locale): Terms {
  const ids = new Map<string, string>();
  glossary.forEach((g, i) => {
    for (const p of phrases(tr(g.term, l))) if (!ids.has(p.toLowerCase())) ids.set(p.toLowerCase(), `g-${i + 1}`);
  });
  const alts = [...ids.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { ids, re: alts.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null };
}

/** Escaped text with the first occurrence of each glossary term linked to its entry. */
function linked(text: string, terms: Terms): string {
  if (!terms.re) return esc(text);
  const seen = new Set<string>();
  let out = '';
  let last = 0;
  for (const m of text.matchAll(terms.re)) {
    const id = terms.ids.get(m[0].toLowerCase());
    if (!id || seen.has(id)) continue;
    seen.add(id);
    out += `${esc(text.slice(last, m.index))}<a class="term" href="#${id}">${esc(m[0])}</a>`;
    last = (m.index ?? 0) + m[0].length;
  }
  return out + esc(text.slice(last));
}

// --- tables and questions ----------------------------------------------------------------------

function cellHtml(c: Cell, l: Locale): string {
  if (typeof c === 'string') return `<td>${esc(c)}</td>`;
  if ('hidden' in c) return `<td class="hidden" data-suppressed="true">${esc(c.hidden)}</td>`;
  return `<td class="num" data-value="${c.value}">${esc(formatNumber(c.value, l, c.digits))}${c.unit ? '\u00a0%' : ''}</td>`;
}

function tableHtml(t: Table, l: Locale): string {
  const head = `<tr>${t.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 && typeof c === 'string' ? `<th scope="row">${esc(c)}</th>` : cellHtml(c, l))).join('')}</tr>`);
  return `<table data-part="${esc(t.part)}"><caption>${esc(t.caption)}</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function testLines(q: QuestionResult, l: Locale): string[] {
  const tests = [
    ...(q.comparison ? [{ row: '', c: q.comparison }] : []),
    ...(q.rows ?? []).flatMap((r) => (r.comparison ? [{ row: tr(r.label, l), c: r.comparison }] : [])),
  ];
  const lines = new Map<string, string[]>();
  for (const { row, c } of tests) {
    const text = (c.test?.text ? tr(c.test.text, l) : c.testOmitted ? tr(c.testOmitted, l) : '') + (c.test?.warning ? ` ${tr(c.test.warning, l)}` : '');
    if (text) lines.set(text, [...(lines.get(text) ?? []), row]);
  }
  return [...lines].map(([text, rows]) => {
    const named = rows.filter(Boolean);
    return (named.length && named.length < tests.length ? `${named.join(', ')}: ` : '') + text;
  });
}

function questionHtml(q: QuestionResult, r: ReportModel, o: ReportPageOptions, terms: Terms, chartIds: Set<string>): string {
  const l = o.locale;
  const w = W[l];
  const parts = [`<article class="question" id="q-${esc(q.name)}" data-question="${esc(q.name)}"><h3>${esc(tr(q.title, l))}</h3>`];
  if (q.suppressed) return `${parts[0]}<p class="note hidden" data-suppressed="true">${esc(w.suppressedQ)}: ${esc(tr(noticeFor(q.n, r.notice), l))}.</p></article>`;
  for (const id of [q.name, `${q.name}.segments`]) {
    if (o.mode === 'print' && o.svgs?.[id]) parts.push(`<figure class="chart">${o.svgs[id]}</figure>`);
    else if (o.mode === 'screen' && chartIds.has(id))
      // A server-rendered SVG (the first chart) shows at once; report.js replaces it with the interactive one.
      parts.push(`<figure class="chart" data-chart="${esc(id)}"><div class="vis">${o.svgs?.[id] ?? `<p class="loading">${esc(w.loading)}</p>`}</div></figure>`);
  }
  for (const note of q.notes ?? []) parts.push(`<p class="note">${linked(tr(note, l), terms)}</p>`);
  for (const line of testLines(q, l)) parts.push(`<p class="test"><strong>${esc(w.test)}:</strong> ${linked(line, terms)}</p>`);
  if (q.kind === 'text') {
    if (q.texts && !Array.isArray(q.texts)) parts.push(`<p class="note hidden" data-suppressed="true">${esc(w.texts)}: ${esc(tr(noticeFor(q.texts, r.notice), l))}</p>`);
    else if (q.texts) parts.push(`<p class="meta">n = ${esc(formatNumber(q.texts.length, l))}</p><ul class="texts">${q.texts.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`);
  } else {
    const tables = questionTables(q, l, r.notice).map((t) => tableHtml(t, l)).join('');
    parts.push(`<div class="tables" role="region" aria-label="${esc(`${w.table}: ${tr(q.title, l)}`)}" tabindex="0">${tables}</div>`);
  }
  parts.push('</article>');
  return parts.join('');
}

// --- the page ------------------------------------------------------------------------------------

function filterForm(o: ReportPageOptions): string {
  const w = W[o.locale];
  const box = (name: string, value: string, label: string, on: boolean) =>
    `<label><input type="checkbox" name="${name}" value="${esc(value)}"${on ? ' checked' : ''}> ${esc(label)}</label>`;
  const segs = o.options.segments.map((s) => box('segment', s.value, tr(s.label, o.locale), o.query.segment.includes(s.value))).join('');
  const labels = o.options.labels.map((s) => box('label', s, s, o.query.label.includes(s))).join('');
  // a shared report offers only the filters its profile allows; none at all: no form
  if (!segs && !labels) return '';
  const hidden = `${o.query.key ? `<input type="hidden" name="key" value="${esc(o.query.key)}">` : ''}${o.locale === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}`;
  const reset = reportHref(o.slug, o.audience, '', { key: o.query.key, segment: [], label: [] }, o.locale);
  return `<form class="filters" method="get" action="${esc(reportHref(o.slug, o.audience, '', { segment: [], label: [] }))}" aria-label="${esc(w.filters)}">${hidden}
${segs ? `<fieldset><legend>${esc(w.segments)}</legend>${segs}</fieldset>` : ''}
${labels ? `<fieldset><legend>${esc(w.labels)}</legend>${labels}</fieldset>` : ''}
<div class="actions"><button type="submit">${esc(w.apply)}</button> <a href="${esc(reset)}">${esc(w.reset)}</a></div></form>`;
}

function segmentLabels(o: ReportPageOptions): (k: string) => string {
  const labels = new Map(o.options.segments.map((s) => [s.value, tr(s.label, o.locale)]));
  return (k) => labels.get(k) || k;
}

export function renderReportPage(o: ReportPageOptions): string {
  const l = o.locale;
  const w = W[l];
  const r = o.report;
  const title = r ? tr(r.title, l) : tr(o.fallbackTitle, l) || 'Bericht';
  const href = (suffix: string, lang = l) => reportHref(o.slug, o.audience, suffix, o.query, lang);
  const terms = r ? glossaryTerms(r.glossary, l) : { re: null, ids: new Map<string, string>() };
  const screen = o.mode === 'screen';
  const filtered = o.query.segment.length + o.query.label.length > 0;
  const head = [
    '<!doctype html>',
    `<html lang="${l}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">',
    `<title>${esc(title)} – Befund</title>`,
    o.css !== undefined ? `<style>${o.css}</style>` : `<link rel="stylesheet" href="${esc(o.assetBase ?? '/assets')}/${assetFile('report.css')}">`,
    // data.json loads while report.js is fetched and parsed (`crossorigin` matches fetch()'s mode)
    screen && r ? `<link rel="preload" href="${esc(href('/data.json'))}" as="fetch" crossorigin>` : '',
    screen && r ? `<script src="${esc(o.assetBase ?? '/assets')}/${assetFile('report.js')}" defer></script>` : '',
    '</head>',
  ].filter(Boolean);
  const body: string[] = [];
  const attrs = screen && r ? ` data-data="${esc(href('/data.json'))}" data-file="${esc(`${o.slug}-${o.audience}`)}"` : '';
  body.push(`<body class="report report--${o.mode}"${attrs}><main>`);
  body.push('<header>');
  if (screen) body.push(`<p class="lang"><a href="${esc(href('', l === 'de' ? 'en' : 'de'))}" hreflang="${l === 'de' ? 'en' : 'de'}">${esc(w.lang)}</a></p>`);
  if (r) body.push(`<p class="meta">${esc(tr(r.survey.title, l))} · ${esc(w.version)} ${esc(r.survey.versions.join(', '))}</p>`);
  body.push(`<h1>${esc(title)}</h1>`);
  if (r) {
    const seg = segmentLabels(o);
    const bySeg = Object.entries(r.responses.bySegment)
      .map(([k, n]) => `${seg(k)}: ${typeof n === 'number' ? formatNumber(n, l) : tr(noticeFor(n, r.notice), l)}`)
      .join('; ');
    body.push(`<p class="lead">${linked(tr(r.intro, l), terms)}</p>`);
    body.push(`<p class="meta base" data-total="${r.responses.total}">${esc(w.based(formatNumber(r.responses.total, l)))}${bySeg ? ` (${esc(bySeg)})` : ''}. ${esc(w.protection(r.minGroupSize))}</p>`);
  }
  if (filtered) {
    const seg = segmentLabels(o);
    body.push(`<p class="meta active-filters"><strong>${esc(w.active)}:</strong> ${esc([...o.query.segment.map(seg), ...o.query.label].join(', '))}</p>`);
  }
  if (screen && r) body.push(`<p class="downloads">${esc(w.downloads)}: <a href="${esc(href('/tables.csv'))}" download>${esc(w.csv)}</a> · <a href="${esc(href('/report.pdf'))}" download>${esc(w.pdf)}</a></p>`);
  body.push('</header>');
  if (screen) body.push(filterForm(o));
  if (o.error) body.push(`<p class="refused" role="alert"><strong>${esc(w.refused)}:</strong> ${esc(o.error)}</p>`);
  if (r) {
    if (r.summary.length) body.push(`<section class="findings" aria-labelledby="findings"><h2 id="findings">${esc(w.summary)}</h2><ul>${r.summary.map((f) => `<li>${linked(tr(f.text, l), terms)}</li>`).join('')}</ul></section>`);
    body.push(
      `<nav aria-label="${esc(w.contents)}"><h2>${esc(w.contents)}</h2><ol>${r.sections.map((s) => `<li><a href="#s-${esc(s.id)}">${esc(tr(s.title, l))}</a></li>`).join('')}${r.glossary.length ? `<li><a href="#glossary">${esc(w.glossary)}</a></li>` : ''}</ol></nav>`,
    );
    if (screen) body.push(`<noscript><p class="note">${esc(w.noscript)}</p></noscript>`);
    const chartIds = new Set(o.chartIds ?? Object.keys(o.svgs ?? {}));
    for (const s of r.sections) {
      body.push(`<section class="part" id="s-${esc(s.id)}"><h2>${esc(tr(s.title, l))}</h2>${s.intro ? `<p>${linked(tr(s.intro, l), terms)}</p>` : ''}`);
      for (const q of s.questions) body.push(questionHtml(q, r, o, terms, chartIds));
      body.push('</section>');
    }
    if (r.glossary.length)
      body.push(
        `<section class="part" id="glossary"><h2>${esc(w.glossary)}</h2><dl class="glossary">${r.glossary.map((g, i) => `<dt id="g-${i + 1}">${esc(tr(g.term, l))}</dt><dd>${esc(tr(g.definition, l))}</dd>`).join('')}</dl></section>`,
      );
  }
  body.push('</main></body></html>');
  return `${head.join('\n')}\n${body.join('\n')}\n`;
}

/** A page that says only "not found": the same for an unknown survey, audience or a wrong key. */
export function renderNotFoundPage(): string {
  return '<!doctype html>\n<html lang="de"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Nicht gefunden – Befund</title></head><body><main><h1>Nicht gefunden</h1><p>Diese Seite gibt es nicht, oder der Link ist nicht (mehr) gültig.</p></main></body></html>\n';
}
