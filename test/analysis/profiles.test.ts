// Audience profiles as rules over the question catalogue: the built-in profiles place the demo
// survey's questions by role, a survey-specific profile may still name questions, key findings
// pick their question by role, and authors' `befund` marks limit audiences and shorten titles.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { loadProfile, loadProfiles, parseProfile, type Profile, resolveProfile } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import type { AggregatedData, CountRow } from '../../analysis/types.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import type { Catalogue } from '../../surveys/types.ts';

const L = (de: string) => ({ de, en: de });
const demo = buildCatalogue(JSON.parse(readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8')));
const shown = (p: Profile, c: Catalogue) => resolveProfile(p, c).sections.flatMap((s) => s.questions);

t.test('no built-in profile names a question', async (t) => {
  for (const [audience, p] of Object.entries(loadProfiles())) {
    t.ok(p.sections.every((s) => s.match && !s.questions && !s.match.questions), `${audience}: sections are rules`);
    t.ok(p.keyFindings.every((r) => r.role && !r.question), `${audience}: key findings pick by role`);
  }
});

t.test('the demo survey, unmarked: intermediaries see everything in survey order, the others a different selection', async (t) => {
  const all = demo.questions.map((q) => q.name);
  const intermediary = shown(loadProfile('intermediary'), demo);
  t.same([...intermediary].sort(), [...all].sort(), 'intermediary: every question once');
  t.same(resolveProfile(loadProfile('intermediary'), demo).sections[0], { id: 'wer', title: { de: 'Wer hat geantwortet?', en: 'Who answered?' }, questions: ['org_typ', 'reichweite'] });
  const sme = shown(loadProfile('sme'), demo);
  t.same(resolveProfile(loadProfile('sme'), demo).sections.map((s) => s.id), ['themen', 'wuensche', 'hemmnisse', 'praxis', 'stimmen']);
  t.ok(sme.includes('relevanz') && sme.includes('formate') && sme.includes('hemmnisse') && sme.includes('kanaele'), 'sme: topics, wishes, barriers, practice');
  t.notOk(sme.includes('org_typ') || sme.includes('reichweite') || sme.includes('beispiele'), 'sme: no methodical detail');
  const wc = shown(loadProfile('works_council'), demo);
  t.ok(wc.includes('relevanz') && wc.includes('hemmnisse') && wc.includes('anregungen'), 'works council: topics, barriers, open suggestions');
  t.not(sme.join(), wc.join());
  const rules = (a: string) => resolveProfile(loadProfile(a), demo).keyFindings.map((r) => `${r.rule}:${r.question}`);
  t.same(rules('intermediary'), ['top-rated:relevanz', 'most-chosen:kanaele', 'most-chosen:hemmnisse', 'top-ranked:formate', 'largest-difference:relevanz']);
  t.same(rules('works_council'), ['top-rated:relevanz', 'most-chosen:hemmnisse', 'top-box:zufriedenheit', 'largest-difference:relevanz'], 'top-box prefers a rating scale');
});

const catalogue: Catalogue = buildCatalogue({
  title: 'T',
  pages: [
    {
      name: 'p',
      elements: [
        { type: 'radiogroup', name: 'wer', title: 'Ihre Rolle?', choices: ['a', 'b'] },
        { type: 'rating', name: 'note', title: 'Wie zufrieden?', befund: { short: { de: 'Zufriedenheit', en: 'Satisfaction' } } },
        { type: 'checkbox', name: 'kan', title: 'Was nutzen Sie?', choices: ['x', 'y'], befund: { audiences: ['test'] } },
        { type: 'comment', name: 'txt', title: 'Anregungen', befund: { audiences: ['andere'] } },
      ],
    },
  ],
});
const base = {
  audience: 'test',
  title: L('Test'),
  intro: L('Einführung'),
  segments: { include: ['A', 'B'], compare: ['A', 'B'] },
};

t.test('named questions still work as an override, next to rule sections and rules by name', async (t) => {
  const p = parseProfile({
    ...base,
    sections: [
      { id: 'fest', title: L('Fest'), questions: ['note', 'wer'] },
      { id: 'rest', title: L('Rest'), match: { roles: ['practice', 'rating', 'segment', 'open suggestion'] } },
    ],
    keyFindings: [{ rule: 'top-box', question: 'note' }, { rule: 'most-chosen', role: 'practice' }, { rule: 'top-ranked', role: 'wish' }],
  });
  const r = resolveProfile(p, catalogue);
  t.same(
    r.sections.map((s) => [s.id, s.questions]),
    [
      ['fest', ['note', 'wer']],
      ['rest', ['kan']],
    ],
    'named order kept; txt is marked for another audience only',
  );
  t.same(r.keyFindings, [{ rule: 'top-box', question: 'note', scope: 'own' }, { rule: 'most-chosen', role: 'practice', count: 3, scope: 'own', question: 'kan' }], 'a rule whose role matches nothing is left out');
});

t.test('a question marked for this audience that no rule takes comes last, under "Weitere Fragen"', async (t) => {
  const p = parseProfile({ ...base, sections: [{ id: 'noten', title: L('Noten'), match: { types: ['rating'] } }] });
  t.same(resolveProfile(p, catalogue).sections.at(-1), { id: 'weitere', title: { de: 'Weitere Fragen', en: 'Further questions' }, questions: ['kan'] });
});

t.test('a profile section must name questions or give a rule, not both; a key finding a question or a role', async (t) => {
  t.throws(() => parseProfile({ ...base, sections: [{ id: 's', title: L('S') }] }), /genau eins von "questions"/);
  t.throws(() => parseProfile({ ...base, sections: [{ id: 's', title: L('S'), questions: ['a'], match: {} }] }), /genau eins von "questions"/);
  t.throws(() => parseProfile({ ...base, sections: [{ id: 's', title: L('S'), match: { roles: ['chef'] } }] }), /sections\.0\.match\.roles\.0/);
  t.throws(() => parseProfile({ ...base, sections: [{ id: 's', title: L('S'), match: {} }], keyFindings: [{ rule: 'top-box', question: 'a', role: 'rating' }] }), /genau eins von "question" oder "role"/);
  t.throws(() => resolveProfile(parseProfile({ ...base, sections: [{ id: 's', title: L('S'), match: { questions: ['gibtsnicht'] } }] }), catalogue), /"gibtsnicht" \(unknown question\)/);
});

const rows = (segment: string, variable: string, counts: Record<string, number>): CountRow[] => Object.entries(counts).map(([value, n]) => ({ variable, value, segment, linkLabel: 'L1', n }));
const data: AggregatedData = {
  bases: [
    { segment: 'A', linkLabel: 'L1', n: 10 },
    { segment: 'B', linkLabel: 'L1', n: 10 },
  ],
  counts: [...rows('A', 'note', { 4: 5, 5: 5 }), ...rows('B', 'note', { 1: 5, 2: 5 }), ...rows('A', 'wer', { a: 10 }), ...rows('B', 'wer', { b: 10 })],
  openTexts: [],
};

t.test('the report uses the author\'s short title and says plainly when a profile finds nothing to show', async (t) => {
  const p = parseProfile({ ...base, sections: [{ id: 'noten', title: L('Noten'), match: { roles: ['rating'] } }], keyFindings: [{ rule: 'top-box', role: 'rating' }] });
  const r = buildReport({ catalogue, data, profile: p, minGroupSize: 5 });
  const q = r.sections[0].questions.find((x) => x.name === 'note');
  t.same(q?.title, { de: 'Zufriedenheit', en: 'Satisfaction' });
  t.same(r.summary.map((k) => k.questions), [['note']]);
  t.match(r.summary[0].text.de, /„Zufriedenheit“ \(Antworten der A und B zusammengenommen\): 50\s%\s?antworten in den oberen zwei Stufen/);
  const none = parseProfile({ ...base, audience: 'leer', sections: [{ id: 'x', title: L('X'), match: { roles: ['barrier'] } }] });
  t.throws(() => buildReport({ catalogue, data, profile: none, minGroupSize: 5 }), new ReportError('Das Profil "leer" findet in dieser Umfrage keine Frage, die es zeigen könnte.', 422));
});
