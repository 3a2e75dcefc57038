// A variable's protection audited together with the report bases (issue 12). Pure but for the
// HiGHS audit.
//
// Each variable is protected on its own (`protectTable`), and so are the bases (complete
// responses per group, `'_n'`). But the two are linked: a group's answers to a question are never
// more than its respondents (n ≤ base; a skip is base − n ≥ 0). So where a small segment of 2
// sits beside a large one in a report, the shown report base minus the large segment's shown n of
// a question everyone answered bounds the small segment's size to [0, 2], and with it every cell
// of its own. The attacker of test/attack/ found 43 such figures in 200 random studies.
//
// The audit: the variable's table gets a column "no answer" (base − answers per unit, never
// negative), every group's base becomes a figure over all its columns, shown or hidden exactly as
// the bases' own protection decided (a shown base is never hidden here, a hidden one never
// shown), and a group of 1 … k − 1 respondents is a primary figure like the variable's own small
// groups and cells. `auditNonNegative` then hides the cheapest further figures of the variable
// until every primary figure, the small groups' sizes among them, keeps k values under all shown
// figures and x ≥ 0. The "no answer" cells are never primary figures here: a report shows them
// only as base − n where both are shown, and n says how many answered, not what. Linear derivation needs no new check: "no answer" atoms
// occur in base figures only, so a combination of shown figures that gives a variable's figure
// uses no base, and one that gives a small base uses bases only (protected by `'_n'`).
// Dynamic panels and matrices count persons too (questions/pooled.ts, open-text lists their
// writers), so the bound holds for every table reports build; one whose answers exceed its
// respondents (AggregatedData from elsewhere) is left as it is.
// A required question that nothing can hide or skip (catalogue `required`) is answered by every
// complete respondent, and the definition that says so is public: its "no answer" is 0 in every
// group for anyone. The audit then drops those atoms (and those of a skip column, e.g. a number's
// unanswered count), i.e. fixes them to 0, so a base of such a question is the group's n: a shown
// base gives n, and a hidden small base is hidden in n too. Only units whose skips are in fact 0
// are fixed (responses of an older version in which the question was optional may have skipped);
// knowing more than an outsider can only hide more.

import { type Figure, isSuppressed, type ProtectedGroup } from '../suppress.ts';
import { auditNonNegative } from '../suppress-lp.ts';
import type { ProtectedVariable, Unit } from './protection.ts';

/** One published group of a variable's protected table, with what hiding its figures costs. */
export interface Place {
  ids: readonly string[];
  weight: number;
  group: ProtectedGroup;
}

export interface JointInput {
  units: readonly Unit[];
  /** Per unit, the count of each column. */
  counts: ReadonlyMap<string, Record<string, number>>;
  cols: readonly string[];
  /** The answer columns; the others (ProtectOptions.noAnswer's column) count skips, which are
   *  protected in the variable's own table but not here (see above). */
  answers: readonly string[];
  /** Every published group; its figures are set to hidden where the audit says so. */
  places: Place[];
  bases: ProtectedVariable;
  k: number;
  /** Every complete respondent answered (catalogue `required`): fix "no answer" to 0. */
  required?: boolean;
}

/** A shown base is fixed by the bases' protection: hiding it costs FIXED × (all answers + 1), more
 *  than hiding every figure of the variable, so the audit never chooses it while another way is
 *  left (hiding all of the variable always is one). */
const FIXED = 1e6;

const COMPLEMENTARY: Figure = { suppressed: true, reason: 'complementary' };

interface JointFigure {
  atoms: number[];
  hidden: boolean;
  primary: boolean;
  cost: number;
  /** A base: its state comes from the bases' protection and does not change. Kept apart from a
   *  figure of the variable with the same atoms (a required question's n): the report shows or
   *  hides that one as the audit decides. */
  fixed: boolean;
  /** Where the figure is published: the place and the column (null: the group's n). */
  at: { place: Place; col: string | null }[];
}

