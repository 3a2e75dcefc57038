// Differential test: the compiled validator (surveys/compile.ts) against the survey-core
// reference (createReferenceValidator) on random answers to the demo survey, the OM-Check, the
// 40-question benchmark survey and the small route fixture. Per case: the same verdict, the same
// cleaned data, the same set of questions named in the errors.
// The reference builds a fresh survey-core Model per answer, so no case can depend on the one
// before it; every disagreement is a failure.
// Default: 600 cases per survey (~25 s on a busy 2-core machine; the reference costs ~10 ms a
// case). Bigger run: COMPILE_DIFF_CASES=10000 npx tap test/surveys/compile-differential.test.ts
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { compileValidator } from '../../surveys/compile.ts';
import { createReferenceValidator, type Locale, type ValidationResult } from '../../surveys/validate.ts';
import { smallSurvey } from '../helpers/fixtures.ts';
import { answerGenerator, prng } from './random-answers.ts';

const CASES = Number(process.env.COMPILE_DIFF_CASES) || 600;
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const surveys: [string, unknown][] = [
  ['demo survey', read('surveys/definitions/om-partner-befragung.json')],
  ['OM-Check', read('surveys/definitions/om-check-umweltschutz.json')],
  ['40-question bench survey', read('bench/fixtures/survey-40.json')],
  ['small route fixture', smallSurvey],
];

const names = (r: ValidationResult) => (r.ok ? [] : [...new Set(r.errors.map((e) => e.question))].sort());

for (const [label, json] of surveys) {
  t.test(`${label}: compiled and survey-core validators agree on ${CASES} random submissions`, async (t) => {
    const compiled = compileValidator(json);
    if (!compiled) return t.fail('the survey should compile');
    const reference = createReferenceValidator(json);
    const next = answerGenerator(json, 20240901 + label.length);
    const rnd = prng(7 + label.length);
    const tally = { ok: 0, refused: 0, complete: 0, sameMessages: 0 };
    const same = (ours: ValidationResult, theirs: ValidationResult) =>
      ours.ok === theirs.ok &&
      (ours.ok && theirs.ok ? isDeepStrictEqual(ours.data, theirs.data) : true) &&
      names(ours).join() === names(theirs).join();
    const mismatches: unknown[] = [];
    for (let i = 0; i < CASES && mismatches.length < 5; i++) {
      const data = next();
      const options = { complete: rnd() < 0.7, locale: (rnd() < 0.8 ? 'de' : 'en') as Locale };
      const ours = compiled.validate(data, options);
      const theirs = reference.validate(data, options);
      if (options.complete) tally.complete++;
      if (theirs.ok) tally.ok++;
      else tally.refused++;
      if (!same(ours, theirs)) mismatches.push({ data, options, ours, theirs });
      else if (JSON.stringify(ours) === JSON.stringify(theirs)) tally.sameMessages++;
    }
    t.same(mismatches.slice(0, 2), [], 'no case where verdict, cleaned data or named questions differ');
    t.ok(tally.ok > CASES / 20 && tally.refused > CASES / 20, `both verdicts occur (${JSON.stringify(tally)})`);
  });
}
