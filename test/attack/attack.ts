// The attack: for every protected count, its feasible interval under all published figures,
// by two integer programs (min, max) per distinct figure, one model per variable.
import type { Published } from './fetch.ts';
import { allCells, type Fig, figuresOf, isCount, lhsKey, type Universe, type VarKind, variableKinds } from './figures.ts';
import { buildModel } from './model.ts';
import { type Bound, IntegerProgram } from './solver.ts';

export type Verdict = 'recovered' | 'safe' | 'undecided';

export interface Finding {
  key: string;
  variable: string;
  where: string;
  reason: string;
  /** Protected as primary ("weniger als 5"): small-group or small-cell. */
  primary: boolean;
  bound: Bound | null;
  verdict: Verdict;
}

export interface AttackOptions {
  /** The protection width: a protected count's interval must hold at least k values. */
  k: number;
  /** Seconds per integer program. */
  timeLimit?: number;
  /** Stop solving after this many seconds; the rest are undecided. */
  budget?: number;
  /** Questions the public definition makes everyone answer (definition.ts `requiredQuestions`). */
  required?: ReadonlySet<string>;
  /** The true value of a figure, to check the model (shown figures equal it, intervals hold it). */
  truth?: (f: Fig) => number | null;
}

export interface AttackResult {
  published: number;
  protected: number;
  findings: Finding[];
  /** Variables whose model had no integer point (a modelling error, reported, never "safe"). */
  infeasible: string[];
  /** Variables whose answer sums were relaxed to ≤ because = had no integer point. */
  relaxed: string[];
  /** Where the model disagrees with the truth (only with AttackOptions.truth): must be empty. */
  modelErrors: string[];
  seconds: number;
}

export function verdictOf(b: Bound, k: number): Verdict {
  if (b.outerHi - b.outerLo + 1 < k) return 'recovered';
  if (b.innerLo !== null && b.innerHi !== null && b.innerHi - b.innerLo + 1 >= k) return 'safe';
  return 'undecided';
}

/** Distinct count figures (by left-hand side): shown somewhere, and hidden somewhere. */
export function distinct(figs: Fig[]): { shown: Map<string, Fig>; hidden: Map<string, Fig> } {
  const shown = new Map<string, Fig>();
  const hidden = new Map<string, Fig>();
  for (const f of figs) {
    if (!isCount(f)) continue;
    const k = lhsKey(f);
    if (f.value !== null) shown.set(k, f);
    else if (!hidden.has(k) || f.reason !== 'complementary') hidden.set(k, f);
  }
  // A figure hidden in one report and shown in another stays a target: the IP pins it.
  return { shown, hidden };
}

export function universeOf(published: Published[], labels: string[]): Universe {
  const segments = [...new Set(published.flatMap((p) => (p.report?.segments?.included as string[] | undefined) ?? []))].sort();
  return { segments, labels: [...new Set(['', ...labels])].sort() };
}

export async function attack(published: Published[], u: Universe, o: AttackOptions): Promise<AttackResult> {
  const started = Date.now();
  const figs = published.flatMap((p) => figuresOf(u, p));
  const kinds = variableKinds(published);
  kinds.set('*', 'plain');
  const cells = allCells(u);
  const cap = Math.max(1, ...figs.filter((f) => f.variable === '*' && f.value !== null).map((f) => f.value as number));
  const byVar = new Map<string, Fig[]>();
  for (const f of figs) byVar.set(f.variable, [...(byVar.get(f.variable) ?? []), f]);
  const base = figs.filter((f) => f.terms.every((t) => t.stat === 'B'));
  const findings: Finding[] = [];
  const infeasible: string[] = [];
  const relaxed: string[] = [];
  const modelErrors: string[] = [];
  if (o.truth)
    for (const f of figs) {
      const t = f.value === null || !isCount(f) ? null : o.truth(f);
      if (t !== null && t !== f.value) modelErrors.push(`${f.where}: shown ${f.value}, true ${t}`);
    }
  let shownCount = 0;
  const shownAll = new Set<string>();
  const hiddenAll = new Set<string>();
  for (const [variable, vf] of byVar) {
    const model = variable === '*' ? base : [...vf, ...base.filter((f) => f.variable === '*')];
    const { shown, hidden } = distinct(variable === '*' ? base : vf);
    for (const k of shown.keys()) shownAll.add(k);
    for (const k of hidden.keys()) hiddenAll.add(k);
    if (hidden.size === 0) continue;
    let kind: VarKind = kinds.get(variable) ?? 'plain';
    let ip: IntegerProgram | null = null;
    for (;;) {
      const m = buildModel(variable, kind, cells, model, cap, o.required?.has(variable) ?? false);
      ip = await IntegerProgram.create(m.upper, m.rows, o.timeLimit ?? 5);
      if (ip.feasible()) {
        for (const [key, f] of hidden) {
          const over = o.budget !== undefined && (Date.now() - started) / 1000 > o.budget;
          const bound = over ? null : ip.interval(m.lhs(f).cols, m.lhs(f).coefs);
          findings.push({ key, variable, where: f.where, reason: f.reason ?? '', primary: f.reason !== 'complementary', bound, verdict: bound ? verdictOf(bound, o.k) : 'undecided' });
          const t = bound && o.truth ? o.truth(f) : null;
          if (bound && t !== null && (t < bound.outerLo || t > bound.outerHi)) modelErrors.push(`${f.where}: true ${t} outside [${bound.outerLo}, ${bound.outerHi}]`);
        }
        ip.dispose();
        break;
      }
      ip.dispose();
      // Published values not covering every answer (e.g. an option left out): sums become ≤.
      if (kind === 'single') {
        kind = 'multiple';
        relaxed.push(variable);
        continue;
      }
      infeasible.push(variable);
      for (const [key, f] of hidden) findings.push({ key, variable, where: f.where, reason: f.reason ?? '', primary: f.reason !== 'complementary', bound: null, verdict: 'undecided' });
      break;
    }
  }
  shownCount = shownAll.size;
  return { published: shownCount, protected: hiddenAll.size, findings, infeasible, relaxed, modelErrors, seconds: (Date.now() - started) / 1000 };
}
