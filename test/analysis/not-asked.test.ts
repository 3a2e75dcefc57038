// "Ohne Antwort" leaves out respondents who were never asked: a report counts "nicht gefragt"
// (the `_skip` counts, one per respondent a condition never showed the question to) apart from
// "ohne Antwort", protects it like every count, and the table and chart say both.
import t from 'tap';
import { baseLine } from '../../analysis/charts/common.ts';
import { chartsFor } from '../../analysis/charts/index.ts';
import { NOT_ASKED_VARIABLE } from '../../analysis/extract.ts';
import { parseProfile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import type { QuestionResult } from '../../analysis/report/model.ts';
import type { AggregatedData, CountRow } from '../../analysis/types.ts';
import type { Catalogue } from '../../surveys/types.ts';

const L = (de: string, en = de) => ({ de, en });
const pflegeVariable = { key: 'pflege', question: 'pflege', measure: 'nominal' as const, label: L('Pflege'), values: [{ value: 'ja', label: L('ja') }, { value: 'nein', label: L('nein') }] };
const catalogue: Catalogue = {
  locales: ['de', 'en'],
  questions: [
    { name: 'pflege', type: 'radiogroup', title: L('Pflege'), ordinal: false, hasOther: false, choices: [{ value: 'ja', label: L('ja') }, { value: 'nein', label: L('nein') }], variables: [{ key: 'pflege', question: 'pflege', measure: 'nominal', label: L('Pflege'), values: [{ value: 'ja', label: L('ja') }, { value: 'nein', label: L('nein') }] }] },
    { name: 'note', type: 'rating', title: L('Vereinbarkeit'), ordinal: true, hasOther: false, shownIf: [pflegeVariable], variables: [{ key: 'note', question: 'note', measure: 'ordinal', label: L('Vereinbarkeit'), values: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: L(String(v)) })) }] },
  ],
};
const profile = parseProfile({
  audience: 'test',
  title: L('Test'),
  intro: L('Einführung'),
  segments: { include: ['A'], compare: [] },
  sections: [{ id: 's', title: L('Alles'), questions: ['pflege', 'note'] }],
  keyFindings: [],
});
const rows = (variable: string, counts: Record<string, number>, segment = 'A'): CountRow[] =>
  Object.entries(counts).map(([value, n]) => ({ variable, value, segment, linkLabel: null, n }));

function report(skipped: number, pflege: Record<string, number> = { ja: 30, nein: 10 }, cat: Catalogue = catalogue) {
  // 40 respondents: 30 care for someone (asked about it), of whom 22 answered; 10 were not asked
  const data: AggregatedData = {
    bases: [{ segment: 'A', linkLabel: null, n: 40 }],
    counts: [...rows('pflege', pflege), ...rows('note', { 2: 6, 4: 8, 5: 8 }), ...(skipped ? rows(NOT_ASKED_VARIABLE, { note: skipped }) : [])],
    openTexts: [],
  };
  const r = buildReport({ catalogue: cat, data, profile, minGroupSize: 5 });
  return (name: string) => r.sections.flatMap((s) => s.questions).find((q) => q.name === name) as QuestionResult;
}

t.test('"ohne Antwort" counts only those who were asked; "nicht gefragt" stands apart', async (t) => {
  const q = report(10)('note');
  t.equal(q.base, 40);
  t.equal(q.n, 22);
  t.equal(q.notAsked, 10, 'the 10 without care were never asked');
  t.equal(q.noAnswer, 8, '30 asked − 22 answers');
  t.equal(report(10)('pflege').notAsked, undefined, 'an unconditional question has no "nicht gefragt"');
});

t.test('counts made before "nicht gefragt" was counted read as before', async (t) => {
  const q = report(0)('note');
  t.equal(q.noAnswer, 18);
  t.equal(q.notAsked, undefined);
});

t.test('a small "nicht gefragt" is hidden, and "ohne Antwort" with it (it would give it away)', async (t) => {
  const q = report(3)('note');
  t.same(q.notAsked, { suppressed: true, reason: 'small-cell' });
  t.same(q.noAnswer, q.notAsked);
});

t.test('a "nicht gefragt" that would reveal a hidden cell of the filter question is hidden', async (t) => {
  // 3 said "nein" (hidden: fewer than 5) and 7 gave no answer to pflege: not asked = 3 + 7 = 10,
  // and pflege's own "ohne Antwort" (7) is shown, so 10 would give the hidden 3 away
  const q = report(10, { ja: 30, nein: 3 })('note');
  t.same(report(10, { ja: 30, nein: 3 })('pflege').counts?.nein, { suppressed: true, reason: 'small-cell' }, 'the filter cell is hidden');
  t.same(q.notAsked, { suppressed: true, reason: 'complementary' });
  t.same(q.noAnswer, q.notAsked, '"ohne Antwort" with it');
});

t.test('a condition on something no report counts (a calculated value) keeps the count hidden', async (t) => {
  const cat = structuredClone(catalogue);
  cat.questions[1].shownIf = [{ key: '?summe', question: 'summe', measure: 'text', label: L('summe') }];
  t.same(report(10, undefined, cat)('note').notAsked, { suppressed: true, reason: 'complementary' });
});

t.test('a catalogue from before conditions were recorded reads "ohne Antwort" as base − n, as before', async (t) => {
  const cat = structuredClone(catalogue);
  delete cat.questions[1].shownIf;
  const q = report(10, undefined, cat)('note');
  t.equal(q.noAnswer, 18);
  t.equal(q.notAsked, undefined);
});

t.test('the chart’s base line names both', async (t) => {
  const q = report(10)('note');
  const de = { locale: 'de' as const, notice: L('weniger als 5 Antworten') };
  t.equal(baseLine(q, de), 'n = 22 gültige Antworten (8 ohne Antwort, 10 nicht gefragt)');
  t.equal(baseLine(q, { locale: 'en', notice: L('fewer than 5 answers') }), 'n = 22 valid answers (8 no answer, 10 not asked)');
  t.match(JSON.stringify(chartsFor(q, de)), /8 ohne Antwort, 10 nicht gefragt/, 'the chart carries it');
});
