import t from 'tap';
import {
  comparableGroups,
  type Figure,
  isSuppressed,
  type ProtectedTable,
  protectTable,
  type SuppressionInput,
} from '../../analysis/suppress.ts';

const hidden = (reason: string) => ({ suppressed: true, reason });
const segments = (...keys: string[]) => ({ name: 'segment', groups: keys.map((k) => ({ key: k, units: [k] })) });

t.test('a small cell is hidden, and its row and column partners with it', async (t) => {
  const table = protectTable({
    values: ['yes', 'no'],
    units: [
      { id: 'A', counts: { yes: 9, no: 2 } },
      { id: 'B', counts: { yes: 7, no: 6 } },
      { id: 'C', counts: { yes: 5, no: 8 } },
    ],
    groupings: [segments('A', 'B', 'C')],
  });
  t.same(table.total, { key: '', n: 37, counts: { yes: 21, no: 16 }, suppressed: false, complete: true });
  t.same(table.groupings.segment, [
    { key: 'A', n: 11, counts: { yes: hidden('complementary'), no: hidden('small-cell') }, suppressed: false, complete: false },
    // A's hidden "yes" needs a partner in its column: the smallest, C's 5; then C's row follows
    { key: 'B', n: 13, counts: { yes: 7, no: 6 }, suppressed: false, complete: true },
    { key: 'C', n: 13, counts: { yes: hidden('complementary'), no: hidden('complementary') }, suppressed: false, complete: false },
  ]);
  t.same(table.notice, { de: 'weniger als 5 Antworten', en: 'fewer than 5 answers' });
});

t.test('a count of 0 rests on nobody and stays shown', async (t) => {
  const table = protectTable({ values: ['yes', 'no'], units: [{ id: 'A', counts: { yes: 6, no: 0 } }], groupings: [] });
  t.same(table.total.counts, { yes: 6, no: 0 });
});

t.test('suppression is per question: a segment that skipped an item is hidden for that item only', async (t) => {
  const units = (aNo: number) => [
    { id: 'A', counts: { '1': 3, '2': aNo } },
    { id: 'B', counts: { '1': 6, '2': 5 } },
    { id: 'C', counts: { '1': 7, '2': 9 } },
  ];
  const q1 = protectTable({ values: ['1', '2'], units: units(5), groupings: [segments('A', 'B', 'C')] });
  const q2 = protectTable({ values: ['1', '2'], units: units(1), groupings: [segments('A', 'B', 'C')] });
  t.equal(q1.groupings.segment[0].suppressed, false, 'A has 8 answers to question 1');
  t.same(q2.groupings.segment[0].n, hidden('small-group'), 'A has 4 answers to question 2');
  t.same(q2.groupings.segment[1].n, hidden('complementary'), 'B, the next-smallest segment, is hidden with it');
  t.same(q2.groupings.segment[2], { key: 'C', n: 16, counts: { '1': 7, '2': 9 }, suppressed: false, complete: true });
});

t.test('the threshold is configurable and named in the notice', async (t) => {
  const table = protectTable({ values: ['x'], units: [{ id: 'A', counts: { x: 9 } }], groupings: [], minGroupSize: 10 });
  t.same(table.total.n, hidden('small-group'));
  t.same(table.notice, { de: 'weniger als 10 Antworten', en: 'fewer than 10 answers' });
});

t.test('a comparison drops hidden segments and is omitted when fewer than two remain', async (t) => {
  const input: SuppressionInput = {
    values: ['1', '2'],
    units: [
      { id: 'A', counts: { '1': 2, '2': 1 } },
      { id: 'B', counts: { '1': 6, '2': 5 } },
      { id: 'C', counts: { '1': 7, '2': 9 } },
      { id: 'D', counts: { '1': 8, '2': 8 } },
    ],
    groupings: [segments('A', 'B', 'C', 'D'), { name: 'two', groups: [{ key: 'A', units: ['A'] }, { key: 'BCD', units: ['B', 'C', 'D'] }] }],
  };
  const table = protectTable(input);
  t.same(comparableGroups(table, 'segment'), { groups: ['C', 'D'], comparison: true, test: true });
  // A = total − BCD, so BCD is hidden with A, and B so that BCD − C − D does not give it back
  t.same(comparableGroups(table, 'two'), { groups: [], comparison: false, test: false });
});

