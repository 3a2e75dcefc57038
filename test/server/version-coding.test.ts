// Issue 11, part 3: versions that cannot be mixed wrongly. Two real versions of one survey,
// imported through the survey API, answered through the respondent API on both: version 2 asks
// `urteil` as gut/schlecht instead of 1–5 and widens the rating `note` from 1–5 to 1–7 (the
// same codes 1–5 would otherwise be added up), while `rolle` and `themen` keep their codes (only
// new wording) and `kanal` only gains a choice (its old codes keep their meaning). The import
// warns about exactly the three; the report shows each changed question once per version, with
// its own counts, and pools the unchanged and the extended ones; the CSV export gives each
// coding its own column. Every expected figure is counted from the answers sent.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { parseCsv } from '../helpers/csv.ts';
import { researcherHeaders, seedLink } from '../helpers/fixtures.ts';
import { loggedIn } from '../helpers/session.ts';
import { prng } from '../surveys/random-answers.ts';

const SLUG = 'fassungen';
const N1 = 60;
const N2 = 70;

const v1 = {
  title: { de: 'Fassungen', en: 'Versions' },
  elements: [
    { type: 'radiogroup', name: 'rolle', title: 'Ihre Rolle', choices: ['verband', 'betrieb', 'kammer'], isRequired: true },
    { type: 'radiogroup', name: 'urteil', title: 'Wie beurteilen Sie das Angebot?', choices: [1, 2, 3, 4, 5], isRequired: true },
    { type: 'rating', name: 'note', title: 'Gesamtnote', isRequired: true },
    { type: 'checkbox', name: 'themen', title: 'Themen', choices: ['a', 'b', 'c'], isRequired: true },
    { type: 'radiogroup', name: 'kanal', title: 'Kanal', choices: ['web', 'post'], isRequired: true },
  ],
};
const v2 = {
  title: { de: 'Fassungen', en: 'Versions' },
  elements: [
    { type: 'radiogroup', name: 'rolle', title: 'Ihre Rolle in der Organisation', choices: [{ value: 'kammer', text: 'Kammer' }, 'verband', 'betrieb'], isRequired: true },
    { type: 'radiogroup', name: 'urteil', title: 'Wie beurteilen Sie das Angebot?', choices: ['gut', 'schlecht'], isRequired: true },
    { type: 'rating', name: 'note', title: 'Gesamtnote', rateMax: 7, isRequired: true },
    { type: 'checkbox', name: 'themen', title: 'Welche Themen?', choices: ['a', 'b', 'c'], isRequired: true },
    { type: 'radiogroup', name: 'kanal', title: 'Kanal', choices: ['web', 'post', 'telefon'], isRequired: true },
  ],
};

const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2' });
t.teardown(cleanup);
const headers = await researcherHeaders(app);
const rnd = prng(20261206);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

type Imported = { version: number; created: boolean; warnings: { element: string; message: string; en: string }[] };
const importVersion = async (definition: unknown) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: SLUG, definition } });
  return { status: res.statusCode, body: res.json() as Imported };
};

/** Sends `n` complete answers through the link; returns them. */
async function answer(token: string, n: number, make: () => Record<string, unknown>) {
  const sent: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const data = make();
    const res = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), data, complete: true, locale: 'de' } });
    if (res.statusCode !== 201) throw new Error(`answer refused: ${res.statusCode} ${res.body}`);
    sent.push(data);
  }
  return sent;
}

const themen = () => {
  const chosen = ['a', 'b', 'c'].filter(() => rnd() < 0.5);
  return chosen.length > 0 ? chosen : ['b'];
};

const first = await importVersion(v1);
const survey = (await app.inject({ url: `/api/v1/surveys/${SLUG}`, headers })).json() as { slug: string };
const link = await seedLink(app, (await app.db.query.surveys.findFirst({ where: (s, { eq }) => eq(s.slug, survey.slug) }))?.id as number, { segment: 'intermediary', label: 'Standard' });
const sent1 = await answer(link.token, N1, () => ({ rolle: pick(['verband', 'betrieb', 'kammer']), urteil: pick([1, 2, 3, 4, 5]), note: pick([1, 2, 3, 4, 5]), themen: themen(), kanal: pick(['web', 'post']) }));
const second = await importVersion(v2);
const sent2 = await answer(link.token, N2, () => ({ rolle: pick(['verband', 'betrieb', 'kammer']), urteil: pick(['gut', 'schlecht']), note: pick([1, 2, 3, 4, 5, 6, 7]), themen: themen(), kanal: pick(['web', 'post', 'telefon']) }));

/** How often each value of `question` was sent. */
const tally = (sent: Record<string, unknown>[], question: string) => {
  const out: Record<string, number> = {};
  for (const d of sent) out[String(d[question])] = (out[String(d[question])] ?? 0) + 1;
  return out;
};

t.test(`importing a version with changed codes warns, naming each question (${dbLabel})`, async (t) => {
  t.equal(first.status, 201);
  t.same(first.body.warnings, [], 'the first version has nothing to compare with');
  t.equal(second.status, 201, 'a warning does not block the import');
  t.equal(second.body.version, 2);
  t.same(
    second.body.warnings.map((w) => w.element),
    ['urteil', 'note', 'kanal'],
    'exactly the recoded questions; the reworded rolle and themen do not warn',
  );
  t.match(second.body.warnings[2].message, /neue Antwortmöglichkeiten \(neue Antwortcodes: telefon\)\. Die bisherigen Codes bleiben gleich/);
  t.match(second.body.warnings[0].message, /Antwortcodes 1–5 → gut, schlecht/);
  t.match(second.body.warnings[1].message, /Skala 1–5 → 1–7/);
  t.match(second.body.warnings[1].en, /scale 1–5 → 1–7/);
  const again = await importVersion(v2);
  t.equal(again.status, 200, 'the same definition again is no new version');
});

