// How a test result is worded: Cramér's V by Cohen's thresholds for the table's df*
// (w / sqrt(df*)), and Mann-Whitney naming the p-value it used (exact or normal approximation).
import t from 'tap';
import { parseProfile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import type { QuestionResult } from '../../analysis/report/model.ts';
import { cramerCuts, effectSize, testText } from '../../analysis/report/test-text.ts';
import { chiSquare, cramersV, mannWhitney } from '../../analysis/stats/index.ts';
import type { AggregatedData, CountRow } from '../../analysis/types.ts';
import type { Catalogue } from '../../surveys/types.ts';

const L = (de: string, en = de) => ({ de, en });

/** A report comparing segments on one nominal question, with the given table (rows = segments). */
function reportOf(table: number[][], extra: Partial<AggregatedData> = {}) {
  const segments = table.map((_, i) => `S${i + 1}`);
  const values = table[0].map((_, j) => `v${j + 1}`);
  const catalogue: Catalogue = {
    locales: ['de', 'en'],
    questions: [
      {
        name: 'wahl',
        type: 'radiogroup',
        title: L('Wahl', 'Choice'),
        ordinal: false,
        hasOther: false,
        choices: values.map((v) => ({ value: v, label: L(v) })),
        variables: [{ key: 'wahl', question: 'wahl', measure: 'nominal', label: L('Wahl'), values: values.map((v) => ({ value: v, label: L(v) })) }],
      },
      {
        name: 'note',
        type: 'rating',
        title: L('Note', 'Grade'),
        ordinal: true,
        hasOther: false,
        variables: [{ key: 'note', question: 'note', measure: 'ordinal', label: L('Note'), values: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: L(String(v)) })) }],
      },
    ],
  };
  const profile = parseProfile({
    audience: 'test',
    title: L('Test'),
    intro: L('Einführung'),
    segments: { include: segments, compare: segments, labels: Object.fromEntries(segments.map((s) => [s, L(s)])) },
    sections: [{ id: 's', title: L('Alles'), questions: ['wahl', 'note'] }],
    keyFindings: [],
  });
  const counts: CountRow[] = table.flatMap((row, i) => row.map((n, j) => ({ variable: 'wahl', value: values[j], segment: segments[i], linkLabel: null, n })));
  const data: AggregatedData = {
    bases: table.map((row, i) => ({ segment: segments[i], linkLabel: null, n: row.reduce((a, b) => a + b, 0) })),
    counts: [...counts, ...(extra.counts ?? [])],
    openTexts: [],
  };
  const r = buildReport({ catalogue, data, profile, minGroupSize: 5 });
  return (name: string) => r.sections.flatMap((s) => s.questions).find((q) => q.name === name) as QuestionResult;
}

t.test('V = 0.253 in a 3×3 table is medium ("mittel"), as Cohen’s w = 0.3 / sqrt(2) ≈ 0.21 says', async (t) => {
  const table = [
    [22, 10, 10],
    [10, 29, 10],
    [10, 10, 10],
  ];
  const v = cramersV(chiSquare(table) as NonNullable<ReturnType<typeof chiSquare>>);
  t.ok(v > 0.25 && v < 0.255, `V = ${v}`);
  const q = reportOf(table)('wahl');
  t.equal(q.test?.effect, v);
  t.equal(q.test?.effectDf, 2, 'df* = min(3 − 1, 3 − 1)');
  t.match(q.test?.text?.de, /^Die Unterschiede sind mittel \(Cramérs V = 0,25\) und statistisch gesichert/);
  t.match(q.test?.text?.en, /^The differences are medium \(Cramér’s V = 0\.25\)/);
});

t.test('the same V in a 2×2 table is small: the thresholds depend on df*', async (t) => {
  const table = [
    [30, 18],
    [18, 30],
  ];
  const v = cramersV(chiSquare(table) as NonNullable<ReturnType<typeof chiSquare>>);
  t.ok(v > 0.2 && v < 0.3, `V = ${v}`);
  const q = reportOf(table)('wahl');
  t.equal(q.test?.effectDf, 1);
  t.match(q.test?.text?.de, /^Die Unterschiede sind klein \(Cramérs V = 0,25\)/);
});

t.test('Cohen’s table: small, medium and large for df* = 1 … 5 and above', async (t) => {
  const table: [number, [number, number, number]][] = [
    [1, [0.1, 0.3, 0.5]],
    [2, [0.07, 0.21, 0.35]],
    [3, [0.06, 0.17, 0.29]],
    [4, [0.05, 0.15, 0.25]],
    [5, [0.04, 0.13, 0.22]],
    [9, [0.04, 0.13, 0.22]],
  ];
  for (const [df, cuts] of table) {
    t.same(cramerCuts(df), cuts, `df* = ${df}`);
    // each rounded threshold is Cohen's w / sqrt(df*) to two places
    if (df <= 4) for (const [i, c] of cuts.entries()) t.equal(Number(([0.1, 0.3, 0.5][i] / Math.sqrt(df)).toFixed(2)), c, `w/sqrt(${df})`);
    t.equal(effectSize('cramers-v', cuts[0] - 0.001, df), 0, 'below small: very small');
    t.equal(effectSize('cramers-v', cuts[0], df), 1, 'small');
    t.equal(effectSize('cramers-v', cuts[1], df), 2, 'medium');
    t.equal(effectSize('cramers-v', cuts[2], df), 3, 'large');
  }
  t.equal(effectSize('r', 0.25), 1, 'r keeps 0.1 / 0.3 / 0.5');
});

t.test('Mann-Whitney says which p-value it used', async (t) => {
  const exact = mannWhitney({ '1': 1, '2': 1, '4': 1 }, { '3': 1, '5': 1, '6': 1, '7': 1 });
  t.equal(exact?.method, 'exact', 'small, no ties: exact as R');
  const normal = mannWhitney({ '1': 3, '2': 4, '4': 2 }, { '3': 5, '5': 4 });
  t.equal(normal?.method, 'normal', 'ties: normal approximation as R');
  const words = (m: NonNullable<typeof exact>) => testText({ effect: m.effect, effectName: 'r', p: m.p, method: m.method });
  t.match(words(exact as NonNullable<typeof exact>).de, /\(p = 0,\d+; exakter Test\)\.$/);
  t.match(words(exact as NonNullable<typeof exact>).en, /\(p = 0\.\d+; exact test\)\.$/);
  t.match(words(normal as NonNullable<typeof normal>).de, /; Normalapproximation\)\.$/);
  t.match(words(normal as NonNullable<typeof normal>).en, /; normal approximation\)\.$/);
});

t.test('a report’s two-group ordinal comparison names the method', async (t) => {
  const note = (segment: string, counts: Record<string, number>): CountRow[] =>
    Object.entries(counts).map(([value, n]) => ({ variable: 'note', value, segment, linkLabel: null, n }));
  const q = reportOf(
    [
      [10, 10],
      [10, 10],
    ],
    { counts: [...note('S1', { 1: 5, 2: 5, 3: 10 }), ...note('S2', { 3: 5, 4: 5, 5: 10 })] },
  )('note');
  t.equal(q.test?.name, 'mann-whitney');
  t.equal(q.test?.method, 'normal');
  t.match(q.test?.text?.de, /Normalapproximation/);
});
