// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// XLSForm expressions (the XPath subset ODK and KoboToolbox forms use most) parsed into a small
// tree and written as SurveyJS expressions with the same verdict:
//   ${q} = 'x'  → {q} = 'x'          ${q} = ''  → {q} empty         . → the question itself
//   selected(${q}, 'a') → {q} contains 'a' (select_multiple) / {q} = 'a' (select_one)
//   count-selected(${q}) → iif({q} notempty, {q.length}, 0)
//   not(e) → !(e)      and / or      = != < <= > >= + - * div mod      true() false()
// A comparison with < <= > >= is false for an unanswered question in XPath (NaN), so it is
// written as `({q} notempty and …)`. Anything else is refused with a sentence naming it.

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'ref'; name: string }
  | { k: 'self' }
  /** a column of the choices sheet, in a choice_filter (`filter = ${land}`) */
  | { k: 'col'; name: string }
  | { k: 'neg'; e: Expr }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr }
  | { k: 'call'; fn: 'selected' | 'count-selected' | 'not' | 'true' | 'false'; args: Expr[] };
export type BinOp = 'or' | 'and' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | 'div' | 'mod';

/** A German sentence and its English twin. */
export interface Msg {
  de: string;
  en: string;
}
export class ExprError extends Error {
  constructor(readonly msg: Msg) {
    super(msg.de);
  }
}

const FUNCS: Record<string, number> = { selected: 2, 'count-selected': 1, not: 1, true: 0, false: 0 };
/** Functions of XLSForm that have no SurveyJS counterpart here: named, never guessed. */
const KNOWN_UNSUPPORTED = new Set([
  'pulldata', 'jr:choice-name', 'choice-name', 'selected-at', 'position', 'once', 'coalesce', 'concat', 'if', 'regex',
  'today', 'now', 'decimal-date-time', 'format-date', 'date', 'int', 'round', 'string', 'number', 'string-length',
  'substr', 'contains', 'starts-with', 'ends-with', 'indexed-repeat', 'count', 'sum', 'max', 'min', 'random', 'uuid',
  'boolean-from-string', 'join', 'sin', 'cos', 'pow', 'area', 'distance', 'digest', 'version', 'property',
]);

type Tok = { t: 'num' | 'str' | 'ref' | 'name' | 'op' | '(' | ')' | ',' | '.'; v: string; at: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const fail = (de: string, en: string): never => {
    throw new ExprError({ de, en });
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '$') {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/.exec(src.slice(i));
      if (!m) fail(`Verweis an Stelle ${i + 1} ist unvollständig (erwartet \${name})`, `reference at position ${i + 1} is incomplete (expected \${name})`);
      out.push({ t: 'ref', v: (m as RegExpExecArray)[1], at });
      i += (m as RegExpExecArray)[0].length;
    } else if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) fail(`Text an Stelle ${i + 1} wird nicht geschlossen`, `text at position ${i + 1} is not closed`);
      out.push({ t: 'str', v: src.slice(i + 1, end), at });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'num', v: m[0], at });
      i += m[0].length;
    } else if (c === '.') {
      out.push({ t: '.', v: '.', at });
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, v: c, at });
      i++;
    } else if (/[!<>=]/.test(c)) {
      const two = src.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        out.push({ t: 'op', v: two, at });
        i += 2;
      } else if (c === '!') fail(`„!“ an Stelle ${i + 1}: gemeint ist wohl != oder not(…)`, `"!" at position ${i + 1}: use != or not(…)`);
      else {
        out.push({ t: 'op', v: c, at });
        i++;
      }
    } else if (c === '+' || c === '-' || c === '*') {
      out.push({ t: 'op', v: c, at });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_:-]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'name', v: m[0], at });
      i += m[0].length;
    } else fail(`unerwartetes Zeichen „${c}“ an Stelle ${i + 1}`, `unexpected character "${c}" at position ${i + 1}`);
  }
  return out;
}

