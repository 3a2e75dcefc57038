// Required questions in the small-group protection (issue 12). A question that every complete
// respondent had to answer, and that nothing can hide or skip, has n = base in every group, and
// the survey definition that says so is public. The audit with the report bases
// (analysis/report/joint.ts) must assume that too: a shown base then gives a hidden n, and a
// figure that follows from it must be hidden as well ("zum Schutz kleiner Gruppen ausgeblendet",
// i.e. complementary). Intervals are computed by the attacker's own integer program
// (test/attack/solver.ts) over person counts, never by the code under test.
import t from 'tap';
import { auditWithBases, type Place } from '../../analysis/report/joint.ts';
import type { ProtectedVariable, Unit } from '../../analysis/report/protection.ts';
import { type Figure, isSuppressed, type ProtectedGroup } from '../../analysis/suppress.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import { requiredQuestions } from '../attack/definition.ts';
import { IntegerProgram, type Row } from '../attack/solver.ts';

const K = 5;
const COMPLEMENTARY: Figure = { suppressed: true, reason: 'complementary' };
const SMALL_CELL: Figure = { suppressed: true, reason: 'small-cell' };

t.test('the catalogue marks a question required only where every complete respondent answered it', async (t) => {
  const definition = {
    pages: [
      {
        name: 'p1',
        elements: [
          { type: 'radiogroup', name: 'pflicht', isRequired: true, choices: ['a', 'b'] },
          { type: 'radiogroup', name: 'frei', choices: ['a', 'b'] },
          { type: 'text', name: 'zahl', inputType: 'number', isRequired: true },
          { type: 'checkbox', name: 'bedingt', isRequired: true, visibleIf: "{pflicht} = 'a'", choices: ['x', 'y'] },
          { type: 'panel', name: 'bedingtes_panel', visibleIf: "{pflicht} = 'a'", elements: [{ type: 'rating', name: 'im_bedingten_panel', isRequired: true }] },
          { type: 'panel', name: 'panel', elements: [{ type: 'checkbox', name: 'im_panel', isRequired: true, choices: ['x', 'y'] }] },
          { type: 'rating', name: 'wenn', requiredIf: "{pflicht} = 'a'" },
          { type: 'rating', name: 'gesperrt', isRequired: true, enableIf: "{pflicht} = 'a'" },
          { type: 'rating', name: 'nur_lesen', isRequired: true, readOnly: true },
          { type: 'matrix', name: 'matrix', isRequired: true, rows: ['r1', 'r2'], columns: [1, 2] },
          { type: 'paneldynamic', name: 'eintraege', templateElements: [{ type: 'text', name: 'eintrag', isRequired: true }] },
        ],
      },
      { name: 'p2', visibleIf: "{pflicht} = 'b'", elements: [{ type: 'boolean', name: 'bedingte_seite', isRequired: true }] },
    ],
  };
  const required = (json: unknown) =>
    buildCatalogue(json)
      .questions.filter((q) => q.required)
      .map((q) => q.name);
  t.same(required(definition), ['pflicht', 'zahl', 'im_panel']);
  // what an outsider reads from the same definition (test/attack, independent of the catalogue)
  t.same([...requiredQuestions(definition)], ['pflicht', 'zahl', 'im_panel']);
  // a trigger can end the survey early: nothing is known to be answered by everyone
  t.same(required({ ...definition, triggers: [{ type: 'complete', expression: "{pflicht} = 'a'" }] }), []);
});

interface Case {
  units: Unit[];
  counts: Map<string, Record<string, number>>;
  cols: string[];
  places: Place[];
  bases: ProtectedVariable;
}

const clone = (places: Place[]): Place[] => places.map((p) => ({ ...p, group: { ...p.group, counts: { ...p.group.counts } } }));
/** A group as a variable's own protection leaves it (the audit reads n and counts only). */
const groupOf = (key: string, n: Figure, counts: Record<string, Figure>): ProtectedGroup => ({ key, n, counts, suppressed: isSuppressed(n), complete: false });

