// Shard 4 of the attacker (see attacker.ts).
import { runAttackerShard } from './attacker.ts';

runAttackerShard(4);
