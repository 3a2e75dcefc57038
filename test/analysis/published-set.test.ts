// The published set (analysis/report/published.ts, issue 12): what share keys can read is protected,
// and only that. (1) On generated studies every group a share key can filter to, with every
// profile's filters, is a sum of published groups, so the protection covers it; a link label no
// share key is offered is no group of its own. (2) What a reader notices: a works-council group of
// 6 (4 + 2 over two link labels) and a partner link of 3 inside the SMEs used to hide most of the
// SME report; the SME report, which does not include the works councils, now shows every figure it
// shows for the same study without them, and the works councils' small cells stay hidden.
import t from 'tap';
import { parseProfile, type Profile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import type { QuestionResult } from '../../analysis/report/model.ts';
import { type AudienceScope, type PublishedUnit, publishedGroupings } from '../../analysis/report/published.ts';
import { offeredFilters } from '../../analysis/report/shared-filters.ts';
import { Span } from '../../analysis/suppress.ts';
import type { AggregatedData } from '../../analysis/types.ts';
import { seededRandom } from '../../surveys/synthetic.ts';
import type { Catalogue } from '../../surveys/types.ts';

const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const AUDIENCES: { include: readonly string[]; compare: readonly string[] }[] = [
  { include: SEGMENTS, compare: SEGMENTS },
  { include: ['intermediary', 'sme'], compare: ['sme', 'intermediary'] },
  { include: ['sme', 'works_council'], compare: ['works_council', 'sme'] },
];
const FILTERS = [[], ['segment'], ['label'], ['segment', 'label']];

t.test('every group a share key can filter to is a sum of published groups; an unoffered label is none', async (t) => {
  let filterGroups = 0;
  let unoffered = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const rnd = seededRandom(seed);
    const k = 3 + Math.floor(rnd() * 4);
    const labels = Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, i) => `L${i}`);
    const units: PublishedUnit[] = [];
    for (const segment of SEGMENTS) for (const label of [...labels, null]) if (rnd() < 0.5) units.push({ id: `${segment}|${label}`, segment, linkLabel: label, base: 1 + Math.floor(rnd() * (3 * k)) });
    if (units.length === 0) continue;
    const audiences: AudienceScope[] = AUDIENCES.map((a) => ({ ...a, filters: FILTERS[Math.floor(rnd() * FILTERS.length)] }));
    const { groupings } = publishedGroupings(units, audiences, k);
    const vector = (ids: Set<string>) => Float64Array.from(units, (u) => (ids.has(u.id) ? 1 : 0));
    const span = new Span();
    span.add(vector(new Set(units.map((u) => u.id))));
    for (const g of groupings) for (const x of g.groups) span.add(vector(new Set(x.units)));
    const bases = units.map((u) => ({ segment: u.segment, linkLabel: u.linkLabel, n: u.base }));
    const offeredAnywhere = new Set<string>();
    for (const a of audiences) {
      const present = [...new Set(units.filter((u) => a.include.includes(u.segment) && u.linkLabel).map((u) => u.linkLabel as string))].sort();
      const o = offeredFilters(bases, a.include, { segments: a.filters.includes('segment') ? [...a.include] : [], labels: a.filters.includes('label') ? present : [] }, k);
      for (const l of o.labels) offeredAnywhere.add(l);
      // a reader sees the scope, each compared segment, after any offered segment × label filter
      const segChoices: string[][] = [[], ...o.segments.map((s) => [s])];
      const labChoices: string[][] = [[], ...o.labels.map((l) => [l]), ...(o.labels.length > 2 ? o.labels.map((l) => o.labels.filter((x) => x !== l)) : [])];
      for (const segs of segChoices) {
        for (const labs of labChoices) {
          const inFilter = (u: PublishedUnit) => a.include.includes(u.segment) && (segs.length === 0 || segs.includes(u.segment)) && (labs.length === 0 || (u.linkLabel !== null && labs.includes(u.linkLabel)));
          for (const part of [null, ...a.compare]) {
            const ids = new Set(units.filter((u) => inFilter(u) && (part === null || u.segment === part)).map((u) => u.id));
            if (ids.size === 0) continue;
            filterGroups++;
            if (!span.contains(vector(ids))) t.fail(`seed ${seed}: ${JSON.stringify({ include: a.include, segs, labs, part })} is not a sum of published groups`);
          }
        }
      }
    }
    // a label inside one segment, where no audience offers any label, is not published on its own
    for (const l of labels) {
      const ids = new Set(units.filter((u) => u.linkLabel === l).map((u) => u.id));
      const segs = new Set(units.filter((u) => u.linkLabel === l).map((u) => u.segment));
      const segmentUnits = units.filter((u) => segs.has(u.segment));
      if (segmentUnits.some((u) => u.linkLabel !== null && offeredAnywhere.has(u.linkLabel)) || segs.size !== 1 || segmentUnits.length === ids.size) continue;
      unoffered++;
      t.notOk(span.contains(vector(ids)), `seed ${seed}: the unoffered label ${l} is not published`);
    }
  }
  t.ok(filterGroups > 1000, `${filterGroups} filter groups checked`);
  t.ok(unoffered > 10, `${unoffered} unoffered labels checked`);
});

