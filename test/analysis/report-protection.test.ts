// Small-group protection across the three audience reports (and filtered reports) at once:
// every figure any of them shows is pooled, and exact linear algebra tries to recover any hidden
// figure or any small count. Also: a small cell costs at most a rectangle of four figures in any
// report, not whole rows, and every segment keeps its n.
import t from 'tap';
import { parseProfile, type Profile } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import { passes, type ReportFilters } from '../../analysis/report/filters.ts';
import type { QuestionResult, ReportModel } from '../../analysis/report/model.ts';
import type { AggregatedData, CountRow } from '../../analysis/types.ts';
import type { Catalogue } from '../../surveys/types.ts';

const L = (de: string) => ({ de, en: de });
const scale = [1, 2, 3, 4, 5].map((v) => ({ value: v, label: L(String(v)) }));
const rating = (name: string) => ({
  name,
  type: 'rating',
  title: L(name),
  ordinal: true,
  hasOther: false,
  variables: [{ key: name, question: name, measure: 'ordinal' as const, label: L(name), values: scale }],
});
const catalogue: Catalogue = { locales: ['de', 'en'], questions: [rating('sicherheit'), rating('klima'), rating('lksg')] };

// the same segments as the registered audience profiles, so their scopes are the published ones
const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const profile = (audience: string, include: string[]): Profile =>
  parseProfile({
    audience,
    title: L(audience),
    intro: L('Einführung'),
    segments: { include, compare: include, labels: {} },
    sections: [{ id: 's', title: L('Alles'), questions: ['sicherheit', 'klima', 'lksg'] }],
  });
const profiles = [profile('intermediary', SEGMENTS), profile('sme', ['intermediary', 'sme']), profile('works_council', ['works_council', 'sme'])];
// as a survey whose profiles open the label filter to share keys: the labels offered are published
const audiences = profiles.map((p) => ({ include: p.segments.include, compare: p.segments.compare, filters: ['segment', 'label'] }));

// links (units): segment × label; the demo's relevance counts, split over two SME links
const links: { segment: string; label: string; counts: Record<string, Record<string, number>> }[] = [
  {
    segment: 'intermediary',
    label: 'Standard',
    counts: { sicherheit: { 1: 9, 2: 19, 3: 34, 4: 34, 5: 42 }, klima: { 1: 6, 2: 19, 3: 32, 4: 34, 5: 47 }, lksg: { 1: 3, 2: 19, 3: 32, 4: 33, 5: 51 } },
  },
  {
    segment: 'sme',
    label: 'Standard',
    counts: { sicherheit: { 1: 16, 2: 15, 3: 6, 4: 7, 5: 2 }, klima: { 1: 14, 2: 10, 3: 12, 4: 6, 5: 4 }, lksg: { 1: 15, 2: 9, 3: 11, 4: 5, 5: 4 } },
  },
  {
    segment: 'sme',
    label: 'IHK',
    counts: { sicherheit: { 1: 12, 2: 12, 3: 6, 4: 6, 5: 1 }, klima: { 1: 12, 2: 9, 3: 8, 4: 5, 5: 3 }, lksg: { 1: 12, 2: 9, 3: 10, 4: 5, 5: 3 } },
  },
  {
    segment: 'works_council',
    label: 'Standard',
    counts: { sicherheit: { 1: 8, 2: 8, 3: 7, 4: 6, 5: 9 }, klima: { 1: 9, 2: 10, 3: 7, 4: 4, 5: 8 }, lksg: { 1: 5, 2: 11, 3: 5, 4: 5, 5: 12 } },
  },
];
const rows = (segment: string, linkLabel: string, variable: string, counts: Record<string, number>): CountRow[] =>
  Object.entries(counts).map(([value, n]) => ({ variable, value, segment, linkLabel, n }));
const data: AggregatedData = {
  bases: links.map((l) => ({ segment: l.segment, linkLabel: l.label, n: Object.values(l.counts.sicherheit).reduce((a, b) => a + b, 0) })),
  counts: links.flatMap((l) => Object.entries(l.counts).flatMap(([variable, c]) => rows(l.segment, l.label, variable, c))),
  openTexts: [],
};

type Pub = { name: string; vec: number[]; shown: number | null; truth: number };
const VALUES = ['1', '2', '3', '4', '5'];
const atomsOf = (variable: string) => links.flatMap((_, u) => VALUES.map((v) => `${variable}|${u}|${v}`));
const ALL_ATOMS = catalogue.questions.flatMap((q) => atomsOf(q.name));

/** Every count and n a report shows or hides, with the atoms (variable, link, value) it adds up. */
function published(report: ReportModel, label: string, include: string[], filters: ReportFilters): Pub[] {
  const out: Pub[] = [];
  const units = (segments: string[]) => links.map((l, u) => ({ l, u })).filter(({ l }) => segments.includes(l.segment) && passes(filters, l.segment, l.label));
  const put = (name: string, variable: string, segments: string[], values: string[], f: unknown) => {
    const inside = new Set(units(segments).flatMap(({ u }) => values.map((v) => `${variable}|${u}|${v}`)));
    const truth = units(segments).reduce((s, { l }) => s + values.reduce((a, v) => a + (l.counts[variable][v] ?? 0), 0), 0);
    out.push({ name: `${label}: ${name}`, vec: ALL_ATOMS.map((a) => (inside.has(a) ? 1 : 0)), shown: typeof f === 'number' ? f : null, truth });
  };
  for (const q of report.sections.flatMap((s) => s.questions) as QuestionResult[]) {
    put(`${q.name} n`, q.name, include, VALUES, q.n);
    for (const v of VALUES) put(`${q.name} ${v}`, q.name, include, [v], q.counts?.[v]);
    for (const [g, s] of Object.entries(q.bySegment ?? {})) {
      put(`${q.name} ${g} n`, q.name, [g], VALUES, s.n);
      for (const v of VALUES) put(`${q.name} ${g} ${v}`, q.name, [g], [v], s.counts[v]);
    }
  }
  return out;
}

