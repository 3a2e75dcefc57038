// A progress bar on a terminal, with the rate and the time still to wait; silent with --json or
// without a TTY.
import { commandIo } from './common.ts';

export function progress(total: number, quiet: boolean, stream: { isTTY?: boolean; write(s: string): unknown } = commandIo().stderr) {
  const show = !quiet && stream.isTTY === true;
  const started = Date.now();
  let done = 0;
  let last = '';
  return {
    tick(step = 1) {
      done += step;
      if (!show) return;
      const line = progressLine(done, total, (Date.now() - started) / 1000);
      if (line === last) return;
      last = line;
      stream.write(`\r${line}`);
    },
    done() {
      if (show) stream.write('\n');
    },
  };
}

const de = (n: number) => n.toLocaleString('de-DE');

/** `[#####.....] 50 % (500/1.000), 250/s, noch 2 s`: the rate and the rest once a second has passed. */
export function progressLine(done: number, total: number, seconds: number): string {
  const pct = Math.min(100, Math.floor((done / total) * 100));
  const width = 30;
  const filled = Math.round((pct / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct} % (${de(done)}/${de(total)})`;
  if (seconds < 1 || done === 0) return bar;
  const rate = done / seconds;
  const rest = Math.ceil((total - done) / rate);
  return `${bar}, ${de(Math.round(rate))}/s${done < total ? `, noch ${rest} s` : ''}`;
}
