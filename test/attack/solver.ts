// HiGHS (WASM) as a small integer-program wrapper: a model of integer columns and linear rows,
// kept in memory while one objective after another is minimised and maximised.
import type { Highs } from 'highs';

type HighsModule = Highs;
type Loader = () => Promise<Highs>;
let loaded: Promise<HighsModule> | null = null;
export function highs(): Promise<HighsModule> {
  // The package's types are read as CommonJS (module.exports.default), its ESM build exports the
  // loader as default: take whichever is the function.
  loaded ??= import('highs').then((m) => {
    const d = (m as unknown as { default: Loader | { default: Loader } }).default;
    return typeof d === 'function' ? d() : d.default();
  });
  return loaded;
}

export interface Row {
  cols: number[];
  coefs: number[];
  lower: number;
  upper: number;
}

export interface Bound {
  /** Every feasible value is ≥ outer.lo (proved). */
  outerLo: number;
  outerHi: number;
  /** Values reached by feasible integer points found. */
  innerLo: number | null;
  innerHi: number | null;
  /** A solve hit its time limit. */
  timedOut: boolean;
}

export class IntegerProgram {
  private constructor(
    private readonly h: HighsModule,
    // biome-ignore lint/suspicious/noExplicitAny: the persistent model type of highs
    private readonly model: any,
    readonly columns: number,
  ) {}

  static async create(upper: number[], rows: Row[], timeLimit: number): Promise<IntegerProgram> {
    const h = await highs();
    const model = h.createModel();
    model.options.set({ output_flag: false, time_limit: timeLimit, mip_rel_gap: 0, mip_abs_gap: 0.5, presolve: 'on' });
    model.addVars(
      upper.map(() => 0),
      upper,
    );
    model.changeColsIntegrality(
      { kind: 'range', from: 0, to: upper.length - 1 },
      upper.map(() => h.constants.variableType.integer),
    );
    for (const r of rows) model.addRow(r.lower, r.upper, { indices: r.cols, values: r.coefs });
    return new IntegerProgram(h, model, upper.length);
  }

  /** Status after the last run: 'optimal', 'infeasible', 'time', or another word. */
  private status(): string {
    const s = this.model.getModelStatus();
    const c = this.h.constants.modelStatus;
    return s === c.optimal ? 'optimal' : s === c.infeasible ? 'infeasible' : s === c.timeLimit ? 'time' : `status ${s}`;
  }

  /** Is there any integer point at all (the published figures are consistent with the model)? */
  feasible(): boolean {
    this.model.run();
    return this.status() === 'optimal';
  }

  private optimise(cols: number[], coefs: number[], sense: 'min' | 'max'): { best: number | null; bound: number; timedOut: boolean } {
    this.model.changeColsCost({ kind: 'set', indices: cols }, coefs);
    this.model.changeObjectiveSense(sense === 'min' ? this.h.constants.objectiveSense.minimize : this.h.constants.objectiveSense.maximize);
    this.model.run();
    try {
      return this.read(sense);
    } finally {
      this.model.changeColsCost(
        { kind: 'set', indices: cols },
        cols.map(() => 0),
      );
    }
  }

  private read(sense: 'min' | 'max'): { best: number | null; bound: number; timedOut: boolean } {
    const st = this.status();
    if (st === 'optimal') {
      const v = this.model.getObjectiveValue();
      return { best: v, bound: v, timedOut: false };
    }
    if (st === 'time') {
      const bound = Number(this.model.info.get('mip_dual_bound'));
      let best: number | null = null;
      try {
        best = this.model.getObjectiveValue();
        if (!Number.isFinite(best)) best = null;
      } catch {
        best = null;
      }
      return { best, bound: Number.isFinite(bound) ? bound : sense === 'min' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, timedOut: true };
    }
    throw new Error(`IP ${sense}: ${st}`);
  }

  /** The feasible interval of Σ coef · col (integer coefficients), proved outer and reached inner. */
  interval(cols: number[], coefs: number[]): Bound {
    const lo = this.optimise(cols, coefs, 'min');
    const hi = this.optimise(cols, coefs, 'max');
    const round = (v: number | null) => (v === null ? null : Math.round(v));
    return {
      outerLo: Math.ceil(lo.bound - 1e-6),
      outerHi: Math.floor(hi.bound + 1e-6),
      innerLo: round(lo.best),
      innerHi: round(hi.best),
      timedOut: lo.timedOut || hi.timedOut,
    };
  }

  dispose() {
    this.model.dispose();
  }
}
