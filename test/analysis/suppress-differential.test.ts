// protectTable (analysis/suppress.ts) against the straightforward implementation it replaced
// (test/helpers/suppress-reference.ts: dense vectors over all atoms, every perturbation scored
// against every figure, the span rebuilt from scratch). The fast one indexes figures by atom,
// keeps rows of the span sparse and rebuilds only the part of the span after the first hidden
// figure; it must hide exactly the same figures, for the same reasons, on any table. Random
// tables: nested breakdowns (segments, labels inside them), overlapping ones (scopes), the
// published set of generated studies (published.ts), weights, the group-attribute rule and the
// non-negativity audit (HiGHS). protectTable also remembers its answers per input and auditor: a
// second call gives a copy of the same table, and the auditor is not asked again.
import t from 'tap';
import { type AudienceScope, type PublishedUnit, publishedGroupings } from '../../analysis/report/published.ts';
import { Span, derivable as fastDerivable, protectTable, type SuppressionGrouping, type SuppressionInput } from '../../analysis/suppress.ts';
import { auditNonNegative } from '../../analysis/suppress-lp.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { derivable, protectTable as referenceProtectTable } from '../helpers/suppress-reference.ts';

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Small counts, many of them 0 or below k: the cases protection is about. */
function count(rnd: () => number): number {
  const r = rnd();
  return r < 0.3 ? 0 : r < 0.6 ? 1 + Math.floor(rnd() * 4) : Math.floor(rnd() * 30);
}

/** Units in segments, each with a few links; segments, labels (inside segments), scopes. */
function nestedTable(rnd: () => number): SuppressionInput {
  const V = 1 + Math.floor(rnd() * 4);
  const values = Array.from({ length: V }, (_, i) => `v${i}`);
  const segs = 1 + Math.floor(rnd() * 3);
  const units: SuppressionInput['units'] = [];
  const bySeg: string[][] = [];
  for (let s = 0; s < segs; s++) {
    const mine: string[] = [];
    const links = 1 + Math.floor(rnd() * 4);
    for (let l = 0; l < links; l++) {
      const id = `s${s}l${l}`;
      mine.push(id);
      units.push({ id, counts: Object.fromEntries(values.map((v) => [v, count(rnd)])) });
    }
    bySeg.push(mine);
  }
  const groupings: SuppressionGrouping[] = [{ name: 'segment', weight: pick(rnd, [1, 2, 3, 0.5]), groups: bySeg.map((ids, s) => ({ key: `s${s}`, units: ids })) }];
  if (rnd() < 0.7) groupings.push({ name: 'label', weight: pick(rnd, [0.5, 1, 0.3]), groups: units.filter(() => rnd() < 0.7).map((u) => ({ key: u.id, units: [u.id] })) });
  if (segs >= 2 && rnd() < 0.5) groupings.push({ name: 'scope', weight: 1, groups: [{ key: 'scope', units: [...bySeg[0], ...bySeg[1]] }] });
  return {
    values,
    units,
    groupings,
    minGroupSize: pick(rnd, [3, 4, 5]),
    attributeValues: V >= 2 && rnd() < 0.5 ? values : undefined,
    totalWeight: rnd() < 0.5 ? undefined : pick(rnd, [1, 0.5, 2]),
  };
}

const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const FILTERS = [[], ['segment'], ['label'], ['segment', 'label']];

/** A study's published set, as reports protect it (protection.ts), with a "no answer" column. */
function publishedTable(rnd: () => number): SuppressionInput {
  const k = pick(rnd, [3, 5]);
  const labels = Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, i) => `L${i}`);
  const units: PublishedUnit[] = [];
  for (const segment of SEGMENTS) for (const label of [...labels, null]) if (rnd() < 0.5) units.push({ id: `${segment}|${label}`, segment, linkLabel: label, base: 1 + Math.floor(rnd() * (4 * k)) });
  if (units.length === 0) units.push({ id: 'sme|null', segment: 'sme', linkLabel: null, base: 7 });
  const audiences: AudienceScope[] = [
    { include: SEGMENTS, compare: SEGMENTS, filters: pick(rnd, FILTERS) },
    { include: ['intermediary', 'sme'], compare: ['sme', 'intermediary'], filters: pick(rnd, FILTERS) },
    { include: ['sme', 'works_council'], compare: ['works_council', 'sme'], filters: pick(rnd, FILTERS) },
  ];
  const { groupings, totalWeight } = publishedGroupings(units, audiences, k);
  const V = 2 + Math.floor(rnd() * 3);
  const values = Array.from({ length: V }, (_, i) => `${i + 1}`);
  return {
    values: [...values, 'na'],
    units: units.map((u) => {
      const counts: Record<string, number> = {};
      let left = u.base;
      for (const v of values) {
        counts[v] = Math.floor(rnd() * (left + 1));
        left -= counts[v];
      }
      counts.na = left;
      return { id: u.id, counts };
    }),
    groupings,
    totalWeight,
    minGroupSize: k,
    attributeValues: values,
  };
}

