// Published figures as linear statements over person-level unknowns per cell of the finest
// partition an outsider can see (segment × link label):
//   B[c]      complete responses in cell c
//   E[v,c]    of them, those the question was shown to (noAnswer = E − N; visibleIf)
//   N[v,c]    of them, valid answers to variable v (a question, a matrix row, a ranking item);
//             (for a dynamic panel or matrix: persons who gave any entry a value)
//   X[v,x,c]  of them, answers with value x
// A figure says Σ_term coef · Σ_{c ∈ cells} unknown = value (± tol); a protected figure is one
// whose value is hidden ({ suppressed: true }), and the attack bounds its left-hand side.
import type { Published, Report } from './fetch.ts';

export type Stat = 'B' | 'E' | 'N' | 'X';
export interface Term {
  coef: number;
  stat: Stat;
  /** The answer value, for X. */
  value?: string;
}

export type VarKind = 'single' | 'multiple' | 'plain';

export interface Fig {
  /** '*' for figures on responses only (B). */
  variable: string;
  cells: string[];
  terms: Term[];
  /** Null when protected. */
  value: number | null;
  tol: number;
  /** Suppression reason for a protected figure. */
  reason?: string;
  /** Where it was read: audience, filters, path. */
  where: string;
}

export interface Universe {
  segments: string[];
  /** Link labels; '' is a link without label. */
  labels: string[];
}

export const cellId = (segment: string, label: string) => `${segment}|${label}`;
export const cellSegment = (cell: string) => cell.slice(0, cell.indexOf('|'));
export const cellLabel = (cell: string) => cell.slice(cell.indexOf('|') + 1);

export function allCells(u: Universe): string[] {
  return u.segments.flatMap((s) => u.labels.map((l) => cellId(s, l)));
}

/** The cells a report with these included segments and filters rests on. */
export function scope(u: Universe, included: string[], p: Published): string[] {
  const segs = included.filter((s) => p.filters.segments.length === 0 || p.filters.segments.includes(s));
  const labels = u.labels.filter((l) => p.filters.labels.length === 0 || (l !== '' && p.filters.labels.includes(l)));
  return segs.flatMap((s) => labels.map((l) => cellId(s, l)));
}

const isSuppressed = (f: unknown): f is { suppressed: true; reason: string } => typeof f === 'object' && f !== null && (f as { suppressed?: unknown }).suppressed === true;

