// The attacker's own parts on hand-made published sets, without a server: it must find the leaks
// a reader finds with pencil and paper, and must not call a properly protected count recovered.
import t from 'tap';
import { attack } from './attack.ts';
import type { Published } from './fetch.ts';
import { determinedBySummary, numberAttacks, textAttacks } from './side.ts';

const S = (reason = 'small-cell') => ({ suppressed: true, reason });
const universe = { segments: ['a', 'b'], labels: ['', 'x'] };

/** One unfiltered report of a single-choice question over segments a and b. */
function report(q: Record<string, unknown>, bySegment: Record<string, unknown>, total: number): Published {
  return {
    audience: 'all',
    filters: { segments: [], labels: [] },
    report: {
      responses: { total, bySegment: {} },
      segments: { included: ['a', 'b'] },
      sections: [{ questions: [{ name: 'q', kind: 'single', type: 'radiogroup', base: total, noAnswer: 0, ...q, comparison: { by: 'segment', bySegment } }] }],
    },
  };
}

t.test('a hidden cell that is the row total minus the shown cells is recovered', async (t) => {
  const p = report({ n: 20, counts: { y: 17, n: S() } }, {}, 20);
  const r = await attack([p], universe, { k: 5, timeLimit: 5 });
  const f = r.findings.find((x) => x.where.endsWith('counts.n'));
  t.equal(f?.verdict, 'recovered');
  t.same([f?.bound?.outerLo, f?.bound?.outerHi], [3, 3]);
});

t.test('two hidden cells with free totals keep an interval of k values', async (t) => {
  const p = report({ n: 20, counts: { y: 12, n: S(), m: S() } }, {}, 20);
  const r = await attack([p], universe, { k: 5, timeLimit: 5 });
  for (const f of r.findings.filter((x) => x.where.includes('counts'))) {
    t.equal(f.verdict, 'safe', f.where);
    t.same([f.bound?.outerLo, f.bound?.outerHi], [0, 8]);
  }
});

t.test('non-negativity: a shown zero in one segment pins the other segment', async (t) => {
  const p = report({ n: 20, counts: { y: 16, n: 4 } }, { a: { n: 10, counts: { y: 10, n: 0 } }, b: { n: 10, counts: { y: S(), n: S() } } }, 20);
  const r = await attack([p], universe, { k: 5, timeLimit: 5 });
  const b = r.findings.filter((x) => x.where.includes('comparison(segment).b.counts'));
  t.equal(b.length, 2);
  t.ok(b.every((f) => f.verdict === 'recovered'));
});

t.test('a group of five: quartiles, mean and SD give every value', async (t) => {
  t.equal(determinedBySummary({ n: 5, mean: 3, sd: 1.58, q1: 2, median: 3, q3: 4 }), 5);
  t.equal(determinedBySummary({ n: 12, mean: 3, sd: 1.58, q1: 2, median: 3, q3: 4 }), 0);
  const whole = { variable: 'z', cells: ['a|', 'b|'], where: 'all', item: { n: 11, mean: 4 } };
  const part = { variable: 'z', cells: ['a|'], where: 'a', item: { n: 10, mean: 4.1 } };
  t.same(
    numberAttacks([whole, part]).map((f) => [f.attack, f.values]),
    [['number differencing', 1]],
  );
});

t.test('open texts: a list minus a filtered list gives the texts of the rest', async (t) => {
  const all = { variable: 't', cells: ['a|', 'b|'], where: 'all', item: ['eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs'] };
  const a = { variable: 't', cells: ['a|'], where: 'a', item: ['eins', 'zwei', 'drei', 'vier', 'fünf'] };
  t.same(
    textAttacks([all, a], 5).map((f) => [f.attack, f.values]),
    [['open-text differencing', 1]],
  );
});
