// A next version of a generated survey (definitions.ts): some questions get a different coding
// (a choice added, dropped or renamed, a scale widened, a boolean recoded, a type changed), some
// only different wording (title, choice texts, choice order, a description), the rest stay as
// they were. Says which questions were recoded, so a test can check that exactly those are found.
// Deterministic per seed. Questions inside dynamic panels and choicesFromQuestion sources or
// dependents are left alone (their coding follows another question's).
import { prng } from '../random-answers.ts';
import type { SurveyJson } from './definitions.ts';

type J = Record<string, unknown>;

export interface NextVersion {
  json: SurveyJson;
  /** Questions whose coding was changed, with what was done. */
  recoded: Map<string, string>;
  /** Questions whose wording only was changed. */
  reworded: string[];
}

const CHOICE_TYPES = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox', 'ranking', 'imagepicker']);
const SWAP: Record<string, string> = { radiogroup: 'dropdown', dropdown: 'radiogroup', checkbox: 'tagbox', tagbox: 'checkbox' };

const itemValue = (item: unknown) => (item !== null && typeof item === 'object' ? (item as J).value : item);

/** Top-level and static-panel questions of a definition (the objects themselves, to mutate). */
export function questionsOf(json: SurveyJson): J[] {
  const out: J[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const el of list as J[]) {
      if (el.type === 'panel') walk(el.elements);
      else if (typeof el.name === 'string') out.push(el);
    }
  };
  for (const page of (json.pages as J[] | undefined) ?? []) walk(page.elements);
  walk(json.elements);
  return out;
}

/** Changes the coding of `q`; returns what was done, or null when this question offers no change. */
function recode(q: J, rnd: () => number): string | null {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const type = String(q.type);
  if (CHOICE_TYPES.has(type) && Array.isArray(q.choices)) {
    const choices = q.choices as unknown[];
    const ops = ['add', 'rename', ...(choices.length >= 3 ? ['drop'] : []), ...(SWAP[type] && !q.multiSelect ? ['type'] : [])];
    const op = pick(ops);
    const fresh = `neu_${Math.floor(rnd() * 1000)}`;
    if (op === 'add') choices.push(type === 'imagepicker' ? { value: fresh, imageLink: 'https://example.org/neu.png' } : fresh);
    if (op === 'drop') choices.splice(Math.floor(rnd() * choices.length), 1);
    if (op === 'rename') {
      const i = Math.floor(rnd() * choices.length);
      const old = choices[i];
      choices[i] = old !== null && typeof old === 'object' ? { ...(old as J), value: fresh } : fresh;
    }
    if (op === 'type') q.type = SWAP[type];
    return `${op} (${type})`;
  }
  if (type === 'rating') {
    if (Array.isArray(q.rateValues)) {
      (q.rateValues as unknown[]).push(`neu_${Math.floor(rnd() * 1000)}`);
      return 'rateValues + 1';
    }
    const step = typeof q.rateStep === 'number' ? q.rateStep : 1;
    const min = typeof q.rateMin === 'number' ? q.rateMin : 1;
    const max = typeof q.rateMax === 'number' ? q.rateMax : 5;
    const op = pick(['max', 'min', 'both']);
    if (op !== 'min') q.rateMax = max + step * (1 + Math.floor(rnd() * 4));
    if (op !== 'max') q.rateMin = min - step;
    return `rating ${op}`;
  }
  if (type === 'boolean') {
    const now = [q.valueTrue, q.valueFalse];
    [q.valueTrue, q.valueFalse] = now[0] === 'ja' ? ['yes', 'no'] : ['ja', 'nein'];
    return 'boolean values';
  }
  if (type === 'matrix' && Array.isArray(q.columns)) {
    (q.columns as unknown[]).push(`neu_${Math.floor(rnd() * 1000)}`);
    return 'matrix column';
  }
  if (type === 'text' && (q.inputType === 'number' || q.inputType === undefined || q.inputType === 'text')) {
    if (q.inputType === 'number') {
      delete q.inputType;
      delete q.min;
      delete q.max;
      delete q.step;
      delete q.validators;
    } else q.inputType = 'number';
    return 'text ↔ number';
  }
  return null;
}

/** Changes only wording: never the codes. Returns false when nothing was changed. */
function reword(q: J, rnd: () => number): boolean {
  q.title = `${typeof q.title === 'string' ? q.title : 'Frage'} (neu formuliert)`;
  if (rnd() < 0.5) q.description = 'Bitte wählen Sie aus.';
  for (const key of ['choices', 'rateValues', 'columns', 'rows']) {
    // matrixdropdown/matrixdynamic columns are cell questions, not items with a text
    if (key === 'columns' && q.type !== 'matrix') continue;
    const list = q[key];
    if (!Array.isArray(list) || list.length === 0) continue;
    // new texts, and now and then another display order
    const texts = list.map((item) => (item !== null && typeof item === 'object' ? { ...(item as J), text: `Neu: ${String(itemValue(item))}` } : { value: item, text: `Neu: ${String(item)}` }));
    if (rnd() < 0.5) texts.reverse();
    q[key] = texts;
  }
  return true;
}

export function nextVersion(json: SurveyJson, seed: number, share = 0.35): NextVersion {
  const rnd = prng(seed);
  const next = structuredClone(json) as SurveyJson;
  const questions = questionsOf(next);
  const linked = new Set<string>();
  for (const q of questions) {
    if (typeof q.choicesFromQuestion === 'string') {
      linked.add(q.choicesFromQuestion);
      linked.add(String(q.name));
    }
  }
  const recoded = new Map<string, string>();
  const reworded: string[] = [];
  for (const q of questions) {
    const name = String(q.name);
    const r = rnd();
    if (r < share && !linked.has(name)) {
      const done = recode(q, rnd);
      if (done) recoded.set(name, done);
    } else if (r < 2 * share && reword(q, rnd)) reworded.push(name);
  }
  return { json: next, recoded, reworded };
}
