// The coding of a question: what its stored values mean, as far as a count can tell. Two
// versions of a survey may be pooled for a question only where its coding is the same in both;
// otherwise a table would add up "3" on a 1–5 scale with "3" on a 1–10 scale, or "1–5" with
// "gut/schlecht".
//
// Coding = the question type, its choice codes (choices, rate values, boolean values, with the
// special items "other", "none", …) and its variables: each variable's key (relative to the
// question), measure and value codes (matrix columns, cell choices). Value sets are compared
// without their order, so reordering choices for display is no change; titles and labels are not
// part of the coding (a typo fix must not split a question).
//
// One exception: a nominal question (unordered codes: text choices, checkboxes) that only gains
// choices keeps every old code's meaning; it is "extended", warned about (earlier respondents
// could not pick the new choice) and still pooled, as exports always coded it (a new choice gets
// the next code). Every other change splits: removed or renamed codes, any change of an ordered
// scale (rating, numeric codes, matrix columns, ranking items: "5" no longer means the top), a
// changed type or measure.
//
// Which versions share a coding decides the keys the counts use (`Catalogue.splits`): a
// question's values keep their plain keys while its coding is the one it had in the first
// version that had it (or extends it); a changed coding counts under `q@v<k>`, k the first
// version whose coding it equals or extends. A version's keys depend only on it and earlier
// versions, so counts never move.
import type { Finding } from './lint.ts';
import type { Catalogue, CatalogueQuestion, LocalizedText } from './types.ts';

/** Separates a question's name from the version number of its coding in split keys (`q@v2`). */
export const SPLIT_MARK = '@v';

const sortedStrings = (xs: readonly unknown[]) => [...new Set(xs.map(String))].sort();

interface Coding {
  type: string;
  codes: string[];
  variables: { key: string; measure: string; values: string[] }[];
}

