// The attacker of issue 12 in CI: on the demo survey with a works-council group of 6 (4 + 2 over
// two link labels) and on ATTACK_STUDIES random studies (default 200: the number), it
// reads only what a share-key holder reads (report pages for the filters offered, data.json for
// every audience × filter combination it asks for, a second reading after a new release) and
// bounds every hidden count with an integer program (HiGHS) over person-level unknowns. It fails
// where
//  - a primary figure ("weniger als k Antworten": a group or count of 1 … k − 1, or the answer
//    cells of a small unanimous group) has a feasible interval of fewer than k whole values (the
//    README's protection width: [0, k − 1] holds k values), or could not be bounded;
//  - a person's value is determined by a number summary, an open-text list or two readings;
//  - the attacker's model disagrees with what was posted (a harness error, never "safe").
// A complementary figure that the attacker pins is only listed: it holds 0 or ≥ k answers
// (any count of 1 … k − 1 is primary), so knowing it tells nobody's answer.
// The random studies are split over SHARDS test files (attacker-N.test.ts), so tap runs them in
// parallel; shard 1 also attacks the demo. ATTACK_STUDIES sets the random studies per suite run
// (default 100; .ci/run runs the suite on PGlite and on PostgreSQL, the latter with seeds from
// 10,001 on, so one CI run attacks 200 different studies: the number). ATTACK_SEED sets
// the first seed (explore others), ATTACK_LABELS the most link labels a study has (default: 30,
// and 300, the number, in the last shard; segments of 1 … 40 people spread that thin give
// many groups of one).
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { demoPlan, randomScenarios, runScenario, type Scenario } from './scenarios.ts';

export const SHARDS = 4;
const STUDIES = Number(process.env.ATTACK_STUDIES ?? 100);
const FIRST_SEED = Number(process.env.ATTACK_SEED ?? (process.env.DATABASE_URL ? 10_001 : 1));
const chosenLabels = Number(process.env.ATTACK_LABELS) || undefined;

/** Runs shard `shard` (1 … SHARDS) of the attacker as one tap test file. */
export function runAttackerShard(shard: number): void {
  const per = Math.ceil(STUDIES / SHARDS);
  const firstSeed = FIRST_SEED + (shard - 1) * per;
  const studies = Math.max(0, Math.min(per, STUDIES - (shard - 1) * per));
  const MAX_LABELS = chosenLabels ?? (shard === SHARDS ? 300 : 30);
  t.test('the attacker recovers no protected count and no person’s answer', async (t) => {
    const ta = await buildTestApp();
    t.teardown(ta.cleanup);
    const k = ta.config.minGroupSize;
    const o = { plan: 'full' as const, k, timeLimit: 30, checkTruth: true };
    const scenarios: Scenario[] = [];
    if (shard === 1) scenarios.push(await runScenario(ta.app, 'demo (wc 4 + 2)', demoPlan({ worksCouncil: true }), { ...o, temporal: { group: 'works_council|nord', count: k } }));
    scenarios.push(...(await randomScenarios(ta.app, studies, firstSeed, MAX_LABELS, o)));
    // A random study may have all its reports refused (seeds 15 and 30 of the first 50 do), which
    // leaves nothing to attack there; the demo and most studies must give reports.
    const read = scenarios.filter((s) => s.summary.reports > 0).map((s) => s.name);
    if (shard === 1) t.ok(read.includes(scenarios[0].name), `${scenarios[0].name}: the share keys read reports`);
    t.ok(read.length > scenarios.length / 2, `the share keys read reports in ${read.length} of ${scenarios.length} studies`);
    let protectedFigures = 0;
    let pinnedFigures = 0;
    for (const s of scenarios) {
      const r = s.summary;
      protectedFigures += r.protected;
      t.same(r.modelErrors.slice(0, 5), [], `${s.name}: the attacker's model agrees with the posted answers`);
      t.same(r.infeasible, [], `${s.name}: every variable's model has an integer point`);
      const primary = r.recovered.filter((f) => f.primary).map((f) => `${f.where} (${f.reason}): [${f.bound?.outerLo}, ${f.bound?.outerHi}]`);
      t.same(primary, [], `${s.name}: every primary figure keeps an interval of at least ${k} values`);
      t.same(
        r.side.map((f) => `${f.attack}: ${f.where}`),
        [],
        `${s.name}: no person's value follows from summaries, text lists or two readings`,
      );
      t.equal(r.undecided, 0, `${s.name}: every hidden count was bounded`);
      const pinned = r.recovered.filter((f) => !f.primary);
      pinnedFigures += pinned.length;
      if (pinned.length) t.comment(`${s.name}: ${pinned.length} complementary figure(s) pinned (0 or >= ${k} answers), e.g. ${pinned[0].where}`);
    }
    t.ok(protectedFigures > 0, 'the studies have hidden figures to attack');
    t.comment(
      `shard ${shard}/${SHARDS}: ${scenarios.length} studies (${shard === 1 ? 'demo + ' : ''}${studies} random from seed ${firstSeed}, up to ${MAX_LABELS} labels), ${protectedFigures} hidden figures attacked, ${pinnedFigures} complementary pinned`,
    );
  });
}
