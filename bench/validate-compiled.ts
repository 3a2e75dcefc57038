// Validations per second, compiled (surveys/compile.ts) vs survey-core reference, on the
// 40-question bench survey and the demo survey. Bounded: about 2 s per measurement.
//   npx tsx bench/validate-compiled.ts
import { readFileSync } from 'node:fs';
import { compileValidator } from '../surveys/compile.ts';
import { createReferenceValidator, type Validator } from '../surveys/validate.ts';
import { answerGenerator } from '../test/surveys/random-answers.ts';

const SECONDS = Number(process.env.SECONDS_PER_RUN) || 2;

function rate(v: Validator, bodies: Record<string, unknown>[]): number {
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) v.validate(bodies[(n + i) % bodies.length], { complete: true, locale: 'de' });
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}

for (const [label, path] of [
  ['40-question bench survey', 'bench/fixtures/survey-40.json'],
  ['demo survey', 'surveys/definitions/om-partner-befragung.json'],
]) {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const next = answerGenerator(json, 1);
  const bodies = Array.from({ length: 500 }, next);
  const compiled = compileValidator(json);
  if (!compiled) throw new Error(`${label} does not compile`);
  const reference = createReferenceValidator(json);
  rate(compiled, bodies.slice(0, 50)); // warm-up
  const c = rate(compiled, bodies);
  const r = rate(reference, bodies);
  console.log(
    `${label.padEnd(26)} compiled ${c.toFixed(0).padStart(7)}/s (${(1000 / c).toFixed(3)} ms)  ` +
      `survey-core ${r.toFixed(0).padStart(5)}/s (${(1000 / r).toFixed(2)} ms)  ×${(c / r).toFixed(0)}`,
  );
}
