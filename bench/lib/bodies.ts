// Request bodies for the ingest benchmark: a pool of varied, valid complete responses, plus about
// 5 % invalid ones of three kinds. survey-core walks the survey for a few base responses
// (visibleIf honoured; ~150 ms each on the 40-question survey), and each base is perturbed on
// answers no condition reads. Every body is checked with the app's own validator. Bodies are
// kept as JSON strings without their id; `withId` adds a fresh uuid per request.
import { readFileSync } from 'node:fs';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { createValidator } from '../../surveys/validate.ts';

export const SURVEY_40 = new URL('../fixtures/survey-40.json', import.meta.url);

export function readSurvey40(): Record<string, unknown> {
  return JSON.parse(readFileSync(SURVEY_40, 'utf8')) as Record<string, unknown>;
}

export interface BodyPool {
  /** `"data":…,"complete":true` — the body minus its leading `{"id":"…",`. */
  tails: string[];
  valid: number;
  invalid: number;
}

type Data = Record<string, unknown>;

/** Three kinds of invalid answers, each rejected by the app with 422. */
const BREAKERS: ((d: Data) => Data)[] = [
  (d) => ({ ...d, nps: 11 }), // out of range
  (d) => ({ ...d, unbekannt: 'x' }), // a question the survey does not have
  (d) => {
    const { zufrieden: _dropped, ...rest } = d; // a required answer missing
    return rest;
  },
];

/** Answers that no visibleIf reads, with their valid values: safe to vary. */
const FREE: [string, readonly unknown[]][] = [
  ['region', ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']],
  ['jahre', Array.from({ length: 61 }, (_, i) => i)],
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((i): [string, number[]] => [`wichtig_${i}`, [1, 2, 3, 4, 5]]),
  ...[3, 4, 5, 6, 7, 8].map((i): [string, number[]] => [`bedarf_${i}`, [1, 2, 3, 4, 5]]),
  ['format', ['f1', 'f2', 'f3', 'f4']],
];

function perturb(base: Data, rnd: () => number): Data {
  const out: Data = { ...base };
  for (const [key, values] of FREE) if (key in out && rnd() < 0.6) out[key] = values[Math.floor(rnd() * values.length)];
  if (out.aspekte && typeof out.aspekte === 'object') {
    const rows = { ...(out.aspekte as Data) };
    for (const row of Object.keys(rows)) if (rnd() < 0.5) rows[row] = 1 + Math.floor(rnd() * 5);
    out.aspekte = rows;
  }
  return out;
}

/**
 * `size` bodies, about `invalidShare` of them invalid, spread evenly through the pool.
 * Every body is checked against the same validator the app uses, so "valid" means valid.
 */
export function makeBodyPool(definition: Data, size: number, invalidShare = 0.05, seed = 7, perBase = 10): BodyPool {
  const model = syntheticModel(definition);
  const validator = createValidator(definition);
  const rnd = seededRandom(seed);
  const every = Math.max(2, Math.round(1 / invalidShare));
  const tails: string[] = [];
  let valid = 0;
  let invalid = 0;
  let attempts = 0;
  let base: Data = {};
  while (tails.length < size && attempts < size * 3) {
    // a new survey-core walk every `perBase` bodies, perturbed copies in between
    if (attempts++ % perBase === 0) base = syntheticResponse(model, rnd, { lean: rnd() * 2 - 1 });
    const data = perturb(base, rnd);
    const verdict = validator.validate(data, { complete: true, locale: 'de' });
    if (!verdict.ok) continue; // the generator made something the validator refuses: skip it
    const breakIt = tails.length % every === every - 1;
    const body = breakIt ? BREAKERS[invalid % BREAKERS.length](verdict.data) : verdict.data;
    if (breakIt) {
      if (validator.validate(body, { complete: true, locale: 'de' }).ok) throw new Error('bench: an invalid body passed validation');
      invalid++;
    } else valid++;
    tails.push(`"data":${JSON.stringify(body)},"complete":true}`);
  }
  if (tails.length < size) throw new Error(`bench: only ${tails.length} of ${size} synthetic bodies were valid`);
  return { tails, valid, invalid };
}

export const withId = (id: string, tail: string) => `{"id":"${id}",${tail}`;
