// Differential test: on generated complete submissions to the demo survey, the cached validator's
// verdict must equal a FRESH survey-core Model's verdict on the same (stripped) data.
// A fresh Model costs 25–80 ms on a busy machine, so the default run is 400 cases (to stay near
// 30 s); `DIFF_CASES=3000 npx tap test/surveys/validate-differential.test.ts` runs the full set.
import { readFileSync } from 'node:fs';
import { Model } from 'survey-core';
import t from 'tap';
import { createValidator } from '../../surveys/validate.ts';

const json = JSON.parse(readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8'));
const CASES = Number(process.env.DIFF_CASES) || 400;

// mulberry32: small seeded PRNG, so every run sees the same cases.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = prng(20240614);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const maybe = (p: number) => rnd() < p;
const subset = <T>(xs: T[]) => xs.filter(() => maybe(0.35));
const shuffle = <T>(xs: T[]) => [...xs].sort(() => rnd() - 0.5);

const CHANNELS = ['web', 'newsletter', 'veranstaltung', 'inqa', 'zeitschrift', 'austausch'];
const ROWS = ['sicherheit', 'ki', 'klima', 'lksg', 'finanzen', 'pflege', 'vielfalt', 'fachkraefte'];
const FORMATS = ['checks', 'praxishilfen', 'workshops', 'selbstlern', 'kurzfassungen'];

/** Mostly plausible answers with gaps: missing required answers, "other" without text, hidden answers. */
function generate(): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (maybe(0.9)) d.org_typ = pick(['kammer', 'verband', 'beratung', 'gewerkschaft', 'forschung', 'kmu', 'betriebsrat', 'other']);
  if (d.org_typ === 'other' && maybe(0.7)) d['org_typ-Comment'] = pick(['Stiftung', 'Netzwerk', '']);
  if (maybe(0.7)) d.reichweite = pick([0, 12, 250, 5000, 1000000, 1000001, -1]);
  if (maybe(0.92)) d.nutzung = pick([0, 1, 2, 3, 4]);
  if (maybe(0.85)) {
    d.kanaele = subset([...CHANNELS, 'other']);
    if ((d.kanaele as string[]).includes('other') && maybe(0.7)) d['kanaele-Comment'] = 'Podcast';
  }
  if (maybe(0.6)) d.kanal_wichtigster = pick(CHANNELS);
  if (maybe(0.85)) d.relevanz = Object.fromEntries(ROWS.filter(() => maybe(0.93)).map((r) => [r, pick([1, 2, 3, 4, 5])]));
  if (maybe(0.85)) d.zufriedenheit = pick([1, 2, 3, 4, 5]);
  if (maybe(0.8))
    d.hemmnisse = maybe(0.1) ? ['none'] : subset(['zeit', 'sprache', 'praxis', 'auffinden', 'kosten', 'personal']).slice(0, 3);
  if (maybe(0.7)) d.formate = shuffle(FORMATS);
  if (maybe(0.7)) d.transfer_beispiele_ja = maybe(0.5);
  if (maybe(0.6)) {
    d.beispiele = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () =>
      maybe(0.8) ? { projekt: 'Projekt', beschreibung: 'kurz' } : { beschreibung: 'ohne Namen' },
    );
  }
  if (maybe(0.5)) d.anregungen = 'Mehr Praxisbeispiele';
  return d;
}

t.test(`the cached validator agrees with a fresh survey-core Model on ${CASES} generated submissions`, async (t) => {
  const validator = createValidator(json);
  let valid = 0;
  let invalid = 0;
  const disagreements: unknown[] = [];
  for (let i = 0; i < CASES; i++) {
    const data = generate();
    const partial = validator.validate(data, { complete: false, locale: 'de' });
    const ours = validator.validate(data, { complete: true, locale: 'de' });
    if (!partial.ok) {
      // A partial save is refused only for what a complete one is refused for too (e.g. -1 employees).
      if (ours.ok) disagreements.push({ data, partial, ours });
      invalid++;
      continue;
    }
    const fresh = new Model(json);
    fresh.data = partial.data;
    const theirs = fresh.validate(false, false, undefined, false);
    if (ours.ok !== theirs) disagreements.push({ data, ours });
    if (theirs) valid++;
    else invalid++;
  }
  t.same(disagreements.slice(0, 3), [], 'no case where the verdicts differ');
  t.ok(valid > CASES / 10 && invalid > CASES / 10, `both verdicts occur often (${valid} valid, ${invalid} invalid)`);
});

t.test('wrongly shaped answers are refused before survey-core, even where survey-core would accept them', async (t) => {
  const validator = createValidator(json);
  const data = { org_typ: 'kammer', nutzung: '2' };
  t.same(validator.validate(data, { complete: true, locale: 'de' }), {
    ok: false,
    errors: [{ question: 'nutzung', message: 'Der Wert "2" ist keine der möglichen Antworten.' }],
  });
});
