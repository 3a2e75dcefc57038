// The filter rule for share-key readers (analysis/report/shared-filters.ts) on 300 generated
// studies: 1-3 segments in the report plus one outside it, 0-6 link labels (some in several
// segments, links without label), group sizes 1..2k+2, k 3-6. For every combination of offered
// values (any segments × any labels) the filtered group is empty or ≥ k, and any two nested
// groups a reader can get differ by 0 or ≥ k people; a value that alone breaks the rule is never
// offered; sharedFilterAllowed accepts exactly the combinations of ≥ k with a rest of 0 or ≥ k.
import t from 'tap';
import { offeredFilters, sharedFilterAllowed } from '../../analysis/report/shared-filters.ts';
import type { BaseRow } from '../../analysis/types.ts';
import { seededRandom } from '../../surveys/synthetic.ts';

function subsets<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [[]];
  for (const x of xs) for (const s of out.slice()) out.push([...s, x]);
  return out;
}

let studies = 0;
let combos = 0;
let differences = 0;
let offeredCount = 0;
let withheld = 0;
for (let seed = 1; seed <= 300; seed++) {
  const rnd = seededRandom(seed);
  const k = 3 + Math.floor(rnd() * 4);
  const include = ['a', 'b', 'c'].slice(0, 1 + Math.floor(rnd() * 3));
  const labels = Array.from({ length: Math.floor(rnd() * 7) }, (_, i) => `L${i}`);
  const bases: BaseRow[] = [];
  const size = () => 1 + Math.floor(rnd() * (2 * k + 2));
  for (const label of labels) for (const segment of [...include, 'outside']) if (rnd() < 0.45) bases.push({ segment, linkLabel: label, n: size() });
  for (const segment of include) if (rnd() < 0.5) bases.push({ segment, linkLabel: null, n: size() });
  const rows = bases.filter((b) => include.includes(b.segment));
  const total = rows.reduce((s, r) => s + r.n, 0);
  if (total === 0) continue;
  studies++;
  const present = labels.filter((l) => rows.some((r) => r.linkLabel === l));
  const offered = offeredFilters(bases, include, { segments: include, labels: present }, k);
  offeredCount += offered.segments.length + offered.labels.length;

  const groupN = (segs: string[], labs: string[]) =>
    rows.reduce((s, r) => s + ((!segs.length || segs.includes(r.segment)) && (!labs.length || (r.linkLabel !== null && labs.includes(r.linkLabel))) ? r.n : 0), 0);
  // a value that alone meets fewer than k, or leaves a rest of 1..k-1, is not offered
  for (const [kind, values] of [
    ['segment', include],
    ['label', present],
  ] as const) {
    for (const v of values) {
      const n = kind === 'segment' ? groupN([v], []) : groupN([], [v]);
      if (n < k || (total - n > 0 && total - n < k)) {
        withheld++;
        t.notOk((kind === 'segment' ? offered.segments : offered.labels).includes(v), `seed ${seed}: ${kind} ${v} (${n} of ${total}, k ${k}) is not offered`);
      }
    }
  }
  // every reachable group (the unfiltered report is segs = labs = [])
  const groups: { key: string; members: Set<string> }[] = [];
  for (const segs of subsets(offered.segments))
    for (const labs of subsets(offered.labels)) {
      combos++;
      const n = groupN(segs, labs);
      const allowed = sharedFilterAllowed(bases, include, offered, { segments: segs, linkLabels: labs }, k);
      const expect = segs.length + labs.length === 0 || (n >= k && (total - n === 0 || total - n >= k));
      if (allowed !== expect) t.fail(`seed ${seed}: ${segs}|${labs} allowed ${allowed}, group ${n} of ${total}`);
      if (!allowed) continue;
      const members = new Set(rows.filter((r) => (!segs.length || segs.includes(r.segment)) && (!labs.length || (r.linkLabel !== null && labs.includes(r.linkLabel)))).map((r) => `${r.segment}|${r.linkLabel}`));
      groups.push({ key: `${segs}|${labs}`, members });
    }
  const sizeOf = (cells: Iterable<string>) => [...cells].reduce((s, c) => s + rows.filter((r) => `${r.segment}|${r.linkLabel}` === c).reduce((x, r) => x + r.n, 0), 0);
  for (const a of groups)
    for (const b of groups) {
      if (a === b || ![...b.members].every((c) => a.members.has(c))) continue;
      differences++;
      const d = sizeOf([...a.members].filter((c) => !b.members.has(c)));
      if (d > 0 && d < k) t.fail(`seed ${seed}: (${a.key}) minus (${b.key}) leaves ${d} people, k ${k}`);
    }
  // a value nobody used, or one outside the report, is refused
  t.notOk(sharedFilterAllowed(bases, include, offered, { linkLabels: ['nie benutzt'] }, k), `seed ${seed}: an unknown label is refused`);
}
t.ok(studies >= 250, `${studies} studies`);
t.ok(offeredCount > 0 && withheld > 0, `${offeredCount} values offered, ${withheld} withheld for breaking the rule alone`);
t.ok(combos > 1000 && differences > 1000, `${combos} filter combinations and ${differences} nested differences checked`);
