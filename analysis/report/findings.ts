// Key findings: each profile rule computed from the built questions, never written by hand.
//
// - Scope: a rule reads the answers of the audience's own segment (a works-council report's top
//   topics come from works councils) unless the profile gives it `scope: "all"`; the sentence
//   names whose answers it reads ("Antworten der Betriebsräte", "… und KMU zusammengenommen").
//   `largest-difference` compares by nature and names the compared groups.
// - Protection: a finding never skips a hidden item silently. Hidden items are counted ("Ein
//   weiterer Punkt wird zum Schutz kleiner Gruppen nicht gezeigt."), and a result hidden as a
//   whole says so instead of disappearing.
// - Grammar: the verb agrees with the label(s) (german.ts); labels stand in the nominative only.
import { formatShare, type Locale } from '../format.ts';
import type { ResolvedKeyFindingRule } from '../profiles/index.ts';
import { isSuppressed } from '../suppress.ts';
import { isHidden } from './context.ts';
import { englishNumber, isClause, moreItems, numberOf } from './german.ts';
import type { Comparison, KeyFinding, LocalizedText, QuestionResult } from './model.ts';

const pct = (share: number, locale: Locale) => formatShare(share, locale, 0);
const title = (q: QuestionResult, locale: Locale) => q.title[locale] ?? q.title.de;
/** A label as it stands in a sentence: a clause or sentence in quotes, without its full stop. */
const label = (l: LocalizedText, locale: Locale) => {
  const text = l[locale] ?? l.de;
  return isClause(l.de) ? (locale === 'de' ? `„${text.replace(/\.$/, '')}“` : `"${text.replace(/\.$/, '')}"`) : text;
};
const list = (items: string[], locale: Locale) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${locale === 'de' ? 'und' : 'and'} ${items[items.length - 1]}`;
const both = (f: (locale: Locale) => string): LocalizedText => ({ de: f('de'), en: f('en') });
const byShare = <T extends { share: number; key: string }>(a: T, b: T) => b.share - a.share || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const verb = (labels: LocalizedText[], locale: Locale, [one, many]: [string, string]) =>
  (locale === 'de' ? numberOf(labels.map((l) => l.de)) : labels.length === 1 ? englishNumber(label(labels[0], 'en')) : 'plural') === 'plural' ? many : one;

/** Whose answers a finding reads: the audience's own segment(s), or all of the report's. */
export interface FindingScope {
  kind: 'own' | 'all';
  groups: LocalizedText[];
}

/** "(Antworten der Betriebsräte)" / "(Antworten der Betriebsräte und KMU zusammengenommen)". */
function whose(scope: FindingScope, locale: Locale): string {
  // English group names run on in the sentence: "answers of works councils" (but "SMEs" stays)
  const inSentence = (text: string) => (locale === 'en' && /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text);
  const names = list(
    scope.groups.map((g) => inSentence(label(g, locale))),
    locale,
  );
  if (locale === 'en') return scope.kind === 'all' && scope.groups.length > 1 ? `answers of ${names} together` : `answers of ${names}`;
  return scope.kind === 'all' && scope.groups.length > 1 ? `Antworten der ${names} zusammengenommen` : `Antworten der ${names}`;
}

const quoted = (text: string, l: Locale) => (l === 'de' ? `„${text}“` : `"${text}"`);
const head = (q: QuestionResult, scope: FindingScope | null, l: Locale) => `${quoted(title(q, l), l)}${scope ? ` (${whose(scope, l)})` : ''}: `;

/** "Ein weiterer Punkt wird zum Schutz kleiner Gruppen nicht gezeigt." (nothing when none is hidden) */
function hiddenNote(hidden: number, l: Locale): string {
  if (hidden === 0) return '';
  return l === 'de' ? ` ${moreItems(hidden, l)} zum Schutz kleiner Gruppen nicht gezeigt.` : ` ${moreItems(hidden, l)} not shown, to protect small groups.`;
}

/** A result hidden as a whole: said, not skipped. */
export function hiddenFinding(q: QuestionResult, scope: FindingScope | null): LocalizedText {
  return both((l) =>
    l === 'de'
      ? `${head(q, scope, l)}Dieses Ergebnis wird zum Schutz kleiner Gruppen nicht gezeigt (zu wenige Antworten).`
      : `${head(q, scope, l)}this result is not shown, to protect small groups (too few answers).`,
  );
}

/** Items with an ordinal top-2 share (matrix rows, or the question itself), and how many are hidden. */
function topShares(q: QuestionResult): { items: { key: string; label: LocalizedText; share: number }[]; hidden: number } {
  if (q.rows) {
    const shown = q.rows.filter((r) => r.ordinal && !isHidden(r.ordinal));
    return {
      items: shown.map((r) => ({ key: r.key, label: r.label, share: (r.ordinal as { top2Share: number }).top2Share })),
      hidden: q.rows.filter((r) => r.ordinal && isHidden(r.ordinal)).length,
    };
  }
  if (!q.ordinal) return { items: [], hidden: 0 };
  return isHidden(q.ordinal) ? { items: [], hidden: 1 } : { items: [{ key: q.name, label: q.title, share: q.ordinal.top2Share }], hidden: 0 };
}

function topRated(q: QuestionResult, count: number, scope: FindingScope | null): LocalizedText | null {
  const { items, hidden } = topShares(q);
  const top = items.sort(byShare).slice(0, count);
  if (top.length === 0) return hidden > 0 ? hiddenFinding(q, scope) : null;
  const labels = top.map((t) => t.label);
  return both((l) =>
    l === 'de'
      ? `${head(q, scope, l)}Am höchsten bewertet ${verb(labels, l, ['wird', 'werden'])} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)} in den oberen zwei Stufen)`), l)}.${hiddenNote(hidden, l)}`
      : `${head(q, scope, l)}rated highest ${verb(labels, l, ['is', 'are'])} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)} in the top two steps)`), l)}.${hiddenNote(hidden, l)}`,
  );
}

function mostChosen(q: QuestionResult, count: number, scope: FindingScope | null): LocalizedText | null {
  const options = q.options ?? [];
  const hidden = options.filter((o) => isSuppressed(o.percent) || isSuppressed(o.count)).length;
  const shown = options.filter((o) => !isSuppressed(o.percent) && !isSuppressed(o.count));
  // "Nichts davon" is no barrier or wish of its own: said apart, not ranked among the others
  const none = shown.find((o) => o.value === 'none');
  const top = shown
    .filter((o) => o.value !== 'none' && o.count !== 0)
    .map((o) => ({ key: o.value, label: o.label, share: (o.percent as number) / 100 }))
    .sort(byShare)
    .slice(0, count);
  if (top.length === 0) return hidden > 0 ? hiddenFinding(q, scope) : null;
  const labels = top.map((t) => t.label);
  const noneDe = none && none.count !== 0 ? ` ${isClause(none.label.de) ? label(none.label, 'de') : `„${label(none.label, 'de')}“`} wählen ${pct((none.percent as number) / 100, 'de')}.` : '';
  const noneEn = none && none.count !== 0 ? ` ${pct((none.percent as number) / 100, 'en')} choose ${isClause(none.label.de) ? label(none.label, 'en') : `"${label(none.label, 'en')}"`}.` : '';
  return both((l) =>
    l === 'de'
      ? `${head(q, scope, l)}Am häufigsten ${verb(labels, l, ['wird', 'werden'])} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)})`), l)} genannt.${noneDe}${hiddenNote(hidden, l)}`
      : `${head(q, scope, l)}${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)})`), l)} ${verb(labels, l, ['is', 'are'])} chosen most often.${noneEn}${hiddenNote(hidden, l)}`,
  );
}

function topRanked(q: QuestionResult, scope: FindingScope | null): LocalizedText | null {
  const all = q.ranking ?? [];
  const items = all.flatMap((i) => (isSuppressed(i.meanRank) ? [] : [{ ...i, meanRank: i.meanRank }]));
  const hidden = all.length - items.length;
  if (items.length === 0) return hidden > 0 ? hiddenFinding(q, scope) : null;
  const best = [...items].sort((a, b) => a.meanRank - b.meanRank || (a.item < b.item ? -1 : 1))[0];
  const first = isSuppressed(best.firstShare) ? null : best.firstShare;
  return both((l) => {
    const rank = best.meanRank.toFixed(1).replace('.', l === 'de' ? ',' : '.');
    return l === 'de'
      ? `${head(q, scope, l)}Am liebsten ${verb([best.label], l, ['wird', 'werden'])} ${label(best.label, l)} genannt (mittlerer Rang ${rank}${first === null ? '' : `; bei ${pct(first, l)} auf Platz 1`}).${hiddenNote(hidden, l)}`
      : `${head(q, scope, l)}${label(best.label, l)} ${verb([best.label], l, ['is', 'are'])} preferred most (mean rank ${rank}${first === null ? '' : `; ranked first by ${pct(first, l)}`}).${hiddenNote(hidden, l)}`;
  });
}

function topBox(q: QuestionResult, scope: FindingScope | null): LocalizedText | null {
  const { items, hidden } = topShares(q);
  const s = items[0];
  if (!s) return hidden > 0 ? hiddenFinding(q, scope) : null;
  return both((l) =>
    l === 'de'
      ? `${head(q, scope, l)}${pct(s.share, l)} antworten in den oberen zwei Stufen (Top-2-Box).`
      : `${head(q, scope, l)}${pct(s.share, l)} answer in the top two steps (top-2 box).`,
  );
}

/** Per compared group, the share (0–1) for each item: top-2 share or option share. */
function groupShares(c: Comparison, item: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const [g, r] of Object.entries(c.bySegment)) {
    if (r.suppressed || isSuppressed(r.n) || r.n === 0) continue;
    if (item === null) {
      if (r.ordinal && !isHidden(r.ordinal)) out.set(g, r.ordinal.top2Share);
    } else {
      const count = r.counts[item];
      if (count !== undefined && !isSuppressed(count)) out.set(g, count / r.n);
    }
  }
  return out;
}

function largestDifference(q: QuestionResult): LocalizedText | null {
  const candidates: { label: LocalizedText; c: Comparison; item: string | null }[] = [];
  if (q.rows) for (const r of q.rows) if (r.comparison) candidates.push({ label: r.label, c: r.comparison, item: r.ordinal ? null : (r.options?.[0]?.value ?? null) });
  if (q.comparison) for (const o of q.options ?? []) if (o.value !== 'none') candidates.push({ label: o.label, c: q.comparison, item: q.ordinal ? null : o.value });
  let best: { label: LocalizedText; c: Comparison; hi: [string, number]; lo: [string, number]; diff: number } | null = null;
  let hidden = 0;
  for (const cand of candidates) {
    const groups = Object.keys(cand.c.bySegment).length;
    const shares = [...groupShares(cand.c, cand.item).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (shares.length < groups || shares.length < 2) hidden++;
    if (shares.length < 2) continue;
    const diff = shares[0][1] - shares[shares.length - 1][1];
    if (!best || diff > best.diff) best = { label: cand.label, c: cand.c, hi: shares[0], lo: shares[shares.length - 1], diff };
  }
  const dropped = candidates[0]?.c.dropped ?? [];
  if (!best) return candidates.length > 0 ? hiddenFinding(q, null) : null;
  const b = best;
  const name = (g: string, l: Locale) => label(b.c.bySegment[g].label, l);
  const test = b.c.test?.text;
  const groupsDe = list(Object.keys(b.c.bySegment).map((g) => name(g, 'de')), 'de');
  const groupsEn = list(Object.keys(b.c.bySegment).map((g) => name(g, 'en')), 'en');
  const droppedDe = dropped.length ? ` ${dropped.length === 1 ? 'Eine Gruppe wird' : `${dropped.length} Gruppen werden`} zum Schutz kleiner Gruppen nicht verglichen.` : '';
  const droppedEn = dropped.length ? ` ${dropped.length === 1 ? 'One group is' : `${dropped.length} groups are`} not compared, to protect small groups.` : '';
  return both((l) =>
    l === 'de'
      ? `${quoted(title(q, l), l)} (Vergleich: ${groupsDe}): Am stärksten unterscheiden sich die Gruppen beim Punkt ${isClause(b.label.de) ? label(b.label, l) : `„${label(b.label, l)}“`}: ${name(b.hi[0], l)} ${pct(b.hi[1], l)}, ${name(b.lo[0], l)} ${pct(b.lo[1], l)}.${test ? ` ${test.de}` : ''}${droppedDe}${hiddenNote(hidden, l)}`
      : `${quoted(title(q, l), l)} (comparing ${groupsEn}): the groups differ most on ${isClause(b.label.de) ? label(b.label, l) : `"${label(b.label, l)}"`}: ${name(b.hi[0], l)} ${pct(b.hi[1], l)}, ${name(b.lo[0], l)} ${pct(b.lo[1], l)}.${test?.en ? ` ${test.en}` : ''}${droppedEn}${hiddenNote(hidden, l)}`,
  );
}

/** One rule, read on its question as built for the rule's scope (null scope: comparing rule). */
export interface FindingInput {
  rule: ResolvedKeyFindingRule;
  question: QuestionResult;
  scope: FindingScope | null;
}

/** Applies the profile's rules in order. */
export function keyFindings(inputs: readonly FindingInput[]): KeyFinding[] {
  const out: KeyFinding[] = [];
  for (const { rule, question: q, scope } of inputs) {
    let text: LocalizedText | null;
    if (q.suppressed) text = hiddenFinding(q, scope);
    else {
      switch (rule.rule) {
        case 'top-rated':
          text = topRated(q, rule.count, scope);
          break;
        case 'most-chosen':
          text = mostChosen(q, rule.count, scope);
          break;
        case 'top-ranked':
          text = topRanked(q, scope);
          break;
        case 'top-box':
          text = topBox(q, scope);
          break;
        case 'largest-difference':
          text = largestDifference(q);
          break;
        default: {
          const unknown: never = rule;
          throw new Error(`unknown key-finding rule ${JSON.stringify(unknown)}`);
        }
      }
    }
    if (text) out.push({ rule: rule.rule, text, questions: [q.name] });
  }
  return out;
}

