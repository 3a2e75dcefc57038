// Shard 2 of the attacker (see attacker.ts).
import { runAttackerShard } from './attacker.ts';

runAttackerShard(2);