// ---- the attack: try to recover every suppressed figure from what is shown ----

/** The public structure: which atoms (unit × value) each published figure adds up. */
function figures(input: SuppressionInput, table: ProtectedTable): { name: string; atoms: string[]; shown: Figure; truth: number }[] {
  const list: { name: string; atoms: string[]; shown: Figure; truth: number }[] = [];
  const count = (unit: string, value: string) => input.units.find((u) => u.id === unit)?.counts[value] ?? 0;
  const add = (name: string, units: string[], group: ProtectedTable['total']) => {
    const all = units.flatMap((u) => input.values.map((v) => `${u}|${v}`));
    list.push({ name: `${name} n`, atoms: all, shown: group.n, truth: units.reduce((s, u) => s + input.values.reduce((a, v) => a + count(u, v), 0), 0) });
    for (const v of input.values) {
      list.push({ name: `${name} ${v}`, atoms: units.map((u) => `${u}|${v}`), shown: group.counts[v], truth: units.reduce((s, u) => s + count(u, v), 0) });
    }
  };
  add('total', input.units.map((u) => u.id), table.total);
  for (const g of input.groupings) {
    g.groups.forEach((group, i) => {
      add(`${g.name}:${group.key}`, group.units, table.groupings[g.name][i]);
    });
  }
  return list;
}

/**
 * Tries every differencing: a row total minus its shown cells, a total minus shown groups, a
 * segment minus its link labels, and chains of these (each recovered figure feeds the next round).
 * Relations are "a figure equals the sum of figures whose atoms partition it".
 */
function differencingAttack(list: ReturnType<typeof figures>): Map<string, number> {
  const known = new Map<string, number>();
  for (const f of list) if (!isSuppressed(f.shown)) known.set(f.name, f.shown);
  const relations: { whole: string; parts: string[] }[] = [];
  for (const whole of list) {
    const inside = list.filter((p) => p !== whole && p.atoms.length > 0 && p.atoms.every((a) => whole.atoms.includes(a)));
    // every way of partitioning `whole` by figures inside it, found greedily per starting figure
    for (const start of inside) {
      const parts = [start];
      const covered = new Set(start.atoms);
      for (const p of inside) {
        if (p !== start && p.atoms.every((a) => !covered.has(a))) {
          parts.push(p);
          for (const a of p.atoms) covered.add(a);
        }
      }
      if (covered.size === whole.atoms.length) relations.push({ whole: whole.name, parts: parts.map((p) => p.name) });
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const { whole, parts } of relations) {
      const unknown = [whole, ...parts].filter((n) => !known.has(n));
      if (unknown.length !== 1) continue;
      const sumParts = parts.reduce((s, p) => s + (known.get(p) ?? 0), 0);
      known.set(unknown[0], unknown[0] === whole ? sumParts : (known.get(whole) as number) - sumParts);
      changed = true;
    }
  }
  return known;
}

/** Exact rank over the rationals (fraction-free elimination on BigInt), independent of suppress.ts. */
function rank(rows: bigint[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  for (let c = 0; c < (m[0]?.length ?? 0) && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p], m[r]];
    for (let i = 0; i < m.length; i++) {
      if (i !== r && m[i][c] !== 0n) {
        const f = m[i][c];
        const g = m[r][c];
        m[i] = m[i].map((x, j) => x * g - m[r][j] * f);
      }
    }
    r += 1;
  }
  return r;
}

function linearAttack(list: ReturnType<typeof figures>): string[] {
  const atoms = [...new Set(list.flatMap((f) => f.atoms))];
  const vec = (f: (typeof list)[number]) => atoms.map((a) => (f.atoms.includes(a) ? 1n : 0n));
  const shown = list.filter((f) => !isSuppressed(f.shown)).map(vec);
  const base = rank(shown);
  return list.filter((f) => isSuppressed(f.shown) && f.atoms.length > 0 && rank([...shown, vec(f)]) === base).map((f) => f.name);
}

