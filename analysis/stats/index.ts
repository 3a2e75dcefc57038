// Statistics over frequency tables: one statistic per file, all checked against R in
// test/analysis/stats-vs-r.test.ts.
export { type ChiSquareResult, chiSquare, chiSquareUpperTail } from './chi-square.ts';
export { cramersV } from './cramers-v.ts';
export { type FrequencyOptions, type FrequencyRow, type Frequencies, frequencies } from './frequencies.ts';
export { type KruskalWallisResult, kruskalWallis } from './kruskal-wallis.ts';
export { type MannWhitneyResult, mannWhitney } from './mann-whitney.ts';
export { type OrdinalSummary, ordinalSummary } from './ordinal.ts';
export { type NumericSummary, numericSummary, quantileType7 } from './quantiles.ts';
export { type RankingItem, type RankingSummary, rankingSummary } from './ranking.ts';
export { type FrequencyTable, type NumericCount, numericCounts } from './table.ts';
export { type WilsonInterval, wilson } from './wilson.ts';
