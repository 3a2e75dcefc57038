// Key findings: each profile rule computed from the built questions, never written by hand. A
// rule whose figures are hidden or missing gives no finding rather than a guess.
import { formatShare, type Locale } from '../format.ts';
import type { ResolvedKeyFindingRule } from '../profiles/index.ts';
import { isSuppressed } from '../suppress.ts';
import { isHidden } from './context.ts';
import type { Comparison, KeyFinding, LocalizedText, QuestionResult } from './model.ts';

const pct = (share: number, locale: Locale) => formatShare(share, locale, 0);
const title = (q: QuestionResult, locale: Locale) => q.title[locale] ?? q.title.de;
const label = (l: LocalizedText, locale: Locale) => l[locale] ?? l.de;
const list = (items: string[], locale: Locale) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${locale === 'de' ? 'und' : 'and'} ${items[items.length - 1]}`;
const both = (f: (locale: Locale) => string): LocalizedText => ({ de: f('de'), en: f('en') });
const byShare = <T extends { share: number; key: string }>(a: T, b: T) => b.share - a.share || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Items with an ordinal top-2 share: matrix rows, or the question itself. */
function topShares(q: QuestionResult): { key: string; label: LocalizedText; share: number }[] {
  if (q.rows) {
    return q.rows.flatMap((r) => (r.ordinal && !isHidden(r.ordinal) ? [{ key: r.key, label: r.label, share: r.ordinal.top2Share }] : []));
  }
  return q.ordinal && !isHidden(q.ordinal) ? [{ key: q.name, label: q.title, share: q.ordinal.top2Share }] : [];
}

function topRated(q: QuestionResult, count: number): LocalizedText | null {
  const top = topShares(q).sort(byShare).slice(0, count);
  if (top.length === 0) return null;
  return both((l) =>
    l === 'de'
      ? `„${title(q, l)}“: Am höchsten bewertet ${top.length === 1 ? 'wird' : 'werden'} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)} in den oberen zwei Stufen)`), l)}.`
      : `"${title(q, l)}": rated highest ${top.length === 1 ? 'is' : 'are'} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)} in the top two steps)`), l)}.`,
  );
}

function mostChosen(q: QuestionResult, count: number): LocalizedText | null {
  const top = (q.options ?? [])
    .flatMap((o) => (isSuppressed(o.percent) || isSuppressed(o.count) || o.count === 0 ? [] : [{ key: o.value, label: o.label, share: o.percent / 100 }]))
    .sort(byShare)
    .slice(0, count);
  if (top.length === 0) return null;
  return both((l) =>
    l === 'de'
      ? `„${title(q, l)}“: Am häufigsten genannt ${top.length === 1 ? 'wird' : 'werden'} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)})`), l)}.`
      : `"${title(q, l)}": chosen most often ${top.length === 1 ? 'is' : 'are'} ${list(top.map((t) => `${label(t.label, l)} (${pct(t.share, l)})`), l)}.`,
  );
}

function topRanked(q: QuestionResult): LocalizedText | null {
  const items = (q.ranking ?? []).flatMap((i) => (isSuppressed(i.meanRank) ? [] : [{ ...i, meanRank: i.meanRank }]));
  if (items.length === 0) return null;
  const best = [...items].sort((a, b) => a.meanRank - b.meanRank || (a.item < b.item ? -1 : 1))[0];
  const first = isSuppressed(best.firstShare) ? null : best.firstShare;
  return both((l) => {
    const rank = best.meanRank.toFixed(1).replace('.', l === 'de' ? ',' : '.');
    return l === 'de'
      ? `„${title(q, l)}“: Am liebsten ist ${label(best.label, l)} (mittlerer Rang ${rank}${first === null ? '' : `, ${pct(first, l)} setzen es auf Platz 1`}).`
      : `"${title(q, l)}": most preferred is ${label(best.label, l)} (mean rank ${rank}${first === null ? '' : `, ${pct(first, l)} put it first`}).`;
  });
}

function topBox(q: QuestionResult): LocalizedText | null {
  const s = topShares(q)[0];
  if (!s) return null;
  return both((l) =>
    l === 'de' ? `„${title(q, l)}“: ${pct(s.share, l)} antworten in den oberen zwei Stufen (Top-2-Box).` : `"${title(q, l)}": ${pct(s.share, l)} answer in the top two steps (top-2 box).`,
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
  if (q.comparison) for (const o of q.options ?? []) candidates.push({ label: o.label, c: q.comparison, item: q.ordinal ? null : o.value });
  let best: { label: LocalizedText; c: Comparison; hi: [string, number]; lo: [string, number]; diff: number } | null = null;
  for (const cand of candidates) {
    const shares = [...groupShares(cand.c, cand.item).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (shares.length < 2) continue;
    const diff = shares[0][1] - shares[shares.length - 1][1];
    if (!best || diff > best.diff) best = { label: cand.label, c: cand.c, hi: shares[0], lo: shares[shares.length - 1], diff };
  }
  if (!best) return null;
  const b = best;
  const name = (g: string, l: Locale) => label(b.c.bySegment[g].label, l);
  const test = b.c.test?.text;
  return both((l) =>
    l === 'de'
      ? `„${title(q, l)}“: Am stärksten unterscheiden sich die Gruppen bei ${label(b.label, l)}: ${name(b.hi[0], l)} ${pct(b.hi[1], l)}, ${name(b.lo[0], l)} ${pct(b.lo[1], l)}.${test ? ` ${test.de}` : ''}`
      : `"${title(q, l)}": the groups differ most on ${label(b.label, l)}: ${name(b.hi[0], l)} ${pct(b.hi[1], l)}, ${name(b.lo[0], l)} ${pct(b.lo[1], l)}.${test?.en ? ` ${test.en}` : ''}`,
  );
}

/** Applies the profile's rules in order; `questions` holds every built question by name. */
export function keyFindings(rules: readonly ResolvedKeyFindingRule[], questions: ReadonlyMap<string, QuestionResult>): KeyFinding[] {
  const out: KeyFinding[] = [];
  for (const rule of rules) {
    const q = questions.get(rule.question);
    if (!q || q.suppressed) continue;
    let text: LocalizedText | null;
    switch (rule.rule) {
      case 'top-rated':
        text = topRated(q, rule.count);
        break;
      case 'most-chosen':
        text = mostChosen(q, rule.count);
        break;
      case 'top-ranked':
        text = topRanked(q);
        break;
      case 'top-box':
        text = topBox(q);
        break;
      case 'largest-difference':
        text = largestDifference(q);
        break;
      default: {
        const unknown: never = rule;
        throw new Error(`unknown key-finding rule ${JSON.stringify(unknown)}`);
      }
    }
    if (text) out.push({ rule: rule.rule, text, questions: [q.name] });
  }
  return out;
}
