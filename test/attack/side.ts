// Attacks beside the integer program, on what it does not model: number summaries, open-text
// lists, and two readings of a live report (temporal differencing).
import type { Published } from './fetch.ts';
import { type Fig, figuresOf, questionsOf, scope, type Universe } from './figures.ts';

export interface SideFinding {
  attack: 'number summary' | 'number differencing' | 'open-text differencing' | 'open-text list' | 'temporal differencing';
  where: string;
  /** Values (answers, texts) an outsider learns exactly. */
  values: number;
}

interface Scoped<T> {
  variable: string;
  cells: string[];
  where: string;
  item: T;
}

const tag = (p: Published) => `${p.audience}${p.filters.segments.length ? ` segment=${p.filters.segments.join('+')}` : ''}${p.filters.labels.length ? ` label=${p.filters.labels.join('+')}` : ''}`;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

interface NumberStats {
  n: number;
  mean?: number;
  sd?: number;
  q1?: number;
  median?: number;
  q3?: number;
  min?: number;
  max?: number;
}

/** Number summaries and text lists with the cells they rest on. */
export function scopedSummaries(u: Universe, published: Published[]): { numbers: Scoped<NumberStats>[]; texts: Scoped<string[]>[] } {
  const numbers: Scoped<NumberStats>[] = [];
  const texts: Scoped<string[]>[] = [];
  for (const p of published) {
    if (!p.report) continue;
    const all = scope(u, p.report.segments?.included ?? [], p);
    for (const q of questionsOf(p.report)) {
      if (q.number && isNum(q.number.n)) numbers.push({ variable: q.name, cells: all, where: `${tag(p)}: ${q.name}.number`, item: q.number });
      const c = q.comparison;
      if (c?.bySegment)
        for (const [k, g] of Object.entries(c.bySegment) as [string, { number?: NumberStats }][]) {
          const cells = all.filter((x) => (c.by === 'linkLabel' ? x.slice(x.indexOf('|') + 1) === k : x.slice(0, x.indexOf('|')) === k));
          if (g.number && isNum(g.number.n)) numbers.push({ variable: q.name, cells, where: `${tag(p)}: ${q.name}.comparison.${k}.number`, item: g.number });
        }
      if (Array.isArray(q.texts)) texts.push({ variable: q.name, cells: all, where: `${tag(p)}: ${q.name}.texts`, item: q.texts });
    }
  }
  return { numbers, texts };
}

/**
 * Values of a group fixed by its own summary: type-7 quartiles of n values are order statistics
 * where (n − 1)·p is whole, min and max are two more, the mean fixes one unknown value and mean
 * with SD (sum of squares) two. If at most two values remain unknown, all n are determined.
 */
export function determinedBySummary(s: NumberStats): number {
  const n = s.n;
  if (n < 1) return 0;
  const known = new Set<number>();
  const at = (p: number, v: unknown) => {
    const h = (n - 1) * p;
    if (isNum(v) && Math.abs(h - Math.round(h)) < 1e-9) known.add(Math.round(h));
  };
  at(0.25, s.q1);
  at(0.5, s.median);
  at(0.75, s.q3);
  if (isNum(s.min)) known.add(0);
  if (isNum(s.max)) known.add(n - 1);
  const unknown = n - known.size;
  const equations = isNum(s.mean) ? (isNum(s.sd) ? 2 : 1) : 0;
  return unknown <= equations ? n : 0;
}

const subset = (a: string[], b: Set<string>) => a.every((x) => b.has(x));

export function numberAttacks(numbers: Scoped<NumberStats>[]): SideFinding[] {
  const out: SideFinding[] = [];
  const seen = new Set<string>();
  for (const s of numbers) {
    const key = `${s.variable}#${s.cells.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const v = determinedBySummary(s.item);
    if (v > 0) out.push({ attack: 'number summary', where: s.where, values: v });
  }
  // Differencing: S ⊃ T, both with n and mean: the n_S − n_T others have a known sum (and with
  // both SDs a known sum of squares): one (two) values are determined.
  const diffs = new Set<string>();
  for (const S of numbers) {
    const sSet = new Set(S.cells);
    for (const T of numbers) {
      if (T.variable !== S.variable || T.cells.length >= S.cells.length || !subset(T.cells, sSet)) continue;
      const d = S.item.n - T.item.n;
      if (d < 1 || !isNum(S.item.mean) || !isNum(T.item.mean)) continue;
      const eq = isNum(S.item.sd) && isNum(T.item.sd) ? 2 : 1;
      const key = `${S.variable}#${S.cells.filter((c) => !T.cells.includes(c)).join(',')}`;
      if (d <= eq && !diffs.has(key)) {
        diffs.add(key);
        out.push({ attack: 'number differencing', where: `${S.where} minus ${T.where}`, values: d });
      }
    }
  }
  return out;
}

