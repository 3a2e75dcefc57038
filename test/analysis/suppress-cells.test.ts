// Classic cell suppression on small tables where the best pattern is known: a small cell costs
// one rectangle of four hidden cells, the total stays shown, and nothing hidden is derivable.
import t from 'tap';
import { type Figure, isSuppressed, type ProtectedTable, protectTable, type SuppressionInput } from '../../analysis/suppress.ts';

const segments = (...keys: string[]) => ({ name: 'segment', groups: keys.map((k) => ({ key: k, units: [k] })) });

/** Every published figure with the atoms (unit|value) it adds up. */
function figures(input: SuppressionInput, table: ProtectedTable): { name: string; atoms: string[]; shown: Figure; truth: number }[] {
  const list: { name: string; atoms: string[]; shown: Figure; truth: number }[] = [];
  const count = (unit: string, value: string) => input.units.find((u) => u.id === unit)?.counts[value] ?? 0;
  const add = (name: string, units: string[], group: ProtectedTable['total']) => {
    list.push({
      name: `${name} n`,
      atoms: units.flatMap((u) => input.values.map((v) => `${u}|${v}`)),
      shown: group.n,
      truth: units.reduce((s, u) => s + input.values.reduce((a, v) => a + count(u, v), 0), 0),
    });
    for (const v of input.values) list.push({ name: `${name} ${v}`, atoms: units.map((u) => `${u}|${v}`), shown: group.counts[v], truth: units.reduce((s, u) => s + count(u, v), 0) });
  };
  add(
    'total',
    input.units.map((u) => u.id),
    table.total,
  );
  for (const g of input.groupings) {
    g.groups.forEach((group, i) => {
      add(`${g.name}:${group.key}`, group.units, table.groupings[g.name][i]);
    });
  }
  return list;
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

/** Hidden figures that are an exact linear combination of shown ones (should be none). */
function linearAttack(list: ReturnType<typeof figures>): string[] {
  const atoms = [...new Set(list.flatMap((f) => f.atoms))];
  const vec = (f: (typeof list)[number]) => atoms.map((a) => (f.atoms.includes(a) ? 1n : 0n));
  const shown = list.filter((f) => !isSuppressed(f.shown)).map(vec);
  const base = rank(shown);
  return list.filter((f) => isSuppressed(f.shown) && f.atoms.length > 0 && rank([...shown, vec(f)]) === base).map((f) => f.name);
}

const hiddenNames = (list: ReturnType<typeof figures>) => list.filter((f) => isSuppressed(f.shown)).map((f) => f.name);

t.test('a single small segment cell is protected by one more cell in its column and one in its row, and the total stays visible', async (t) => {
  const input: SuppressionInput = {
    values: ['x', 'y', 'z'],
    units: [
      { id: 'A', counts: { x: 3, y: 10, z: 12 } },
      { id: 'B', counts: { x: 8, y: 9, z: 20 } },
      { id: 'C', counts: { x: 15, y: 30, z: 25 } },
    ],
    groupings: [segments('A', 'B', 'C')],
  };
  const table = protectTable(input);
  const list = figures(input, table);
  // the cheapest rectangle: A's next-smallest value y (10), the smallest other segment in the
  // column x (B, 8), and the corner B/y (9)
  t.same(hiddenNames(list), ['segment:A x', 'segment:A y', 'segment:B x', 'segment:B y']);
  t.same(table.groupings.segment[0].counts.x, { suppressed: true, reason: 'small-cell' });
  t.same(table.groupings.segment[1].counts.x, { suppressed: true, reason: 'complementary' });
  t.same(table.total, { key: '', n: 132, counts: { x: 26, y: 49, z: 57 }, suppressed: false, complete: true });
  t.same(
    table.groupings.segment.map((g) => g.n),
    [25, 37, 70],
    'every segment keeps its n',
  );
  t.same(table.groupings.segment[2].complete, true, 'C is untouched');
  t.same(linearAttack(list), []);
});

t.test('two small cells in one row share one rectangle: exactly four hidden cells', async (t) => {
  const input: SuppressionInput = {
    values: ['x', 'y', 'z'],
    units: [
      { id: 'A', counts: { x: 2, y: 3, z: 20 } },
      { id: 'B', counts: { x: 10, y: 11, z: 30 } },
      { id: 'C', counts: { x: 40, y: 35, z: 50 } },
    ],
    groupings: [segments('A', 'B', 'C')],
  };
  const list = figures(input, protectTable(input));
  t.same(hiddenNames(list), ['segment:A x', 'segment:A y', 'segment:B x', 'segment:B y']);
  t.same(linearAttack(list), []);
});

t.test('two small cells on a diagonal are the corners of one rectangle: exactly four hidden cells', async (t) => {
  const input: SuppressionInput = {
    values: ['x', 'y', 'z'],
    units: [
      { id: 'A', counts: { x: 2, y: 9, z: 20 } },
      { id: 'B', counts: { x: 10, y: 4, z: 30 } },
      { id: 'C', counts: { x: 40, y: 35, z: 50 } },
    ],
    groupings: [segments('A', 'B', 'C')],
  };
  const list = figures(input, protectTable(input));
  t.equal(hiddenNames(list).length, 4);
  t.same(hiddenNames(list), ['segment:A x', 'segment:A y', 'segment:B x', 'segment:B y']);
  t.same(linearAttack(list), []);
});

t.test('a small group is hidden alone when the other groups do not add up to the total', async (t) => {
  // D is in no segment, so total − B − C is A + D, not A
  const input: SuppressionInput = {
    values: ['x', 'y'],
    units: [
      { id: 'A', counts: { x: 1, y: 2 } },
      { id: 'B', counts: { x: 10, y: 11 } },
      { id: 'C', counts: { x: 12, y: 9 } },
      { id: 'D', counts: { x: 7, y: 8 } },
    ],
    groupings: [segments('A', 'B', 'C')],
  };
  const list = figures(input, protectTable(input));
  t.same(hiddenNames(list), ['segment:A n', 'segment:A x', 'segment:A y']);
  t.same(linearAttack(list), []);
});

t.test('a small group that the total minus the other groups would give costs exactly one more group', async (t) => {
  const input: SuppressionInput = {
    values: ['x', 'y'],
    units: [
      { id: 'A', counts: { x: 1, y: 2 } },
      { id: 'B', counts: { x: 10, y: 11 } },
      { id: 'C', counts: { x: 12, y: 9 } },
      { id: 'D', counts: { x: 7, y: 8 } },
    ],
    groupings: [segments('A', 'B', 'C', 'D')],
  };
  const table = protectTable(input);
  const list = figures(input, table);
  // D (15) is the smallest other group
  t.same(hiddenNames(list), ['segment:A n', 'segment:A x', 'segment:A y', 'segment:D n', 'segment:D x', 'segment:D y']);
  t.same(table.total.complete, true);
  t.same(linearAttack(list), []);
});

t.test('the overall row is never hidden when all its cells are at least k', async (t) => {
  let seed = 20240611;
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  let checked = 0;
  let hidden = 0;
  for (let round = 0; round < 60; round++) {
    // links l0 … l5 in three segments and three labels, with many small cells
    const ids = ['l0', 'l1', 'l2', 'l3', 'l4', 'l5'];
    const values = ['1', '2', '3', '4'];
    const input: SuppressionInput = {
      values,
      units: ids.map((id) => ({ id, counts: Object.fromEntries(values.map((v) => [v, Math.floor(random() * random() * 16)])) })),
      groupings: [
        { name: 'segment', groups: [0, 1, 2].map((s) => ({ key: `s${s}`, units: ids.filter((_, i) => i % 3 === s) })), weight: 2 },
        { name: 'unit', groups: ids.map((id) => ({ key: id, units: [id] })) },
        { name: 'label', groups: [0, 1, 2].map((l) => ({ key: `L${l}`, units: ids.filter((_, i) => Math.floor(i / 2) === l) })) },
        { name: 'scope', groups: [{ key: 's0+s1', units: ids.filter((_, i) => i % 3 !== 2) }], weight: 3 },
      ],
    };
    const table = protectTable(input);
    const list = figures(input, table);
    hidden += hiddenNames(list).length;
    t.same(linearAttack(list), [], `round ${round}: nothing hidden is derivable`);
    const totals = values.map((v) => input.units.reduce((s, u) => s + (u.counts[v] ?? 0), 0));
    if (totals.every((c) => c === 0 || c >= 5)) {
      checked++;
      t.same(table.total.complete, true, `round ${round}: the total row is shown`);
    }
  }
  t.ok(checked >= 30, `${checked} rounds had an overall row of cells ≥ k`);
  t.ok(hidden > 60, `${hidden} figures were hidden over all rounds`);
});
