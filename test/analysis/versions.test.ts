// One catalogue over all versions (analysis/versions.ts): a question whose coding changed is one
// entry per coding, newest first, named by its count key and titled with its versions; unchanged
// and extended questions stay one entry; the count keys of a version's answers (extract.ts)
// are the entries' variable keys, so the report finds every count.
import t from 'tap';
import { extractValues, NOT_ASKED_VARIABLE, notAskedValues } from '../../analysis/extract.ts';
import { baseName, codingLabel, splitCatalogue, versionedCatalogue } from '../../analysis/versions.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { codingSplits } from '../../surveys/coding.ts';
import type { Catalogue } from '../../surveys/types.ts';

const survey = (elements: unknown[]) => ({ title: 'T', elements });
const defs = [
  survey([
    { type: 'rating', name: 'note', befund: { short: { de: 'Note', en: 'Grade' } } },
    { type: 'matrix', name: 'm', rows: ['r1', 'r2'], columns: [1, 2, 3] },
    { type: 'checkbox', name: 'wege', choices: ['a', 'b'] },
  ]),
  survey([
    { type: 'rating', name: 'note', rateMax: 7, befund: { short: { de: 'Note', en: 'Grade' } } },
    { type: 'matrix', name: 'm', rows: ['r1', 'r2'], columns: [1, 2, 3, 4] },
    { type: 'checkbox', name: 'wege', choices: ['a', 'b', 'c'] },
  ]),
  survey([
    { type: 'rating', name: 'note', befund: { short: { de: 'Note', en: 'Grade' } } },
    { type: 'matrix', name: 'm', rows: ['r1', 'r2'], columns: [1, 2, 3, 4] },
    { type: 'checkbox', name: 'wege', choices: ['a', 'b', 'c'] },
  ]),
];
/** Versions imported as the import does it: each with its split keys against the earlier ones. */
const versions: { version: number; createdAt: string; catalogue: Catalogue }[] = [];
defs.forEach((json, i) => {
  const built = buildCatalogue(json);
  const splits = codingSplits(versions, built, i + 1);
  versions.push({ version: i + 1, createdAt: `2026-0${i + 3}-0${i + 1}T10:00:00Z`, catalogue: Object.keys(splits).length ? { ...built, splits } : built });
});

t.test('split keys: version 2 changes both scales, version 3 returns to the first rating and keeps the new matrix', async (t) => {
  t.same(versions[0].catalogue.splits, undefined);
  t.same(versions[1].catalogue.splits, { note: 'note@v2', m: 'm@v2' }, 'the extended checkbox keeps its key');
  t.same(versions[2].catalogue.splits, { m: 'm@v2' }, 'the rating is back to 1–5: plain key; the matrix shares version 2');
});

t.test('the merged catalogue: one entry per coding, newest first, labelled with versions and first day', async (t) => {
  const merged = versionedCatalogue(versions);
  t.same(
    merged.questions.map((q) => q.name),
    ['note', 'note@v2', 'm@v2', 'm', 'wege'],
  );
  const title = (name: string) => merged.questions.find((q) => q.name === name)?.title;
  t.same(title('note'), { de: 'note (Fassungen 1, 3, ab 1.3.2026)', en: 'note (Versions 1, 3, from 2026-03-01)' });
  t.same(title('note@v2')?.de, 'note (Fassung 2, ab 2.4.2026)');
  t.same(title('m@v2')?.de, 'm (Fassungen 2–3, ab 2.4.2026)');
  t.same(merged.questions.find((q) => q.name === 'note@v2')?.befund?.short, { de: 'Note (Fassung 2, ab 2.4.2026)', en: 'Grade (Version 2, from 2026-04-02)' }, 'the short title is labelled too');
  t.same(title('wege'), versions[2].catalogue.questions.find((q) => q.name === 'wege')?.title, 'unchanged title where the coding only grew');
  t.same(merged.questions.find((q) => q.name === 'wege')?.choices?.map((c) => c.value), ['a', 'b', 'c'], 'with every choice');
  t.equal(baseName('m@v2'), 'm');
  t.equal(baseName('mail@vorlage'), 'mail@vorlage', 'only a version number makes a split key');
  t.same(codingLabel([1, 2, 4], '2026-12-05'), { de: 'Fassungen 1–2, 4, ab 5.12.2026', en: 'Versions 1–2, 4, from 2026-12-05' });
});

t.test('a condition on a recoded question reads the cells of every coding', async (t) => {
  const cond = (max: number) => survey([{ type: 'rating', name: 'filter', rateMax: max }, { type: 'text', name: 'warum', visibleIf: '{filter} < 3' }]);
  const list: { version: number; createdAt: string; catalogue: Catalogue }[] = [];
  [5, 7].forEach((max, i) => {
    const built = buildCatalogue(cond(max));
    const splits = codingSplits(list, built, i + 1);
    list.push({ version: i + 1, createdAt: '2026-05-01', catalogue: Object.keys(splits).length ? { ...built, splits } : built });
  });
  const warum = versionedCatalogue(list).questions.find((q) => q.name === 'warum');
  t.same(warum?.shownIf?.map((v) => v.key), ['filter', 'filter@v2'], 'both codings of the filter question');
});

t.test("a version's counted keys are exactly the merged entries' variables", async (t) => {
  const merged = versionedCatalogue(versions);
  const keys = new Set(merged.questions.flatMap((q) => q.variables.map((v) => v.key)));
  const answers = { note: 2, m: { r1: 3, r2: 1 }, wege: ['a', 'c'] };
  for (const v of versions) {
    const counted = extractValues(v.catalogue, answers);
    t.ok(counted.length >= 4, `version ${v.version}: ${counted.map((c) => c.variable).join(', ')}`);
    for (const c of counted) t.ok(keys.has(c.variable), `version ${v.version}: ${c.variable} is a variable of the merged catalogue`);
    t.same(
      counted.map((c) => c.variable),
      splitCatalogue(v.catalogue).questions.flatMap((q) => q.variables.map((x) => x.key)).filter((k) => counted.some((c) => c.variable === k)),
      'and those of the split catalogue the export reads',
    );
  }
  t.same(
    extractValues(versions[1].catalogue, answers).filter((c) => c.variable.startsWith('note')),
    [{ variable: 'note@v2', value: '2' }],
  );
  t.same(notAskedValues(versions[1].catalogue, new Set(['note', 'wege']), {}), [
    { variable: NOT_ASKED_VARIABLE, value: 'note@v2' },
    { variable: NOT_ASKED_VARIABLE, value: 'wege' },
  ], '"nicht gefragt" counts under the split key too');
});
