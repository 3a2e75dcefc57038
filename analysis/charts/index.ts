// Chart builders, one per file, picked by name from a typed union. A question's kind decides its
// main chart; a segment comparison adds a second one. Unknown names and kinds fail loudly.
//   QuestionResult (report model) → builder → Vega-Lite spec (aggregated numbers only) → SVG
import type { QuestionKind, QuestionResult } from '../report/model.ts';
import type { ChartContext, ChartSpec } from './common.ts';
import { comparisonChart } from './comparison.ts';
import { likertChart } from './likert.ts';
import { multipleChart } from './multiple.ts';
import { numberChart } from './number.ts';
import { rankingChart } from './ranking.ts';
import { singleChart } from './single.ts';

export type { ChartContext, ChartSpec } from './common.ts';

export type ChartName = 'likert' | 'single' | 'multiple' | 'ranking' | 'number' | 'comparison';
export type ChartBuilder = (q: QuestionResult, ctx: ChartContext) => ChartSpec | null;

export const CHARTS: Record<ChartName, ChartBuilder> = {
  likert: likertChart,
  single: singleChart,
  multiple: multipleChart,
  ranking: rankingChart,
  number: numberChart,
  comparison: comparisonChart,
};

/** The main chart of each question kind; open text has none (it is listed). */
const BY_KIND: Record<QuestionKind, ChartName | null> = {
  single: 'single',
  multiple: 'multiple',
  ordinal: 'likert',
  matrix: 'likert',
  ranking: 'ranking',
  number: 'number',
  text: null,
};

export function chartBuilder(name: string): ChartBuilder {
  if (!Object.hasOwn(CHARTS, name)) throw new Error(`unknown chart "${name}" (known: ${Object.keys(CHARTS).join(', ')})`);
  return CHARTS[name as ChartName];
}

export function chartNameFor(kind: string): ChartName | null {
  if (!Object.hasOwn(BY_KIND, kind)) throw new Error(`no chart for question kind "${kind}" (known: ${Object.keys(BY_KIND).join(', ')})`);
  return BY_KIND[kind as QuestionKind];
}

export interface QuestionChart {
  /** File stem: the question name, plus `.segments` for the comparison. */
  id: string;
  chart: ChartName;
  spec: ChartSpec;
}

/** The charts of one question: its main chart and, where segments are compared, the comparison. */
export function chartsFor(q: QuestionResult, ctx: ChartContext): QuestionChart[] {
  const out: QuestionChart[] = [];
  const main = chartNameFor(q.kind);
  if (main) {
    const spec = CHARTS[main](q, ctx);
    if (spec) out.push({ id: q.name, chart: main, spec });
  }
  const hasComparison = q.comparison || q.rows?.some((r) => r.comparison);
  if (hasComparison && main) {
    const spec = CHARTS.comparison(q, ctx);
    if (spec) out.push({ id: `${q.name}.segments`, chart: 'comparison', spec });
  }
  return out;
}
