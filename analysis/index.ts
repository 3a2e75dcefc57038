// The public analysis library: the same functions the reports use, for researchers' scripts.
// Everything here is pure: data in, typed results or Vega-Lite specs out.
export * from './stats/index.ts';
export { extractOpenTexts, extractValues } from './extract.ts';
export { buildReport, ReportError, type BuildReportInput } from './report/build.ts';
export type * from './report/model.ts';
export { listAudiences, loadProfile, loadProfiles, parseProfile, validateProfile, type Profile } from './profiles/index.ts';
export { chartsFor, chartBuilder, CHARTS, type ChartName, type ChartSpec } from './charts/index.ts';
export { renderSvg } from './render/svg.ts';
export { renderHtml } from './render/html.ts';
export { renderCsv } from './render/csv.ts';
export { formatNumber, formatPercent, formatP, formatShare, type Locale } from './format.ts';
export { protectTable, suppressionNotice, DEFAULT_MIN_GROUP_SIZE } from './suppress.ts';
export type { AggregatedData, BaseRow, CountRow, OpenTextRow } from './types.ts';
export { tableOf, crosstab } from './tables.ts';
