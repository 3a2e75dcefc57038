// A table for a paper: relevance of each topic area (matrix rows), as CSV for German Excel.
//
//   npx befund run analysis/examples/paper-table-csv.ts OUT_DIR
//
// Writes OUT_DIR/relevanz.csv: topic; n; mean; SD; median; top-2-box (%), over all segments.
import fs from 'node:fs';
import path from 'node:path';
import { formatNumber, ordinalSummary, tableOf } from 'befund/analysis';
import { openStudy } from 'befund/study';

const outDir = process.argv[2] ?? 'out/examples';
const study = await openStudy();
try {
  const catalogue = await study.catalogue('om-partner-befragung');
  const matrix = catalogue.questions.find((q) => q.name === 'relevanz');
  if (!matrix) throw new Error('the survey has no question "relevanz"');
  const scale = (matrix.columns ?? []).map((c) => Number(c.value));
  const data = await study.aggregates('om-partner-befragung');
  const de = (x: number, digits: number) => formatNumber(x, 'de', digits);
  const lines = ['Themenfeld;n;Mittelwert;SD;Median;Top-2-Box (%)'];
  for (const v of matrix.variables) {
    const topic = matrix.rows?.find((r) => `relevanz.${r.value}` === v.key)?.label.de ?? v.key;
    const s = ordinalSummary(tableOf(data.counts, v.key), scale);
    if (!s || s.n < study.minGroupSize) {
      lines.push(`${topic};weniger als ${study.minGroupSize};;;;`);
      continue;
    }
    lines.push([topic, String(s.n), de(s.mean, 2), de(s.sd, 2), de(s.median, 1), de(s.top2Share * 100, 1)].join(';'));
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'relevanz.csv'), `\ufeff${lines.join('\r\n')}\r\n`);
  console.log(lines.join('\n'));
} finally {
  await study.close();
}
