// Disclosure rules of issue 12 on generated studies (group sizes around k and 2k, random number
// answers, random choices): number summaries below 2k show only n and the mean (never SD,
// quartiles, minimum or maximum) in the report model, the HTML and CSV tables and the chart specs;
// n and the mean equal the generated data's; a hidden cell reads "weniger als k Antworten" only
// where it holds 1 … k − 1 answers, and "zum Schutz kleiner Gruppen ausgeblendet" where it is
// hidden to protect others (German and English); a group with 1 … 2k − 1 answers all alike shows
// none of its answer cells (group-attribute rule).
import t from 'tap';
import { chartsFor } from '../../analysis/charts/index.ts';
import { parseProfile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import type { NumberStats, QuestionResult, ReportModel, Suppressed } from '../../analysis/report/model.ts';
import { renderCsv } from '../../analysis/render/csv.ts';
import { renderHtml } from '../../analysis/render/html.ts';
import { type Cell, questionTables } from '../../analysis/render/tables.ts';
import type { AggregatedData, CountRow } from '../../analysis/types.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { determinedBySummary } from '../attack/side.ts';

const L = (de: string, en = de) => ({ de, en });
const CHOICES = ['a', 'b', 'c'];
const catalogue: Catalogue = {
  locales: ['de', 'en'],
  questions: [
    { name: 'zahl', type: 'text', title: L('Wie viele Beschäftigte?', 'How many employees?'), ordinal: false, hasOther: false, variables: [{ key: 'zahl', question: 'zahl', measure: 'scale', label: L('Beschäftigte') }] },
    {
      name: 'wahl',
      type: 'radiogroup',
      title: L('Welche Wahl?', 'Which choice?'),
      ordinal: false,
      hasOther: false,
      choices: CHOICES.map((c) => ({ value: c, label: L(`Antwort ${c}`, `Answer ${c}`) })),
      variables: [{ key: 'wahl', question: 'wahl', measure: 'nominal', label: L('Wahl'), values: CHOICES.map((c) => ({ value: c, label: L(`Antwort ${c}`, `Answer ${c}`) })) }],
    },
  ],
};
const SEGMENTS = ['A', 'B', 'C'];
const profile = parseProfile({
  audience: 'test',
  title: L('Test'),
  intro: L('Einführung'),
  segments: { include: SEGMENTS, compare: SEGMENTS, labels: Object.fromEntries(SEGMENTS.map((s) => [s, L(`Gruppe ${s}`, `Group ${s}`)])) },
  sections: [{ id: 's', title: L('Alles', 'All'), questions: ['zahl', 'wahl'] }],
  keyFindings: [],
});

/** Small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Study {
  k: number;
  data: AggregatedData;
  /** The generated number answers per segment. */
  numbers: Record<string, number[]>;
  /** The generated choice counts per segment. */
  choices: Record<string, Record<string, number>>;
}

