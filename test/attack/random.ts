// Random studies for the attacker: segments of 1–40 people spread over link labels, optional
// and required questions of every summarised kind, numbers and open texts.
import { seededRandom } from '../../surveys/synthetic.ts';
import type { StudyPlan } from './study.ts';

export interface RandomOptions {
  /** At most this many distinct link labels (the issue asks for up to 300). */
  maxLabels: number;
  /** Segment sizes are drawn from 1 … maxSize. */
  maxSize?: number;
}

const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const text = (s: string) => ({ de: s, en: s });

function question(rnd: () => number, i: number): Record<string, unknown> {
  const required = rnd() < 0.5;
  const name = `q${i}`;
  const choices = (n: number) => Array.from({ length: n }, (_, j) => ({ value: `c${j + 1}`, text: text(`Option ${j + 1}`) }));
  const kind = Math.floor(rnd() * 6);
  const base = { name, title: text(`Frage ${i}`), isRequired: required };
  switch (kind) {
    case 0:
      return { ...base, type: 'radiogroup', choices: choices(2 + Math.floor(rnd() * 3)), befund: { role: 'rating' } };
    case 1:
      return { ...base, type: 'checkbox', choices: choices(3), befund: { role: 'barrier' } };
    case 2:
      return { ...base, type: 'rating', rateMin: 1, rateMax: 5, befund: { role: 'rating' } };
    case 3:
      return { ...base, type: 'text', inputType: 'number', min: 0, max: 20, step: 1, befund: { role: 'rating' } };
    case 4:
      return { ...base, type: 'comment', isRequired: false, befund: { role: 'open suggestion' } };
    default:
      return { ...base, type: 'matrix', columns: [1, 2, 3].map((v) => ({ value: v, text: text(String(v)) })), rows: ['a', 'b'].map((r) => ({ value: r, text: text(r) })), befund: { role: 'topic rating' } };
  }
}

export function randomPlan(seed: number, o: RandomOptions): StudyPlan {
  const rnd = seededRandom(seed);
  const count = 3 + Math.floor(rnd() * 4);
  const elements = Array.from({ length: count }, (_, i) => question(rnd, i + 1));
  const definition = { title: text(`Zufallsstudie ${seed}`), pages: [{ name: 'p1', elements }] };
  const labelCount = 1 + Math.floor(rnd() * o.maxLabels);
  const labels = Array.from({ length: labelCount }, (_, i) => `L${String(i + 1).padStart(3, '0')}`);
  const groups: StudyPlan['groups'] = [];
  for (const segment of SEGMENTS) {
    const size = 1 + Math.floor(rnd() * (o.maxSize ?? 40));
    const per = new Map<string, number>();
    for (let i = 0; i < size; i++) {
      const l = labels[Math.floor(rnd() ** 2 * labels.length)]; // a few big labels, many small
      per.set(l, (per.get(l) ?? 0) + 1);
    }
    for (const [label, n] of per) groups.push({ segment, label, n });
  }
  return { slug: `zufall-${seed}`, definition, groups, seed, lean: { intermediary: 0.3, sme: -0.2, works_council: 0 } };
}
