// Normalization of a tree after WITH expansion: parentheses removed, constant
// sub-expressions folded (`2 * 3` -> 6, `"a" + "b"` -> "ab", `"a" < "b"` -> 1).

import type { Expr, NumberExpr, WithArgExpr } from "./ast.ts";
import { evalBinaryOpNumbers, isBinaryOpCmp } from "./binary_op.ts";
import { formatGoFloat } from "./go_strconv.ts";

/**
 * removeParens returns e without ParensExpr nodes: `(x)` becomes x and `(x, y, ...)`
 * (also `()`) the union function call with the empty name.
 */
export function removeParens(e: Expr): Expr {
  switch (e.kind) {
    case "rollup":
      return { ...e, expr: removeParens(e.expr), at: e.at === null ? null : removeParens(e.at) };
    case "binaryOp":
      return { ...e, left: removeParens(e.left), right: removeParens(e.right) };
    case "func":
    case "aggr":
      return { ...e, args: e.args.map(removeParens) };
    case "parens": {
      const args = e.args.map(removeParens);
      if (args.length === 1) return args[0];
      return { kind: "func", name: "", args, keepMetricNames: false };
    }
    case "with": {
      const args: WithArgExpr[] = e.args.map((wa) => ({ ...wa, expr: removeParens(wa.expr) }));
      return { kind: "with", args, expr: removeParens(e.expr) };
    }
    case "metric":
    case "number":
    case "string":
    case "duration":
      return e;
    default: {
      const _: never = e;
      throw new Error(`BUG: unknown expression ${JSON.stringify(_)}`);
    }
  }
}

// compareCodePoints orders strings by code point, as Go orders UTF-8 strings.
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function num(value: number): NumberExpr {
  return { kind: "number", value, text: formatGoFloat(value) };
}

/**
 * simplifyConstants folds binary operations on two numbers or two strings into a
 * number (or a string, for "+"), and drops a rollup that adds nothing to a selector
 * (`m[$__interval]` is `m`). e must be expanded and without parentheses.
 */
export function simplifyConstants(e: Expr): Expr {
  switch (e.kind) {
    case "rollup": {
      const expr = simplifyConstants(e.expr);
      if (expr.kind === "metric" && e.window === null && e.step === null && !e.inheritStep && e.offset === null && e.at === null) {
        return expr;
      }
      return { ...e, expr, at: e.at === null ? null : simplifyConstants(e.at) };
    }
    case "func":
    case "aggr":
      return { ...e, args: e.args.map(simplifyConstants) };
    case "binaryOp": {
      const left = simplifyConstants(e.left);
      const right = simplifyConstants(e.right);
      if (left.kind === "number" && right.kind === "number") {
        return num(evalBinaryOpNumbers(e.op, left.value, right.value, e.bool));
      }
      if (left.kind === "string" && right.kind === "string") {
        if (e.op === "+") return { kind: "string", value: left.value + right.value, tokens: null };
        if (isBinaryOpCmp(e.op)) {
          const c = compareCodePoints(left.value, right.value);
          let ok: boolean;
          switch (e.op) {
            case "==":
              ok = c === 0;
              break;
            case "!=":
              ok = c !== 0;
              break;
            case ">":
              ok = c > 0;
              break;
            case "<":
              ok = c < 0;
              break;
            case ">=":
              ok = c >= 0;
              break;
            default:
              ok = c <= 0;
          }
          return num(ok ? 1 : e.bool ? 0 : NaN);
        }
      }
      return { ...e, left, right };
    }
    case "with":
    case "parens":
      throw new Error(`BUG: ${e.kind} expression must be gone before simplifyConstants`);
    case "metric":
    case "number":
    case "string":
    case "duration":
      return e;
    default: {
      const _: never = e;
      throw new Error(`BUG: unknown expression ${JSON.stringify(_)}`);
    }
  }
}
