// Shard 9 of the differential test of answers (see answers-differential.ts).
import { runShard } from './answers-differential.ts';

await runShard(9);
