// A self-contained HTML report for one audience: key findings first, then the sections with each
// question's chart (inline SVG), its table view with the base n, notes and tests in words, open
// answers (escaped), and a glossary. No external requests (a CSP forbids them), no scripts, print
// CSS included; every interpolated text is escaped. Charts come in as SVG keyed by chart id
// (`<question>` and `<question>.segments`, see analysis/charts/index.ts).
import { formatNumber, type Locale } from '../format.ts';
import type { LocalizedText, QuestionResult, ReportModel } from '../report/model.ts';
import { escapeHtml as esc } from './escape.ts';
import { noticeFor } from '../suppress.ts';
import { type Cell, questionTables, type Table } from './tables.ts';

const W = {
  de: {
    summary: 'Das Wichtigste in Kürze', contents: 'Inhalt', glossary: 'Glossar', table: 'Tabelle', texts: 'Offene Antworten',
    based: (n: string) => `Grundlage: ${n} vollständige Antworten`, groups: 'Gruppen', compared: 'verglichen',
    protection: (k: number) => `Schutz kleiner Gruppen: Zahlen, die auf weniger als ${k} Antworten beruhen, werden nicht gezeigt – auch keine, aus denen sie sich errechnen ließen.`,
    noChart: 'Für diese Frage gibt es kein Diagramm.', test: 'Gruppenvergleich', suppressedQ: 'Diese Frage wird nicht ausgewertet', version: 'Fragebogen-Version',
  },
  en: {
    summary: 'Key findings', contents: 'Contents', glossary: 'Glossary', table: 'Table', texts: 'Open answers',
    based: (n: string) => `Based on ${n} complete responses`, groups: 'Groups', compared: 'compared',
    protection: (k: number) => `Small-group protection: figures resting on fewer than ${k} answers are not shown, nor any from which they could be worked out.`,
    noChart: 'There is no chart for this question.', test: 'Group comparison', suppressedQ: 'This question is not reported', version: 'Questionnaire version',
  },
} as const;

const CSS = `
:root{--ink:#1a1a1a;--muted:#555;--line:#d0d0d0;--accent:#0072B2;--bg:#fff}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 "DejaVu Sans",Verdana,system-ui,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:62rem;margin:0 auto;padding:1.5rem}
header h1{font-size:1.8rem;margin:.2rem 0}
.lead{font-size:1.1rem;max-width:48rem}
.meta,.note,figcaption,caption{color:var(--muted);font-size:.9rem}
.findings{border-left:6px solid var(--accent);background:#f3f7fb;padding:.8rem 1.2rem;margin:1.2rem 0}
.findings h2{margin-top:0}
nav ol{columns:2;font-size:.95rem}
section.part{border-top:2px solid var(--ink);margin-top:2rem}
article.question{margin:1.5rem 0 2.5rem;break-inside:avoid-page}
article.question h3{font-size:1.15rem}
figure{margin:.5rem 0;overflow-x:auto}
figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem;min-width:20rem}
caption{text-align:left;padding:.2rem 0}
th,td{border-bottom:1px solid var(--line);padding:.25rem .6rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.hidden{font-style:italic;color:var(--muted)}
.test{background:#f6f6f6;padding:.4rem .8rem}
ul.texts{padding-left:1.2rem}ul.texts li{margin:.2rem 0;white-space:pre-wrap}
dl.glossary dt{font-weight:bold;margin-top:.6rem}dl.glossary dd{margin-left:0}
a{color:var(--accent)}
@media print{
  @page{size:A4;margin:18mm 15mm}
  body{font-size:10.5pt}
  main{max-width:none;padding:0}
  nav{display:none}
  a{color:inherit;text-decoration:none}
  section.part{break-before:page}
  figure,table,.findings{break-inside:avoid}
}
`;

export interface HtmlOptions {
  locale: Locale;
  /** Rendered charts: chart id → SVG markup (from renderSvg). */
  svgs: Record<string, string>;
}

const tr = (t: LocalizedText | undefined, l: Locale) => (t ? (t[l] ?? t.de) : '');

function cellHtml(c: Cell, locale: Locale): string {
  if (typeof c === 'string') return `<td>${esc(c)}</td>`;
  if ('hidden' in c) return `<td class="hidden">${esc(c.hidden)}</td>`;
  return `<td class="num">${esc(formatNumber(c.value, locale, c.digits))}${c.unit ? '\u00a0%' : ''}</td>`;
}