t.test('protectTable hides exactly what the reference implementation hides', async (t) => {
  let hidden = 0;
  let complementary = 0;
  let cases = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const rnd = seededRandom(seed);
    const input = seed % 2 === 0 ? nestedTable(rnd) : publishedTable(rnd);
    const audit = seed % 4 < 2 && input.values.length > 1 ? { audit: auditNonNegative } : {};
    const fast = protectTable(input, audit);
    const reference = referenceProtectTable(input, audit);
    cases++;
    if (JSON.stringify(fast) !== JSON.stringify(reference)) {
      t.same(fast, reference, `seed ${seed}`);
      continue;
    }
    const json = JSON.stringify(fast);
    hidden += json.split('"suppressed":true,"reason"').length - 1;
    complementary += json.split('"complementary"').length - 1;
  }
  t.equal(cases, 400);
  // the tables exercise the rule: many hidden figures, complementary ones among them
  t.ok(hidden > 1000, `${hidden} hidden figures`);
  t.ok(complementary > 300, `${complementary} complementary figures`);
});

t.test('the sparse span decides as the dense one', async (t) => {
  let inSpan = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const rnd = seededRandom(1000 + seed);
    const L = 1 + Math.floor(rnd() * 12);
    const vec = () => Float64Array.from({ length: L }, () => (rnd() < 0.35 ? 1 : 0));
    const shown = Array.from({ length: Math.floor(rnd() * L) }, vec);
    const target = rnd() < 0.3 && shown.length >= 2 ? Float64Array.from(shown[0], (x, i) => x + shown[1][i]) : vec();
    const expected = derivable(target, shown);
    t.equal(fastDerivable(target, shown), expected, `seed ${seed}`);
    if (target.every((x) => x === 0 || x === 1)) {
      const span = new Span();
      for (const v of shown) span.addAtoms([...v.keys()].filter((i) => v[i] === 1), L);
      t.equal(span.containsAtoms([...target.keys()].filter((i) => target[i] === 1), L), expected, `seed ${seed} (atoms)`);
    }
    if (expected) inSpan++;
  }
  t.ok(inSpan > 30, `${inSpan} targets in the span`);
});

t.test('a table protected again is answered from memory, as a copy of its own', async (t) => {
  const input = nestedTable(seededRandom(7));
  const first = protectTable(input, { audit: auditNonNegative });
  const expected = JSON.stringify(first);
  // a caller marks further figures hidden in its copy (joint.ts does)
  first.total.n = { suppressed: true, reason: 'complementary' };
  for (const g of Object.values(first.groupings)) for (const x of g) x.counts = {};
  const again = protectTable(input, { audit: auditNonNegative });
  t.equal(JSON.stringify(again), expected);
  t.not(again, first);
  t.equal(JSON.stringify(referenceProtectTable(input, { audit: auditNonNegative })), expected);
  // another auditor is another key; a table is audited once
  let calls = 0;
  const counting = (p: Parameters<typeof auditNonNegative>[0]) => {
    calls++;
    return auditNonNegative(p);
  };
  let table: SuppressionInput | null = null;
  for (let seed = 1; seed <= 200 && !table; seed++) {
    const candidate = publishedTable(seededRandom(5000 + seed));
    protectTable(candidate, { audit: counting });
    if (calls > 0) table = candidate;
  }
  t.ok(table, 'a table that needs the audit');
  const before = calls;
  const audited = JSON.stringify(protectTable(table as SuppressionInput, { audit: counting }));
  t.equal(calls, before, 'the second time from memory');
  t.equal(audited, JSON.stringify(referenceProtectTable(table as SuppressionInput, { audit: auditNonNegative })));
});
