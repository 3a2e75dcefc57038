// Secondary suppression with the non-negativity audit (analysis/suppress-lp.ts): on generated
// tables with many zeros, every primary figure ("weniger als k") keeps a feasible interval of at
// least k whole values under all shown figures, counts being whole and ≥ 0. The interval is
// computed by the attacker's own integer program (test/attack/solver.ts), not by the code under
// test. Without the audit (the linear rule alone) some tables leak, which is why it exists.
import t from 'tap';
import { seededRandom } from '../../surveys/synthetic.ts';
import { auditNonNegative } from '../../analysis/suppress-lp.ts';
import { type ProtectedTable, protectTable, type SuppressionInput } from '../../analysis/suppress.ts';
import { IntegerProgram, type Row } from '../attack/solver.ts';

const K = 5;

function generate(seed: number): SuppressionInput {
  const rnd = seededRandom(seed);
  const values = ['ja', 'nein', 'teils'].slice(0, 2 + Math.floor(rnd() * 2));
  const unitCount = 2 + Math.floor(rnd() * 5);
  const units = Array.from({ length: unitCount }, (_, i) => ({
    id: `u${i}`,
    // many zeros and small counts, a few large ones
    counts: Object.fromEntries(values.map((v) => [v, rnd() < 0.35 ? 0 : Math.floor(rnd() ** 2 * 14)])),
  }));
  const segments = ['a', 'b', 'c'].slice(0, 2 + Math.floor(rnd() * 2));
  return {
    values,
    units,
    groupings: [
      { name: 'segment', weight: 2, groups: segments.map((s, j) => ({ key: s, units: units.filter((_, i) => i % segments.length === j).map((u) => u.id) })).filter((g) => g.units.length > 0) },
      { name: 'unit', groups: units.map((u) => ({ key: u.id, units: [u.id] })) },
    ],
    minGroupSize: K,
    attributeValues: values,
  };
}

interface Published {
  atoms: number[];
  value: number | null;
  primary: boolean;
  where: string;
}

/** Every figure of the protected table as the sum of its (unit, value) atoms. */
function published(input: SuppressionInput, table: ProtectedTable): Published[] {
  const V = input.values.length;
  const index = new Map(input.units.map((u, i) => [u.id, i]));
  const out: Published[] = [];
  const group = (ids: string[], g: ProtectedTable['total'], where: string) => {
    const us = ids.map((id) => index.get(id) as number);
    const put = (atoms: number[], f: unknown, w: string) => {
      if (typeof f === 'number') out.push({ atoms, value: f, primary: false, where: w });
      else out.push({ atoms, value: null, primary: (f as { reason: string }).reason !== 'complementary', where: w });
    };
    put(
      us.flatMap((u) => input.values.map((_, v) => u * V + v)),
      g.n,
      `${where}.n`,
    );
    input.values.forEach((value, v) => {
      put(
        us.map((u) => u * V + v),
        g.counts[value],
        `${where}.${value}`,
      );
    });
  };
  group(
    input.units.map((u) => u.id),
    table.total,
    'total',
  );
  for (const g of input.groupings) {
    g.groups.forEach((x, i) => {
      group(x.units, table.groupings[g.name][i], `${g.name}.${x.key}`);
    });
  }
  return out;
}

/** Primary figures whose feasible interval (integer, ≥ 0) holds fewer than k values. */
async function leaks(input: SuppressionInput, table: ProtectedTable): Promise<string[]> {
  const figs = published(input, table);
  const A = input.units.length * input.values.length;
  // the attacker may know how many answered in all (a report shows its base)
  const cap = input.units.reduce((s, u) => s + Object.values(u.counts).reduce((a, b) => a + b, 0), 0);
  const rows: Row[] = figs.filter((f) => f.value !== null).map((f) => ({ cols: f.atoms, coefs: f.atoms.map(() => 1), lower: f.value as number, upper: f.value as number }));
  const ip = await IntegerProgram.create(new Array(A).fill(cap), rows, 10);
  try {
    const out: string[] = [];
    for (const f of figs.filter((x) => x.primary)) {
      const b = ip.interval(f.atoms, f.atoms.map(() => 1));
      if (b.outerHi - b.outerLo + 1 < K) out.push(`${f.where}: [${b.outerLo}, ${b.outerHi}]`);
    }
    return out;
  } finally {
    ip.dispose();
  }
}

t.test('every primary figure keeps k feasible values; the linear rule alone does not', async (t) => {
  let primaries = 0;
  let leakingWithoutAudit = 0;
  let tables = 0;
  for (let seed = 1; tables < 40; seed++) {
    const input = generate(seed);
    // a survey with fewer than k answers in all gets no report at all
    if (input.units.reduce((s, u) => s + Object.values(u.counts).reduce((a, b) => a + b, 0), 0) < K) continue;
    tables++;
    const audited = protectTable(input, { audit: auditNonNegative });
    primaries += published(input, audited).filter((f) => f.primary).length;
    t.same(await leaks(input, audited), [], `table ${seed}: no primary figure narrowed below ${K} values`);
    if ((await leaks(input, protectTable(input))).length > 0) leakingWithoutAudit++;
  }
  t.ok(primaries > 40, `the tables have primary figures (${primaries})`);
  t.ok(leakingWithoutAudit > 0, `without the audit ${leakingWithoutAudit} of 40 tables leak a primary figure`);
});

t.test('a shown zero pins the cells under it: the audit hides more', async (t) => {
  // segment a: 10 × ja, 0 × nein; segment b: 4 × ja, 6 × nein. Linearly b's ja is not derivable
  // from the total and its own n once a's ja is hidden, but a's nein = 0 pins it.
  const input: SuppressionInput = {
    values: ['ja', 'nein'],
    units: [
      { id: 'a', counts: { ja: 10, nein: 0 } },
      { id: 'b', counts: { ja: 4, nein: 6 } },
      { id: 'c', counts: { ja: 7, nein: 9 } },
    ],
    groupings: [{ name: 'unit', groups: ['a', 'b', 'c'].map((u) => ({ key: u, units: [u] })) }],
    minGroupSize: K,
  };
  const table = protectTable(input, { audit: auditNonNegative });
  t.same(await leaks(input, table), []);
  t.same(table.groupings.unit[1].counts.ja, { suppressed: true, reason: 'small-cell' });
});
