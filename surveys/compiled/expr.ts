// Conditions and expressions, compiled once with survey-core's own standalone runners, so their
// semantics (operators, type coercion, case-insensitive names) stay survey-core's.
import { ConditionRunner, ExpressionRunner } from 'survey-core';

export type Values = Record<string, unknown>;
export type Cond = (values: Values) => boolean;
export type Expr = (values: Values) => unknown;

/** Built-in functions that need neither a Model nor a clock. Anything else makes the survey fall back. */
const PURE_FUNCTIONS = new Set(['iif', 'round', 'trunc', 'sum', 'min', 'max', 'avg']);

/**
 * What an expression may refer to: a lower-cased set of value names. `{q}`, `{q.row}`, `{q[0]}`
 * and `{q-Comment}` are understood; `{item}`, `{row.x}`, `{panel.x}`, variables and calculated
 * values are not (they need a Model's context), so the caller falls back.
 */
export type Scope = { names: Set<string>; commentSuffix: string };

function rootName(variable: string): string {
  const dot = variable.search(/[.[]/);
  return (dot < 0 ? variable : variable.slice(0, dot)).toLowerCase();
}

function knows(scope: Scope, variable: string): boolean {
  const root = rootName(variable);
  if (scope.names.has(root)) return true;
  const suffix = scope.commentSuffix.toLowerCase();
  return root.endsWith(suffix) && scope.names.has(root.slice(0, -suffix.length));
}

function functionsOf(text: string): string[] {
  const out: string[] = [];
  const noStrings = text.replace(/'[^']*'|"[^"]*"|\{[^}]*\}/g, ' ');
  for (const m of noStrings.matchAll(/([A-Za-z_][\w]*)\s*\(/g)) out.push(m[1].toLowerCase());
  return out;
}

/** True when `runner` evaluates against plain values only. */
function supported(runner: ConditionRunner | ExpressionRunner, text: string, scope: Scope): boolean {
  if (!runner.canRun() || runner.isAsync) return false;
  if (!runner.getVariables().every((v) => knows(scope, v))) return false;
  if (!runner.hasFunction()) return true;
  return functionsOf(text).every((f) => PURE_FUNCTIONS.has(f) || ['and', 'or', 'not'].includes(f));
}

/** A condition as a function of the answers, or null when it cannot run without a Model. */
export function compileCondition(text: string, scope: Scope): Cond | null {
  const runner = new ConditionRunner(text);
  if (!supported(runner, text, scope)) return null;
  return (values) => runner.runValues(values) === true;
}

/** An expression as a function of the answers, or null when it cannot run without a Model. */
export function compileExpression(text: string, scope: Scope): Expr | null {
  const runner = new ExpressionRunner(text);
  if (!supported(runner, text, scope)) return null;
  return (values) => runner.runValues(values);
}
