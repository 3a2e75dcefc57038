// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm references are written ${name}
// An independent, deliberately plain evaluator of the XLSForm (XPath 1.0) expression subset, for
// the equivalence proof only: values are strings as ODK stores them ("" = unanswered, a
// select_multiple is "a b"), `=` compares numbers when one side is a number, `<`… convert to
// numbers ("" → NaN → false), and/or/not take the boolean of a string (non-empty) or number
// (non-zero, not NaN). It shares no code with surveys/xlsform/.
export type XValue = string | number | boolean;
export type XData = Record<string, string>;

export function evalXPath(src: string, data: XData, self?: string): XValue {
  const toks = src.match(/\$\{[^}]+\}|'[^']*'|"[^"]*"|\d+(?:\.\d+)?|!=|<=|>=|[=<>()+*,.-]|[A-Za-z][A-Za-z-]*/g) ?? [];
  let i = 0;
  const num = (v: XValue): number => (typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : v.trim() === '' ? Number.NaN : Number(v));
  const bool = (v: XValue): boolean => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 && !Number.isNaN(v) : v.length > 0);
  const eq = (a: XValue, b: XValue): boolean => {
    if (typeof a === 'boolean' || typeof b === 'boolean') return bool(a) === bool(b);
    if (typeof a === 'number' || typeof b === 'number') return num(a) === num(b);
    return a === b;
  };
  const level = [['or'], ['and'], ['=', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', 'div', 'mod']];
  const apply = (op: string, a: XValue, b: () => XValue): XValue => {
    switch (op) {
      case 'or': return bool(a) || bool(b());
      case 'and': return bool(a) && bool(b());
      case '=': return eq(a, b());
      case '!=': return !eq(a, b());
      case '<': return num(a) < num(b());
      case '<=': return num(a) <= num(b());
      case '>': return num(a) > num(b());
      case '>=': return num(a) >= num(b());
      case '+': return num(a) + num(b());
      case '-': return num(a) - num(b());
      case '*': return num(a) * num(b());
      case 'div': return num(a) / num(b());
      default: return num(a) % num(b());
    }
  };
  const binary = (l: number): XValue => {
    if (l === level.length) return unary();
    let a = binary(l + 1);
    while (i < toks.length && level[l].includes(toks[i])) {
      const op = toks[i++];
      const b = binary(l + 1); // XPath evaluates both sides; no side effects here
      a = apply(op, a, () => b);
    }
    return a;
  };
  const unary = (): XValue => {
    if (toks[i] === '-') {
      i++;
      return -num(unary());
    }
    const t = toks[i++];
    if (t === '(') {
      const v = binary(0);
      i++;
      return v;
    }
    if (t.startsWith('${')) return data[t.slice(2, -1)] ?? '';
    if (t === '.') return data[self as string] ?? '';
    if (t.startsWith("'") || t.startsWith('"')) return t.slice(1, -1);
    if (/^\d/.test(t)) return Number(t);
    // a function call
    i++; // (
    const args: XValue[] = [];
    while (toks[i] !== ')') {
      args.push(binary(0));
      if (toks[i] === ',') i++;
    }
    i++;
    const words = (v: XValue) => String(v).split(' ').filter(Boolean);
    if (t === 'selected') return words(args[0]).includes(String(args[1]));
    if (t === 'count-selected') return words(args[0]).length;
    if (t === 'not') return !bool(args[0]);
    if (t === 'true') return true;
    if (t === 'false') return false;
    throw new Error(`evaluator: unknown function ${t}`);
  };
  const v = binary(0);
  if (i !== toks.length) throw new Error(`evaluator: trailing tokens in ${src}`);
  return v;
}

export const truthy = (v: XValue): boolean => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 && !Number.isNaN(v) : v.length > 0);