/** Parses an XLSForm expression; throws ExprError with a sentence naming the problem. */
export function parseXlsExpr(src: string, opts: { columns?: boolean } = {}): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const fail = (de: string, en: string): never => {
    throw new ExprError({ de, en });
  };
  const where = () => (peek() ? `an Stelle ${peek().at + 1}` : 'am Ende');
  const whereEn = () => (peek() ? `at position ${peek().at + 1}` : 'at the end');
  const isWord = (w: string) => peek()?.t === 'name' && peek().v === w;
  const isOp = (...ops: string[]) => peek()?.t === 'op' && ops.includes(peek().v);

  const orExpr = (): Expr => {
    let l = andExpr();
    while (isWord('or')) {
      p++;
      l = { k: 'bin', op: 'or', l, r: andExpr() };
    }
    return l;
  };
  const andExpr = (): Expr => {
    let l = cmpExpr();
    while (isWord('and')) {
      p++;
      l = { k: 'bin', op: 'and', l, r: cmpExpr() };
    }
    return l;
  };
  const cmpExpr = (): Expr => {
    let l = addExpr();
    while (isOp('=', '!=', '<', '<=', '>', '>=')) {
      const op = toks[p++].v as BinOp;
      l = { k: 'bin', op, l, r: addExpr() };
    }
    return l;
  };
  const addExpr = (): Expr => {
    let l = mulExpr();
    while (isOp('+', '-')) {
      const op = toks[p++].v as BinOp;
      l = { k: 'bin', op, l, r: mulExpr() };
    }
    return l;
  };
  const mulExpr = (): Expr => {
    let l = unary();
    while (isOp('*') || isWord('div') || isWord('mod')) {
      const op = toks[p++].v as BinOp;
      l = { k: 'bin', op, l, r: unary() };
    }
    return l;
  };
  const unary = (): Expr => {
    if (isOp('-')) {
      p++;
      return { k: 'neg', e: unary() };
    }
    return primary();
  };
  const primary = (): Expr => {
    const t = peek();
    if (!t) return fail('der Ausdruck endet zu früh', 'the expression ends too early');
    p++;
    if (t.t === 'num') return { k: 'num', v: Number(t.v) };
    if (t.t === 'str') return { k: 'str', v: t.v };
    if (t.t === 'ref') return { k: 'ref', name: t.v };
    if (t.t === '.') return { k: 'self' };
    if (t.t === '(') {
      const e = orExpr();
      if (peek()?.t !== ')') fail(`„)“ fehlt ${where()}`, `")" missing ${whereEn()}`);
      p++;
      return e;
    }
    if (t.t === 'name' && peek()?.t === '(') {
      const fn = t.v;
      if (!(fn in FUNCS)) {
        if (KNOWN_UNSUPPORTED.has(fn)) fail(`die Funktion ${fn}() wird nicht unterstützt`, `the function ${fn}() is not supported`);
        fail(`unbekannte Funktion ${fn}()`, `unknown function ${fn}()`);
      }
      p++;
      const args: Expr[] = [];
      if (peek()?.t !== ')') {
        args.push(orExpr());
        while (peek()?.t === ',') {
          p++;
          args.push(orExpr());
        }
      }
      if (peek()?.t !== ')') fail(`„)“ fehlt ${where()}`, `")" missing ${whereEn()}`);
      p++;
      if (args.length !== FUNCS[fn]) fail(`${fn}() erwartet ${FUNCS[fn]} Argument(e), hat ${args.length}`, `${fn}() takes ${FUNCS[fn]} argument(s), got ${args.length}`);
      if ((fn === 'selected' || fn === 'count-selected') && args[0].k !== 'ref' && args[0].k !== 'self')
        fail(`${fn}() erwartet als erstes Argument eine Frage (\${name})`, `${fn}() takes a question (\${name}) as its first argument`);
      return { k: 'call', fn: fn as 'selected', args };
    }
    if (t.t === 'name' && opts.columns && peek()?.t !== '(' && !['and', 'or', 'div', 'mod'].includes(t.v)) return { k: 'col', name: t.v };
    if (t.t === 'name' && t.v.startsWith('/')) fail('absolute Pfade werden nicht unterstützt; bitte ${name} verwenden', 'absolute paths are not supported; use ${name}');
    return fail(`unerwartetes „${t.v}“ an Stelle ${t.at + 1}`, `unexpected "${t.v}" at position ${t.at + 1}`);
  };
  if (toks.length === 0) fail('der Ausdruck ist leer', 'the expression is empty');
  const e = orExpr();
  if (p < toks.length) fail(`unerwartetes „${peek().v}“ an Stelle ${peek().at + 1}`, `unexpected "${peek().v}" at position ${peek().at + 1}`);
  return e;
}

/** Every question an expression reads (`${name}`). */
export function refsOf(e: Expr): string[] {
  switch (e.k) {
    case 'ref':
      return [e.name];
    case 'neg':
      return refsOf(e.e);
    case 'bin':
      return [...refsOf(e.l), ...refsOf(e.r)];
    case 'call':
      return e.args.flatMap(refsOf);
    default:
      return [];
  }
}

