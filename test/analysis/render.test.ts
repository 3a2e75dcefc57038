import t from 'tap';
import { chartsFor } from '../../analysis/charts/index.ts';
import { formatNumber, formatP, formatPercent } from '../../analysis/format.ts';
import type { QuestionResult, ReportModel, Suppressed } from '../../analysis/report/model.ts';
import { renderCsv } from '../../analysis/render/csv.ts';
import { renderHtml } from '../../analysis/render/html.ts';
import { renderSvg } from '../../analysis/render/svg.ts';

const HIDDEN: Suppressed = { suppressed: true, reason: 'small-cell' };
const notice = { de: 'weniger als 5 Antworten', en: 'fewer than 5 answers' };
const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

const channel: QuestionResult = {
  name: 'kanal',
  type: 'radiogroup',
  kind: 'single',
  title: { de: 'Über welchen Kanal?', en: 'Which channel?' },
  n: 40,
  base: 42,
  noAnswer: 2,
  suppressed: false,
  counts: { web: 24, news: 13, other: HIDDEN },
  options: [
    { value: 'web', label: { de: 'Webseiten', en: 'Websites' }, count: 24, percent: 61.54, interval: { lower: 0.45, upper: 0.75 } },
    { value: 'news', label: { de: 'Newsletter', en: 'Newsletters' }, count: 13, percent: 33.33, interval: { lower: 0.2, upper: 0.49 } },
    { value: 'other', label: { de: 'Sonstiges', en: 'Other' }, count: HIDDEN, percent: HIDDEN, interval: HIDDEN },
  ],
};
const ideas: QuestionResult = {
  name: 'anregungen',
  type: 'comment',
  kind: 'text',
  title: { de: 'Ihre Anregungen' },
  n: 6,
  base: 42,
  noAnswer: 36,
  suppressed: false,
  texts: ['Mehr Praxisbeispiele', XSS, 'Kürzere Checks', 'Termine am Abend', 'Mehr für Handwerk', 'Gut so'],
};
const report: ReportModel = {
  survey: { slug: 'om', title: { de: 'OM-Befragung' }, versions: [1] },
  audience: 'sme',
  title: { de: 'Bericht für KMU <b>', en: 'Report for SMEs' },
  intro: { de: 'Einleitung' },
  responses: { total: 42, bySegment: { sme: 42 } },
  segments: { included: ['sme'], compared: [] },
  minGroupSize: 5,
  notice,
  summary: [{ rule: 'most-chosen', text: { de: 'Am häufigsten: Webseiten (61,5 %)' }, questions: ['kanal'] }],
  sections: [{ id: 'nutzung', title: { de: 'Nutzung' }, questions: [channel, ideas] }],
  glossary: [{ term: { de: 'Median' }, definition: { de: 'Der mittlere Wert.' } }],
};

t.test('numbers, percentages and p-values in German and English', async (t) => {
  t.equal(formatNumber(1234.5, 'de', 1), '1.234,5');
  t.equal(formatNumber(1234.5, 'en', 1), '1,234.5');
  t.equal(formatPercent(42.25, 'de'), '42,3\u00a0%');
  t.equal(formatPercent(42.25, 'en'), '42.3%');
  t.equal(formatP(0.0004, 'de'), 'p < 0,001');
  t.equal(formatP(0.031, 'de'), 'p = 0,031');
  t.equal(formatP(0.31, 'de'), 'p = 0,31');
});

t.test('the SVG shows a fractional value with a German decimal comma, and the same bytes twice', async (t) => {
  const [chart] = chartsFor(channel, { locale: 'de', notice });
  const svg = await renderSvg(chart.spec, 'de');
  t.match(svg, /<svg role="img" aria-label="Balkendiagramm: Über welchen Kanal\?/);
  t.match(svg, />61,5\u00a0%</);
  t.notMatch(svg, />61\.5/);
  t.match(svg, /n = 40 gültige Antworten \(2 ohne Antwort\)/);
  t.equal(await renderSvg(chart.spec, 'de'), svg);
  const en = await renderSvg(chartsFor(channel, { locale: 'en', notice })[0].spec, 'en');
  t.match(en, />61\.5%</);
});

t.test('the HTML report escapes an XSS payload in an open text and in a title', async (t) => {
  const html = renderHtml(report, { locale: 'de', svgs: {} });
  t.notMatch(html, /<script/);
  t.notMatch(html, /<img src=x/);
  t.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
  t.match(html, /<h1>Bericht für KMU &lt;b&gt;<\/h1>/);
});

t.test('the HTML report holds the summary, the table with n, hidden cells in words and the glossary, offline', async (t) => {
  const html = renderHtml(report, { locale: 'de', svgs: { kanal: '<svg id="chart"></svg>' } });
  t.match(html, /<h2 id="findings">Das Wichtigste in Kürze<\/h2><ul><li>Am häufigsten: Webseiten \(61,5 %\)<\/li>/);
  t.match(html, /<figure><svg id="chart"><\/svg><\/figure>/);
  t.match(html, /<caption>Über welchen Kanal\? \(n = 40, ohne Antwort: 2\)<\/caption>/);
  t.match(html, /<th scope="row">Sonstiges<\/th><td class="hidden">weniger als 5 Antworten<\/td>/);
  t.match(html, /<td class="num">61,5\u00a0%<\/td>/);
  t.match(html, /<dt>Median<\/dt><dd>Der mittlere Wert\.<\/dd>/);
  t.match(html, /default-src 'none'/);
  t.notMatch(html, /(src|href)="(https?:)?\/\//);
  t.match(html, /@media print/);
});

t.test('tables.csv shows a suppressed cell as words, never 0, with ; and decimal comma', async (t) => {
  const csv = renderCsv(report, 'de');
  const lines = csv.replace(/^\ufeff/, '').split('\r\n');
  t.equal(lines[0], 'Abschnitt;Frage;Fragetext;Teil;Zeile;Spalte;Wert;Einheit');
  t.ok(lines.includes('Nutzung;kanal;Über welchen Kanal?;;Sonstiges;Anzahl;weniger als 5 Antworten;'));
  t.ok(lines.includes('Nutzung;kanal;Über welchen Kanal?;;Sonstiges;Prozent (%);weniger als 5 Antworten;'));
  t.ok(lines.includes('Nutzung;kanal;Über welchen Kanal?;;Webseiten;Prozent (%);61,5;%'));
  t.ok(lines.includes('Nutzung;kanal;Über welchen Kanal?;;Webseiten;95-%-KI (Wilson);45,0\u00a0% – 75,0\u00a0%;'));
  t.notMatch(csv, /Sonstiges;Anzahl;0/);
  t.notMatch(csv, /script/, 'open texts are not in the tables');
  const en = renderCsv(report, 'en').split('\r\n');
  t.ok(en.includes('Nutzung,kanal,Which channel?,,Other,Count,fewer than 5 answers,'));
  t.ok(en.includes('Nutzung,kanal,Which channel?,,Websites,Percent (%),61.5,%'));
});

t.test('a CSV field that would be read as a formula is defused', async (t) => {
  const q = { ...channel, title: { de: '=HYPERLINK("x")' } };
  const csv = renderCsv({ ...report, sections: [{ id: 's', title: { de: 'S' }, questions: [q] }] }, 'de');
  t.match(csv, /;"'=HYPERLINK\(""x""\)";/);
});
