// The attacker of issue 12 against today's protection. Not in CI while it finds leaks: run
//   npx tsx test/attack/attacker.check.ts [--random N] [--labels L] [--plan full|single|none]
// It prints every recovered value and exits 1 if anything was recovered or undecided.
import { parseArgs } from 'node:util';
import { table } from '../../bench/lib/report.ts';
import { buildTestApp } from '../helpers/app.ts';
import type { FilterPlan } from './fetch.ts';
import { demoPlan, describe, HEADER, randomScenarios, runScenario, type Scenario } from './scenarios.ts';

const { values } = parseArgs({ options: { random: { type: 'string', default: '5' }, labels: { type: 'string', default: '8' }, plan: { type: 'string', default: 'full' }, seed: { type: 'string', default: '1' }, 'no-demo': { type: 'boolean', default: false } } });
const t = await buildTestApp();
const o = { plan: values.plan as FilterPlan, k: t.config.minGroupSize, timeLimit: 5, classes: true, checkTruth: true };
const scenarios: Scenario[] = [];
try {
  if (!values['no-demo']) scenarios.push(await runScenario(t.app, 'demo (wc 4 + 2)', demoPlan({ worksCouncil: true }), { ...o, temporal: { group: 'works_council|nord', count: o.k } }));
  scenarios.push(...(await randomScenarios(t.app, Number(values.random), Number(values.seed), Number(values.labels), o)));
} finally {
  await t.cleanup();
}
console.log(table(`Attacker (k = ${o.k}, filters: ${o.plan})`, HEADER, scenarios.map(describe)));
let bad = 0;
for (const s of scenarios) {
  const r = s.summary;
  for (const f of r.recovered) console.log(`recovered  ${s.name}  ${f.where} (${f.reason}): [${f.bound?.outerLo}, ${f.bound?.outerHi}]`);
  for (const f of r.side) console.log(`recovered  ${s.name}  ${f.attack}: ${f.values} value(s), ${f.where}`);
  for (const e of [...r.modelErrors, ...r.infeasible.map((v) => `${v}: no integer point`)]) console.log(`model error  ${s.name}  ${e}`);
  bad += r.recovered.length + r.side.length + r.undecided + r.modelErrors.length + r.infeasible.length;
}
process.exitCode = bad ? 1 : 0;
