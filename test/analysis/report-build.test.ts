// buildReport on tiny inline catalogues and counts: exact numbers, comparisons, key findings,
// profile validation, and small-group protection that survives filtering (differencing attack).
import t from 'tap';
import { loadProfile, parseProfile, type Profile, UnknownAudienceError, validateProfile } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import { filterAggregates } from '../../analysis/report/filters.ts';
import type { QuestionResult, ReportModel } from '../../analysis/report/model.ts';
import { chiSquare, cramersV, wilson } from '../../analysis/stats/index.ts';
import type { AggregatedData, CountRow } from '../../analysis/types.ts';
import type { Catalogue } from '../../surveys/types.ts';

const L = (de: string) => ({ de, en: de });
const catalogue: Catalogue = {
  locales: ['de', 'en'],
  questions: [
    { name: 'farbe', type: 'radiogroup', title: L('Farbe'), ordinal: false, hasOther: false, choices: [{ value: 'a', label: L('A') }, { value: 'b', label: L('B') }], variables: [{ key: 'farbe', question: 'farbe', measure: 'nominal', label: L('Farbe'), values: [{ value: 'a', label: L('A') }, { value: 'b', label: L('B') }] }] },
    { name: 'note', type: 'rating', title: L('Note'), ordinal: true, hasOther: false, variables: [{ key: 'note', question: 'note', measure: 'ordinal', label: L('Note'), values: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: L(String(v)) })) }] },
    { name: 'kan', type: 'checkbox', title: L('Kanäle'), ordinal: false, hasOther: false, choices: [{ value: 'x', label: L('X') }, { value: 'y', label: L('Y') }], variables: ['x', 'y'].map((c) => ({ key: `kan.${c}`, question: 'kan', measure: 'binary' as const, label: L(c), values: [{ value: 0, label: L('0') }, { value: 1, label: L('1') }] })) },
    { name: 'txt', type: 'comment', title: L('Anregungen'), ordinal: false, hasOther: false, variables: [{ key: 'txt', question: 'txt', measure: 'text', label: L('Anregungen') }] },
  ],
};

const profile: Profile = parseProfile({
  audience: 'test',
  title: L('Test'),
  intro: L('Einführung'),
  segments: { include: ['A', 'B'], compare: ['A', 'B'], labels: { A: L('Gruppe A'), B: L('Gruppe B') } },
  sections: [{ id: 's', title: L('Alles'), questions: ['farbe', 'note', 'kan', 'txt'] }],
  keyFindings: [
    { rule: 'most-chosen', question: 'kan', count: 1 },
    { rule: 'top-box', question: 'note' },
  ],
});

function rows(segment: string, linkLabel: string | null, variable: string, counts: Record<string, number>): CountRow[] {
  return Object.entries(counts).map(([value, n]) => ({ variable, value, segment, linkLabel, n }));
}
const data: AggregatedData = {
  bases: [
    { segment: 'A', linkLabel: 'L1', n: 12 },
    { segment: 'B', linkLabel: 'L1', n: 12 },
  ],
  counts: [
    ...rows('A', 'L1', 'farbe', { a: 6, b: 5 }),
    ...rows('B', 'L1', 'farbe', { a: 5, b: 7 }),
    ...rows('A', 'L1', 'note', { 4: 5, 5: 5 }),
    ...rows('B', 'L1', 'note', { 1: 5, 2: 5 }),
    ...rows('A', 'L1', 'kan.x', { 1: 6, 0: 6 }),
    ...rows('A', 'L1', 'kan.y', { 1: 5, 0: 7 }),
    ...rows('B', 'L1', 'kan.x', { 1: 7, 0: 5 }),
    ...rows('B', 'L1', 'kan.y', { 0: 12 }),
  ],
  openTexts: [
    ...['eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs'].map((text) => ({ variable: 'txt', text, segment: 'A', linkLabel: 'L1' })),
    ...['sieben', 'acht'].map((text) => ({ variable: 'txt', text, segment: 'B', linkLabel: 'L1' })),
  ],
};

const question = (r: ReportModel, name: string) => r.sections.flatMap((s) => s.questions).find((q) => q.name === name) as QuestionResult;

