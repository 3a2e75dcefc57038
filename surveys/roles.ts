// Roles and tags of catalogue questions, and the rules that pick questions by them. An audience
// profile says what kind of content its readers get ("topic ratings and barriers"), never which
// question names: `selectQuestions` turns such a rule into the questions of any one survey.
//
// A question's role is the author's `befund.role` mark where there is one, else inferred by
// `inferRole` from type, measurement, special items, position and — as weak evidence — title
// words. Question names are never used.
import { z } from 'zod';
import { type Role, RoleSchema } from './marks.ts';
import type { Catalogue, CatalogueQuestion } from './types.ts';

const BARRIER = /hemmnis|hindernis|hinder|erschwer|hürde|schwierig|problem|belast|barrier|obstacle|difficult|hard to|prevent/i;
const WISH = /wünsch|bevorzug|bräuchten|brauchen|hilfreich|unterstützung|angebot|priorit|wichtigst|prefer|wish|would help|helpful|support|priorit/i;
const SUGGESTION = /anregung|vorschlag|hinweis|kommentar|anmerkung|sonst noch|suggest|comment|remark|anything else/i;
const SEGMENT = /organisation|gruppe|funktion|rolle|position|tätig|beruf|mitglied|betriebsart|art des betrieb|art ihres|welcher art|organi[sz]ation|group|role|function|occupation|member|kind of/i;
const EMPLOYEE = /beschäftigt|mitarbeit|arbeitnehm|belegschaft|kolleg|pflege|vereinbar|gesundheit|arbeitszeit|arbeitsbeding|employee|staff|worker|colleague|care|health|working time|working condition/i;

const SINGLE = new Set(['radiogroup', 'dropdown', 'imagepicker']);
const MULTI = new Set(['checkbox', 'tagbox']);
const DETAIL = new Set(['paneldynamic', 'matrixdynamic', 'multipletext', 'file', 'signaturepad', 'expression']);

/** Where a question stands: its index in catalogue (survey) order and the number of questions. */
export interface Position {
  index: number;
  count: number;
}

const titleOf = (q: CatalogueQuestion) => Object.values(q.title).join(' ');
const early = (p: Position) => p.index < Math.max(2, Math.ceil(p.count * 0.3));
const nominalSingle = (q: CatalogueQuestion) => SINGLE.has(q.type) && q.variables[0]?.measure === 'nominal';
const looksLikeRoles = (q: CatalogueQuestion) => {
  const choices = (q.choices ?? []).filter((c) => c.value !== 'other');
  return choices.length >= 2 && choices.length <= 15 && choices.every((c) => typeof c.value === 'string' && !/^\d/.test(Object.values(c.label).join('')));
};

/** The role of one question without a mark; `segmentTaken`: an earlier question is the segment. */
export function inferRole(q: CatalogueQuestion, at: Position, segmentTaken = false): Role {
  const title = titleOf(q);
  const measure = q.variables[0]?.measure;
  if (nominalSingle(q) && early(at)) {
    if (!segmentTaken && looksLikeRoles(q) && (SEGMENT.test(title) || at.index === 0)) return 'segment';
    return 'screening';
  }
  if (q.type === 'matrix') return 'topic rating';
  if (q.type === 'matrixdropdown') return q.variables.length > 0 && q.variables.every((v) => v.measure === 'ordinal') ? 'topic rating' : 'detail';
  if (MULTI.has(q.type) || (q.type === 'imagepicker' && measure === 'binary')) {
    if (BARRIER.test(title)) return 'barrier';
    if (WISH.test(title)) return 'wish';
    return q.hasNone || q.choices?.some((c) => c.value === 'none') ? 'barrier' : 'practice';
  }
  if (q.type === 'ranking') return BARRIER.test(title) ? 'barrier' : 'wish';
  if (q.type === 'rating' || measure === 'ordinal') return 'rating';
  if (q.type === 'comment') return 'open suggestion';
  if (q.type === 'text' && measure === 'text') {
    if (SUGGESTION.test(title) || WISH.test(title) || at.index >= at.count * 0.7) return 'open suggestion';
    return 'detail';
  }
  if (DETAIL.has(q.type)) return 'detail';
  if (measure === 'scale') return early(at) ? 'screening' : 'detail';
  if (q.type === 'boolean') return early(at) ? 'screening' : 'practice';
  if (nominalSingle(q)) return 'practice';
  return 'detail';
}