function generate(seed: number): Study {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const k = int(3, 6);
  const data: AggregatedData = { bases: [], counts: [], openTexts: [] };
  const numbers: Record<string, number[]> = {};
  const choices: Record<string, Record<string, number>> = {};
  for (const s of SEGMENTS) {
    numbers[s] = [];
    choices[s] = { a: 0, b: 0, c: 0 };
    // a quarter of the segments answer the choice question all alike
    const alike = r() < 0.25;
    // one or two link labels; a segment's size around k or 2k
    for (const label of r() < 0.5 ? ['L1'] : ['L1', 'L2']) {
      const size = int(1, 2 * k + 3);
      data.bases.push({ segment: s, linkLabel: label, n: size });
      const nums: Record<string, number> = {};
      const picks: Record<string, number> = {};
      const skew = [r(), r(), r()];
      for (let i = 0; i < size; i++) {
        if (r() < 0.9) {
          const x = r() < 0.5 ? int(0, 60) : int(0, 600) / 10;
          numbers[s].push(x);
          nums[String(x)] = (nums[String(x)] ?? 0) + 1;
        }
        if (r() < 0.95) {
          const sum = skew[0] + skew[1] + skew[2];
          const u = r() * sum;
          const c = alike ? 'b' : u < skew[0] ? 'a' : u < skew[0] + skew[1] ? 'b' : 'c';
          choices[s][c]++;
          picks[c] = (picks[c] ?? 0) + 1;
        }
      }
      const rows = (variable: string, counts: Record<string, number>): CountRow[] =>
        Object.entries(counts).map(([value, n]) => ({ variable, value, segment: s, linkLabel: label, n }));
      data.counts.push(...rows('zahl', nums), ...rows('wahl', picks));
    }
  }
  return { k, data, numbers, choices };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const hidden = (x: unknown): x is Suppressed => typeof x === 'object' && x !== null && (x as Suppressed).suppressed === true;
const question = (r: ReportModel, name: string) => r.sections.flatMap((s) => s.questions).find((q) => q.name === name) as QuestionResult;

const WORDS = {
  de: { primary: (k: number) => `weniger als ${k} Antworten`, complementary: 'zum Schutz kleiner Gruppen ausgeblendet', spread: ['Standardabweichung', '1. Quartil', 'Median', '3. Quartil', 'Minimum', 'Maximum'], group: 'Gruppe', answer: 'Antwort' },
  en: { primary: (k: number) => `fewer than ${k} answers`, complementary: 'hidden to protect small groups', spread: ['Standard deviation', '1st quartile', 'Median', '3rd quartile', 'Minimum', 'Maximum'], group: 'Group', answer: 'Answer' },
} as const;
const LOCALES = ['de', 'en'] as const;

/** What a hidden figure of `count` true answers must read: primary for 1 … k − 1, else complementary. */
const expected = (count: number, k: number, l: 'de' | 'en') => (count >= 1 && count < k ? WORDS[l].primary(k) : WORDS[l].complementary);

const STUDIES = 60;
const seen = { smallShown: 0, largeShown: 0, primary: 0, complementary: 0, alike: 0 };

t.test(`number summaries on ${STUDIES} generated studies: below 2k only n and the mean, never min/max`, async (t) => {
  for (let seed = 1; seed <= STUDIES; seed++) {
    const study = generate(seed);
    const { k } = study;
    const report = buildReport({ catalogue, data: study.data, profile, minGroupSize: k });
    const q = question(report, 'zahl');
    const groups: [string, number[], NumberStats | Suppressed | undefined][] = [
      ['total', SEGMENTS.flatMap((s) => study.numbers[s]), q.number],
      ...SEGMENTS.map((s): [string, number[], NumberStats | Suppressed | undefined] => [s, study.numbers[s], q.comparison?.bySegment[s]?.number]),
    ];
    for (const [name, values, stats] of groups) {
      const where = `seed ${seed}, k = ${k}, ${name} with n = ${values.length}`;
      if (values.length > 0 && values.length < k) t.ok(hidden(stats), `${where}: hidden below k`);
      if (!stats || hidden(stats)) continue;
      t.equal(stats.n, values.length, `${where}: n as generated`);
      t.ok(close(stats.mean, mean(values)), `${where}: mean as generated`);
      t.notOk('min' in stats || 'max' in stats, `${where}: no minimum or maximum`);
      // the attacker (order statistics from quartiles, two equations from mean and SD)
      t.equal(determinedBySummary(stats), 0, `${where}: the attacker determines no value from the summary`);
      const keys = Object.keys(stats).sort();
      if (values.length < 2 * k) {
        seen.smallShown++;
        t.same(keys, ['mean', 'n'], `${where}: only n and the mean below 2k`);
      } else {
        seen.largeShown++;
        t.same(keys, ['mean', 'median', 'n', 'q1', 'q3', 'sd'], `${where}: spread and quartiles from 2k on`);
        const m = mean(values);
        const sd = Math.sqrt(values.reduce((a, x) => a + (x - m) ** 2, 0) / (values.length - 1));
        t.ok(close(stats.sd as number, sd), `${where}: SD as generated`);
      }
    }
    // what reaches a reader: tables (HTML, CSV) and chart specs with their aria text
    const total = groups[0][1].length;
    for (const l of LOCALES) {
      const w = WORDS[l];
      const rowLabels = questionTables(q, l, report.notice).flatMap((tb) => tb.rows.map((row) => row[0]));
      const html = renderHtml(report, { locale: l, svgs: {} });
      const article = html.slice(html.indexOf('id="q-zahl"'), html.indexOf('id="q-wahl"'));
      const csvRows = renderCsv(report, l)
        .split('\r\n')
        .filter((line) => line.includes('zahl'));
      const spec = JSON.stringify(chartsFor(q, { locale: l, notice: report.notice }));
      if (total >= k && total < 2 * k && !hidden(q.number)) {
        for (const label of w.spread) {
          t.notOk(rowLabels.includes(label), `seed ${seed} ${l}: no table row "${label}" at n = ${total}`);
          t.notOk(article.includes(`<th scope="row">${label}</th>`), `seed ${seed} ${l}: no HTML row "${label}"`);
          t.notOk(
            csvRows.some((line) => line.split(l === 'de' ? ';' : ',').includes(label)),
            `seed ${seed} ${l}: no CSV line "${label}"`,
          );
        }
        t.ok(rowLabels.includes(l === 'de' ? 'Mittelwert' : 'Mean'), `seed ${seed} ${l}: the mean is shown`);
        for (const field of ['"q1"', '"q3"', '"median"', '"min"', '"max"']) t.notOk(spec.includes(field), `seed ${seed} ${l}: no ${field} in the chart spec`);
        t.notOk(/quartil/i.test(spec.replace(/Streuung und Quartile werden erst|Spread and quartiles are shown only/g, '')), `seed ${seed} ${l}: the aria text names no quartile`);
      }
      for (const label of ['Minimum', 'Maximum']) t.notOk(rowLabels.includes(label), `seed ${seed} ${l}: never a row "${label}"`);
    }
  }
  t.ok(seen.smallShown > 0 && seen.largeShown > 0, `both sides of 2k were shown (${seen.smallShown} below, ${seen.largeShown} from 2k)`);
});

t.test(`truthful labels on ${STUDIES} generated studies: primary "weniger als k", complementary "zum Schutz kleiner Gruppen"`, async (t) => {
  for (let seed = 1; seed <= STUDIES; seed++) {
    const study = generate(seed);
    const { k } = study;
    const report = buildReport({ catalogue, data: study.data, profile, minGroupSize: k });
    const q = question(report, 'wahl');
    const total: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (const s of SEGMENTS) for (const c of CHOICES) total[c] += study.choices[s][c];
    const segN = (s: string) => CHOICES.reduce((a, c) => a + study.choices[s][c], 0);
    // group-attribute rule: a group with 1 … 2k − 1 answers, all alike, shows none of its answer cells
    for (const s of SEGMENTS) {
      const answered = segN(s);
      if (answered < 1 || answered >= 2 * k || !CHOICES.some((c) => study.choices[s][c] === answered)) continue;
      seen.alike++;
      const g = q.comparison?.bySegment[s];
      t.ok(g && CHOICES.every((c) => hidden(g.counts[c])), `seed ${seed}, k = ${k}: ${s} answered all alike (${answered}), no cell shown`);
    }
    for (const l of LOCALES) {
      const w = WORDS[l];
      const check = (cell: Cell | undefined, count: number, where: string) => {
        if (typeof cell !== 'object' || !('hidden' in cell)) return;
        const want = expected(count, k, l);
        if (want === w.complementary) seen.complementary++;
        else seen.primary++;
        t.equal(cell.hidden, want, `seed ${seed}, k = ${k}, ${l}: ${where} (${count} answers)`);
      };
      const tables = questionTables(q, l, report.notice);
      if (!q.suppressed) {
        const options = tables.find((tb) => tb.part === '');
        for (const row of options?.rows ?? []) {
          const c = CHOICES.find((x) => row[0] === `${w.answer} ${x}`);
          if (c) check(row[1], total[c], `total cell ${c}`);
        }
      }
      const comparison = tables.find((tb) => tb.part === 'segments');
      for (const row of comparison?.rows ?? []) {
        const s = SEGMENTS.find((x) => row[0] === `${w.group} ${x}`);
        if (!s) continue;
        check(row[1], segN(s), `n of ${s}`);
        const groupHidden = typeof row[1] === 'object' && 'hidden' in row[1];
        // a hidden group's cells carry the group's words; a shown group's cells their own
        CHOICES.forEach((c, i) => {
          check(row[2 + i], groupHidden ? segN(s) : study.choices[s][c], `${s} × ${c}`);
        });
      }
      // the chart footnote names each hidden option under the words that apply to it
      const spec = JSON.stringify(chartsFor(q, { locale: l, notice: report.notice }).find((c) => c.id === 'wahl') ?? null);
      for (const line of spec.match(/(Nicht gezeigt|Not shown): [^"]*/g) ?? []) {
        for (const c of CHOICES) {
          const label = l === 'de' ? `»Antwort ${c}«` : `“Answer ${c}”`;
          if (line.includes(label)) t.ok(line.endsWith(expected(total[c], k, l)), `seed ${seed} ${l}: footnote for ${c}: ${line}`);
        }
      }
      // the comparison chart names each hidden group under the words that apply to it
      const cmp = JSON.stringify(chartsFor(q, { locale: l, notice: report.notice }).find((c) => c.id === 'wahl.segments') ?? null);
      for (const line of cmp.match(/(Nicht gezeigt|Not shown): [^"]*/g) ?? []) {
        for (const s of SEGMENTS) {
          const label = l === 'de' ? `»Gruppe ${s}«` : `“Group ${s}”`;
          if (!line.includes(label)) continue;
          const g = q.comparison?.bySegment[s];
          const primary = hidden(g?.n) ? segN(s) < k : CHOICES.some((c) => study.choices[s][c] >= 1 && study.choices[s][c] < k);
          t.ok(line.endsWith(primary ? w.primary(k) : w.complementary), `seed ${seed} ${l}: comparison footnote for ${s}: ${line}`);
        }
      }
      // CSV: the same words as the table cells of every question
      const csv = renderCsv(report, l);
      const cells = report.sections
        .flatMap((x) => x.questions)
        .flatMap((x) => questionTables(x, l, report.notice))
        .flatMap((tb) => tb.rows.flatMap((row) => row.map((x) => (typeof x === 'object' && 'hidden' in x ? x.hidden : ''))));
      for (const words of [w.complementary, w.primary(k)]) t.equal(csv.includes(words), cells.includes(words), `seed ${seed} ${l}: CSV shows "${words}" as the tables do`);
    }
  }
  t.ok(seen.primary > 0 && seen.complementary > 0, `both kinds were checked (${seen.primary} primary, ${seen.complementary} complementary)`);
  t.ok(seen.alike > 0, `groups answering all alike were checked (${seen.alike})`);
});
