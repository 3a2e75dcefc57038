// One catalogue over all versions of a survey, for reports: questions are matched by name and
// pooled across versions, except where a question's coding changed (surveys/coding.ts). Such a
// question appears once per coding, under the key its values count under (`q`, `q@v3`), newest
// coding first, each titled with the versions it covers ("Fassung 3, ab 5.12.2026"), so a table
// never adds up answers given on different scales.
import { SPLIT_MARK } from '../surveys/coding.ts';
import type { Catalogue, CatalogueQuestion, LocalizedText, Variable } from '../surveys/types.ts';

export interface VersionCatalogue {
  version: number;
  /** When the version was imported: the day from which its coding was asked. */
  createdAt: Date | string;
  catalogue: Catalogue;
}

/** A question under another name: its variable keys (`q`, `q.row`) follow the name. */
export function renameQuestion(q: CatalogueQuestion, name: string): CatalogueQuestion {
  if (name === q.name) return q;
  const key = (k: string) => (k === q.name || k.startsWith(`${q.name}.`) ? name + k.slice(q.name.length) : k);
  return { ...q, name, variables: q.variables.map((v) => ({ ...v, key: key(v.key), question: v.question === q.name ? name : v.question })) };
}

/** A version's catalogue with its split questions renamed to the keys their values count under. */
export function splitCatalogue(catalogue: Catalogue): Catalogue {
  const splits = catalogue.splits;
  if (!splits || Object.keys(splits).length === 0) return catalogue;
  return { ...catalogue, questions: catalogue.questions.map((q) => renameQuestion(q, splits[q.name] ?? q.name)) };
}

/** The question a split key belongs to: `q@v3` → `q`. */
export function baseName(key: string): string {
  const i = key.lastIndexOf(SPLIT_MARK);
  return i > 0 && /^\d+$/.test(key.slice(i + SPLIT_MARK.length)) ? key.slice(0, i) : key;
}

const day = (d: Date | string) => (typeof d === 'string' ? new Date(d) : d).toISOString().slice(0, 10);
const germanDay = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}.${m}.${y}`;
};

/** `[1, 2, 4]` → `1–2, 4`. */
function ranges(versions: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < versions.length; i++) {
    let j = i;
    while (j + 1 < versions.length && versions[j + 1] === versions[j] + 1) j++;
    out.push(i === j ? String(versions[i]) : `${versions[i]}–${versions[j]}`);
    i = j;
  }
  return out.join(', ');
}

/** "Fassung 3, ab 5.12.2026" / "Version 3, from 2026-12-05": which versions a coding covers. */
export function codingLabel(versions: readonly number[], since: Date | string): LocalizedText {
  const plural = versions.length > 1;
  const iso = day(since);
  return { de: `${plural ? 'Fassungen' : 'Fassung'} ${ranges(versions)}, ab ${germanDay(iso)}`, en: `${plural ? 'Versions' : 'Version'} ${ranges(versions)}, from ${iso}` };
}

const withLabel = (title: LocalizedText, label: LocalizedText): LocalizedText =>
  Object.fromEntries(Object.entries(title).map(([l, t]) => [l, `${t} (${label[l] ?? label.de})`])) as LocalizedText;

/**
 * One catalogue over all versions (any order): the newest version's questions in its order, then
 * those only older versions had. A question with one coding is the newest version's entry, as
 * before; one with several codings becomes one entry per coding, named by its count key, taken
 * from the newest version with that coding and titled with its versions.
 */
export function versionedCatalogue(versions: readonly VersionCatalogue[]): Catalogue {
  if (versions.length === 0) return { locales: ['de'], questions: [] };
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const groups = new Map<string, Map<string, { q: CatalogueQuestion; versions: number[]; since: Date | string }>>();
  for (const v of newestFirst) {
    for (const q of v.catalogue.questions) {
      const key = v.catalogue.splits?.[q.name] ?? q.name;
      let byKey = groups.get(q.name);
      if (!byKey) {
        byKey = new Map();
        groups.set(q.name, byKey);
      }
      const g = byKey.get(key);
      if (g) {
        g.versions.unshift(v.version);
        g.since = v.createdAt;
      } else byKey.set(key, { q: renameQuestion(q, key), versions: [v.version], since: v.createdAt });
    }
  }
  const questions = [...groups.values()].flatMap((byKey) => {
    const list = [...byKey.values()];
    if (list.length === 1) return [list[0].q];
    return list.map((g) => {
      const label = codingLabel(g.versions, g.since);
      // a report shows the author's short title instead of the question's: label both
      const befund = g.q.befund?.short ? { ...g.q.befund, short: withLabel(g.q.befund.short, label) } : g.q.befund;
      return { ...g.q, title: withLabel(g.q.title, label), ...(befund ? { befund } : {}) };
    });
  });
  const locales = [...new Set(newestFirst.flatMap((c) => c.catalogue.locales))];
  return { locales, questions: questions.map((q) => (q.shownIf ? { ...q, shownIf: everyCoding(q.shownIf, questions) } : q)) };
}

/**
 * A condition's variables (`shownIf`) in every coding of their question: "nicht gefragt" sums
 * the filter question's cells over all versions, so each coding's cells must be shown for it to be.
 */
function everyCoding(vars: readonly Variable[], questions: readonly CatalogueQuestion[]): Variable[] {
  return vars.flatMap((v) => {
    const codings = questions.filter((q) => q.name !== v.question && baseName(q.name) === v.question);
    if (codings.length === 0) return [v];
    const suffix = v.key.slice(v.question.length);
    const more = codings.flatMap((q) => q.variables.filter((x) => x.key === q.name + suffix));
    return [v, ...more];
  });
}
