// Open answers: listed verbatim (the renderer escapes them), shuffled with a fixed seed so the
// order says nothing about who wrote what, and hidden as a list where fewer than minGroupSize
// persons wrote texts in the report's scope, or where their number is not shown survey-wide.
import { type Figure, isSuppressed, type Suppressed } from '../../suppress.ts';
import type { ReportContext } from '../context.ts';
import { unitId } from '../protection.ts';

/** mulberry32, seeded from a string: the same question gives the same order every time. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const TEXTS = 't';

/** Said beside the list of a shared report, where texts are listed only once a researcher approved them. */
export const APPROVAL_NOTES = {
  none: {
    de: 'Offene Antworten erscheinen im geteilten Bericht erst, wenn das Forschungsteam sie freigegeben hat; bisher ist keine freigegeben.',
    en: 'Open answers appear in a shared report only once the research team has approved them; none has been approved yet.',
  },
  some: { de: 'Gezeigt werden nur Antworten, die das Forschungsteam freigegeben hat.', en: 'Only answers the research team has approved are shown.' },
} as const;

/**
 * The open texts of some variables in the report's scope, or why they are hidden. Rows with
 * `approved: false` (a shared report's reader) count for the protection as every text does, so
 * whether the list may be shown does not depend on approvals, but they are not listed; `note`
 * then says that the list holds approved texts only, or that none is approved yet.
 */
export function openTexts(ctx: ReportContext, variables: readonly string[], seed: string): { n: Figure; texts: string[] | Suppressed; note?: (typeof APPROVAL_NOTES)[keyof typeof APPROVAL_NOTES] } {
  const inScope = new Set(ctx.scope);
  // the persons who wrote texts, per unit: one person's several texts (a dynamic panel's entries,
  // the items of a multiple text, "other" beside a comment) count once
  const byUnit = new Map<string, Set<number | string>>();
  const texts: string[] = [];
  let approval = false;
  let anonymous = 0;
  for (const variable of variables) {
    for (const row of ctx.index.openTexts(variable)) {
      const id = unitId(row.segment, row.linkLabel);
      const persons = byUnit.get(id) ?? new Set<number | string>();
      persons.add(row.person ?? `t${anonymous++}`);
      byUnit.set(id, persons);
      if (!inScope.has(id)) continue;
      if (row.approved !== undefined) approval = true;
      if (row.approved !== false) texts.push(row.text);
    }
  }
  const counted = ctx.protectCounts(`${variables.join('+')}#texts`, (u) => ({ [TEXTS]: byUnit.get(u)?.size ?? 0 }), [TEXTS], false, true);
  const n = counted.n(ctx.scope);
  if (isSuppressed(n)) return { n, texts: n };
  const listed = seededShuffle([...texts].sort(), seed);
  if (!approval) return { n, texts: listed };
  return { n, texts: listed, note: listed.length === 0 ? APPROVAL_NOTES.none : APPROVAL_NOTES.some };
}
