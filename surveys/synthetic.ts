// Synthetic answers for demos and benchmarks: walks a survey in order with survey-core, so
// visibleIf logic is honoured, and fills every visible question with a plausible random value.
// Seeded, so the same seed always gives the same answers.
import { Model, type Question } from 'survey-core';

/** A small, fast, seedable PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `lean` in [-1, 1] shifts ordinal answers down or up, so segments differ visibly. */
export interface Persona {
  lean: number;
}

export const SAMPLE_TEXTS = [
  'Mehr kurze Praxisbeispiele aus kleinen Betrieben.',
  'Ergebnisse früher und verständlicher veröffentlichen.',
  'Regionale Veranstaltungen mit Kammern verbinden.',
  'Checklisten zum Ausdrucken wären hilfreich.',
  'Mehr Angebote für Betriebsräte.',
];

export const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];

/** An index in 0..n-1, skewed towards the top by `lean` > 0 and towards the bottom by `lean` < 0. */
export function skewedIndex(rnd: () => number, n: number, lean: number): number {
  const u = rnd();
  const shaped = lean >= 0 ? u ** (1 / (1 + 2 * lean)) : 1 - (1 - u) ** (1 / (1 - 2 * lean));
  return Math.min(n - 1, Math.floor(shaped * n));
}

function choiceValues(q: Question): unknown[] {
  const choices = (q as unknown as { visibleChoices?: { value: unknown }[] }).visibleChoices ?? [];
  return choices.map((c) => c.value).filter((v) => v !== 'other' && v !== 'none' && v !== 'selectall');
}

function valueFor(q: Question, rnd: () => number, p: Persona): unknown {
  const type = q.getType();
  const anyQ = q as unknown as Record<string, unknown>;
  switch (type) {
    case 'radiogroup':
    case 'dropdown': {
      const values = choiceValues(q);
      return values.every((v) => typeof v === 'number') ? values[skewedIndex(rnd, values.length, p.lean)] : pick(rnd, values);
    }
    case 'checkbox':
    case 'tagbox': {
      const values = choiceValues(q);
      const chosen = values.filter(() => rnd() < 0.45);
      const max = Number(anyQ.maxSelectedChoices) || values.length;
      return chosen.length ? chosen.slice(0, max) : [pick(rnd, values)];
    }
    case 'rating': {
      const values = ((anyQ.visibleRateValues as { value: unknown }[]) ?? []).map((r) => r.value);
      return values[skewedIndex(rnd, values.length, p.lean)];
    }
    case 'boolean':
      return rnd() < 0.5 + p.lean / 4;
    case 'ranking': {
      const values = choiceValues(q);
      return [...values].sort(() => rnd() - 0.5);
    }
    case 'matrix': {
      const rows = (anyQ.rows as { value: unknown }[]).map((r) => String(r.value));
      const cols = (anyQ.columns as { value: unknown }[]).map((c) => c.value);
      return Object.fromEntries(rows.map((r) => [r, cols[skewedIndex(rnd, cols.length, p.lean + (rnd() - 0.5) / 2)]]));
    }
    case 'text': {
      if (anyQ.inputType === 'number') {
        const min = Number(anyQ.min ?? 0);
        const max = Math.min(Number(anyQ.max ?? 1000), min + 5000);
        return Math.round(min + rnd() ** 2 * (max - min));
      }
      return rnd() < 0.5 ? pick(rnd, SAMPLE_TEXTS) : undefined;
    }
    case 'comment':
      return rnd() < 0.4 ? pick(rnd, SAMPLE_TEXTS) : undefined;
    case 'paneldynamic': {
      const templates = (anyQ.template as { elements: Question[] }).elements;
      return [Object.fromEntries(templates.map((e) => [e.name, pick(rnd, SAMPLE_TEXTS).slice(0, 40)]))];
    }
    default:
      return undefined;
  }
}

/** One complete, plausible response to `definition`. */
export function syntheticResponse(model: Model, rnd: () => number, persona: Persona): Record<string, unknown> {
  model.clear(true, true);
  for (const q of model.getAllQuestions(false) as Question[]) {
    if (!q.isVisible || q.isReadOnly || q.getType() === 'expression' || q.getType() === 'html') continue;
    const value = valueFor(q, rnd, persona);
    if (value !== undefined) model.setValue(q.getValueName(), value);
  }
  // Drop answers that later answers made invisible.
  const data: Record<string, unknown> = {};
  for (const q of model.getAllQuestions(true) as Question[]) {
    if (q.getType() === 'expression') continue;
    if (!q.isEmpty()) data[q.getValueName()] = q.value;
  }
  return data;
}

export function syntheticModel(definition: Record<string, unknown>): Model {
  return new Model(definition);
}