/** Tags inferred from titles and rows: `employee` for questions about employees and their work. */
export function inferTags(q: CatalogueQuestion): string[] {
  const text = [titleOf(q), ...(q.rows ?? []).map((r) => Object.values(r.label).join(' '))].join(' ');
  return EMPLOYEE.test(text) ? ['employee'] : [];
}

export interface QuestionInfo {
  question: CatalogueQuestion;
  role: Role;
  tags: string[];
  position: Position;
  /** How the role was decided. */
  source: 'mark' | 'inferred';
}

/** Role, tags and position of every question, in survey order. At most one inferred segment. */
export function describeQuestions(catalogue: Catalogue): QuestionInfo[] {
  const count = catalogue.questions.length;
  let segmentTaken = catalogue.questions.some((q) => q.befund?.role === 'segment');
  return catalogue.questions.map((question, index) => {
    const position = { index, count };
    const marked = question.befund?.role;
    const role = marked ?? inferRole(question, position, segmentTaken);
    if (role === 'segment') segmentTaken = true;
    return { question, role, tags: inferTags(question), position, source: marked ? 'mark' : 'inferred' };
  });
}

/** A rule over the catalogue: every given criterion must hold (each list: any of its entries). */
export const MatchSchema = z
  .object({
    roles: z.array(RoleSchema).min(1).optional(),
    types: z.array(z.string().min(1)).min(1).optional(),
    tags: z.array(z.string().min(1)).min(1).optional(),
    questions: z.array(z.string().min(1)).min(1).optional(),
    /** Place in the survey as a fraction of its length: 0 = first question, 1 = after the last. */
    position: z.object({ from: z.number().min(0).max(1).default(0), to: z.number().min(0).max(1).default(1) }).strict().optional(),
  })
  .strict();
export type Match = z.infer<typeof MatchSchema>;

export function matches(rule: Match, info: QuestionInfo): boolean {
  const { question: q, position: p } = info;
  if (rule.roles && !rule.roles.includes(info.role)) return false;
  if (rule.types && !rule.types.includes(q.type)) return false;
  if (rule.tags && !rule.tags.some((t) => info.tags.includes(t))) return false;
  if (rule.questions && !rule.questions.includes(q.name)) return false;
  if (rule.position) {
    const at = p.count <= 1 ? 0 : p.index / p.count;
    if (at < rule.position.from || at >= rule.position.to) return false;
  }
  return true;
}

/** Whether an audience may see a question: a mark with `audiences` limits it to those. */
export const visibleTo = (audience: string, info: QuestionInfo) => !info.question.befund?.audiences || info.question.befund.audiences.includes(audience);

/** A section as audience profiles give it: named questions, or a rule. */
export interface SectionRule {
  id: string;
  questions?: string[];
  match?: Match;
}

/**
 * The questions of each section for one audience, in survey order. A question goes to the first
 * rule-section that matches it; named questions are taken as named. Questions marked for this
 * audience that no rule takes go to `unplaced`.
 */
export function selectQuestions(audience: string, sections: readonly SectionRule[], infos: QuestionInfo[]): { sections: Record<string, string[]>; unplaced: string[] } {
  const taken = new Set(sections.flatMap((s) => s.questions ?? []));
  const out: Record<string, string[]> = {};
  for (const s of sections) {
    if (s.questions) {
      out[s.id] = [...s.questions];
      continue;
    }
    const rule = s.match ?? {};
    out[s.id] = infos.filter((i) => !taken.has(i.question.name) && visibleTo(audience, i) && matches(rule, i)).map((i) => i.question.name);
    for (const n of out[s.id]) taken.add(n);
  }
  const unplaced = infos.filter((i) => !taken.has(i.question.name) && i.question.befund?.audiences?.includes(audience)).map((i) => i.question.name);
  return { sections: out, unplaced };
}

/** Whether a key-findings rule (analysis/report/findings.ts) can read a question of this kind. */
export function ruleFits(rule: string, info: QuestionInfo): boolean {
  const q = info.question;
  const measures = new Set(q.variables.map((v) => v.measure));
  switch (rule) {
    case 'top-rated':
      return q.ordinal;
    case 'top-box':
      return q.ordinal && q.variables.length === 1;
    case 'most-chosen':
      // a yes/no question has no "most chosen" worth a sentence ("ja (53 %) und nein (47 %)")
      return q.type !== 'boolean' && (measures.has('nominal') || measures.has('binary'));
    case 'top-ranked':
      return measures.has('rank');
    case 'largest-difference':
      return q.ordinal || measures.has('nominal') || measures.has('binary');
    default:
      return false;
  }
}
