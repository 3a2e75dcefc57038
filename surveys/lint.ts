// Lints a SurveyJS definition before import: one finding per problem, naming the element.
// survey-core itself reports unknown types and properties (Model.jsonErrors); names,
// expressions and `{name}` references are checked here on the raw JSON, because survey-core
// accepts those silently and fails only later, in the browser.
import {
  ConditionsParser,
  JsonIncorrectTypeError,
  JsonMissingTypeError,
  JsonRequiredPropertyError,
  JsonUnknownPropertyError,
  Model,
} from 'survey-core';
import type { JsonError } from 'survey-core';
import { buildCatalogue } from './catalogue.ts';
import { parseMark } from './marks.ts';
import { describeQuestions, ruleFits, type SectionRule, selectQuestions, visibleTo } from './roles.ts';

/** A problem with the definition; `severity: 'warning'` marks one that does not block an import. */
export type Finding = { element: string; message: string; severity?: 'warning' };

type Json = Record<string, unknown>;

/** Properties whose value is a SurveyJS expression (conditions included). */
const EXPRESSION_KEYS = new Set([
  'visibleIf',
  'enableIf',
  'requiredIf',
  'resetValueIf',
  'setValueIf',
  'setValueExpression',
  'defaultValueExpression',
  'choicesVisibleIf',
  'choicesEnableIf',
  'rowsVisibleIf',
  'columnsVisibleIf',
  'minValueExpression',
  'maxValueExpression',
  'expression',
  'totalExpression',
]);
/** Properties that hold names, codes or URLs, never text with `{name}` placeholders. */
const NON_TEXT_KEYS = new Set([
  'name',
  'value',
  'valueName',
  'type',
  'inputType',
  'cellType',
  'regex',
  'mask',
  'imageLink',
  'choicesByUrl',
]);
/** Variables survey-core provides inside expressions besides question and calculated-value names. */
const CONTEXT_ROOTS = new Set([
  'panel',
  'row',
  'item',
  'choice',
  'parentpanel',
  'rootpanel',
  'composite',
  'rowindex',
  'rowname',
  'rowvalue',
  'panelindex',
  'visibleindex',
  'pageno',
  'pagecount',
  'locale',
  'self',
]);
const NON_ANSWER_TYPES = new Set(['html', 'image', 'panel']);

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function lintSurvey(json: unknown): Finding[] {
  if (!isObject(json)) return [{ element: 'survey', message: 'Die Definition ist kein JSON-Objekt.' }];
  const findings: Finding[] = [];
  if (!hasText(json.title))
    findings.push({
      element: 'survey',
      message: 'Die Umfrage hat keinen Titel („title“ fehlt).',
    });
  const model = new Model(json);
  for (const e of model.jsonErrors ?? []) findings.push(fromJsonError(e));
  const elements = collectElements(json);
  findings.push(...duplicateNames(elements));
  findings.push(...badMarks(elements));
  if (!elements.some((e) => e.kind === 'question' && !NON_ANSWER_TYPES.has(String(e.json.type)))) {
    findings.push({
      element: 'survey',
      message: 'Die Umfrage enthält keine Frage.',
    });
  }
  findings.push(...checkExpressionsAndReferences(json, knownRoots(json, elements)));
  return findings;
}

/** A `befund` mark survey-core accepts (it is an object property) but whose shape is wrong. */
function badMarks(elements: ElementRef[]): Finding[] {
  return elements.flatMap((e) => {
    const { error } = parseMark(e.json.befund);
    return error ? [{ element: String(e.json.name ?? e.json.type ?? '?'), message: `Die Markierung „befund“ ist ungültig: ${error}.` }] : [];
  });
}

/** What the coverage check needs of an audience profile (analysis/profiles). */
export interface AudienceRules {
  audience: string;
  sections: readonly SectionRule[];
  keyFindings: readonly { rule: string; role?: string; question?: string }[];
}

/**
 * Warnings, never errors: a question that no audience profile would show, and a profile's section
 * rule or key-findings rule that matches nothing in this survey. Run on a definition that passes
 * `lintSurvey`.
 */
