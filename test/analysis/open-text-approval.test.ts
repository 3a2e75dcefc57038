// Open texts of a shared report (issue 11, part 5): rows carry `approved` for a share-key reader.
// Only approved texts are listed, with a sentence saying so (or that none is approved yet); the
// small-group protection counts every text, approved or not, so approving never opens a list
// the protection hides, and a researcher's rows (no `approved`) list every text as before.
import t from 'tap';
import { parseProfile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import type { QuestionResult } from '../../analysis/report/model.ts';
import type { AggregatedData, OpenTextRow } from '../../analysis/types.ts';
import type { Catalogue } from '../../surveys/types.ts';

const L = (de: string) => ({ de, en: de });
const catalogue: Catalogue = {
  locales: ['de', 'en'],
  questions: [{ name: 'anregungen', type: 'comment', title: L('Anregungen'), ordinal: false, hasOther: false, variables: [{ key: 'anregungen', question: 'anregungen', measure: 'text', label: L('Anregungen') }] }],
};
const profile = parseProfile({
  audience: 'sme',
  title: L('KMU'),
  intro: L('Einführung'),
  segments: { include: ['sme'], compare: [], labels: {} },
  sections: [{ id: 'stimmen', title: L('Stimmen'), questions: ['anregungen'] }],
});

function texts(n: number, approved?: (i: number) => boolean): OpenTextRow[] {
  return Array.from({ length: n }, (_, i) => ({ variable: 'anregungen', text: `Vorschlag ${i + 1}`, segment: 'sme', linkLabel: 'A', ...(approved ? { approved: approved(i) } : {}) }));
}
function question(openTexts: OpenTextRow[]): QuestionResult {
  const data: AggregatedData = { bases: [{ segment: 'sme', linkLabel: 'A', n: 12 }], counts: [], openTexts };
  const report = buildReport({ catalogue, data, profile, minGroupSize: 5 });
  return report.sections[0].questions[0];
}

t.test('without approvals (a researcher) every text is listed, with no note', async (t) => {
  const q = question(texts(6));
  t.same([...(q.texts as string[])].sort(), texts(6).map((x) => x.text).sort());
  t.notOk(q.notes, 'no approval note');
});

t.test('a reader sees only approved texts, and a sentence saying so', async (t) => {
  const q = question(texts(6, (i) => i === 2 || i === 4));
  t.same([...(q.texts as string[])].sort(), ['Vorschlag 3', 'Vorschlag 5']);
  t.equal(q.n, 6, 'the count is that of every text, as before');
  t.match(q.notes?.[0], { de: 'Gezeigt werden nur Antworten, die das Forschungsteam freigegeben hat.', en: 'Only answers the research team has approved are shown.' });
});

t.test('without any approval a reader sees none, and is told why', async (t) => {
  const q = question(texts(6, () => false));
  t.same(q.texts, []);
  t.match(q.notes?.[0]?.de, /erst, wenn das Forschungsteam sie freigegeben hat; bisher ist keine freigegeben/);
  t.notOk(JSON.stringify(q).includes('Vorschlag'), 'no text in the model');
});

t.test('approval never opens a list the small-group protection hides', async (t) => {
  const q = question(texts(4, () => true));
  t.notOk(Array.isArray(q.texts), 'four texts, all approved, k = 5: hidden');
  t.notOk(JSON.stringify(q).includes('Vorschlag'), 'no text in the model');
  t.notOk(q.notes, 'and no approval note beside a hidden list');
});