/** Exact rank over the rationals (fraction-free elimination on BigInt). */
function rank(rows: bigint[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  for (let c = 0; c < (m[0]?.length ?? 0) && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p], m[r]];
    for (let i = 0; i < m.length; i++) {
      if (i !== r && m[i][c] !== 0n) {
        const f = m[i][c];
        const g = m[r][c];
        m[i] = m[i].map((x, j) => x * g - m[r][j] * f);
      }
    }
    r += 1;
  }
  return r;
}

const reportsToAttack: { profile: Profile; filters: ReportFilters }[] = [
  ...profiles.map((p) => ({ profile: p, filters: {} })),
  { profile: profiles[0], filters: { segments: ['intermediary', 'works_council'] } },
  { profile: profiles[0], filters: { segments: ['sme'] } },
  { profile: profiles[1], filters: { linkLabels: ['Standard'] } },
  { profile: profiles[2], filters: { linkLabels: ['IHK'] } },
];

t.test('across the three audience reports and filtered ones, no hidden figure and no small count is a combination of shown figures', async (t) => {
  const pubs: Pub[] = [];
  for (const { profile: p, filters } of reportsToAttack) {
    let report: ReportModel;
    try {
      report = buildReport({ catalogue, data, profile: p, minGroupSize: 5, filters, audiences });
    } catch (err) {
      if (err instanceof ReportError) continue; // a refused filter shows nothing
      throw err;
    }
    pubs.push(...published(report, `${p.audience} ${JSON.stringify(filters)}`, p.segments.include, filters));
  }
  for (const f of pubs) if (f.shown !== null) t.equal(f.shown, f.truth, `${f.name} is shown unchanged`);
  const shown = pubs.filter((f) => f.shown !== null).map((f) => f.vec.map(BigInt));
  const base = rank(shown);
  const recoverable = (vec: number[]) => rank([...shown, vec.map(BigInt)]) === base;
  const hidden = pubs.filter((f) => f.shown === null && f.vec.some((x) => x !== 0));
  t.ok(hidden.length > 0, `${hidden.length} figures are hidden`);
  t.same(
    hidden.filter((f) => recoverable(f.vec)).map((f) => f.name),
    [],
    'no hidden figure is recoverable',
  );
  // every small count in any union of links: single links, segments, labels
  const small: string[] = [];
  for (const variable of catalogue.questions.map((q) => q.name)) {
    for (const v of VALUES) {
      for (let mask = 1; mask < 1 << links.length; mask++) {
        const us = links.map((_, u) => u).filter((u) => mask & (1 << u));
        const truth = us.reduce((s, u) => s + (links[u].counts[variable][v] ?? 0), 0);
        if (truth > 0 && truth < 5) {
          const inside = new Set(us.map((u) => `${variable}|${u}|${v}`));
          if (recoverable(ALL_ATOMS.map((a) => (inside.has(a) ? 1 : 0)))) small.push(`${variable} ${v} links ${us.join('+')} = ${truth}`);
        }
      }
    }
  }
  t.same(small, [], 'no small count of any set of links is recoverable');
});

t.test('a small cell costs at most a rectangle (four hidden figures) in any report; every segment keeps its n', async (t) => {
  const hiddenAs = (f: unknown, reason: string) => typeof f === 'object' && f !== null && (f as { reason?: string }).reason === reason;
  let small = 0;
  for (const p of profiles) {
    const report = buildReport({ catalogue, data, profile: p, minGroupSize: 5, audiences });
    for (const q of report.sections.flatMap((s) => s.questions)) {
      t.type(q.n, 'number', `${p.audience} ${q.name}: the overall n is shown`);
      const rowsOf = [q.counts ?? {}, ...Object.values(q.bySegment ?? {}).map((s) => s.counts)];
      for (const s of Object.values(q.bySegment ?? {})) t.type(s.n, 'number', `${p.audience} ${q.name}: every segment keeps its n`);
      const primary = rowsOf.flatMap((r) => Object.values(r)).filter((c) => hiddenAs(c, 'small-cell')).length;
      const complementary = rowsOf.flatMap((r) => Object.values(r)).filter((c) => hiddenAs(c, 'complementary')).length;
      small += primary;
      // each question has one small segment cell in the data: a rectangle at most, in every report
      t.ok(complementary <= 4, `${p.audience} ${q.name}: ${complementary} figures hidden besides ${primary} small cell(s)`);
    }
  }
  // the data have one small segment cell per question (sme/5 = 3, works_council/4 = 4, intermediary/1 = 3)
  t.ok(small > 0, `the reports show ${small} small cells as such`);
});
