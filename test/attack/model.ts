// The integer program for one variable: unknowns per cell (B, N, X per value), the structure
// every response obeys, and every published figure as an equation.
import { type Fig, lhsKey, type Stat, type VarKind } from './figures.ts';
import type { Row } from './solver.ts';

export interface VariableModel {
  variable: string;
  kind: VarKind;
  cells: string[];
  values: string[];
  upper: number[];
  rows: Row[];
  /** Column of an unknown. */
  col(stat: Stat, cell: string, value?: string): number;
  /** Columns and coefficients of a figure's left-hand side. */
  lhs(f: Fig): { cols: number[]; coefs: number[] };
}

/**
 * `figs`: the published figures of this variable and those on responses only ('*').
 * `cap`: an upper bound on any cell (e.g. the largest published total).
 * `required`: the public definition says everyone was asked and had to answer (definition.ts):
 * N = E = B in every cell.
 */
export function buildModel(variable: string, kind: VarKind, cells: string[], figs: Fig[], cap: number, required = false): VariableModel {
  const values = [...new Set(figs.flatMap((f) => f.terms.filter((t) => t.stat === 'X').map((t) => t.value as string)))].sort();
  const cellIndex = new Map(cells.map((c, i) => [c, i]));
  const C = cells.length;
  const col = (stat: Stat, cell: string, value?: string) => {
    const i = cellIndex.get(cell);
    if (i === undefined) throw new Error(`unknown cell ${cell}`);
    if (stat === 'B') return i;
    if (stat === 'N') return C + i;
    if (stat === 'E') return 2 * C + i;
    const v = values.indexOf(value as string);
    if (v < 0) throw new Error(`unknown value ${value} of ${variable}`);
    return C * (3 + v) + i;
  };
  const lhs = (f: Fig) => {
    const acc = new Map<number, number>();
    for (const t of f.terms) for (const c of f.cells) acc.set(col(t.stat, c, t.value), (acc.get(col(t.stat, c, t.value)) ?? 0) + t.coef);
    const cols = [...acc.keys()].filter((k) => acc.get(k) !== 0).sort((a, b) => a - b);
    return { cols, coefs: cols.map((k) => acc.get(k) as number) };
  };
  const upper = new Array(C * (3 + values.length)).fill(cap);
  const rows: Row[] = [];
  const le = (a: number, b: number): Row => ({ cols: [a, b], coefs: [1, -1], lower: Number.NEGATIVE_INFINITY, upper: 0 });
  for (const c of cells) {
    rows.push(le(col('E', c), col('B', c)));
    rows.push(le(col('N', c), col('E', c)));
    if (required) {
      rows.push({ cols: [col('E', c), col('B', c)], coefs: [1, -1], lower: 0, upper: 0 });
      rows.push({ cols: [col('N', c), col('E', c)], coefs: [1, -1], lower: 0, upper: 0 });
    }
    if (kind === 'single' && values.length) rows.push({ cols: [...values.map((v) => col('X', c, v)), col('N', c)], coefs: [...values.map(() => 1), -1], lower: 0, upper: 0 });
    else for (const v of values) rows.push(le(col('X', c, v), col('N', c)));
  }
  const seen = new Set<string>();
  for (const f of figs) {
    if (f.value === null) continue;
    const key = `${lhsKey(f)}=${f.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { cols, coefs } = lhs(f);
    if (cols.length) rows.push({ cols, coefs, lower: f.value - f.tol, upper: f.value + f.tol });
  }
  return { variable, kind, cells, values, upper, rows, col, lhs };
}
