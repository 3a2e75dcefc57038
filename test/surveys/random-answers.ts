// Random answers to any survey, for differential tests: mostly plausible values from the
// question's own choices, with gaps, hidden answers, out-of-range numbers, wrong shapes, nulls,
// "other" with and without its text, and now and then an unknown key. Deterministic per seed.
import { Model } from 'survey-core';

// biome-ignore lint/suspicious/noExplicitAny: survey-core's question types differ per type
type Q = Record<string, any>;
type Data = Record<string, unknown>;

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export function answerGenerator(json: unknown, seed: number): () => Data {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = (p: number) => rnd() < p;
  const questions = new Model(json).getAllQuestions(false, false, false) as unknown as Q[];
  /** 0 = careful respondent (every question, valid values); higher = more gaps and wrong values. */
  let sloppiness = 0;
  const wrong = () => maybe(sloppiness * 0.006);

  const choicesOf = (q: Q): unknown[] => {
    const values = (q.choices ?? []).map((c: Q) => c.value);
    if (q.hasOther) values.push('other');
    if (q.showNoneItem) values.push(q.noneItem?.value ?? 'none');
    return values;
  };
  const WRONG = () => pick<unknown>(['zzz', 7, '7', true, [], {}, [1], '', '   ']);

  function textValue(q: Q): unknown {
    if (q.inputType === 'number') {
      const min = Number(q.min ?? 0);
      const max = Number(q.max ?? 100);
      if (maybe(0.03 * sloppiness)) return pick([min - 1, max + 1, 1.5, min, max]);
      return Math.round(min + rnd() * Math.min(max - min, 1000));
    }
    if (q.inputType === 'email') return pick(['a@b.de', 'x.y@example.org', 'kein-at', 'a@b', '']);
    return pick(['Hallo', 'Text mit Inhalt', '   ', '', 'x'.repeat(wrong() ? 3000 : 3)]);
  }

  function selectValue(q: Q, multi: boolean): unknown {
    const all = choicesOf(q);
    if (!multi) return pick(all);
    if (maybe(0.03 * sloppiness)) return [];
    const chosen = all.filter(() => maybe(0.35));
    if (chosen.length === 0) chosen.push(pick(all));
    return chosen;
  }

  function rankingValue(q: Q): unknown {
    const all = (q.choices ?? []).map((c: Q) => c.value);
    const order = [...all].sort(() => rnd() - 0.5);
    return maybe(0.03 * sloppiness) ? order.slice(0, 2) : order;
  }

  function matrixValue(q: Q): unknown {
    const cols = (q.columns as Q[]).map((c) => c.value);
    const rows = (q.rows as Q[]).map((r) => String(r.value));
    const out: Data = {};
    for (const r of rows) if (maybe(sloppiness === 0 ? 1 : 0.85)) out[r] = maybe(0.01 * sloppiness) ? null : pick(cols);
    if (wrong()) out.unbekannt = pick(cols);
    return out;
  }

  function panelValue(q: Q): unknown {
    const inner = q.template.questions as Q[];
    return Array.from({ length: Math.floor(rnd() * 3) }, () => {
      const panel: Data = {};
      for (const t of inner) if (maybe(0.8)) panel[t.getValueName()] = valueFor(t);
      return panel;
    });
  }

  function valueFor(q: Q): unknown {
    if (wrong()) return WRONG();
    switch (q.getType()) {
      case 'text':
        return textValue(q);
      case 'comment':
        return pick(['Anregung', '', '  ', 'x'.repeat(wrong() ? 2500 : 10)]);
      case 'radiogroup':
      case 'dropdown':
        return selectValue(q, false);
      case 'checkbox':
      case 'tagbox':
        return selectValue(q, true);
      case 'boolean':
        return maybe(0.5);
      case 'rating':
        return wrong() ? Number(q.rateMax ?? 5) + 1 : pick((q.visibleRateValues as Q[]).map((r) => r.value));
      case 'ranking':
        return rankingValue(q);
      case 'matrix':
        return matrixValue(q);
      case 'paneldynamic':
        return panelValue(q);
      case 'expression':
        return pick([0, 42, 'x']);
      default:
        return undefined;
    }
  }

  return () => {
    sloppiness = pick([0, 0, 1, 2, 4, 8]);
    const data: Data = {};
    const answerRate = sloppiness === 0 ? 1 : 0.8;
    for (const q of questions) {
      if (!maybe(answerRate)) continue;
      const value = valueFor(q);
      if (value === undefined) continue;
      const key = q.getValueName();
      data[key] = maybe(0.002 * sloppiness) ? null : value;
      const chosenOther = Array.isArray(value) ? value.includes('other') : value === 'other';
      if ((chosenOther && maybe(sloppiness === 0 ? 1 : 0.7)) || (q.hasOther && wrong())) {
        data[`${key}-Comment`] = pick(['Podcast', 'Netzwerk', '', ' ']);
      }
    }
    if (wrong()) data[pick(['unbekannt', 'x-Comment', `${pick(questions).getValueName()}-Comment`])] = 'x';
    return data;
  };
}