function tableHtml(t: Table, locale: Locale): string {
  const head = `<tr>${t.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 && typeof c === 'string' ? `<th scope="row">${esc(c)}</th>` : cellHtml(c, locale))).join('')}</tr>`);
  return `<table><caption>${esc(t.caption)}</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function questionHtml(q: QuestionResult, report: ReportModel, o: HtmlOptions): string {
  const l = o.locale;
  const w = W[l];
  const parts: string[] = [`<article class="question" id="q-${esc(q.name)}"><h3>${esc(tr(q.title, l))}</h3>`];
  if (q.suppressed) {
    parts.push(`<p class="note">${esc(w.suppressedQ)}: ${esc(tr(noticeFor(q.n, report.notice), l))}.</p></article>`);
    return parts.join('');
  }
  for (const id of [q.name, `${q.name}.segments`]) {
    const svg = o.svgs[id];
    if (svg) parts.push(`<figure>${svg}</figure>`);
  }
  for (const note of q.notes ?? []) parts.push(`<p class="note">${esc(tr(note, l))}</p>`);
  // one line per distinct test text; matrix rows name their row
  const tests = [
    ...(q.comparison ? [{ row: '', c: q.comparison }] : []),
    ...(q.rows ?? []).flatMap((r) => (r.comparison ? [{ row: tr(r.label, l), c: r.comparison }] : [])),
  ];
  const lines = new Map<string, string[]>();
  for (const { row, c } of tests) {
    const text = (c.test?.text ? tr(c.test.text, l) : c.testOmitted ? tr(c.testOmitted, l) : '') + (c.test?.warning ? ` ${tr(c.test.warning, l)}` : '');
    if (text) lines.set(text, [...(lines.get(text) ?? []), row]);
  }
  for (const [text, rows] of lines) {
    const named = rows.filter(Boolean);
    const prefix = named.length && named.length < tests.length ? `${named.join(', ')}: ` : '';
    parts.push(`<p class="test"><strong>${esc(w.test)}:</strong> ${esc(prefix + text)}</p>`);
  }
  if (q.kind === 'text') {
    if (q.texts && !Array.isArray(q.texts)) parts.push(`<p class="note">${esc(w.texts)}: ${esc(tr(noticeFor(q.texts, report.notice), l))}</p>`);
    else if (q.texts) parts.push(`<p class="meta">n = ${esc(formatNumber(q.texts.length, l))}</p><ul class="texts">${q.texts.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`);
  } else for (const t of questionTables(q, l, report.notice)) parts.push(tableHtml(t, l));
  parts.push('</article>');
  return parts.join('');
}

export function renderHtml(report: ReportModel, o: HtmlOptions): string {
  const l = o.locale;
  const w = W[l];
  const title = tr(report.title, l);
  const labels = new Map<string, string>();
  for (const q of report.sections.flatMap((s) => s.questions))
    for (const c of [q.comparison, ...(q.rows ?? []).map((r) => r.comparison)])
      for (const [k, g] of Object.entries(c?.bySegment ?? {})) if (!labels.has(k)) labels.set(k, tr(g.label, l));
  const segLabel = (k: string) => labels.get(k) || k;
  const bySeg = Object.entries(report.responses.bySegment)
    .map(([k, n]) => `${segLabel(k)}: ${typeof n === 'number' ? formatNumber(n, l) : tr(noticeFor(n, report.notice), l)}`)
    .join('; ');
  const findings = report.summary.length
    ? `<section class="findings" aria-labelledby="findings"><h2 id="findings">${esc(w.summary)}</h2><ul>${report.summary.map((f) => `<li>${esc(tr(f.text, l))}</li>`).join('')}</ul></section>`
    : '';
  const nav = `<nav aria-label="${esc(w.contents)}"><h2>${esc(w.contents)}</h2><ol>${report.sections
    .map((s) => `<li><a href="#s-${esc(s.id)}">${esc(tr(s.title, l))}</a></li>`)
    .join('')}${report.glossary.length ? `<li><a href="#glossary">${esc(w.glossary)}</a></li>` : ''}</ol></nav>`;
  const sections = report.sections.map(
    (s) =>
      `<section class="part" id="s-${esc(s.id)}"><h2>${esc(tr(s.title, l))}</h2>${s.intro ? `<p>${esc(tr(s.intro, l))}</p>` : ''}${s.questions.map((q) => questionHtml(q, report, o)).join('')}</section>`,
  );
  const glossary = report.glossary.length
    ? `<section class="part" id="glossary"><h2>${esc(w.glossary)}</h2><dl class="glossary">${report.glossary
        .map((g) => `<dt>${esc(tr(g.term, l))}</dt><dd>${esc(tr(g.definition, l))}</dd>`)
        .join('')}</dl></section>`
    : '';
  return `<!doctype html>
<html lang="${l}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<p class="meta">${esc(tr(report.survey.title, l))} · ${esc(w.version)} ${esc(report.survey.versions.join(', '))}</p>
<h1>${esc(title)}</h1>
<p class="lead">${esc(tr(report.intro, l))}</p>
<p class="meta">${esc(w.based(formatNumber(report.responses.total, l)))}${bySeg ? ` (${esc(bySeg)})` : ''}. ${esc(w.protection(report.minGroupSize))}</p>
</header>
${findings}
${nav}
${sections.join('\n')}
${glossary}
</main>
</body>
</html>
`;
}
