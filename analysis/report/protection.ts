// Small-group protection for a report, on top of `analysis/suppress.ts`.
//
// Each variable is protected ONCE over the whole survey (every link = one unit), with the
// published set in the algebra (`published.ts`): the total, each segment, the scope of every
// audience (its overall row; e.g. intermediary + sme) and the segment × link-label groups its
// share keys can filter to. `protectTable` makes sure no suppressed figure of those can be derived
// from the shown ones; a figure costs as many as the reports that show it, so a small
// works-council cell is protected in the rows of the reports that show works councils. The overall
// rows of the audiences cannot all stay complete: with scopes {all}, {int, sme} and {wc, sme}, a
// small works-council cell equals "all" minus "int + sme", so one of those two must hide that
// column. A report (an audience's segments, after filters) then shows a figure only where its
// atom vector lies in the span of the globally shown figures: such a figure says nothing the
// survey as a whole does not already say, so no combination of reports and filters (e.g. "all"
// minus "all but one offered link label") recovers a hidden figure. A figure is also hidden where
// it is itself 1 … minGroupSize − 1. This holds for researchers' views too: a filter to a link
// label no share key is offered shows only what follows from the published figures.
// "No answer" can be a column of its own (ProtectOptions.noAnswer); reports leave it out: a skip
// is not an answer, and protecting it hides whole groups wherever a few people skipped.
// Each variable is then audited together with the bases (joint.ts): its n is never more than a
// group's respondents, so shown bases and shown n must not narrow a small group's size or cells.
import { createHash } from 'node:crypto';
import { listAudiences, loadProfile } from '../profiles/index.ts';
import { type Figure, protectTable, Span, type SuppressionGrouping, type SuppressionReason } from '../suppress.ts';
import { auditNonNegative } from '../suppress-lp.ts';
import type { AggregatedData, OpenTextRow } from '../types.ts';
import { auditWithBases, type Place } from './joint.ts';
import { type AudienceScope, publishedGroupings } from './published.ts';

export interface Unit {
  id: string;
  segment: string;
  linkLabel: string | null;
  /** Complete responses through this link. */
  base: number;
}

/** The column that counts complete responses without an answer to the variable. */
export const NO_ANSWER = '\u0000na';