/** Hides, in `places`, what the variable must hide as well so that the bases do not narrow it. */
export function auditWithBases(input: JointInput): number {
  const { units, counts, cols, answers, places, bases, k } = input;
  const W = cols.length;
  const C = W + 1; // the last column: no answer
  const index = new Map(units.map((u, i) => [u.id, i]));
  const full: number[] = new Array(units.length * C).fill(0);
  // atom → its index in the audit, or -1 where it is known to be 0 (required, see above)
  const atomIndex: number[] = new Array(units.length * C).fill(0);
  const skips = [...cols.keys()].filter((j) => !answers.includes(cols[j]));
  for (const [i, u] of units.entries()) {
    const row = counts.get(u.id) ?? {};
    let answered = 0;
    cols.forEach((c, j) => {
      full[i * C + j] = row[c] ?? 0;
      answered += row[c] ?? 0;
    });
    if (answered > u.base) return 0; // entries, not persons: n ≤ base does not hold
    full[i * C + W] = u.base - answered;
    if (input.required && full[i * C + W] === 0 && skips.every((j) => full[i * C + j] === 0)) {
      for (const j of [...skips, W]) atomIndex[i * C + j] = -1;
    }
  }
  const atomValues: number[] = [];
  full.forEach((v, a) => {
    if (atomIndex[a] < 0) return;
    atomIndex[a] = atomValues.length;
    atomValues.push(v);
  });
  const figures = new Map<string, JointFigure>();
  const put = (all: number[], f: Omit<JointFigure, 'atoms' | 'at'>, at: JointFigure['at'][number] | null) => {
    const atoms = all.map((a) => atomIndex[a]).filter((a) => a >= 0);
    if (atoms.length === 0) return; // known to be 0
    atoms.sort((a, b) => a - b);
    const key = `${f.fixed ? 'base:' : ''}${atoms.join(',')}`;
    let g = figures.get(key);
    if (!g) {
      g = { atoms, ...f, at: [] };
      figures.set(key, g);
    } else {
      g.cost = Math.max(g.cost, f.cost);
      g.primary ||= f.primary;
      g.hidden ||= f.hidden;
      g.fixed ||= f.fixed;
    }
    if (at) g.at.push(at);
  };
  const value = (atoms: number[]) => atoms.reduce((s, a) => s + full[a], 0);
  const unitsOf = (ids: readonly string[]) => [...new Set(ids.map((id) => index.get(id)).filter((i): i is number => i !== undefined))];
  const grand = atomValues.reduce((a, b) => a + b, 0);
  let primaries = 0;
  for (const place of places) {
    const us = unitsOf(place.ids);
    if (us.length === 0) continue;
    const figure = (f: Figure, atoms: number[], col: string | null) => {
      const primary = isSuppressed(f) && f.reason !== 'complementary' && (col === null || answers.includes(col));
      if (primary) primaries++;
      put(atoms, { hidden: isSuppressed(f), primary, cost: place.weight * (value(atoms) + 1), fixed: false }, { place, col });
    };
    figure(
      place.group.n,
      us.flatMap((u) => cols.map((_, j) => u * C + j)),
      null,
    );
    cols.forEach((c, j) => {
      figure(
        place.group.counts[c],
        us.map((u) => u * C + j),
        c,
      );
    });
    // the group's base, as the bases' protection shows it
    const atoms = us.flatMap((u) => Array.from({ length: C }, (_, j) => u * C + j));
    const n = value(atoms);
    const small = n > 0 && n < k;
    if (small) primaries++;
    put(atoms, { hidden: isSuppressed(bases.n(place.ids)), primary: small, cost: FIXED * (grand + 1), fixed: true }, null);
  }
  if (primaries === 0) return 0;
  const list = [...figures.values()];
  let hidden = 0;
  for (const i of auditNonNegative({ atomValues, figures: list, k })) {
    const f = list[i];
    // a shown base stays shown (the report shows it anyway)
    if (f.fixed) continue;
    for (const { place, col } of f.at) {
      if (col === null) place.group.n = COMPLEMENTARY;
      else place.group.counts[col] = COMPLEMENTARY;
    }
    hidden++;
  }
  return hidden;
}