t.test('single choice: counts, percent of valid answers, Wilson interval, no answer, chi-square in words', async (t) => {
  const r = buildReport({ catalogue, data, profile, minGroupSize: 5 });
  t.same(r.responses, { total: 24, bySegment: { A: 12, B: 12 } });
  const q = question(r, 'farbe');
  t.equal(q.kind, 'single');
  t.equal(q.n, 23);
  t.equal(q.base, 24);
  t.equal(q.noAnswer, 1);
  t.same(q.counts, { a: 11, b: 12 });
  t.equal(q.options?.[0].percent, (100 * 11) / 23);
  const w = wilson(11, 23);
  t.same(q.options?.[0].interval, { lower: w?.lower, upper: w?.upper });
  t.same(q.bySegment, { A: { n: 11, counts: { a: 6, b: 5 } }, B: { n: 12, counts: { a: 5, b: 7 } } });
  const chi = chiSquare([
    [6, 5],
    [5, 7],
  ]);
  t.equal(q.test?.name, 'chi-square');
  t.equal(q.test?.statistic, chi?.statistic);
  t.equal(q.test?.df, 1);
  t.equal(q.test?.effect, cramersV(chi as NonNullable<typeof chi>));
  t.match(q.test?.text?.de, /^Die Unterschiede sind (sehr klein|klein) \(Cramérs V = 0,\d\d\) und statistisch nicht gesichert \(p = 0,\d\d\)\.$/);
  t.match(q.test?.text?.en, /not statistically significant \(p = 0\.\d\d\)/);
});

t.test('ordinal: median, mean, SD, top-2-box; two groups compared with Mann-Whitney', async (t) => {
  const q = question(buildReport({ catalogue, data, profile, minGroupSize: 5 }), 'note');
  t.equal(q.kind, 'ordinal');
  t.equal(q.n, 20);
  t.same(q.counts, { 1: 5, 2: 5, 3: 0, 4: 5, 5: 5 });
  t.match(q.ordinal, { median: 3, mean: 3, top2Share: 0.5, top2Codes: ['5', '4'] });
  // SD of 1,1,1,1,1,2,2,2,2,2,4,4,4,4,4,5,5,5,5,5 (n − 1)
  t.ok(Math.abs((q.ordinal as { sd: number }).sd - Math.sqrt(50 / 19)) < 1e-12);
  t.equal(q.test?.name, 'mann-whitney');
  t.ok((q.test?.p ?? 1) < 0.05);
  t.match(q.test?.text?.de, /statistisch gesichert \(p [<=] 0,\d+; Normalapproximation\)/);
});

t.test('multiple choice: share of respondents choosing, note that shares do not sum to 100 %, key findings from data', async (t) => {
  const r = buildReport({ catalogue, data, profile, minGroupSize: 5 });
  const q = question(r, 'kan');
  t.equal(q.kind, 'multiple');
  t.equal(q.n, 24);
  t.same(q.counts, { x: 13, y: 5 });
  t.equal(q.options?.[1].percent, (100 * 5) / 24);
  t.match(q.notes?.[0].de, /nicht 100/);
  t.same(q.bySegment?.B, { n: 12, counts: { x: 7, y: 0 } });
  t.equal(r.summary[0].rule, 'most-chosen');
  t.match(r.summary[0].text.de, /X \(54\s%\)/);
  t.match(r.summary[1].text.de, /50\s% antworten in den oberen zwei Stufen/);
});

t.test('open texts: verbatim, shuffled with a fixed seed; hidden under the size rule', async (t) => {
  const a = question(buildReport({ catalogue, data, profile, minGroupSize: 5 }), 'txt');
  const b = question(buildReport({ catalogue, data, profile, minGroupSize: 5 }), 'txt');
  t.equal(a.n, 8);
  t.same([...(a.texts as string[])].sort(), ['acht', 'drei', 'eins', 'fünf', 'sechs', 'sieben', 'vier', 'zwei']);
  t.same(a.texts, b.texts);
  const few = question(buildReport({ catalogue, data, profile, minGroupSize: 9 }), 'txt');
  t.same(few.texts, { suppressed: true, reason: 'small-group' });
  t.equal(few.suppressed, true);
});

t.test('the same input gives the same JSON bytes', async (t) => {
  t.equal(JSON.stringify(buildReport({ catalogue, data, profile })), JSON.stringify(buildReport({ catalogue, data: structuredClone(data), profile })));
});

t.test('a profile naming an unknown question is rejected with the name; unknown rules and audiences fail loudly', async (t) => {
  const bad = parseProfile({ ...profile, sections: [{ id: 's', title: L('x'), questions: ['farbe', 'gibtsnicht'] }] });
  t.throws(() => validateProfile(bad, catalogue), /"gibtsnicht"/);
  t.throws(() => buildReport({ catalogue, data, profile: bad }), /"gibtsnicht"/);
  t.throws(() => parseProfile({ ...profile, keyFindings: [{ rule: 'bauchgefuehl', question: 'farbe' }] }), /unbekannte Regel "bauchgefuehl"/);
  t.throws(() => loadProfile('chef'), UnknownAudienceError);
  t.throws(() => loadProfile('chef'), /intermediary, sme, works_council/);
});

