// NDJSON: one JSON object per line and response, keyed by the export column names; no answer
// and "not asked in this version" are both null. With `labels: 'text'` coded values become labels.
import type { Writable } from 'node:stream';
import { type Cell, type ExportColumn, type Labels, labelled, NOT_ASKED } from './columns.ts';
import { put } from './csv.ts';

export async function writeNdjson(out: Writable, columns: ExportColumn[], rows: AsyncIterable<Cell[]>, options: { labels: Labels; locale: string }): Promise<number> {
  let n = 0;
  for await (const cells of rows) {
    const record: Record<string, string | number | null> = {};
    cells.forEach((cell, i) => {
      const value = options.labels === 'text' ? labelled(columns[i], cell, options.locale) : cell;
      record[columns[i].name] = value === NOT_ASKED ? null : value;
    });
    await put(out, `${JSON.stringify(record)}\n`);
    n++;
  }
  return n;
}