export function lintCoverage(json: unknown, profiles: readonly AudienceRules[]): Finding[] {
  const infos = describeQuestions(buildCatalogue(json));
  const shownAnywhere = new Set<string>();
  const findings: Finding[] = [];
  const warn = (element: string, message: string) => findings.push({ element, message, severity: 'warning' });
  for (const p of profiles) {
    const { sections, unplaced } = selectQuestions(p.audience, p.sections, infos);
    const shown = new Set([...Object.values(sections).flat(), ...unplaced]);
    for (const n of shown) shownAnywhere.add(n);
    for (const s of p.sections) {
      if (sections[s.id].length === 0) warn(`${p.audience}/${s.id}`, `Der Abschnitt „${s.id}“ des Profils „${p.audience}“ findet in dieser Umfrage keine Frage.`);
    }
    for (const r of p.keyFindings) {
      if (!r.role) continue;
      const hit = infos.some((i) => shown.has(i.question.name) && i.role === r.role && ruleFits(r.rule, i) && visibleTo(p.audience, i));
      if (!hit) warn(`${p.audience}/${r.rule}`, `Die Kernaussage „${r.rule}“ des Profils „${p.audience}“ findet keine gezeigte Frage mit der Rolle „${r.role}“.`);
    }
  }
  for (const i of infos) {
    if (!shownAnywhere.has(i.question.name)) warn(i.question.name, `Kein Zielgruppen-Bericht zeigt diese Frage (Rolle „${i.role}“); markieren Sie sie mit „befund“: { "role": …, "audiences": [...] }.`);
  }
  return findings;
}

function hasText(v: unknown): boolean {
  if (typeof v === 'string') return v.trim() !== '';
  return isObject(v) && Object.values(v).some((t) => typeof t === 'string' && t.trim() !== '');
}

function fromJsonError(e: JsonError): Finding {
  const obj = isObject(e.jsonObj) ? e.jsonObj : {};
  const element = String((e.element as { name?: string } | undefined)?.name || obj.name || 'survey');
  if (e instanceof JsonIncorrectTypeError) return { element, message: `Unbekannter Fragetyp „${String(obj.type)}“.` };
  if (e instanceof JsonMissingTypeError) return { element, message: 'Das Element hat keinen Typ („type“ fehlt).' };
  if (e instanceof JsonUnknownPropertyError) return { element, message: `Unbekannte Eigenschaft „${e.propertyName}“.` };
  if (e instanceof JsonRequiredPropertyError) return { element, message: `Pflichtangabe „${e.propertyName}“ fehlt.` };
  return {
    element,
    message: `survey-core versteht die Definition nicht: ${e.message}`,
  };
}

type ElementRef = { kind: 'page' | 'question'; scope: string; json: Json };

/** Pages and elements with the scope their name must be unique in (a dynamic panel is its own). */
function collectElements(json: Json): ElementRef[] {
  const out: ElementRef[] = [];
  const walk = (list: unknown, scope: string) => {
    if (!Array.isArray(list)) return;
    for (const el of list) {
      if (!isObject(el)) continue;
      out.push({ kind: 'question', scope, json: el });
      walk(el.elements ?? el.questions, scope);
      if (typeof el.name === 'string') walk(el.templateElements, `${scope}/${el.name}`);
    }
  };
  walk(json.elements ?? json.questions, '');
  for (const page of Array.isArray(json.pages) ? json.pages : []) {
    if (!isObject(page)) continue;
    out.push({ kind: 'page', scope: 'pages', json: page });
    walk(page.elements ?? page.questions, '');
  }
  return out;
}

