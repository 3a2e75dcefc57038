// Which channels do works councils use, compared with SMEs — with a test per channel.
//
//   npx befund run analysis/examples/channels-works-councils-vs-smes.ts OUT_DIR
//
// Writes OUT_DIR/channels.json and prints a table. Groups below MIN_GROUP_SIZE are not tested.
import fs from 'node:fs';
import path from 'node:path';
import { chiSquare, cramersV, crosstab, formatNumber, formatP, formatPercent } from 'befund/analysis';
import { openStudy } from 'befund/study';

const outDir = process.argv[2] ?? 'out/examples';
const groups = ['works_council', 'sme'];
const study = await openStudy();
try {
  const catalogue = await study.catalogue('om-partner-befragung');
  const channels = catalogue.questions.find((q) => q.name === 'kanaele');
  if (!channels) throw new Error('the survey has no question "kanaele"');
  const data = await study.aggregates('om-partner-befragung', { segments: groups });
  const rows = channels.variables
    .filter((v) => v.measure === 'binary')
    .map((v) => {
      // rows: works councils, SMEs; columns: chose the channel (1), did not (0)
      const table = crosstab(data.counts, v.key, groups, ['1', '0']);
      const ns = table.map((r) => r[0] + r[1]);
      const testable = ns.every((n) => n >= study.minGroupSize);
      const test = testable ? chiSquare(table) : null;
      return {
        channel: v.key,
        // "other" chosen is `kanaele.other.chosen`
        label: channels.choices?.find((c) => `kanaele.${c.value}` === v.key.replace(/\.chosen$/, ''))?.label.de ?? v.key,
        table,
        share: table.map((r, i) => (ns[i] ? r[0] / ns[i] : null)),
        chiSquare: test ? { statistic: test.statistic, df: test.df, p: test.p, cramersV: cramersV(test) } : null,
      };
    });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'channels.json'), `${JSON.stringify({ groups, rows }, null, 2)}\n`);
  for (const r of rows) {
    const shares = r.share.map((s) => (s === null ? '–' : formatPercent(s * 100, 'de'))).join(' vs. ');
    console.log(`${r.label.padEnd(34)} ${shares.padEnd(20)} ${r.chiSquare ? `χ² = ${formatNumber(r.chiSquare.statistic, 'de', 2)}, ${formatP(r.chiSquare.p, 'de')}` : 'nicht getestet (zu wenige Antworten)'}`);
  }
} finally {
  await study.close();
}
