import t from 'tap';
import { chartBuilder, chartNameFor, chartsFor } from '../../analysis/charts/index.ts';
import { likertChart } from '../../analysis/charts/likert.ts';
import { singleChart } from '../../analysis/charts/single.ts';
import type { OptionResult, QuestionResult, Suppressed } from '../../analysis/report/model.ts';

const HIDDEN: Suppressed = { suppressed: true, reason: 'small-cell' };
const ctx = { locale: 'de' as const, notice: { de: 'weniger als 5 Antworten', en: 'fewer than 5 answers' } };
const opt = (value: string, label: string, count: number | Suppressed, percent: number | Suppressed, interval?: [number, number]): OptionResult => ({
  value,
  label: { de: label },
  count,
  percent,
  ...(interval ? { interval: { lower: interval[0], upper: interval[1] } } : {}),
});
const question = (q: Partial<QuestionResult>): QuestionResult => ({
  name: 'q',
  type: 'radiogroup',
  kind: 'single',
  title: { de: 'Frage' },
  n: 40,
  base: 42,
  noAnswer: 2,
  suppressed: false,
  ...q,
});
// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
const json = (spec: unknown): any => JSON.parse(JSON.stringify(spec));

const channel = question({
  name: 'kanal',
  title: { de: 'Über welchen Kanal erreichen Sie Ergebnisse?' },
  options: [opt('web', 'Webseiten', 24, 60, [0.45, 0.73]), opt('news', 'Newsletter', 14, 35, [0.22, 0.5]), opt('other', 'Sonstiges', HIDDEN, HIDDEN, undefined)],
});

t.test('single choice: bars with Wilson error bars, n in the subtitle, an aria description', async (t) => {
  const spec = json(singleChart(channel, ctx));
  t.same(spec.title.subtitle[0], 'n = 40 gültige Antworten (2 ohne Antwort)');
  t.match(spec.description, /^Balkendiagramm: Über welchen Kanal erreichen Sie Ergebnisse\?.*Häufigste Antwort: Webseiten \(60,0\u00a0%\)\. n = 40/);
  const view = spec.vconcat[0];
  t.same(view.layer[1].mark.type, 'rule');
  t.same(view.layer[1].encoding.x.field, 'lower');
  t.same(view.layer[1].encoding.x2.field, 'upper');
  t.same(view.data.values[0], { label: 'Webseiten', share: 0.6, count: 24, at: 0.73, lower: 0.45, upper: 0.73 });
});

t.test('a suppressed option is absent from the data and named in the footnote in words', async (t) => {
  const view = json(singleChart(channel, ctx)).vconcat[0];
  t.same(
    view.data.values.map((d: { label: string }) => d.label),
    ['Webseiten', 'Newsletter'],
  );
  t.notMatch(JSON.stringify(view.data), /Sonstiges/);
  t.same(view.title.orient, 'bottom');
  t.ok(view.title.text.includes('Nicht gezeigt: »Sonstiges« – weniger als 5 Antworten'));
});

const five = (counts: number[]) => {
  const n = counts.reduce((a, b) => a + b, 0);
  return ['gar nicht', 'wenig', 'teils/teils', 'eher', 'sehr'].map((l, i) => opt(String(i + 1), l, counts[i], (counts[i] / n) * 100));
};

t.test('likert: the neutral category is centred on zero, lower ones left, upper ones right', async (t) => {
  const q = question({ name: 'ki', type: 'rating', kind: 'ordinal', title: { de: 'KI' }, options: five([4, 6, 10, 12, 8]) });
  const values = json(likertChart(q, ctx)).vconcat[0].data.values;
  const neutral = values.find((d: { category: string }) => d.category === 'teils/teils');
  t.equal(neutral.x, -neutral.x2, 'neutral spans −h/2 … +h/2');
  t.equal(neutral.x2, 0.125);
  t.same(
    values.map((d: { x: number }) => Math.round(d.x * 1000) / 1000),
    [-0.375, -0.275, -0.125, 0.125, 0.425],
  );
});