function duplicateNames(elements: ElementRef[]): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const e of elements) {
    const name = e.json.name;
    if (typeof name !== 'string' || name === '') {
      if (e.kind === 'question')
        findings.push({
          element: String(e.json.type ?? '?'),
          message: 'Das Element hat keinen Namen („name“ fehlt).',
        });
      continue;
    }
    const key = `${e.scope}\u0000${name.toLowerCase()}`;
    if (seen.has(key))
      findings.push({
        element: name,
        message: `Der Name „${name}“ kommt mehrfach vor.`,
      });
    seen.add(key);
    findings.push(...duplicateValues(name, 'choices', e.json.choices), ...duplicateValues(name, 'rows', e.json.rows));
    findings.push(...duplicateValues(name, 'columns', e.json.columns));
  }
  return findings;
}

function duplicateValues(element: string, key: string, list: unknown): Finding[] {
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const item of list) {
    const v = isObject(item) ? (item.value ?? item.name) : item;
    const k = String(v);
    if (seen.has(k))
      findings.push({
        element,
        message: `Der Wert „${k}“ kommt in „${key}“ mehrfach vor.`,
      });
    seen.add(k);
  }
  return findings;
}

/** Lower-cased names an expression may start with (survey-core compares names case-insensitively). */
function knownRoots(json: Json, elements: ElementRef[]): Set<string> {
  const roots = new Set(CONTEXT_ROOTS);
  for (const e of elements) {
    for (const k of ['name', 'valueName']) if (typeof e.json[k] === 'string') roots.add((e.json[k] as string).toLowerCase());
  }
  for (const c of Array.isArray(json.calculatedValues) ? json.calculatedValues : []) {
    if (isObject(c) && typeof c.name === 'string') roots.add(c.name.toLowerCase());
  }
  for (const t of Array.isArray(json.triggers) ? json.triggers : []) {
    if (isObject(t) && typeof t.setToName === 'string') roots.add(t.setToName.toLowerCase());
  }
  return roots;
}

/** `{a.b}`, `{a[0].b}`, `{a-Comment}` → `a`. */
function rootOf(variable: string): string {
  return variable
    .split(/[.[]/)[0]
    .replace(/-comment$/i, '')
    .toLowerCase();
}

function checkExpressionsAndReferences(json: Json, roots: Set<string>): Finding[] {
  const findings: Finding[] = [];
  const visit = (node: unknown, element: string) => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, element);
      return;
    }
    if (!isObject(node)) return;
    const here = typeof node.name === 'string' && node.name ? node.name : element;
    for (const [key, value] of Object.entries(node)) {
      if (EXPRESSION_KEYS.has(key) && typeof value === 'string') findings.push(...checkExpression(here, key, value, roots));
      else if (typeof value === 'string' && !NON_TEXT_KEYS.has(key)) findings.push(...checkPlaceholders(here, key, value, roots));
      else if (isObject(value) && !NON_TEXT_KEYS.has(key) && Object.values(value).every((v) => typeof v === 'string')) {
        for (const text of Object.values(value)) findings.push(...checkPlaceholders(here, key, text as string, roots));
      } else visit(value, here);
    }
  };
  visit(json, 'survey');
  return dedupe(findings);
}

function checkExpression(element: string, key: string, text: string, roots: Set<string>): Finding[] {
  if (text.trim() === '') return [];
  const parser = new ConditionsParser();
  const operand = parser.parseExpression(text);
  if (!operand) {
    const at = parser.error ? ` (Fehler an Stelle ${parser.error.at + 1})` : '';
    return [{ element, message: `Ungültiger Ausdruck in „${key}“: „${text}“${at}.` }];
  }
  const variables: string[] = [];
  operand.setVariables(variables);
  return unknownReferences(element, key, variables, roots);
}

function checkPlaceholders(element: string, key: string, text: string, roots: Set<string>): Finding[] {
  const variables = [...text.matchAll(/\{([A-Za-z_$][^{}\s]*)\}/g)].map((m) => m[1]);
  return unknownReferences(element, key, variables, roots);
}

function unknownReferences(element: string, key: string, variables: string[], roots: Set<string>): Finding[] {
  return variables
    .filter((v) => !roots.has(rootOf(v)) && !v.startsWith('$'))
    .map((v) => ({
      element,
      message: `„${key}“ bezieht sich auf die unbekannte Frage „{${v}}“.`,
    }));
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.element}\u0000${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