function codingOf(q: CatalogueQuestion): Coding {
  return {
    type: q.type,
    codes: sortedStrings((q.choices ?? []).map((c) => c.value)),
    variables: q.variables
      .map((v) => ({ key: v.key.slice(q.name.length), measure: v.measure, values: sortedStrings((v.values ?? []).map((c) => c.value)) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}

/** A string that is equal for two questions exactly when their codings are. */
export function codingKey(q: CatalogueQuestion): string {
  return JSON.stringify(codingOf(q));
}

export function sameCoding(a: CatalogueQuestion, b: CatalogueQuestion): boolean {
  return codingKey(a) === codingKey(b);
}

const UNORDERED = new Set(['nominal', 'binary', 'text']);
const subset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));

/**
 * `same`: identical coding; `extended`: `after` only adds choices to an unordered question (every
 * old code keeps its meaning, poolable); `changed`: anything else (kept apart per coding).
 */
export function codingRelation(before: CatalogueQuestion, after: CatalogueQuestion): 'same' | 'extended' | 'changed' {
  if (sameCoding(before, after)) return 'same';
  const a = codingOf(before);
  const b = codingOf(after);
  const unordered = (c: Coding) => c.variables.every((v) => UNORDERED.has(v.measure));
  if (a.type !== b.type || !unordered(a) || !unordered(b) || !subset(a.codes, b.codes)) return 'changed';
  const byKey = new Map(b.variables.map((v) => [v.key, v]));
  const kept = a.variables.every((v) => {
    const w = byKey.get(v.key);
    return w !== undefined && w.measure === v.measure && subset(v.values, w.values);
  });
  return kept ? 'extended' : 'changed';
}

/** `1, 2, 3, 4, 5` → `1–5`; other lists are joined with commas (at most 8 shown). */
export function describeCodes(codes: readonly string[]): string {
  if (codes.length === 0) return '–';
  const nums = codes.map(Number);
  if (codes.length > 2 && nums.every((n) => Number.isInteger(n))) {
    const sorted = [...nums].sort((a, b) => a - b);
    if (sorted.every((n, i) => i === 0 || n === sorted[i - 1] + 1)) return `${sorted[0]}–${sorted[sorted.length - 1]}`;
  }
  const shown = nums.every((n) => Number.isFinite(n)) ? [...codes].sort((a, b) => Number(a) - Number(b)) : codes;
  return shown.length > 8 ? `${shown.slice(0, 8).join(', ')}, …` : shown.join(', ');
}

export interface CodingChange {
  question: string;
  /** `extended`: choices added to an unordered question, still pooled; `changed`: kept apart. */
  kind: 'extended' | 'changed';
  /** What changed, one sentence part per aspect, German and English. */
  what: LocalizedText[];
}

/** What changed in one question's coding from `before` to `after`; empty when it did not. */
export function describeChange(before: CatalogueQuestion, after: CatalogueQuestion): LocalizedText[] {
  const a = codingOf(before);
  const b = codingOf(after);
  const what: LocalizedText[] = [];
  if (a.type !== b.type) what.push({ de: `Fragetyp ${a.type} → ${b.type}`, en: `question type ${a.type} → ${b.type}` });
  const scale = after.type === 'rating' && before.type === 'rating';
  if (a.codes.join('\u0000') !== b.codes.join('\u0000')) {
    const from = describeCodes(a.codes);
    const to = describeCodes(b.codes);
    const added = b.codes.filter((c) => !a.codes.includes(c));
    if (codingRelation(before, after) === 'extended') what.push({ de: `neue Antwortcodes: ${added.join(', ')}`, en: `new answer codes: ${added.join(', ')}` });
    else what.push(scale ? { de: `Skala ${from} → ${to}`, en: `scale ${from} → ${to}` } : { de: `Antwortcodes ${from} → ${to}`, en: `answer codes ${from} → ${to}` });
  }
  // beyond the question's own choices: matrix columns, rows, cells, inner questions
  if (what.length === 0 || (a.codes.length === 0 && b.codes.length === 0)) {
    const byKey = new Map(a.variables.map((v) => [v.key, v]));
    const keys = new Set(b.variables.map((v) => v.key));
    const added = b.variables.filter((v) => !byKey.has(v.key)).map((v) => v.key.replace(/^\./, ''));
    const removed = a.variables.filter((v) => !keys.has(v.key)).map((v) => v.key.replace(/^\./, ''));
    if (added.length > 0 || removed.length > 0) {
      const de = [added.length ? `neu: ${added.join(', ')}` : '', removed.length ? `entfallen: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
      const en = [added.length ? `new: ${added.join(', ')}` : '', removed.length ? `dropped: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
      what.push({ de: `Teilfragen (${de})`, en: `items (${en})` });
    }
    for (const v of b.variables) {
      const old = byKey.get(v.key);
      if (!old) continue;
      const label = v.key.replace(/^\./, '') || after.name;
      if (old.measure !== v.measure) what.push({ de: `Messniveau von „${label}“ ${old.measure} → ${v.measure}`, en: `measure of "${label}" ${old.measure} → ${v.measure}` });
      else if (old.values.join('\u0000') !== v.values.join('\u0000'))
        what.push({ de: `Werte von „${label}“ ${describeCodes(old.values)} → ${describeCodes(v.values)}`, en: `values of "${label}" ${describeCodes(old.values)} → ${describeCodes(v.values)}` });
    }
  }
  if (what.length === 0 && codingKey(before) !== codingKey(after)) what.push({ de: 'Kodierung geändert', en: 'coding changed' });
  return what;
}

/** The questions (by name, in `after`'s order) that both catalogues have and whose coding changed. */
export function codingChanges(before: Catalogue, after: Catalogue): CodingChange[] {
  const old = new Map(before.questions.map((q) => [q.name, q]));
  return after.questions.flatMap((q) => {
    const prev = old.get(q.name);
    const kind = prev ? codingRelation(prev, q) : 'same';
    if (!prev || kind === 'same') return [];
    return [{ question: q.name, kind, what: describeChange(prev, q) }];
  });
}

/** A linter warning per changed question; `en` carries the English sentence. */
export type CodingFinding = Finding & { severity: 'warning'; en: string };

/** Warnings for importing `after` as the version following version `beforeVersion` (`before`). */
export function lintCodingChanges(before: Catalogue, after: Catalogue, beforeVersion: number): CodingFinding[] {
  return codingChanges(before, after).map((c): CodingFinding => {
    const de = c.what.map((w) => w.de).join('; ');
    const en = c.what.map((w) => w.en ?? w.de).join('; ');
    if (c.kind === 'extended')
      return {
        element: c.question,
        severity: 'warning',
        message: `Diese Frage hat gegenüber Fassung ${beforeVersion} neue Antwortmöglichkeiten (${de}). Die bisherigen Codes bleiben gleich, Berichte und Exporte werten die Fassungen daher zusammen aus; wer vorher antwortete, konnte die neuen Möglichkeiten nicht wählen.`,
        en: `This question has new answer options since version ${beforeVersion} (${en}). The old codes keep their meaning, so reports and exports pool the versions; earlier respondents could not choose the new options.`,
      };
    return {
      element: c.question,
      severity: 'warning',
      message: `Die Kodierung dieser Frage hat sich gegenüber Fassung ${beforeVersion} geändert (${de}). Berichte werten die Fassungen dieser Frage getrennt aus, Exporte geben ihr je Kodierung eine eigene Variable.`,
      en: `The coding of this question changed since version ${beforeVersion} (${en}). Reports analyse its versions apart, exports give it one variable per coding.`,
    };
  });
}

/**
 * The split keys of a new version (`Catalogue.splits`): question name → `q@v<k>` for each
 * question whose coding differs from the one it had in the first version that had it; k is the
 * first version with the new coding (the new version's own number if none). `earlier` are the
 * stored versions, any order.
 */
export function codingSplits(earlier: readonly { version: number; catalogue: Catalogue }[], next: Catalogue, nextVersion: number): Record<string, string> {
  const ascending = [...earlier].sort((a, b) => a.version - b.version);
  const splits: Record<string, string> = {};
  for (const q of next.questions) {
    const withQ = ascending.flatMap((v) => {
      const found = v.catalogue.questions.find((x) => x.name === q.name);
      return found ? [{ version: v.version, question: found, split: v.catalogue.splits?.[q.name] }] : [];
    });
    if (withQ.length === 0 || codingRelation(withQ[0].question, q) !== 'changed') continue;
    // the first version whose coding this one equals or extends: share its key
    const first = withQ.find((v) => codingRelation(v.question, q) !== 'changed');
    splits[q.name] = first ? (first.split ?? `${q.name}${SPLIT_MARK}${first.version}`) : `${q.name}${SPLIT_MARK}${nextVersion}`;
  }
  return splits;
}