export interface ExprContext {
  /** The question `.` stands for (constraints), if any. */
  self?: string;
  /** How a question is read in SurveyJS: `{q}`, or `{panel.q}` inside its own repeat. */
  ref(name: string): string;
  /** True for a select_multiple question (its value is a list). */
  isMulti(name: string): boolean;
  /** A choices-sheet column in a choice_filter: `{item}` for `name`, else the choice's own value. */
  col?(name: string): string;
}

export const quote = (s: string) => (s.includes("'") ? `"${s}"` : `'${s}'`);

/** Writes the tree as a SurveyJS expression. */
export function toSurveyJs(e: Expr, ctx: ExprContext): string {
  const refName = (x: Expr): string | undefined => (x.k === 'ref' ? x.name : x.k === 'self' ? ctx.self : undefined);
  const w = (x: Expr): string => {
    switch (x.k) {
      case 'num':
        return String(x.v);
      case 'str':
        return quote(x.v);
      case 'ref':
      case 'self': {
        const n = refName(x);
        if (!n) throw new ExprError({ de: '„.“ steht hier für keine Frage', en: '"." stands for no question here' });
        return ctx.ref(n);
      }
      case 'col':
        if (!ctx.col) throw new ExprError({ de: `unerwartetes „${x.name}“`, en: `unexpected "${x.name}"` });
        return ctx.col(x.name);
      case 'neg':
        return `(0 - ${w(x.e)})`;
      case 'call': {
        if (x.fn === 'true') return 'true';
        if (x.fn === 'false') return 'false';
        if (x.fn === 'not') return `!(${w(x.args[0])})`;
        const n = refName(x.args[0]) as string;
        if (x.fn === 'count-selected') return `iif(${ctx.ref(n)} notempty, ${ctx.ref(n).slice(0, -1)}.length}, 0)`;
        return ctx.isMulti(n) ? `${ctx.ref(n)} contains ${w(x.args[1])}` : `${ctx.ref(n)} = ${w(x.args[1])}`;
      }
      case 'bin': {
        const { op, l, r } = x;
        if (op === 'and' || op === 'or') return `(${w(l)} ${op} ${w(r)})`;
        if ((op === '=' || op === '!=') && (l.k === 'str' || r.k === 'str')) {
          const [side, str] = l.k === 'str' ? [r, l] : [l, r];
          if (str.k === 'str' && str.v === '' && refName(side)) return `${ctx.ref(refName(side) as string)} ${op === '=' ? 'empty' : 'notempty'}`;
        }
        const sym = op === 'div' ? '/' : op === 'mod' ? '%' : op;
        const core = `${w(l)} ${sym} ${w(r)}`;
        if (op === '<' || op === '<=' || op === '>' || op === '>=' || op === '=' || op === '!=') {
          // XPath: arithmetic with an unanswered question is NaN (survey-core would take 0), and
          // < <= > >= with one is false (survey-core may compare "" as 0): guard those questions
          const relational = op !== '=' && op !== '!=';
          const guarded = [l, r].flatMap((x) => (isArithmetic(x) ? refsIn(x, ctx) : relational && refName(x) ? [refName(x) as string] : []));
          const names = [...new Set(guarded)];
          if (names.length === 0) return core;
          if (op === '!=') return `(${names.map((n) => `${ctx.ref(n)} empty`).join(' or ')} or ${core})`;
          return `(${names.map((n) => `${ctx.ref(n)} notempty`).join(' and ')} and ${core})`;
        }
        return op === '+' || op === '-' || op === '*' || op === 'div' || op === 'mod' ? `(${core})` : core;
      }
    }
  };
  return w(e);
}

const isArithmetic = (e: Expr): boolean => e.k === 'neg' || (e.k === 'bin' && ['+', '-', '*', 'div', 'mod'].includes(e.op));
/** The questions an arithmetic operand reads (`.` included). */
function refsIn(e: Expr, ctx: ExprContext): string[] {
  if (e.k === 'ref') return [e.name];
  if (e.k === 'self') return ctx.self ? [ctx.self] : [];
  if (e.k === 'neg') return refsIn(e.e, ctx);
  if (e.k === 'bin') return [...refsIn(e.l, ctx), ...refsIn(e.r, ctx)];
  if (e.k === 'call') return e.fn === 'count-selected' ? [] : e.args.flatMap((a) => refsIn(a, ctx));
  return [];
}

/** Parses and translates in one step. */
export function translateXlsExpr(src: string, ctx: ExprContext): string {
  return toSurveyJs(parseXlsExpr(src, { columns: !!ctx.col }), ctx);
}
