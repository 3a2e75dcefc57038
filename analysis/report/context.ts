// What every question builder needs: the indexed data, the report's scope (units it draws on),
// the compared groups, and the survey-wide protection of each variable (cached).
import type { Catalogue, LocalizedText } from '../../surveys/types.ts';
import { type Figure, isSuppressed, type Suppressed } from '../suppress.ts';
import { type DataIndex, NO_ANSWER, type ProtectedVariable, type Published, protectVariable, publishedSet, registeredAudiences, type Unit } from './protection.ts';
import type { AudienceScope } from './published.ts';

export interface CompareGroup {
  key: string;
  label: LocalizedText;
  units: string[];
}

export interface ReportContext {
  index: DataIndex;
  /** Every unit of the survey: protection is survey-wide. */
  units: Unit[];
  /** Units the report rests on (the profile's segments, after filters). */
  scope: string[];
  /** Compared segments within the scope (empty: no comparison). */
  groups: CompareGroup[];
  minGroupSize: number;
  protect(variable: string, values: readonly string[], noAnswer?: boolean): ProtectedVariable;
  /** Protects counts that do not come from `answer_counts` (e.g. open texts per unit);
   *  `overallOnly`: a report shows them for its scope only, not per compared segment. */
  protectCounts(key: string, tables: (unit: string) => Record<string, number>, values: readonly string[], noAnswer?: boolean, overallOnly?: boolean): ProtectedVariable;
  /** Complete responses per unit, protected over the whole survey (the report bases). Every
   *  other variable is audited together with them (joint.ts). */
  bases(): ProtectedVariable;
  /** The same data and protection (shared cache) for other units, e.g. one segment's key findings. */
  withScope(scope: string[], groups: CompareGroup[]): ReportContext;
}

export function createContext(
  index: DataIndex,
  scope: string[],
  groups: CompareGroup[],
  minGroupSize: number,
  cache: Map<string, ProtectedVariable> = new Map(),
  // the survey's audiences (their profiles decide the published set); default: the registered ones
  audiences: readonly AudienceScope[] = registeredAudiences(),
  // the survey's published set (computed once per report; the same for its other scopes). Every
  // view of the same data, filtered or not, researcher or share key, is protected by this one
  // set: a figure outside it (a link label no share key is offered) is shown only where it
  // follows from the published figures, so no two views say more than the survey as a whole.
  published: { all: Published; overall: Published } = {
    all: publishedSet(index.units, minGroupSize, audiences),
    overall: publishedSet(index.units, minGroupSize, audiences, true),
  },
  // the protection keys whose n is the base in every group for anyone who reads the definition
  // (`requiredKeys`): audited with that knowledge (joint.ts)
  required: ReadonlySet<string> = new Set(),
): ReportContext {
  const cached = (key: string, make: () => ProtectedVariable) => {
    let pv = cache.get(key);
    if (!pv) {
      pv = make();
      cache.set(key, pv);
    }
    return pv;
  };
  const baseOf = new Map(index.units.map((u) => [u.id, u.base]));
  const bases = () => cached('c\u0000_n', () => protectVariable(index.units, (u) => ({ n: baseOf.get(u) ?? 0 }), ['n'], { noAnswer: false, minGroupSize, published: published.all }));
  return {
    index,
    units: index.units,
    scope,
    groups,
    minGroupSize,
    protect(variable, values, noAnswer = false) {
      const key = `v\u0000${variable}\u0000${values.join('\u0001')}\u0000${noAnswer}`;
      return cached(key, () => protectVariable(index.units, (u) => index.table(variable, u), values, { noAnswer, minGroupSize, published: published.all, bases: bases(), required: required.has(variable) }));
    },
    protectCounts(key, tables, values, noAnswer = false, overallOnly = false) {
      const p = overallOnly ? published.overall : published.all;
      return cached(`c\u0000${key}\u0000${values.join('\u0001')}\u0000${noAnswer}\u0000${overallOnly}`, () => protectVariable(index.units, tables, values, { noAnswer, minGroupSize, published: p, bases: bases(), required: required.has(key) }));
    },
    bases,
    withScope(other, otherGroups) {
      return createContext(index, other, otherGroups, minGroupSize, cache, audiences, published, required);
    },
  };
}

export { NO_ANSWER };

/**
 * The protection keys (as the question builders protect them) of the questions every complete
 * respondent had to answer (`required` in the catalogue): a choice, rating or boolean question's
 * variable, a checkbox's 0/1 variables, a number's answered count (`q#answered`, number.ts) and
 * an open question's text count (`q#texts`, texts.ts).
 */
export function requiredKeys(catalogue: Catalogue): Set<string> {
  const out = new Set<string>();
  for (const q of catalogue.questions) {
    if (!q.required) continue;
    const counted = q.variables.filter((v) => v.measure !== 'text');
    if (counted.length === 0 && q.variables.length === 1) out.add(`${q.variables[0].key}#texts`);
    for (const v of counted) out.add(v.measure === 'scale' ? `${v.key}#answered` : v.key);
  }
  return out;
}

/** A group's figures for one variable: whole-group suppression where its n is hidden or small. */
export interface GroupFigures {
  n: Figure;
  counts: Record<string, Figure>;
  suppressed: boolean;
  /** No figure of the group is hidden: statistics over its cells may be shown. */
  complete: boolean;
}

export const SMALL_GROUP: Suppressed = { suppressed: true, reason: 'small-group' };

export function groupFigures(pv: ProtectedVariable, units: readonly string[], values: readonly string[] = pv.values): GroupFigures {
  const n = pv.n(units);
  const suppressed = isSuppressed(n);
  const counts: Record<string, Figure> = {};
  // a hidden group's cells carry the group's reason: a small group's cells are small too, but a
  // group hidden to protect another (complementary) may hold many answers per cell
  for (const v of values) counts[v] = suppressed ? (n as Suppressed) : pv.figure(units, v);
  return { n, counts, suppressed, complete: !suppressed && Object.values(counts).every((c) => !isSuppressed(c)) };
}

/** `count / n` as a percentage, hidden where either is. */
export function percentOf(count: Figure, n: Figure): Figure {
  if (isSuppressed(count)) return count;
  if (isSuppressed(n)) return n;
  return n > 0 ? (100 * count) / n : 0;
}

/** The raw frequency table of a variable over units (for statistics of complete groups). */
export function rawTable(pv: ProtectedVariable, units: readonly string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const v of pv.values) t[v] = pv.raw(units, v);
  return t;
}

/** Catalogue values (as strings) plus any value seen in the data, catalogue order first. */
export function valueList(declared: readonly (string | number | boolean)[] | undefined, seen: readonly string[]): string[] {
  const out = (declared ?? []).map(String);
  for (const s of seen) if (!out.includes(s)) out.push(s);
  return out;
}

export function labelOf(choices: readonly { value: string | number | boolean; label: LocalizedText }[] | undefined, value: string): LocalizedText {
  return choices?.find((c) => String(c.value) === value)?.label ?? { de: value, en: value };
}

/** Is any value (a figure, statistics, a text list) the suppressed marker? */
export function isHidden<T>(x: T | Suppressed): x is Suppressed {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as { suppressed?: unknown }).suppressed === true;
}