t.test('no complete responses: a clear ReportError', async (t) => {
  t.throws(() => buildReport({ catalogue, data: { bases: [], counts: [], openTexts: [] }, profile }), ReportError);
});

// ---- differencing through filters ----
const attackData: AggregatedData = {
  bases: [...data.bases, { segment: 'A', linkLabel: 'klein', n: 6 }],
  counts: [...data.counts, ...rows('A', 'klein', 'farbe', { a: 1, b: 5 }), ...rows('A', 'klein', 'note', { 5: 6 }), ...rows('A', 'klein', 'kan.x', { 1: 2, 0: 4 }), ...rows('A', 'klein', 'kan.y', { 1: 6 })],
  openTexts: [...data.openTexts, { variable: 'txt', text: 'geheim', segment: 'A', linkLabel: 'klein' }],
};

function figures(r: ReportModel): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const put = (key: string, f: unknown) => out.set(key, typeof f === 'number' ? f : null);
  for (const q of r.sections.flatMap((s) => s.questions)) {
    put(`${q.name}/n`, q.n);
    for (const [v, f] of Object.entries(q.counts ?? {})) put(`${q.name}/${v}`, f);
    for (const [g, s] of Object.entries(q.bySegment ?? {})) {
      put(`${q.name}/${g}/n`, s.n);
      for (const [v, f] of Object.entries(s.counts)) put(`${q.name}/${g}/${v}`, f);
    }
  }
  return out;
}

t.test('differencing attack: "all" minus "all but one link label" recovers no small figure', async (t) => {
  // a survey whose profile opens the label filter to share keys: both labels are published
  const audiences = [{ include: profile.segments.include, compare: profile.segments.compare, filters: ['segment', 'label'] }];
  const all = buildReport({ catalogue, data: attackData, profile, minGroupSize: 5, audiences });
  const filtered = buildReport({ catalogue, data: attackData, profile, minGroupSize: 5, filters: { linkLabels: ['L1'] }, audiences });
  // pre-filtered data must give no other answer: the filter is applied against the whole survey
  t.ok(filterAggregates(attackData, { linkLabels: ['L1'] }).counts.every((c) => c.linkLabel === 'L1'));
  const a = figures(all);
  const f = figures(filtered);
  let compared = 0;
  for (const [key, x] of a) {
    const y = f.get(key);
    if (typeof x !== 'number' || typeof y !== 'number') continue;
    compared++;
    const recovered = x - y;
    t.notOk(recovered > 0 && recovered < 5, `${key}: ${x} − ${y} = ${recovered} would reveal a small cell`);
  }
  t.ok(compared > 0, 'some figures are shown in both reports');
  // the one text of the small link is not singled out: the filtered list is hidden or the same size class
  const txtAll = question(all, 'txt').texts;
  const txtFiltered = question(filtered, 'txt').texts;
  t.notOk(Array.isArray(txtAll) && Array.isArray(txtFiltered) && txtAll.length - txtFiltered.length === 1, 'the difference of the text lists would single out one text');
  // where no profile opens the label filter, the label is not published: the filtered report is
  // refused or shows only figures that follow from the unfiltered ones
  let closed: ReportModel | null = null;
  try {
    closed = buildReport({ catalogue, data: attackData, profile, minGroupSize: 5, filters: { linkLabels: ['L1'] } });
  } catch (err) {
    t.ok(err instanceof ReportError, 'refused with a ReportError');
  }
  for (const [key, y] of closed ? figures(closed) : []) {
    const x = a.get(key);
    if (typeof x === 'number' && typeof y === 'number') t.notOk(x - y > 0 && x - y < 5, `without the label filter, ${key}: ${x} − ${y} reveals nothing`);
  }
});

t.test('a filter that leaves out a link with fewer than minGroupSize responses is refused', async (t) => {
  const tiny: AggregatedData = { ...data, bases: [...data.bases, { segment: 'A', linkLabel: 'winzig', n: 2 }], counts: [...data.counts, ...rows('A', 'winzig', 'farbe', { a: 2 })] };
  t.throws(() => buildReport({ catalogue, data: tiny, profile, filters: { linkLabels: ['L1'] } }), { name: 'ReportError', status: 422 });
  const unfiltered = buildReport({ catalogue, data: tiny, profile });
  t.equal(unfiltered.responses.total, 26);
});
