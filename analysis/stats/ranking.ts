// Ranking questions: per item, the mean rank (1 = first) and the share of respondents who put
// it first. Input is one frequency table of ranks per item.
import { type FrequencyTable, moments, numericCounts } from './table.ts';

export interface RankingItem {
  item: string;
  /** Respondents who gave the item a rank. */
  n: number;
  meanRank: number;
  firstCount: number;
  /** firstCount / respondents who ranked anything, 0–1. */
  firstShare: number;
}

export interface RankingSummary {
  /** Respondents who ranked: each of them put exactly one item first. */
  respondents: number;
  items: RankingItem[];
}

/** Items in input order; an item nobody ranked gets NaN mean rank and share 0. */
export function rankingSummary(ranks: Record<string, FrequencyTable>): RankingSummary {
  const parsed = Object.entries(ranks).map(([item, table]) => ({ item, rows: numericCounts(table) }));
  const firstCount = (rows: ReturnType<typeof numericCounts>) => rows.find((r) => r.value === 1)?.count ?? 0;
  const respondents = parsed.reduce((sum, p) => sum + firstCount(p.rows), 0);
  return {
    respondents,
    items: parsed.map(({ item, rows }) => {
      const { n, mean } = moments(rows);
      const first = firstCount(rows);
      return { item, n, meanRank: mean, firstCount: first, firstShare: respondents > 0 ? first / respondents : 0 };
    }),
  };
}
