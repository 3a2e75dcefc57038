// The true value of a figure from the posted responses: checks the attacker's model (every
// shown figure must equal it, every interval must contain it). Never used by the attack itself.
import { cellId, type Fig, type Universe } from './figures.ts';
import type { TruthRow } from './study.ts';

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

const isEntries = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e));
const filled = (v: unknown) => !empty(v);

/**
 * The answer to a variable ('q', 'q.row' of a matrix, 'q.item' of a ranking); undefined if
 * skipped. A dynamic panel or matrix ('q.inner', or 'q' for all its entries) gives the values of
 * its entries, and counts a person once (`pooled`).
 */
function answer(data: Record<string, unknown>, variable: string): { value: unknown; ranking?: boolean; pooled?: boolean } {
  if (variable in data) {
    const v = data[variable];
    return isEntries(v) ? { value: v.flatMap((e) => Object.values(e)).filter(filled), pooled: true } : { value: v };
  }
  const dot = variable.indexOf('.');
  if (dot < 0) return { value: undefined };
  const q = data[variable.slice(0, dot)];
  const sub = variable.slice(dot + 1);
  if (isEntries(q)) return { value: q.map((e) => e[sub]).filter(filled), pooled: true };
  if (Array.isArray(q)) return { value: q.includes(sub) ? q.indexOf(sub) : undefined, ranking: true };
  if (q && typeof q === 'object') return { value: (q as Record<string, unknown>)[sub] };
  return { value: undefined };
}

function matches(a: { value: unknown; ranking?: boolean; pooled?: boolean }, value: string): boolean {
  if (a.ranking) return value === 'first' && a.value === 0;
  if (a.pooled) return (a.value as unknown[]).some((v) => String(v) === value);
  const v = a.value;
  if (Array.isArray(v)) return v.map(String).includes(value) || (value === 'other.chosen' && v.includes('other'));
  return String(v) === value || (value === 'other.chosen' && v === 'other');
}

/** Σ terms over the figure's cells, or null where the variable's answers are not plain. A link
 *  label the pages do not offer is, for an outsider, one of the links without a label ('' in the
 *  universe): its responses count there. */
export function truthOf(f: Fig, rows: TruthRow[], u: Universe): number | null {
  if (f.terms.some((t) => t.stat === 'E')) return null; // who saw a question: not recorded here
  const cells = new Set(f.cells);
  let sum = 0;
  for (const r of rows) {
    if (!cells.has(cellId(r.segment, u.labels.includes(r.label) ? r.label : ''))) continue;
    const a = f.variable === '*' ? { value: undefined } : answer(r.data, f.variable);
    for (const t of f.terms) {
      if (t.stat === 'B') sum += t.coef;
      else if (t.stat === 'N') sum += empty(a.value) ? 0 : t.coef;
      else if (!empty(a.value) && matches(a, t.value as string)) sum += t.coef;
    }
  }
  return sum;
}