function multisetMinus(a: string[], b: string[]): string[] | null {
  const left = new Map<string, number>();
  for (const x of a) left.set(x, (left.get(x) ?? 0) + 1);
  for (const x of b) {
    const c = left.get(x) ?? 0;
    if (c === 0) return null; // not a sub-list: the lists are not what we think
    left.set(x, c - 1);
  }
  return [...left].flatMap(([x, c]) => new Array(c).fill(x));
}

/** Texts of fewer than k people, read from one list or as the difference of two. */
export function textAttacks(texts: Scoped<string[]>[], k: number): SideFinding[] {
  const out: SideFinding[] = [];
  const seen = new Set<string>();
  for (const S of texts) {
    const key = `${S.variable}#${S.cells.join(',')}`;
    if (S.item.length > 0 && S.item.length < k && !seen.has(key)) {
      seen.add(key);
      out.push({ attack: 'open-text list', where: S.where, values: S.item.length });
    }
    const sSet = new Set(S.cells);
    for (const T of texts) {
      if (T.variable !== S.variable || T.cells.length >= S.cells.length || !subset(T.cells, sSet)) continue;
      const d = multisetMinus(S.item, T.item);
      const dk = `${S.variable}#${S.cells.filter((c) => !T.cells.includes(c)).join(',')}`;
      if (d && d.length > 0 && d.length < k && !seen.has(dk)) {
        seen.add(dk);
        out.push({ attack: 'open-text differencing', where: `${S.where} minus ${T.where}`, values: d.length });
      }
    }
  }
  return out;
}

/**
 * Two readings of the same reports (two releases): the difference of two shown figures is a
 * figure of the responses that came in between. Where a variable's n grew by 1 … k − 1 and all its
 * counts are shown both times, the newcomers' answers are known when they all fall into one
 * category (for one newcomer: always); where n did not grow while fewer than k came in, all of
 * them skipped it. A shown mean gives one newcomer's number, a text list their text verbatim.
 */
export function temporalAttack(u: Universe, before: Published[], after: Published[], k: number): SideFinding[] {
  const out: SideFinding[] = [];
  const learned = new Set<string>();
  const index = (ps: Published[]) => new Map(ps.filter((p) => p.report).map((p) => [tag(p), p]));
  const a = index(after);
  for (const [t, p1] of index(before)) {
    const p2 = a.get(t);
    if (!p2?.report || !p1.report) continue;
    const came = p2.report.responses?.total - p1.report.responses?.total;
    if (!(came >= 1)) continue;
    const f1 = new Map(figuresOf(u, p1).map((f) => [f.where, f]));
    const byVar = new Map<string, { n?: [Fig, Fig]; counts: [Fig, Fig][] }>();
    for (const f2 of figuresOf(u, p2)) {
      const g = f1.get(f2.where);
      if (!g || f2.variable === '*' || f2.terms.length !== 1) continue;
      if (!f2.where.endsWith('.n') && !/\.counts\.[^.]+$/.test(f2.where)) continue;
      if (f2.where.includes('comparison') || f2.where.includes('bySegment')) continue; // the overall row suffices
      const e = byVar.get(f2.variable) ?? { counts: [] };
      if (f2.terms[0].stat === 'N') e.n = [g, f2];
      else e.counts.push([g, f2]);
      byVar.set(f2.variable, e);
    }
    for (const [v, e] of byVar) {
      if (learned.has(v) || !e.n || e.n[0].value === null || e.n[1].value === null) continue;
      const dn = e.n[1].value - e.n[0].value;
      const allShown = e.counts.length > 0 && e.counts.every(([x, y]) => x.value !== null && y.value !== null);
      const oneCategory = allShown && e.counts.some(([x, y]) => (y.value as number) - (x.value as number) === dn);
      if (dn === 0 && came < k) {
        learned.add(v);
        out.push({ attack: 'temporal differencing', where: `${t}: ${v} (all ${came} new skipped it)`, values: came });
      } else if (dn >= 1 && dn < k && (dn === 1 ? allShown : oneCategory)) {
        learned.add(v);
        out.push({ attack: 'temporal differencing', where: `${t}: ${v} (${dn} new answer${dn > 1 ? 's, all alike' : ''})`, values: dn });
      }
    }
    for (const q2 of questionsOf(p2.report)) {
      const q1 = questionsOf(p1.report).find((q) => q.name === q2.name);
      if (!q1 || learned.has(q2.name)) continue;
      if (q1.number && q2.number && isNum(q1.number.mean) && isNum(q2.number.mean) && q2.number.n - q1.number.n === 1) {
        learned.add(q2.name);
        out.push({ attack: 'temporal differencing', where: `${t}: ${q2.name} (number)`, values: 1 });
      }
      if (Array.isArray(q1.texts) && Array.isArray(q2.texts)) {
        const d = multisetMinus(q2.texts, q1.texts);
        if (d && d.length >= 1 && d.length < k) {
          learned.add(q2.name);
          out.push({ attack: 'temporal differencing', where: `${t}: ${q2.name} (${d.length} text${d.length > 1 ? 's' : ''} verbatim)`, values: d.length });
        }
      }
    }
  }
  return out;
}
