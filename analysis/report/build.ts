// buildReport: one audience's report model from aggregated counts. Pure and deterministic: the
// same input gives the same JSON bytes (sorted units, catalogue order, seeded shuffles).
//
//   AggregatedData (answer_counts × links, open_texts)
//     → DataIndex: frequency tables per variable and unit (link)             protection.ts
//     → survey-wide small-group protection per variable (protectTable,
//       then "shown only if it follows from shown figures" for the scope)   protection.ts
//     → statistics per question kind over complete groups                    questions/*.ts
//       (frequencies, Wilson, ordinal summary, ranking, quartiles) and
//       segment comparisons (chi-square + Cramér's V, Kruskal-Wallis,
//       Mann-Whitney) with their plain-words text                            compare.ts
//   profile (rules over roles) → concrete sections and rules for this survey  profiles/index.ts
//     → key findings by the profile's rules                                   findings.ts
//     → ReportModel                                                           model.ts
import type { Catalogue, LocalizedText } from '../../surveys/types.ts';
import { asLocale, type Locale } from '../format.ts';
import { DEFAULT_SEGMENT_LABELS, ownSegments, type Profile, type ResolvedProfile, resolveProfile } from '../profiles/index.ts';
import { DEFAULT_MIN_GROUP_SIZE, type Figure, suppressionNotice } from '../suppress.ts';
import type { AggregatedData } from '../types.ts';
import { baseName } from '../versions.ts';
import { type CompareGroup, createContext, requiredKeys } from './context.ts';
import { passes, type ReportFilters } from './filters.ts';
import { type FindingInput, type FindingScope, keyFindings } from './findings.ts';
import type { QuestionResult, ReportModel } from './model.ts';
import { DataIndex } from './protection.ts';
import type { AudienceScope } from './published.ts';
import { buildQuestion } from './questions/question.ts';

export interface BuildReportInput {
  catalogue: Catalogue;
  /** All complete responses of the survey, aggregated (unfiltered: filters are applied here). */
  data: AggregatedData;
  profile: Profile;
  minGroupSize?: number;
  /** Only checked; every text in the model carries German and English. */
  locale?: string;
  filters?: ReportFilters;
  survey?: ReportModel['survey'];
  /** Every audience's profile for this survey (its own or the registered one): together they
   *  decide what share keys can read, the published set protected as a whole. Default: the
   *  registered profiles. */
  audiences?: readonly AudienceScope[];
}

/** The report cannot be built as asked; `status` suggests the HTTP status. */
export class ReportError extends Error {
  override name = 'ReportError';
  constructor(
    message: string,
    readonly status: 409 | 422,
  ) {
    super(message);
  }
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildReport(input: BuildReportInput): ReportModel {
  const { catalogue } = input;
  const segments = input.profile.segments;
  const locale: Locale = asLocale(input.locale ?? 'de');
  void locale;
  const k = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!Number.isInteger(k) || k < 1) throw new Error(`minGroupSize must be a whole number ≥ 1, got ${k}`);

  const index = new DataIndex(input.data);
  const filters = input.filters ?? {};
  const inScope = (u: { segment: string; linkLabel: string | null }) => segments.include.includes(u.segment) && passes(filters, u.segment, u.linkLabel);
  const scopeUnits = index.units.filter(inScope);
  const base = scopeUnits.reduce((s, u) => s + u.base, 0);
  if (base === 0) {
    throw new ReportError(
      `Für diesen Bericht gibt es noch keine abgeschlossenen Antworten (Zielgruppen ${segments.include.join(', ')}${filters.segments?.length || filters.linkLabels?.length ? ', mit den gewählten Filtern' : ''}).`,
      409,
    );
  }
  const profile: ResolvedProfile = resolveProfile(input.profile, catalogue);
  if (profile.sections.length === 0) {
    throw new ReportError(`Das Profil "${profile.audience}" findet in dieser Umfrage keine Frage, die es zeigen könnte.`, 422);
  }
  const labelOf = (segment: string): LocalizedText => profile.segments.labels[segment] ?? DEFAULT_SEGMENT_LABELS[segment] ?? { de: segment, en: segment };
  const groups: CompareGroup[] = profile.segments.compare
    .map((segment) => ({ key: segment, label: labelOf(segment), units: scopeUnits.filter((u) => u.segment === segment).map((u) => u.id) }))
    .filter((g) => g.units.length > 0);
  const scope = scopeUnits.map((u) => u.id);
  const ctx = createContext(index, scope, groups, k, new Map(), input.audiences, undefined, requiredKeys(catalogue));