t.test('likert: a matrix row with a hidden cell is left out whole and named', async (t) => {
  const rows = [
    { key: 'ki', label: { de: 'KI einführen' }, n: 40, counts: {}, options: five([4, 6, 10, 12, 8]) },
    { key: 'lksg', label: { de: 'Lieferketten (LkSG)' }, n: 9, counts: {}, options: five([4, 6, 10, 12, 8]).map((o, i) => (i === 0 ? { ...o, count: HIDDEN, percent: HIDDEN } : o)) },
  ];
  const spec = json(likertChart(question({ kind: 'matrix', type: 'matrix', rows }), ctx));
  t.same([...new Set(spec.vconcat[0].data.values.map((d: { row: string }) => d.row))], ['KI einführen']);
  t.ok(spec.vconcat[0].title.text.includes('Nicht gezeigt: »Lieferketten (LkSG)« – weniger als 5 Antworten'));
  t.same(spec.config.locale.number.decimal, ',');
});

t.test('every chart kind has a description and the base n', async (t) => {
  const qs: QuestionResult[] = [
    channel,
    question({ kind: 'multiple', type: 'checkbox', options: [opt('a', 'A', 10, 25), opt('b', 'B', 30, 75)] }),
    question({ kind: 'ranking', type: 'ranking', ranking: [{ item: 'a', label: { de: 'A' }, n: 40, meanRank: 1.4, firstShare: 0.6 }, { item: 'b', label: { de: 'B' }, n: 40, meanRank: 1.6, firstShare: 0.4 }] }),
    question({ kind: 'number', type: 'text', number: { n: 40, mean: 12.5, sd: 3, q1: 10, median: 12, q3: 15 } }),
  ];
  for (const q of qs) {
    const [chart] = chartsFor(q, ctx);
    const spec = json(chart.spec);
    t.ok(spec.description.length > 20, `${chart.chart}: description`);
    t.same(spec.title.subtitle[0], 'n = 40 gültige Antworten (2 ohne Antwort)', `${chart.chart}: n`);
  }
});

t.test('multiple choice says that shares do not add up to 100 %', async (t) => {
  const q = question({ kind: 'multiple', type: 'checkbox', options: [opt('a', 'A', 10, 25), opt('b', 'B', 30, 75)] });
  t.ok(json(chartsFor(q, ctx)[0].spec).vconcat[0].title.text.includes('Mehrfachnennungen möglich: Die Anteile ergeben zusammen nicht 100 %.'));
});

t.test('a comparison draws complete segments only and names the others and the test in words', async (t) => {
  const group = (label: string, n: number | Suppressed, counts: Record<string, number | Suppressed>, suppressed = false) => ({ label: { de: label }, n, counts, suppressed });
  const q = question({
    options: [opt('web', 'Webseiten', 24, 60), opt('news', 'Newsletter', 16, 40)],
    comparison: {
      by: 'segment',
      bySegment: {
        intermediary: group('Intermediäre', 20, { web: 14, news: 6 }),
        sme: group('KMU', 17, { web: 10, news: 7 }),
        works_council: group('Betriebsräte', HIDDEN, { web: HIDDEN, news: HIDDEN }, true),
      },
      dropped: [],
      test: { name: 'chi-square', statistic: 0.6, df: 1, p: 0.44, effect: 0.13, effectName: 'cramers-v' },
    },
  });
  const charts = chartsFor(q, ctx);
  t.same(
    charts.map((c) => c.id),
    ['q', 'q.segments'],
  );
  const spec = json(charts[1].spec);
  t.same([...new Set(spec.vconcat[0].data.values.map((d: { segment: string }) => d.segment))], ['Intermediäre', 'KMU']);
  t.same(spec.title.subtitle[1], 'Intermediäre: n = 20; KMU: n = 17');
  t.ok(spec.vconcat[0].title.text.includes('Chi-Quadrat-Test: Cramérs V = 0,13, p = 0,44'));
  t.ok(spec.vconcat[0].title.text.includes('Nicht gezeigt: »Betriebsräte« – weniger als 5 Antworten'));
});

t.test('a wholly suppressed question has no chart; open text has none either', async (t) => {
  t.same(chartsFor(question({ suppressed: true, n: HIDDEN, options: [] }), ctx), []);
  t.same(chartsFor(question({ kind: 'text', type: 'comment', texts: ['gut'] }), ctx), []);
});

t.test('unknown chart names and question kinds fail loudly', async (t) => {
  t.throws(() => chartBuilder('pie'), /unknown chart "pie" \(known: likert, single, multiple, ranking, number, comparison\)/);
  t.throws(() => chartNameFor('sankey'), /no chart for question kind "sankey"/);
  t.equal(chartNameFor('matrix'), 'likert');
});
