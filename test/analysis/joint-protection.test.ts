// Small-group protection of questions together with the report bases (analysis/report/joint.ts,
// issue 12). A question's n is never more than a group's respondents, so where a small segment sits
// beside a large one, the shown report base minus the large segment's shown n of a question that
// (nearly) everyone answered bounds the small segment's size, and then each of its cells, to fewer
// than k values. The attacker of test/attack/ (integer programs over person-level unknowns,
// independent of the protection code) reads the three unfiltered audience reports of generated
// studies and must find no primary figure ("weniger als 5") with fewer than k feasible values.
// A question everyone answered is required in the catalogue, and the attacker, who reads the
// public definition, knows n = base for it in every group (test/attack/definition.ts).
import t from 'tap';
import { loadProfile } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import type { AggregatedData } from '../../analysis/types.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import type { Catalogue } from '../../surveys/types.ts';
import { attack } from '../attack/attack.ts';
import type { Published } from '../attack/fetch.ts';

const K = 5;
const L = (de: string) => ({ de, en: de });
const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const question = (name: string, required: boolean) => ({
  name,
  type: 'radiogroup',
  title: L(name),
  ordinal: false,
  hasOther: false,
  befund: { role: 'rating' as const },
  variables: [{ key: name, question: name, measure: 'nominal' as const, label: L(name), values: ['a', 'b', 'c'].map((value) => ({ value, label: L(value) })) }],
  ...(required ? { required: true as const } : {}),
});

/** A study: segments of 1 … 40 people (one link each), questions answered by all (required), or by some. */
function study(seed: number): { catalogue: Catalogue; data: AggregatedData } {
  const rnd = seededRandom(seed);
  const questions = Array.from({ length: 3 }, (_, i) => {
    const skip = rnd() < 0.5 ? 0 : 0.3;
    return { q: question(`q${i + 1}`, skip === 0), skip };
  });
  const data: AggregatedData = { bases: [], counts: [], openTexts: [] };
  for (const segment of SEGMENTS) {
    // one small segment of 1 … 4 beside larger ones
    const n = segment === 'sme' ? 1 + Math.floor(rnd() * (K - 1)) : 5 + Math.floor(rnd() * 36);
    data.bases.push({ segment, linkLabel: null, n });
    for (const { q, skip } of questions) {
      const counts = new Map<string, number>();
      for (let p = 0; p < n; p++) {
        if (rnd() < skip) continue;
        const v = 'abc'[Math.floor(rnd() ** 1.5 * 3)];
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      for (const [value, c] of counts) data.counts.push({ variable: q.name, value, segment, linkLabel: null, n: c });
    }
  }
  return { catalogue: { locales: ['de', 'en'], questions: questions.map((x) => x.q) }, data };
}

t.test('the report bases and a question’s n do not pin a small segment’s size or cells', async (t) => {
  let hidden = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const { catalogue, data } = study(seed);
    const published: Published[] = [];
    for (const audience of SEGMENTS) {
      try {
        // as data.json serves it: the report model as JSON
        const report = JSON.parse(JSON.stringify(buildReport({ catalogue, data, profile: loadProfile(audience), minGroupSize: K })));
        published.push({ audience, filters: { segments: [], labels: [] }, report });
      } catch (err) {
        if (!(err instanceof ReportError)) throw err;
      }
    }
    const required = new Set(catalogue.questions.filter((q) => q.required).map((q) => q.name));
    const r = await attack(published, { segments: SEGMENTS, labels: [''] }, { k: K, timeLimit: 30, required });
    hidden += r.protected;
    t.same(r.infeasible, [], `seed ${seed}: every variable's model has an integer point`);
    t.same(
      r.findings.filter((f) => f.primary && f.verdict !== 'safe').map((f) => `${f.where} (${f.reason}): [${f.bound?.outerLo}, ${f.bound?.outerHi}]`),
      [],
      `seed ${seed}: every primary figure keeps at least ${K} feasible values`,
    );
  }
  t.ok(hidden > 0, `${hidden} hidden figures attacked`);
});
