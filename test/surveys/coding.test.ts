// The coding comparison of two versions (surveys/coding.ts) on generated pairs of definitions:
// test/surveys/generate/versions.ts changes the codes of some questions (choices added, dropped,
// renamed; scales widened; booleans recoded; types swapped) and only the wording of others. The
// linter must warn about exactly the recoded questions, naming each, and the split keys must
// send exactly those to `q@v2` (except an unordered question that only gained a choice: its old
// codes keep their meaning, it is warned about and still pooled), and back to the plain key when
// a later version returns to the first coding. Bigger run: CODING_SEEDS=300 npx tap test/surveys/coding.test.ts
import t from 'tap';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { codingChanges, codingSplits, describeCodes, lintCodingChanges } from '../../surveys/coding.ts';
import { lintSurvey } from '../../surveys/lint.ts';
import { type Profile, randomSurvey } from './generate/definitions.ts';
import { nextVersion } from './generate/versions.ts';

const SEEDS = Number(process.env.CODING_SEEDS) || 40;
const PROFILES: Profile[] = ['simple', 'any'];
const sorted = (xs: Iterable<string>) => [...xs].sort();

t.test('generated pairs: exactly the recoded questions warn, reworded and untouched ones do not', async (t) => {
  let recodedTotal = 0;
  let rewordedTotal = 0;
  let extendedTotal = 0;
  const kinds = new Set<string>();
  for (const profile of PROFILES) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const v1 = randomSurvey(seed, profile);
      const { json: v2, recoded, reworded } = nextVersion(v1, seed * 7919);
      const errors = lintSurvey(v2);
      if (errors.length > 0) {
        t.same(errors, [], `${profile} ${seed}: the next version is a valid definition`);
        continue;
      }
      const before = buildCatalogue(v1);
      const after = buildCatalogue(v2);
      const warnings = lintCodingChanges(before, after, 1);
      t.same(sorted(warnings.map((w) => w.element)), sorted(recoded.keys()), `${profile} ${seed}: warned about ${[...recoded].map(([q, op]) => `${q} (${op})`).join(', ') || 'nothing'}`);
      // only choices added to an unordered question (text codes, checkboxes) keep the old codes' meaning
      const unordered = (name: string) => before.questions.find((q) => q.name === name)?.variables.every((v) => ['nominal', 'binary', 'text'].includes(v.measure));
      const extended = new Set([...recoded].filter(([q, op]) => op.startsWith('add') && unordered(q)).map(([q]) => q));
      for (const w of warnings) {
        t.equal(w.severity, 'warning', 'a warning, not an error: the import goes ahead');
        if (extended.has(w.element)) {
          t.match(w.message, /^Diese Frage hat gegenüber Fassung 1 neue Antwortmöglichkeiten \(.+\)\. Die bisherigen Codes bleiben gleich/, `${w.element}: new choices, pooled`);
          t.match(w.en, /^This question has new answer options since version 1 \(.+\)\./);
        } else {
          t.match(w.message, /^Die Kodierung dieser Frage hat sich gegenüber Fassung 1 geändert \(.+\)\./, `${w.element}: German sentence saying what changed`);
          t.match(w.en, /^The coding of this question changed since version 1 \(.+\)\./, 'English sentence too');
        }
      }
      // the same definition, or one reworded only, never warns
      t.same(lintCodingChanges(before, buildCatalogue(structuredClone(v1)), 1), [], 'an identical copy does not warn');
      const splits = codingSplits([{ version: 1, catalogue: before }], after, 2);
      t.same(sorted(Object.keys(splits)), sorted([...recoded.keys()].filter((q) => !extended.has(q))), 'the recoded questions count under their own key');
      extendedTotal += extended.size;
      for (const [q, key] of Object.entries(splits)) t.equal(key, `${q}@v2`);
      // version 3 returns to the first coding: plain keys again, and nothing from version 2 leaks
      const v3 = buildCatalogue(v1);
      t.same(codingSplits([{ version: 1, catalogue: before }, { version: 2, catalogue: { ...after, splits } }], v3, 3), {}, 'back to the first coding: plain keys');
      // version 3 keeps the second coding: it shares version 2's key
      const again = codingSplits([{ version: 2, catalogue: after }, { version: 1, catalogue: before }], buildCatalogue(v2), 3);
      t.same(again, splits, 'the second coding keeps the key of the first version that had it');
      recodedTotal += recoded.size;
      rewordedTotal += reworded.length;
      for (const op of recoded.values()) kinds.add(op.split(' ')[0]);
    }
  }
  t.ok(recodedTotal > SEEDS, `many recoded questions were checked (${recodedTotal})`);
  t.ok(rewordedTotal > SEEDS, `many reworded questions were checked (${rewordedTotal})`);
  t.ok(extendedTotal > 5, `unordered questions with a new choice were among them (${extendedTotal})`);
  for (const k of ['add', 'drop', 'rename', 'type', 'rating', 'boolean', 'matrix', 'text']) t.ok(kinds.has(k), `the change "${k}" was among them`);
});

t.test('the warning names what changed: a 1–5 scale against gut/schlecht, a wider rating', async (t) => {
  const survey = (elements: unknown[]) => ({ title: 'T', elements });
  const before = buildCatalogue(survey([{ type: 'radiogroup', name: 'urteil', choices: [1, 2, 3, 4, 5] }, { type: 'rating', name: 'note' }, { type: 'text', name: 'kommentar' }]));
  const after = buildCatalogue(
    survey([
      { type: 'radiogroup', name: 'urteil', choices: ['gut', 'schlecht'] },
      { type: 'rating', name: 'note', rateMax: 10 },
      { type: 'comment', name: 'kommentar', title: 'Neu formuliert' },
    ]),
  );
  const changes = codingChanges(before, after);
  t.same(
    changes.map((c) => [c.question, c.what.map((w) => w.de)]),
    [
      ['urteil', ['Antwortcodes 1–5 → gut, schlecht']],
      ['note', ['Skala 1–5 → 1–10']],
      ['kommentar', ['Fragetyp text → comment']],
    ],
  );
  t.same(changes[1].what[0].en, 'scale 1–5 → 1–10');
  t.same(changes.map((c) => c.kind), ['changed', 'changed', 'changed']);
  // a new choice for text codes keeps the old codes: extended, pooled; for numeric codes it shifts the scale
  const grow = (choices: unknown[]) => buildCatalogue(survey([{ type: 'radiogroup', name: 'art', choices }, { type: 'checkbox', name: 'wege', choices }]));
  t.same(codingChanges(grow(['a', 'b']), grow(['a', 'b', 'c'])).map((c) => [c.question, c.kind]), [['art', 'extended'], ['wege', 'extended']]);
  t.same(codingSplits([{ version: 1, catalogue: grow(['a', 'b']) }], grow(['a', 'b', 'c']), 2), {}, 'pooled');
  t.same(codingSplits([{ version: 1, catalogue: grow(['a', 'b']) }], grow(['a', 'c']), 2), { art: 'art@v2', wege: 'wege@v2' }, 'a dropped code is kept apart');
  t.same(codingChanges(grow([1, 2]), grow([1, 2, 3])).map((c) => [c.question, c.kind]), [['art', 'changed'], ['wege', 'extended']], 'numeric codes of a radiogroup are a scale');
  t.equal(describeCodes(['1', '3', '2']), '1–3');
  t.equal(describeCodes(['b', 'a']), 'b, a');
});
