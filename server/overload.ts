// When is the server overloaded? @fastify/under-pressure asks `healthy()` once a second and sheds
// requests with 503 while it says no (server/app.ts).
//
// Not under-pressure's own `maxEventLoopDelay`, because of how it reads one synchronous block
// (a big import, a report over many answers) of more than its one-second sampling interval:
// - its timer may come round twice before Node's delay sampler has run once; it then counts the
//   empty interval as an infinite delay (its answer to fastify/under-pressure#125);
// - otherwise the interval holds the one sample the block made, as long as the block.
// Either way it shed every request for the next second, although the block was over.
// Here an interval without a sample says nothing, and the mean delay must exceed the limit in
// two intervals in a row: one block never sheds, while a loop that stays behind (every sample
// as long as the backlog) is shed from its second second on.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often under-pressure asks, in ms. */
export const OVERLOAD_CHECK_MS = 1_000;
const RESOLUTION_MS = 10;

export interface OverloadMonitor {
  /** False while the mean event-loop delay was above the limit in two intervals in a row. */
  healthy(): boolean;
  close(): void;
}

export function overloadMonitor(maxDelayMs: number): OverloadMonitor {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let high = 0; // intervals in a row with a mean delay above the limit
  return {
    healthy() {
      if (histogram.count > 0) {
        // the sampler's own period is part of every sample
        const delay = histogram.mean / 1e6 - RESOLUTION_MS;
        high = delay > maxDelayMs ? high + 1 : 0;
      }
      histogram.reset();
      return high < 2;
    },
    close() {
      histogram.disable();
    },
  };
}