export function unitId(segment: string, linkLabel: string | null): string {
  return `${segment}\u0000${linkLabel ?? ''}`;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** AggregatedData indexed by variable and unit. */
export class DataIndex {
  readonly units: Unit[];
  private readonly counts = new Map<string, Map<string, Record<string, number>>>();
  private readonly texts = new Map<string, OpenTextRow[]>();

  constructor(data: AggregatedData) {
    const units = new Map<string, Unit>();
    const unit = (segment: string, linkLabel: string | null) => {
      const id = unitId(segment, linkLabel);
      let u = units.get(id);
      if (!u) {
        u = { id, segment, linkLabel, base: 0 };
        units.set(id, u);
      }
      return u;
    };
    for (const b of data.bases) unit(b.segment, b.linkLabel).base += b.n;
    for (const c of data.counts) {
      const id = unit(c.segment, c.linkLabel).id;
      const byUnit = this.counts.get(c.variable) ?? new Map<string, Record<string, number>>();
      this.counts.set(c.variable, byUnit);
      const table = byUnit.get(id) ?? {};
      table[c.value] = (table[c.value] ?? 0) + c.n;
      byUnit.set(id, table);
    }
    for (const t of data.openTexts) {
      unit(t.segment, t.linkLabel);
      const list = this.texts.get(t.variable) ?? [];
      list.push(t);
      this.texts.set(t.variable, list);
    }
    this.units = [...units.values()].sort((a, b) => byText(a.id, b.id));
  }

  /** The frequency table of a variable in one unit (empty when nobody answered). */
  table(variable: string, unit: string): Record<string, number> {
    return this.counts.get(variable)?.get(unit) ?? {};
  }

  /** Values seen for a variable anywhere, sorted. */
  valuesOf(variable: string): string[] {
    const seen = new Set<string>();
    for (const t of this.counts.get(variable)?.values() ?? []) for (const [v, n] of Object.entries(t)) if (n > 0) seen.add(v);
    return [...seen].sort(byText);
  }

  openTexts(variable: string): OpenTextRow[] {
    return this.texts.get(variable) ?? [];
  }
}

/** One variable, protected over the whole survey; asks what a report may show. */
export interface ProtectedVariable {
  /** The value columns (without NO_ANSWER). */
  values: string[];
  /** The true count (for statistics over complete groups only). */
  raw(units: readonly string[], value: string): number;
  /** The count of `value` over `units`, or why it is hidden. */
  figure(units: readonly string[], value: string): Figure;
  /** Valid answers (all value columns) over `units`. */
  n(units: readonly string[]): Figure;
  rawN(units: readonly string[]): number;
}

export interface ProtectOptions {
  /** Add the NO_ANSWER column (unit base − answers). */
  noAnswer: boolean;
  minGroupSize: number;
  /** The breakdowns to protect besides the total, and the total's cost; default: the published
   *  set of the registered audience profiles (`publishedGroupings`). */
  published?: Published;
  /** The survey's bases (complete responses per group, protected on their own, `'_n'`): given,
   *  the variable is audited together with them (`auditWithBases`). */
  bases?: ProtectedVariable;
  /** Every complete respondent answered (catalogue `required`): n = base in every unit, and
   *  whoever reads the definition knows it; the audit with the bases assumes it too. */
  required?: boolean;
}

export interface Published {
  groupings: SuppressionGrouping[];
  totalWeight: number;
}

let registered: AudienceScope[] | null = null;
/** The segments each registered audience profile draws on and compares (read once; a broken
 *  profile is skipped, it cannot produce a report anyway). The same for every report, as the
 *  protection must be. */
export function registeredAudiences(): AudienceScope[] {
  if (!registered) {
    const out: AudienceScope[] = [];
    for (const audience of listAudiences()) {
      try {
        const p = loadProfile(audience);
        out.push({ include: [...new Set(p.segments.include)].sort(byText), compare: [...p.segments.compare], filters: [...p.shared.filters] });
      } catch {
        // reported where the profile is used
      }
    }
    registered = out;
  }
  return registered;
}

/** The survey's published set (`publishedGroupings`) over its audiences (default: the registered
 *  profiles). `overallOnly`: for figures a report shows for its scope only (open-text lists). */
export function publishedSet(units: readonly Unit[], minGroupSize: number, audiences: readonly AudienceScope[] = registeredAudiences(), overallOnly = false): Published {
  return publishedGroupings(units, audiences, minGroupSize, overallOnly);
}

/** Per-unit tables → one protected variable. `tables[unitId][value]` are the counts. */
export function protectVariable(units: readonly Unit[], tables: (unit: string) => Record<string, number>, values: readonly string[], options: ProtectOptions): ProtectedVariable {
  // Every report, filter and share read of a release protects the same variables again (each
  // builds its own context): remember the answer per input, i.e. what the protection reads (the
  // units, their counts of `values`, the options, the published set's and the bases' own inputs).
  const basesKey = options.bases ? memoKeys.get(options.bases) : '';
  if (basesKey === undefined) return protectFresh(units, tables, values, options);
  const { published, bases, ...rest } = options;
  const key = createHash('sha256')
    .update(JSON.stringify([rest, values, basesKey, published ? publishedKey(published) : null, units.map((u) => {
      const t = tables(u.id);
      return [u.id, u.segment, u.linkLabel, u.base, values.map((v) => t[v] ?? 0)];
    })]))
    .digest('base64');
  let pv = variables.get(key);
  if (!pv) {
    pv = protectFresh(units, tables, values, options);
    if (variables.size >= MEMO) variables.delete(variables.keys().next().value as string);
    variables.set(key, pv);
    memoKeys.set(pv, key);
  }
  const out = { ...pv, values: [...pv.values] };
  memoKeys.set(out, key);
  return out;
}

const MEMO = 1000;
const variables = new Map<string, ProtectedVariable>();
const memoKeys = new WeakMap<ProtectedVariable, string>();
const publishedKeys = new WeakMap<Published, string>();
function publishedKey(p: Published): string {
  let key = publishedKeys.get(p);
  if (key === undefined) {
    key = createHash('sha256').update(JSON.stringify(p)).digest('base64');
    publishedKeys.set(p, key);
  }
  return key;
}

function protectFresh(units: readonly Unit[], tables: (unit: string) => Record<string, number>, values: readonly string[], options: ProtectOptions): ProtectedVariable {
  const k = options.minGroupSize;
  const cols = options.noAnswer ? [...values, NO_ANSWER] : [...values];
  const counts = new Map<string, Record<string, number>>();
  for (const u of units) {
    const t = tables(u.id);
    const row: Record<string, number> = {};
    let answered = 0;
    for (const v of values) {
      row[v] = t[v] ?? 0;
      answered += row[v];
    }
    if (options.noAnswer) row[NO_ANSWER] = Math.max(0, u.base - answered);
    counts.set(u.id, row);
  }
  const { groupings, totalWeight } = options.published ?? publishedSet(units, k);
  const table = protectTable({
    values: cols,
    units: units.map((u) => ({ id: u.id, counts: counts.get(u.id) as Record<string, number> })),
    groupings,
    totalWeight,
    minGroupSize: k,
    // group-attribute rule (answers of a group below 2k all alike) over the answer columns
    attributeValues: values.length >= 2 ? values : undefined,
    // The bases (one column, n per group) are not audited: which groups a share key may filter to
    // is decided on them by the filter rule (0 or ≥ k, shared-filters.ts), and an audit that hid
    // a base would refuse a filter the page offers.
  }, cols.length > 1 ? { audit: auditNonNegative } : {});

  // every published group once: the total and each grouping's groups, with their figures
  const places: Place[] = [{ ids: units.map((u) => u.id), weight: totalWeight, group: table.total }];
  for (const grouping of groupings) {
    const groups = table.groupings[grouping.name];
    grouping.groups.forEach((g, i) => {
      places.push({ ids: g.units, weight: grouping.weight ?? 1, group: groups[i] });
    });
  }
  // The question's n per group and the report bases link it to the group sizes: counts
  // are never negative, so n ≤ base in every group, and a shown base minus the other groups'
  // shown n bounds a small group's size and cells (issue 12). Audit the two together.
  if (options.bases) auditWithBases({ units, counts, cols, answers: values, places, bases: options.bases, k, required: options.required });

  const index = new Map(units.map((u, i) => [u.id, i]));
  const W = cols.length;
  const vector = (ids: readonly string[], columns: readonly string[]) => {
    const vec = new Float64Array(units.length * W);
    for (const id of ids) {
      const i = index.get(id);
      if (i === undefined) continue;
      for (const c of columns) vec[i * W + cols.indexOf(c)] = 1;
    }
    return vec;
  };
  const span = new Span();
  for (const { ids, group: g } of places) {
    if (typeof g.n === 'number') span.add(vector(ids, cols));
    for (const c of cols) if (typeof g.counts[c] === 'number') span.add(vector(ids, [c]));
  }
  const sum = (ids: readonly string[], columns: readonly string[]) => {
    let s = 0;
    for (const id of ids) {
      const row = counts.get(id);
      if (row) for (const c of columns) s += row[c] ?? 0;
    }
    return s;
  };
  const decide = (ids: readonly string[], columns: readonly string[], small: SuppressionReason): Figure => {
    const raw = sum(ids, columns);
    if (raw > 0 && raw < k) return { suppressed: true, reason: small };
    return span.contains(vector(ids, columns)) ? raw : { suppressed: true, reason: 'complementary' };
  };
  return {
    values: [...values],
    raw: (ids, value) => sum(ids, [value]),
    figure: (ids, value) => decide(ids, [value], 'small-cell'),
    n: (ids) => decide(ids, values, 'small-group'),
    rawN: (ids) => sum(ids, values),
  };
}