// ---- (2) the SME report with and without a works-council group of 6 ----
const L = (de: string) => ({ de, en: de });
const choice = (name: string, codes: string[]) => ({
  name,
  type: 'radiogroup',
  title: L(name),
  ordinal: false,
  hasOther: false,
  variables: [{ key: name, question: name, measure: 'nominal' as const, label: L(name), values: codes.map((value) => ({ value, label: L(value) })) }],
});
const QUESTIONS = Array.from({ length: 8 }, (_, i) => choice(`q${i + 1}`, ['a', 'b', 'c', 'd']));
const catalogue: Catalogue = { locales: ['de', 'en'], questions: QUESTIONS };
const profile = (audience: string, include: string[], compare: string[]): Profile =>
  parseProfile({ audience, title: L(audience), intro: L('Einführung'), segments: { include, compare, labels: {} }, sections: [{ id: 's', title: L('Alles'), questions: QUESTIONS.map((q) => q.name) }] });
const sme = profile('sme', ['intermediary', 'sme'], ['sme', 'intermediary']);

/** Generated answers per link: every person answers every question. */
function study(seed: number, worksCouncil: boolean): AggregatedData {
  const rnd = seededRandom(seed);
  const links = [
    { segment: 'intermediary', label: 'Standard', n: 170 },
    { segment: 'sme', label: 'Standard', n: 120 },
    { segment: 'sme', label: 'Partner', n: 3 },
    { segment: 'works_council', label: 'nord', n: 4 },
    { segment: 'works_council', label: 'sued', n: 2 },
  ];
  const data: AggregatedData = { bases: [], counts: [], openTexts: [] };
  for (const l of links) {
    const counts = QUESTIONS.map(() => new Map<string, number>());
    for (let p = 0; p < l.n; p++) {
      for (const c of counts) {
        const code = 'abcd'[Math.min(3, Math.floor(rnd() ** 1.3 * 4))];
        c.set(code, (c.get(code) ?? 0) + 1);
      }
    }
    // the works councils answer last, so everyone else answers the same in both studies
    if (l.segment === 'works_council' && !worksCouncil) continue;
    data.bases.push({ segment: l.segment, linkLabel: l.label, n: l.n });
    counts.forEach((c, i) => {
      for (const [value, n] of c) data.counts.push({ variable: QUESTIONS[i].name, value, segment: l.segment, linkLabel: l.label, n });
    });
  }
  return data;
}

/** Every count of a report: overall and per compared segment, shown or not. */
function countsOf(questions: QuestionResult[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const q of questions) {
    out.set(`${q.name} n`, q.n);
    for (const [v, c] of Object.entries(q.counts ?? {})) out.set(`${q.name} ${v}`, c);
    for (const [g, s] of Object.entries(q.bySegment ?? {})) {
      out.set(`${q.name} ${g} n`, s.n);
      for (const [v, c] of Object.entries(s.counts)) out.set(`${q.name} ${g} ${v}`, c);
    }
  }
  return out;
}

t.test('a works-council group of 6 costs the SME report nothing; its own small cells stay hidden', async (t) => {
  for (const seed of [1, 2, 3]) {
    const questions = (data: AggregatedData, p: Profile) => buildReport({ catalogue, data, profile: p, minGroupSize: 5 }).sections.flatMap((s) => s.questions);
    const withWc = countsOf(questions(study(seed, true), sme));
    const without = countsOf(questions(study(seed, false), sme));
    const shownWithout = [...without].filter(([, f]) => typeof f === 'number');
    t.ok(shownWithout.length > 0, `seed ${seed}: the SME report without works councils shows ${shownWithout.length} counts`);
    t.same(
      shownWithout.filter(([key, f]) => withWc.get(key) !== f).map(([key]) => key),
      [],
      `seed ${seed}: every one of them is shown, unchanged, with the works councils in the survey`,
    );
    // the works councils' small cells, in the report that shows them, are hidden
    const all = buildReport({ catalogue, data: study(seed, true), profile: profile('intermediary', SEGMENTS, SEGMENTS), minGroupSize: 5 });
    const data = study(seed, true);
    for (const q of all.sections.flatMap((s) => s.questions)) {
      for (const [v, f] of Object.entries(q.bySegment?.works_council?.counts ?? {})) {
        const truth = data.counts.filter((c) => c.segment === 'works_council' && c.variable === q.name && c.value === v).reduce((a, c) => a + c.n, 0);
        if (truth > 0 && truth < 5) t.notOk(typeof f === 'number', `seed ${seed}: ${q.name} ${v} (works councils, ${truth}) is hidden`);
      }
    }
  }
});
