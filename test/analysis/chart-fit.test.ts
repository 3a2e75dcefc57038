// fitChart (analysis/charts/fit.ts) on generated charts: single choice, matrix and ranking with
// random long labels and titles. Narrowed for a phone, a chart keeps every text size and every
// data value, no plot falls below MIN_PLOT_WIDTH, side-by-side panels stack, and the chart drawn
// by Vega gets narrower. Whether it then fits and stays legible in a real browser is checked in
// test/browser/report-handover.test.ts.
import t from 'tap';
import { fitChart, MIN_PLOT_WIDTH } from '../../analysis/charts/fit.ts';
import { likertChart } from '../../analysis/charts/likert.ts';
import { rankingChart } from '../../analysis/charts/ranking.ts';
import { singleChart } from '../../analysis/charts/single.ts';
import type { QuestionResult } from '../../analysis/report/model.ts';
import { renderSvg } from '../../analysis/render/svg.ts';
import { seededRandom } from '../../surveys/synthetic.ts';

const ctx = { locale: 'de' as const, notice: { de: 'weniger als 5 Antworten', en: 'fewer than 5 answers' } };
const WORDS = ['Weiterbildung', 'Arbeitszeit', 'Vereinbarkeit', 'Beratung', 'der', 'und', 'im', 'Betrieb', 'Gesundheitsschutz', 'Schichtplanung', 'Pflege', 'Angehörigen'];
const rnd = seededRandom(390);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const text = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
const shares = (k: number) => {
  const raw = Array.from({ length: k }, () => 1 + rnd() * 9);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => Math.round((1000 * x) / sum) / 10);
};
const base = { type: 'radiogroup', n: 60, base: 60, noAnswer: 0, suppressed: false } as const;

function generated(i: number): QuestionResult {
  const title = { de: `${text(6 + (i % 9))}?` };
  const k = 3 + (i % 4);
  if (i % 3 === 0)
    return { ...base, name: `s${i}`, kind: 'single', title, options: shares(k).map((p, j) => ({ value: `v${j}`, label: { de: text(1 + Math.floor(rnd() * 6)) }, count: Math.round(p * 0.6), percent: p })) };
  if (i % 3 === 1) {
    const scale = ['sehr gering', 'gering', 'mittel', 'hoch', 'sehr hoch'].slice(0, k < 5 ? 5 : k);
    return {
      ...base,
      type: 'matrix',
      name: `m${i}`,
      kind: 'matrix',
      title,
      rows: Array.from({ length: 2 + (i % 3) }, (_, r) => ({
        key: `r${r}`,
        label: { de: text(2 + Math.floor(rnd() * 5)) },
        n: 60,
        counts: {},
        options: shares(scale.length).map((p, j) => ({ value: String(j + 1), label: { de: scale[j] }, count: Math.round(p * 0.6), percent: p })),
      })),
    } as QuestionResult;
  }
  return {
    ...base,
    type: 'ranking',
    name: `r${i}`,
    kind: 'ranking',
    title,
    ranking: Array.from({ length: k }, (_, j) => ({ item: `i${j}`, label: { de: text(1 + Math.floor(rnd() * 5)) }, n: 60, meanRank: 1 + rnd() * (k - 1), firstShare: rnd() / 2 })),
  } as QuestionResult;
}

/** Every value under a key matching `re`, anywhere in the spec. */
function collect(spec: unknown, re: RegExp, out: unknown[] = []): unknown[] {
  if (Array.isArray(spec)) for (const x of spec) collect(x, re, out);
  else if (spec && typeof spec === 'object')
    for (const [k, v] of Object.entries(spec)) {
      if (re.test(k) && typeof v !== 'object') out.push(v);
      collect(v, re, out);
    }
  return out;
}
const widthOf = (svg: string) => Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
const sorted = (xs: unknown[]) => xs.map(String).sort();

t.test('narrowed charts keep text sizes and data, keep plots usable, and draw narrower', async (t) => {
  let checked = 0;
  for (let i = 0; i < 24; i++) {
    const q = generated(i);
    const spec = q.kind === 'single' ? singleChart(q, ctx) : q.kind === 'matrix' ? likertChart(q, ctx) : rankingChart(q, ctx);
    if (!spec) continue;
    const natural = widthOf(await renderSvg(spec, 'de'));
    t.equal(fitChart(spec, natural, natural), spec, `${q.name}: a chart that fits is left as it is`);
    for (const available of [300, 342, 390]) {
      if (natural <= available) continue;
      const fitted = fitChart(spec, natural, available);
      t.same(sorted(collect(fitted, /fontSize$/i)), sorted(collect(spec, /fontSize$/i)), `${q.name} at ${available} px: every text size kept`);
      t.same(collect(fitted, /^values$/), collect(spec, /^values$/), `${q.name} at ${available} px: the data unchanged`);
      const widths = collect(fitted, /^width$/) as number[];
      t.ok(widths.every((w) => w >= MIN_PLOT_WIDTH), `${q.name} at ${available} px: plots ${widths.join(', ')} px, none under ${MIN_PLOT_WIDTH}`);
      if (q.kind === 'ranking') t.notOk(JSON.stringify(fitted).includes('"hconcat"'), `${q.name}: the two panels stack`);
      const drawn = widthOf(await renderSvg(fitted, 'de'));
      t.ok(drawn < natural, `${q.name} at ${available} px: drawn ${drawn} px instead of ${natural} px`);
      checked++;
    }
  }
  t.ok(checked >= 30, `${checked} narrowed charts checked`);
});