/** The bases as the bases' protection shows them: every group here holds ≥ k respondents. */
function shownBases(units: Unit[]): ProtectedVariable {
  const sum = (ids: readonly string[]) => units.filter((u) => ids.includes(u.id)).reduce((s, u) => s + u.base, 0);
  return { values: ['n'], raw: (ids) => sum(ids), figure: (ids) => sum(ids), n: (ids) => sum(ids), rawN: (ids) => sum(ids) };
}

/**
 * The attacker's view: per unit the count of each value and of respondents without an answer
 * (≥ 0, = 0 for a required question), every shown figure and base as an equation; the feasible
 * interval of every primary figure ("weniger als k").
 */
async function primaryIntervals(c: Case, required: boolean): Promise<{ where: string; lo: number; hi: number }[]> {
  const W = c.cols.length + 1;
  const cap = c.units.reduce((s, u) => s + u.base, 0);
  const at = (u: number, j: number) => u * W + j;
  const unitsOf = (ids: readonly string[]) => c.units.map((u, i) => (ids.includes(u.id) ? i : -1)).filter((i) => i >= 0);
  const rows: Row[] = [];
  const eq = (cols: number[], v: number) => rows.push({ cols, coefs: cols.map(() => 1), lower: v, upper: v });
  const targets: { where: string; cols: number[] }[] = [];
  for (const [pi, p] of c.places.entries()) {
    const us = unitsOf(p.ids);
    const figure = (f: Figure, cols: number[], where: string) => {
      if (typeof f === 'number') eq(cols, f);
      else if (f.reason !== 'complementary') targets.push({ where, cols });
    };
    figure(
      p.group.n,
      us.flatMap((u) => c.cols.map((_, j) => at(u, j))),
      `${pi}.n`,
    );
    c.cols.forEach((col, j) => {
      figure(
        p.group.counts[col],
        us.map((u) => at(u, j)),
        `${pi}.${col}`,
      );
    });
    const base = c.bases.n(p.ids);
    if (typeof base === 'number') eq(
      us.flatMap((u) => Array.from({ length: W }, (_, j) => at(u, j))),
      base,
    );
  }
  if (required) for (let u = 0; u < c.units.length; u++) eq([at(u, W - 1)], 0);
  const ip = await IntegerProgram.create(new Array(c.units.length * W).fill(cap), rows, 10);
  try {
    if (!ip.feasible()) throw new Error('the true table does not satisfy the attacker’s model');
    return targets.map(({ where, cols }) => {
      const b = ip.interval(cols, cols.map(() => 1));
      return { where, lo: b.outerLo, hi: b.outerHi };
    });
  } finally {
    ip.dispose();
  }
}

const narrowed = (xs: { where: string; lo: number; hi: number }[]) => xs.filter((x) => x.hi - x.lo + 1 < K).map((x) => `${x.where}: [${x.lo}, ${x.hi}]`);

