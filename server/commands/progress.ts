// A progress bar on a terminal; silent with --json or without a TTY.
export function progress(total: number, quiet: boolean) {
  const show = !quiet && process.stderr.isTTY === true;
  let done = 0;
  let last = -1;
  return {
    tick(step = 1) {
      done += step;
      if (!show) return;
      const pct = Math.floor((done / total) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct} % (${done}/${total})`);
    },
    done() {
      if (show) process.stderr.write('\n');
    },
  };
}
