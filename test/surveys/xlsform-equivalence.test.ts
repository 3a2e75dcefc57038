// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// Proof that the XLSForm → SurveyJS translation keeps the meaning: for each construct, generated
// answer sets get the same verdict from survey-core on the converted form as the XLSForm (XPath)
// semantics give, computed by an independent evaluator (test/surveys/xlsform-xpath.ts).
import t from 'tap';
import { Model, type PanelModel, type QuestionPanelDynamicModel } from 'survey-core';
import { convertXlsForm } from '../../surveys/xlsform/convert.ts';
import type { Sheet } from '../../surveys/xlsform/sheets.ts';
import { evalXPath, truthy, type XData } from './xlsform-xpath.ts';

const sheet = (name: string, columns: string[], rows: string[][]): Sheet => ({
  name,
  columns,
  rows: rows.map((values, k) => ({ row: k + 2, cells: Object.fromEntries(columns.map((c, j) => [c, values[j] ?? '']).filter(([, v]) => v !== '')) })),
});

const CHOICES = sheet('choices', ['list_name', 'name', 'label', 'grp'], [
  ['l3', 'a', 'A', 'x'],
  ['l3', 'b', 'B', 'y'],
  ['l3', 'c', 'C', 'x'],
]);
const BASE = [
  ['select_one l3', 's1', 'S1'],
  ['select_multiple l3', 'm1', 'M1'],
  ['integer', 'n1', 'N1'],
  ['decimal', 'd1', 'D1'],
  ['text', 't1', 'T1'],
];
const COLUMNS = ['type', 'name', 'label', 'relevant', 'constraint', 'required', 'choice_filter'];

