// Ranking: per item the mean rank (1 = first) and the share of respondents ranking it first,
// shown where the item's ranks are all shown in the report's scope.
import type { CatalogueQuestion } from '../../../surveys/types.ts';
import { rankingSummary } from '../../stats/index.ts';
import { type Figure, isSuppressed } from '../../suppress.ts';
import { groupFigures, labelOf, rawTable, type ReportContext } from '../context.ts';
import type { RankingItemResult } from '../model.ts';

export function summariseRanking(ctx: ReportContext, q: CatalogueQuestion): { n: Figure; items: RankingItemResult[] } {
  const rankVars = q.variables.filter((v) => v.measure === 'rank');
  const ranks = rankVars.map((_, i) => String(i + 1));
  const parts = rankVars.map((v) => {
    const values = [...ranks, ...ctx.index.valuesOf(v.key).filter((r) => !ranks.includes(r))];
    const pv = ctx.protect(v.key, values);
    return { v, pv, f: groupFigures(pv, ctx.scope) };
  });
  const allComplete = parts.every((p) => p.f.complete);
  const summary = rankingSummary(Object.fromEntries(parts.map((p) => [p.v.key, rawTable(p.pv, ctx.scope)])));
  // respondents = the sum of the "ranked first" counts, shown only if every one of them is
  const firstShown = parts.every((p) => !isSuppressed(p.f.counts['1']));
  let n: Figure = { suppressed: true, reason: 'complementary' };
  for (const p of parts) if (!isSuppressed(p.f.n) && (isSuppressed(n) || p.f.n > n)) n = p.f.n;
  const items = parts.map((p, i): RankingItemResult => {
    const item = summary.items[i];
    const hidden = { suppressed: true as const, reason: p.f.suppressed ? ('small-group' as const) : ('complementary' as const) };
    return {
      item: p.v.key.slice(q.name.length + 1),
      label: labelOf(q.choices, p.v.key.slice(q.name.length + 1)),
      n: p.f.n,
      meanRank: p.f.complete && item.n > 0 ? item.meanRank : hidden,
      firstShare: firstShown && allComplete && summary.respondents > 0 ? item.firstShare : hidden,
    };
  });
  return { n, items };
}