  // the report's base must itself be showable, or comparing it with another report would reveal
  // a small group (e.g. "all" minus "all but one link label")
  const bases = ctx.bases();
  const total = bases.n(scope);
  if (typeof total !== 'number') {
    throw new ReportError(
      `Diese Auswahl beruht auf weniger als ${k} Antworten oder ließe zusammen mit anderen Berichten eine kleine Gruppe erkennen; bitte weniger eng filtern.`,
      422,
    );
  }
  const bySegment: Record<string, Figure> = {};
  for (const segment of [...new Set(scopeUnits.map((u) => u.segment))].sort(byText)) {
    bySegment[segment] = bases.n(scopeUnits.filter((u) => u.segment === segment).map((u) => u.id));
  }

  const questions = new Map<string, QuestionResult>();
  // an author's plain-words short title (befund.short) replaces the question text in reports
  const byName = new Map(catalogue.questions.map((q) => [q.name, q.befund?.short ? { ...q, title: { ...q.title, ...q.befund.short } } : q]));
  const build = (name: string) => {
    let r = questions.get(name);
    if (!r) {
      r = buildQuestion(ctx, byName.get(name) as Catalogue['questions'][number], total);
      questions.set(name, r);
    }
    return r;
  };
  // a question whose coding changed between versions is one entry per coding (`q`, `q@v3`,
  // analysis/versions.ts): a section that shows one of them shows all, side by side
  const placed = new Set<string>();
  const withCodings = (names: readonly string[]) =>
    names
      .flatMap((n) => catalogue.questions.filter((q) => baseName(q.name) === baseName(n)).map((q) => q.name))
      .filter((n) => !placed.has(n) && placed.add(n));
  const sections = profile.sections.map((s) => ({
    id: s.id,
    title: s.title,
    ...(s.intro ? { intro: s.intro } : {}),
    questions: withCodings(s.questions).map(build),
  }));
  for (const rule of profile.keyFindings) build(rule.question);

  // key findings read the audience's own segments unless a rule says `scope: "all"` (the text
  // names whose answers either way); a comparing rule reads the report's comparison
  const own = scopeUnits.filter((u) => ownSegments(input.profile).includes(u.segment));
  const ownSegs = [...new Set(own.map((u) => u.segment))];
  const allSegs = [...new Set(scopeUnits.map((u) => u.segment))];
  const ordered = (segs: string[]) => input.profile.segments.include.filter((s) => segs.includes(s));
  const ownBase = own.length > 0 ? bases.n(own.map((u) => u.id)) : 0;
  const ownCtx = ctx.withScope(
    own.map((u) => u.id),
    [],
  );
  const ownBuilt = new Map<string, QuestionResult>();
  const findingInputs: FindingInput[] = profile.keyFindings.map((rule) => {
    if (rule.rule === 'largest-difference') return { rule, question: build(rule.question), scope: null };
    const useOwn = rule.scope === 'own' && own.length > 0 && ownSegs.length < allSegs.length;
    const scope: FindingScope = { kind: useOwn ? 'own' : 'all', groups: ordered(useOwn ? ownSegs : allSegs).map(labelOf) };
    if (!useOwn) return { rule, question: build(rule.question), scope };
    let q = ownBuilt.get(rule.question);
    if (!q) {
      const base = typeof ownBase === 'number' ? ownBase : 0;
      q = buildQuestion(ownCtx, byName.get(rule.question) as Catalogue['questions'][number], base);
      // the own segments' base is itself hidden: nothing of theirs may be shown
      if (typeof ownBase !== 'number') q = { ...q, suppressed: true };
      ownBuilt.set(rule.question, q);
    }
    return { rule, question: q, scope };
  });

  return {
    survey: input.survey ?? { slug: '', title: { de: '' }, versions: [] },
    audience: profile.audience,
    title: profile.title,
    intro: profile.intro,
    responses: { total, bySegment },
    segments: { included: [...new Set(scopeUnits.map((u) => u.segment))].sort(byText), compared: groups.map((g) => g.key) },
    minGroupSize: k,
    notice: suppressionNotice(k),
    summary: keyFindings(findingInputs),
    sections,
    glossary: profile.glossary,
  };
}