function convert(target: string[]): Record<string, unknown> {
  const r = convertXlsForm([sheet('survey', COLUMNS, [...BASE, target]), CHOICES, sheet('settings', ['form_title'], [['Beweis']])]);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.row} ${p.column}: ${p.de}`).join('; '));
  return r.definition as Record<string, unknown>;
}

// a small seeded generator (mulberry32), so a failure can be replayed
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const NUMBERS = [undefined, -5, -1, 0, 1, 2, 5, 6, 17, 18, 19, 99, 100, 2.5];

/** One answer set as survey-core keeps it, and as XLSForm keeps it (strings). */
function answers(r: () => number): { sj: Record<string, unknown>; x: XData } {
  const sj: Record<string, unknown> = {};
  const s1 = pick(r, [undefined, 'a', 'b', 'c']);
  if (s1) sj.s1 = s1;
  const m1 = ['a', 'b', 'c'].filter(() => r() < 0.45);
  if (m1.length) sj.m1 = m1;
  const n1 = pick(r, NUMBERS.filter((n) => n === undefined || Number.isInteger(n)));
  if (n1 !== undefined) sj.n1 = n1;
  const d1 = pick(r, NUMBERS);
  if (d1 !== undefined) sj.d1 = d1;
  const t1 = pick(r, [undefined, 'x', 'y']);
  if (t1) sj.t1 = t1;
  const x: XData = {};
  for (const [k, v] of Object.entries(sj)) x[k] = Array.isArray(v) ? v.join(' ') : String(v);
  return { sj, x };
}

const SETS = 120;

const RELEVANT = [
  "${s1} = 'a'",
  "${s1} != 'b'",
  "${s1} = ''",
  "${s1} != ''",
  "selected(${m1}, 'b')",
  "selected(${s1}, 'c')",
  'count-selected(${m1}) >= 2',
  'count-selected(${m1}) = 0',
  '${n1} > 17',
  '${n1} <= 5',
  '${n1} < ${d1}',
  '${d1} >= 2.5',
  '${n1} = 0',
  '${n1} + 1 = 6',
  '${n1} + 1 != 6',
  '${n1} - ${d1} > 0',
  '${n1} * 2 > 10',
  '${n1} mod 2 = 1',
  '${d1} div 2 > 1',
  '-${n1} < -3',
  "not(${s1} = 'a')",
  "${s1} = 'a' and ${n1} >= 18",
  "${s1} = 'a' or selected(${m1}, 'c')",
  "${s1} = 'a' and (${n1} > 2 or ${t1} = 'x')",
  "not(selected(${m1}, 'a') or ${t1} = 'x') and ${n1} != 5",
  "(${s1} = 'a' or ${s1} = 'b') and not(count-selected(${m1}) > 1)",
  "${t1} = 'x'",
  "${t1} != ''",
  'true()',
  'false()',
];

t.test('relevant: the question is shown exactly when the XLSForm condition holds', async (t) => {
  for (const [k, expr] of RELEVANT.entries()) {
    const model = new Model(convert(['text', 'target', 'Ziel', expr]));
    const r = rng(1000 + k);
    let agree = 0;
    const disagree: string[] = [];
    for (let n = 0; n < SETS; n++) {
      const { sj, x } = answers(r);
      model.data = sj;
      const want = truthy(evalXPath(expr, x));
      const got = model.getQuestionByName('target').isVisible;
      if (want === got) agree++;
      else if (disagree.length < 3) disagree.push(`${JSON.stringify(sj)}: XLSForm ${want}, SurveyJS ${got}`);
    }
    t.equal(agree, SETS, `${expr}${disagree.length ? ` — ${disagree.join('; ')}` : ''}`);
  }
});

const CONSTRAINTS = ['. >= 0 and . < 100', '. != 5', '. mod 2 = 0', '. > ${n1}', ". <= 18 or ${s1} = 'a'", 'not(. = 1)', '. * 2 <= ${d1}'];

t.test('constraint: an answer is refused exactly when XLSForm refuses it (an empty answer never is)', async (t) => {
  for (const [k, expr] of CONSTRAINTS.entries()) {
    const model = new Model(convert(['integer', 'target', 'Ziel', '', expr]));
    const r = rng(2000 + k);
    let agree = 0;
    const disagree: string[] = [];
    for (let n = 0; n < SETS; n++) {
      const { sj, x } = answers(r);
      const own = pick(r, NUMBERS.filter((v) => v === undefined || Number.isInteger(v)));
      if (own !== undefined) {
        sj.target = own;
        x.target = String(own);
      }
      model.data = sj;
      const want = own === undefined || truthy(evalXPath(expr, x, 'target'));
      const got = !model.getQuestionByName('target').hasErrors(false);
      if (want === got) agree++;
      else if (disagree.length < 3) disagree.push(`${JSON.stringify(sj)}: XLSForm ${want}, SurveyJS ${got}`);
    }
    t.equal(agree, SETS, `${expr}${disagree.length ? ` — ${disagree.join('; ')}` : ''}`);
  }
});

const REQUIRED = ["${s1} = 'a'", 'count-selected(${m1}) > 1', '${n1} >= 18', 'yes', 'no'];

t.test('required: an empty answer is refused exactly when XLSForm requires it', async (t) => {
  for (const [k, expr] of REQUIRED.entries()) {
    const model = new Model(convert(['text', 'target', 'Ziel', '', '', expr]));
    const r = rng(3000 + k);
    let agree = 0;
    for (let n = 0; n < SETS; n++) {
      const { sj, x } = answers(r);
      model.data = sj;
      const want = expr === 'yes' ? true : expr === 'no' ? false : truthy(evalXPath(expr, x));
      const got = model.getQuestionByName('target').hasErrors(false);
      if (want === got) agree++;
    }
    t.equal(agree, SETS, expr);
  }
});

const FILTERS = ['grp = ${t1}', "name != ${s1}", "grp = 'x' and name != ${s1}", 'selected(${m1}, name)'];

t.test('choice_filter: the same choices are offered as XLSForm offers', async (t) => {
  for (const [k, filter] of FILTERS.entries()) {
    const model = new Model(convert(['select_one l3', 'target', 'Ziel', '', '', '', filter]));
    const r = rng(4000 + k);
    let agree = 0;
    const disagree: string[] = [];
    for (let n = 0; n < SETS; n++) {
      const { sj, x } = answers(r);
      model.data = sj;
      // XLSForm: the filter is evaluated per choice, its columns read from the choices sheet
      const want = CHOICES.rows
        .filter((c) => truthy(evalXPath(filter.replace(/\bgrp\b/g, `'${c.cells.grp}'`).replace(/\bname\b/g, `'${c.cells.name}'`), x)))
        .map((c) => c.cells.name);
      const got = (model.getQuestionByName('target') as unknown as { visibleChoices: { value: unknown }[] }).visibleChoices.map((c) => String(c.value));
      if (JSON.stringify(want) === JSON.stringify(got)) agree++;
      else if (disagree.length < 3) disagree.push(`${JSON.stringify(sj)}: XLSForm ${want}, SurveyJS ${got}`);
    }
    t.equal(agree, SETS, `${filter}${disagree.length ? ` — ${disagree.join('; ')}` : ''}`);
  }
});

t.test('inside a repeat, ${q} reads the same repetition (XLSForm relative reference)', async (t) => {
  const def = convertXlsForm([
    sheet('survey', ['type', 'name', 'label', 'relevant'], [
      ['integer', 'n1', 'N1'],
      ['begin_repeat', 'rep', 'Wiederholung'],
      ['text', 'tt', 'T'],
      ['integer', 'k', 'K', "${tt} = 'x' and ${n1} > 2"],
      ['end_repeat'],
    ]),
    sheet('settings', ['form_title'], [['Wiederholung']]),
  ]);
  t.ok(def.ok, JSON.stringify(def.problems));
  const model = new Model(def.definition);
  const r = rng(5000);
  let agree = 0;
  for (let n = 0; n < SETS; n++) {
    const n1 = pick(r, [undefined, 1, 3]);
    const rows = [pick(r, ['x', 'y', undefined]), pick(r, ['x', 'y', undefined])];
    model.data = { ...(n1 === undefined ? {} : { n1 }), rep: rows.map((tt) => (tt ? { tt } : {})) };
    const dyn = model.getQuestionByName('rep') as QuestionPanelDynamicModel;
    const got = dyn.panels.map((p: PanelModel) => p.getQuestionByName('k').isVisible);
    const want = rows.map((tt) => truthy(evalXPath("${tt} = 'x' and ${n1} > 2", { ...(tt ? { tt } : {}), ...(n1 === undefined ? {} : { n1: String(n1) }) })));
    if (JSON.stringify(got) === JSON.stringify(want)) agree++;
  }
  t.equal(agree, SETS);
});

t.test('the evaluator itself follows XPath on known cases', async (t) => {
  t.equal(evalXPath('${a} < 3', {}), false, 'unanswered compares as NaN');
  t.equal(evalXPath("selected(${m}, 'b')", { m: 'a b' }), true);
  t.equal(evalXPath('count-selected(${m})', { m: 'a b c' }), 3);
  t.equal(evalXPath("${a} = 1", { a: '1' }), true, 'number against string compares numbers');
  t.equal(evalXPath('7 mod 3 + 1', {}), 2);
});