// Links: two SME links, two works-council links, one intermediary link; the label "IHK" spans
// two segments. Both breakdowns are published, as with the segment and link-label filters.
const attackInput: SuppressionInput = {
  values: ['1', '2', '3'],
  units: [
    { id: 'l1', counts: { '1': 6, '2': 9, '3': 2 } },
    { id: 'l2', counts: { '1': 5, '2': 7, '3': 8 } },
    { id: 'l3', counts: { '1': 7, '2': 6, '3': 9 } },
    { id: 'l4', counts: { '1': 1, '2': 2, '3': 0 } },
    { id: 'l5', counts: { '1': 12, '2': 3, '3': 10 } },
  ],
  groupings: [
    {
      name: 'segment',
      groups: [
        { key: 'sme', units: ['l1', 'l2'] },
        { key: 'works_council', units: ['l3', 'l4'] },
        { key: 'intermediary', units: ['l5'] },
      ],
    },
    {
      name: 'label',
      groups: [
        { key: 'IHK', units: ['l1', 'l3'] },
        { key: 'HWK', units: ['l2'] },
        { key: 'DGB', units: ['l4'] },
        { key: 'Web', units: ['l5'] },
      ],
    },
  ],
};

t.test('the attack recovers hidden figures from a table with primary suppression only', async (t) => {
  // the attack is real: without complementary suppression it finds the small cells
  const naive = figures(attackInput, protectTable({ ...attackInput, minGroupSize: 1 })).map((f) => ({
    ...f,
    shown: f.truth > 0 && f.truth < 5 ? ({ suppressed: true, reason: 'small-cell' } as const) : f.shown,
  }));
  const known = differencingAttack(naive);
  const recovered = naive.filter((f) => isSuppressed(f.shown) && known.has(f.name));
  t.ok(recovered.length >= 3, `recovered ${recovered.map((f) => f.name).join(', ')}`);
  for (const f of recovered) t.equal(known.get(f.name), f.truth, `${f.name} recovered exactly`);
  t.ok(linearAttack(naive).length >= recovered.length);
});

t.test('no differencing across rows, totals, segments and link labels recovers a suppressed figure', async (t) => {
  const table = protectTable(attackInput);
  const list = figures(attackInput, table);
  const suppressed = list.filter((f) => isSuppressed(f.shown));
  t.ok(suppressed.some((f) => f.name === 'label:DGB n'), 'the small link DGB is hidden');
  t.ok(suppressed.some((f) => f.name === 'segment:intermediary 2'), 'the small cell intermediary/2 is hidden');
  const known = differencingAttack(list);
  t.same(suppressed.filter((f) => known.has(f.name)).map((f) => f.name), [], 'chained differencing recovers nothing');
  t.same(linearAttack(list), [], 'no linear combination of shown figures recovers anything');
  for (const f of list) if (!isSuppressed(f.shown)) t.equal(f.shown, f.truth, `${f.name} is shown unchanged`);
});

t.test('many random tables survive the attack', async (t) => {
  let seed = 7;
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  let hiddenTotal = 0;
  for (let round = 0; round < 40; round++) {
    const units = ['a', 'b', 'c', 'd'].map((id) => ({
      id,
      counts: Object.fromEntries(['x', 'y', 'z'].map((v) => [v, Math.floor(random() * random() * 14)])),
    }));
    const input: SuppressionInput = {
      values: ['x', 'y', 'z'],
      units,
      groupings: [
        segments('a', 'b', 'c', 'd'),
        { name: 'pair', groups: [{ key: 'ab', units: ['a', 'b'] }, { key: 'cd', units: ['c', 'd'] }] },
      ],
    };
    const list = figures(input, protectTable(input));
    hiddenTotal += list.filter((f) => isSuppressed(f.shown)).length;
    const known = differencingAttack(list);
    t.same(list.filter((f) => isSuppressed(f.shown) && known.has(f.name)).map((f) => f.name), [], `round ${round}: differencing`);
    t.same(linearAttack(list), [], `round ${round}: linear`);
  }
  t.ok(hiddenTotal > 40, `${hiddenTotal} figures were hidden over all rounds`);
});