/** Kind of each variable as the reports show it. */
export function variableKinds(published: Published[]): Map<string, VarKind> {
  const kinds = new Map<string, VarKind>();
  for (const p of published) {
    if (!p.report) continue;
    for (const q of questionsOf(p.report)) {
      // a dynamic panel or matrix counts persons per value: several values per person, never
      // more persons than respondents (the report's note says so)
      const pooled = q.type === 'paneldynamic' || q.type === 'matrixdynamic';
      if (q.kind === 'matrix') {
        for (const r of q.rows ?? []) kinds.set(`${q.name}.${r.key}`, pooled ? 'multiple' : 'single');
        kinds.set(q.name, 'plain');
      } else if (q.kind === 'ranking') {
        for (const r of q.ranking ?? []) kinds.set(`${q.name}.${r.item}`, 'multiple');
        kinds.set(q.name, 'plain');
      } else if (pooled) kinds.set(q.name, 'multiple');
      else kinds.set(q.name, q.kind === 'single' || q.kind === 'ordinal' ? 'single' : q.kind === 'multiple' ? 'multiple' : 'plain');
    }
  }
  return kinds;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
export function questionsOf(r: Report): any[] {
  const seen = new Set<string>();
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
  const out: any[] = [];
  for (const s of r.sections ?? [])
    for (const q of s.questions ?? []) {
      if (seen.has(q.name)) continue;
      seen.add(q.name);
      out.push(q);
    }
  return out;
}

/** Every figure of one published report. */
export function figuresOf(u: Universe, p: Published): Fig[] {
  const r = p.report;
  if (!r) return [];
  const included: string[] = r.segments?.included ?? [];
  const all = scope(u, included, p);
  const tag = `${p.audience}${p.filters.segments.length ? ` segment=${p.filters.segments.join('+')}` : ''}${p.filters.labels.length ? ` label=${p.filters.labels.join('+')}` : ''}`;
  const out: Fig[] = [];
  const put = (variable: string, cells: string[], terms: Term[], f: unknown, where: string, tol = 0) => {
    if (cells.length === 0) return;
    cells = [...cells].sort();
    if (typeof f === 'number') out.push({ variable, cells, terms, value: f, tol, where: `${tag}: ${where}` });
    else if (isSuppressed(f)) out.push({ variable, cells, terms, value: null, tol, reason: f.reason, where: `${tag}: ${where}` });
  };
  const sub = (cells: string[], by: string, key: string) => cells.filter((c) => (by === 'linkLabel' ? cellLabel(c) === key : cellSegment(c) === key));

  put('*', all, [{ coef: 1, stat: 'B' }], r.responses?.total, 'responses.total');
  for (const [s, f] of Object.entries(r.responses?.bySegment ?? {})) put('*', sub(all, 'segment', s), [{ coef: 1, stat: 'B' }], f, `responses.bySegment.${s}`);

  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
  const group = (v: string, cells: string[], g: any, path: string) => {
    put(v, cells, [{ coef: 1, stat: 'N' }], g.n, `${path}.n`);
    for (const [x, f] of Object.entries(g.counts ?? {})) put(v, cells, [{ coef: 1, stat: 'X', value: x }], f, `${path}.counts.${x}`);
    // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
    for (const o of (g.options ?? []) as any[]) {
      put(v, cells, [{ coef: 1, stat: 'X', value: o.value }], o.count, `${path}.options.${o.value}.count`);
      // percent · n = 100 · count, linear in both (the percentage is exact, not rounded)
      if (typeof o.percent === 'number') put(v, cells, [{ coef: 100, stat: 'X', value: o.value }, { coef: -o.percent, stat: 'N' }], 0, `${path}.options.${o.value}.percent`, 1e-6);
    }
    const ord = g.ordinal;
    if (ord && !isSuppressed(ord) && typeof ord.mean === 'number') {
      const codes = Object.keys(g.counts ?? {}).filter((x) => Number.isFinite(Number(x)));
      if (codes.length) put(v, cells, [...codes.map((x) => ({ coef: Number(x), stat: 'X' as const, value: x })), { coef: -ord.mean, stat: 'N' }], 0, `${path}.ordinal.mean`, 1e-6);
      if (Array.isArray(ord.top2Codes) && typeof ord.top2Share === 'number')
        put(v, cells, [...ord.top2Codes.map((x: string) => ({ coef: 1, stat: 'X' as const, value: x })), { coef: -ord.top2Share, stat: 'N' }], 0, `${path}.ordinal.top2`, 1e-6);
    }
    if (g.number && !isSuppressed(g.number) && typeof g.number.n === 'number') put(v, cells, [{ coef: 1, stat: 'N' }], g.number.n, `${path}.number.n`);
  };
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
  const comparisons = (v: string, holder: any, path: string) => {
    const c = holder.comparison;
    if (c?.bySegment) for (const [k, g] of Object.entries(c.bySegment)) group(v, sub(all, c.by, k), g, `${path}.comparison(${c.by}).${k}`);
    if (holder.bySegment && holder.comparison?.by !== 'linkLabel') for (const [k, g] of Object.entries(holder.bySegment)) group(v, sub(all, 'segment', k), g, `${path}.bySegment.${k}`);
  };

  for (const q of questionsOf(r)) {
    put(q.name, all, [{ coef: 1, stat: 'B' }], q.base, `${q.name}.base`);
    put(q.name, all, [{ coef: 1, stat: 'E' }, { coef: -1, stat: 'N' }], q.noAnswer, `${q.name}.noAnswer`);
    group(q.name, all, q, q.name);
    comparisons(q.name, q, q.name);
    for (const row of q.rows ?? []) {
      const v = `${q.name}.${row.key}`;
      group(v, all, row, v);
      comparisons(v, row, v);
    }
    for (const item of q.ranking ?? []) {
      const v = `${q.name}.${item.item}`;
      put(v, all, [{ coef: 1, stat: 'N' }], item.n, `${v}.n`);
      if (typeof item.firstShare === 'number' && typeof item.n === 'number') put(v, all, [{ coef: 1, stat: 'X', value: 'first' }], Math.round(item.firstShare * item.n), `${v}.firstShare`);
      else if (isSuppressed(item.firstShare)) put(v, all, [{ coef: 1, stat: 'X', value: 'first' }], item.firstShare, `${v}.firstShare`);
    }
  }
  return out;
}

/** A key that is equal for figures with the same left-hand side. */
export function lhsKey(f: Fig): string {
  return `${f.variable}#${f.terms.map((t) => `${t.coef}${t.stat}${t.value ?? ''}`).join(',')}#${f.cells.join(',')}`;
}

export const isCount = (f: Fig) => f.terms.every((t) => Math.abs(t.coef) === 1);