t.test('a shown base gives a required question’s hidden n: a figure that follows from it is hidden too', async (t) => {
  // intermediaries 7 (all "a"), SMEs 10 (4 "a", 6 "b"); the 4 is a small cell. The question's n
  // is hidden everywhere, but the bases are shown: 10 SMEs, 6 of them "b", so 4 chose "a".
  const units: Unit[] = [
    { id: 'int', segment: 'intermediary', linkLabel: null, base: 7 },
    { id: 'sme', segment: 'sme', linkLabel: null, base: 10 },
  ];
  const counts = new Map([
    ['int', { a: 7, b: 0 }],
    ['sme', { a: 4, b: 6 }],
  ]);
  const places: Place[] = [
    { ids: ['int', 'sme'], weight: 1, group: groupOf('total', COMPLEMENTARY, { a: COMPLEMENTARY, b: COMPLEMENTARY }) },
    { ids: ['int'], weight: 1, group: groupOf('int', COMPLEMENTARY, { a: 7, b: COMPLEMENTARY }) },
    { ids: ['sme'], weight: 1, group: groupOf('sme', COMPLEMENTARY, { a: SMALL_CELL, b: 6 }) },
  ];
  const c = { units, counts, cols: ['a', 'b'], bases: shownBases(units) };

  const optional = clone(places);
  auditWithBases({ ...c, answers: c.cols, places: optional, k: K });
  t.same(await primaryIntervals({ ...c, places: optional }, false), [{ where: '2.a', lo: 0, hi: 4 }], 'an optional question: the SMEs’ "a" may be 0 … 4');
  t.same(narrowed(await primaryIntervals({ ...c, places: optional }, true)), ['2.a: [4, 4]'], 'audited as optional, a required question gives the 4 away');

  const required = clone(places);
  const hidden = auditWithBases({ ...c, answers: c.cols, places: required, k: K, required: true });
  t.ok(hidden > 0, 'the audit hides more');
  t.same(required[2].group.counts.a, SMALL_CELL, 'the small cell stays "weniger als 5"');
  t.same(required[2].group.counts.b, COMPLEMENTARY, 'the SMEs’ "b" is hidden to protect it, labelled complementary');
  t.same(narrowed(await primaryIntervals({ ...c, places: required }, true)), [], 'no primary figure is narrowed below 5 values');
});

t.test('generated tables: audited as required, no primary figure is narrowed by n = base', async (t) => {
  let leaksIfOptional = 0;
  let cases = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const rnd = seededRandom(seed);
    const cols = ['a', 'b', 'c'].slice(0, 2 + Math.floor(rnd() * 2));
    const units: Unit[] = Array.from({ length: 2 + Math.floor(rnd() * 2) }, (_, i) => ({ id: `u${i}`, segment: `s${i}`, linkLabel: null, base: 0 }));
    const counts = new Map<string, Record<string, number>>();
    for (const u of units) {
      const row = Object.fromEntries(cols.map((col) => [col, rnd() < 0.3 ? 0 : Math.floor(rnd() * 12)]));
      counts.set(u.id, row);
      u.base = Object.values(row).reduce((a, b) => a + b, 0);
    }
    // every group (the total, each unit) holds ≥ k respondents: its base is shown
    if (units.some((u) => u.base < K)) continue;
    // what a variable's own protection might have left: small cells primary, others shown or
    // hidden at random (its n included)
    const places: Place[] = [units.map((u) => u.id), ...units.map((u) => [u.id])].map((ids) => {
      const value = (col: string) => ids.reduce((s, id) => s + (counts.get(id)?.[col] ?? 0), 0);
      const n = cols.reduce((s, col) => s + value(col), 0);
      const group = groupOf(ids.join('+'), rnd() < 0.5 ? COMPLEMENTARY : n, {});
      for (const col of cols) {
        const v = value(col);
        group.counts[col] = v > 0 && v < K ? SMALL_CELL : rnd() < 0.5 ? COMPLEMENTARY : v;
      }
      return { ids, weight: 1, group };
    });
    if (!places.some((p) => Object.values(p.group.counts).some((f) => isSuppressed(f) && f.reason === 'small-cell'))) continue;
    cases++;
    const c = { units, counts, cols, bases: shownBases(units) };
    const optional = clone(places);
    auditWithBases({ ...c, answers: cols, places: optional, k: K });
    if (narrowed(await primaryIntervals({ ...c, places: optional }, true)).length > 0) leaksIfOptional++;
    const required = clone(places);
    auditWithBases({ ...c, answers: cols, places: required, k: K, required: true });
    t.same(narrowed(await primaryIntervals({ ...c, places: required }, true)), [], `seed ${seed}: every primary figure keeps ${K} values`);
  }
  t.ok(cases >= 30, `${cases} tables with small cells`);
  // the case the required audit exists for: without it some of these tables leak
  t.ok(leaksIfOptional > 0, `${leaksIfOptional} of ${cases} tables leak when audited as optional`);
});