t.test('the workspace shows the warnings of the new version', async (t) => {
  const b = await loggedIn(app);
  // the page an upload redirects to (…?v=2&same=0) recomputes the import's warnings
  const page = await b.get(`/admin/surveys/${SLUG}?v=2&same=0`);
  t.equal(page.statusCode, 200);
  t.match(page.body, /Antwortmöglichkeiten, Codes oder Skala gegenüber der vorigen Fassung geändert/);
  t.match(page.body, /<code>urteil<\/code><\/td><td>Die Kodierung dieser Frage hat sich gegenüber Fassung 1 geändert \(Antwortcodes 1–5 → gut, schlecht\)/);
  t.match(page.body, /<code>note<\/code><\/td><td>[^<]*Skala 1–5 → 1–7/);
  t.notMatch(page.body, /<code>rolle<\/code><\/td><td>Die Kodierung/, 'no warning for an unchanged question');
  const en = await b.get(`/admin/surveys/${SLUG}?v=2&same=0&lang=en`);
  t.match(en.body, /The coding of this question changed since version 1 \(scale 1–5 → 1–7\)/, 'in English too');
  // uploading the same definition in the workspace: no new version, no warning
  const same = await b.post(`/admin/surveys/${SLUG}/versions`, { definition: JSON.stringify(v2) });
  t.equal(same.statusCode, 303);
  const after = await b.get(same.headers.location as string);
  t.notMatch(after.body, /Antwortmöglichkeiten, Codes oder Skala gegenüber der vorigen Fassung geändert/);
});

type Q = { name: string; title: { de: string }; n: unknown; counts?: Record<string, unknown> };
t.test('the report keeps a recoded question apart per version and pools an unchanged one', async (t) => {
  const res = await app.inject({ url: `/api/v1/surveys/${SLUG}/report?audience=intermediary`, headers });
  t.equal(res.statusCode, 200, res.statusCode === 200 ? 'report' : res.body);
  const report = res.json() as { responses: { total: number }; sections: { questions: Q[] }[] };
  t.equal(report.responses.total, N1 + N2);
  const questions = report.sections.flatMap((s) => s.questions);
  const byName = new Map(questions.map((q) => [q.name, q]));
  const names = questions.map((q) => q.name);

  // unchanged codes: one table over both versions
  t.same(names.filter((n) => n.startsWith('rolle')), ['rolle'], 'rolle once');
  t.same(byName.get('rolle')?.counts, tally([...sent1, ...sent2], 'rolle'), 'rolle pools both versions');
  t.equal(byName.get('rolle')?.n, N1 + N2);
  t.same(names.filter((n) => n.startsWith('themen')), ['themen'], 'themen once');
  t.same(names.filter((n) => n.startsWith('kanal')), ['kanal'], 'kanal (a choice added) once');
  t.same(byName.get('kanal')?.counts, tally([...sent1, ...sent2], 'kanal'), 'kanal pools both versions');
  t.equal(byName.get('themen')?.n, N1 + N2, 'themen pools both versions');

  // changed codes: one table per coding, the newest first, each with its own answers only
  for (const q of ['urteil', 'note']) {
    t.same(names.filter((n) => n === q || n.startsWith(`${q}@`)), [`${q}@v2`, q], `${q}: one entry per version, the newest first`);
    const newer = byName.get(`${q}@v2`) as Q;
    const older = byName.get(q) as Q;
    t.same(newer.counts, tally(sent2, q), `${q}@v2 counts version 2's answers only`);
    t.equal(newer.n, N2);
    t.same(older.counts, tally(sent1, q), `${q} counts version 1's answers only`);
    t.equal(older.n, N1);
    t.match(newer.title.de, /\(Fassung 2, ab \d{1,2}\.\d{1,2}\.\d{4}\)$/, 'labelled with its version and first day');
    t.match(older.title.de, /\(Fassung 1, ab \d{1,2}\.\d{1,2}\.\d{4}\)$/);
  }
  // the pooled figures would have been different: the test would notice a pooled table
  t.not(JSON.stringify(tally([...sent1, ...sent2], 'note')), JSON.stringify(tally(sent2, 'note')));
});

t.test('the CSV export gives each coding its own column', async (t) => {
  const res = await app.inject({ url: `/api/v1/surveys/${SLUG}/export?format=csv&locale=en`, headers });
  t.equal(res.statusCode, 200);
  const [head, ...rows] = parseCsv(res.body.replace(/^\uFEFF/, ''), ',');
  const col = (name: string) => head.indexOf(name);
  for (const name of ['rolle', 'urteil', 'urteil_v2', 'note', 'note_v2']) t.ok(col(name) >= 0, `column ${name}`);
  t.notOk(head.includes('rolle_v2'), 'no second column for unchanged codes');
  t.notOk(head.includes('kanal_v2'), 'nor for a choice added');
  const version = col('version');
  const filled = (name: string, v: string) => rows.filter((r) => r[version] === v && r[col(name)] !== '').length;
  t.equal(filled('note', '1'), N1, 'note holds version 1');
  t.equal(filled('note', '2'), 0, 'and nothing of version 2');
  t.equal(filled('note_v2', '2'), N2, 'note_v2 holds version 2');
  t.equal(filled('note_v2', '1'), 0);
  t.equal(filled('rolle', '1') + filled('rolle', '2'), N1 + N2, 'rolle holds both');
  const sum = (name: string, v: string) => rows.filter((r) => r[version] === v).reduce((s, r) => s + Number(r[col(name)]), 0);
  t.equal(sum('note_v2', '2'), sent2.reduce((s, d) => s + Number(d.note), 0), 'note_v2 carries the answers given');
});
