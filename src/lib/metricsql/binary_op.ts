// Binary operators: the set, their priorities and their value on two numbers.
// Priorities follow https://prometheus.io/docs/prometheus/latest/querying/operators/#binary-operator-precedence
// with MetricsQL's `default` (lowest) and `if` / `ifnot` below `or`.

import type { BinaryOp } from "./ast.ts";

const PRIORITIES: Record<BinaryOp, number> = {
  default: -1,
  if: 0,
  ifnot: 0,
  or: 1,
  and: 2,
  unless: 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  ">": 3,
  "<=": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  atan2: 5,
  "^": 6,
};

/** BINARY_OPS lists every binary operator. */
export const BINARY_OPS: readonly BinaryOp[] = Object.keys(PRIORITIES) as BinaryOp[];

/** toBinaryOp returns token (any case) as a binary operator, or undefined. */
export function toBinaryOp(token: string): BinaryOp | undefined {
  const op = token.toLowerCase();
  return Object.hasOwn(PRIORITIES, op) ? (op as BinaryOp) : undefined;
}

/** binaryOpPriority returns how tightly op binds (higher binds tighter). */
export function binaryOpPriority(op: BinaryOp): number {
  return PRIORITIES[op];
}

/** isRightAssociative reports whether op groups from the right (only `^`). */
export function isRightAssociative(op: BinaryOp): boolean {
  return op === "^";
}

/** isBinaryOpCmp reports whether op is a comparison (==, !=, >, <, >=, <=). */
export function isBinaryOpCmp(op: BinaryOp): boolean {
  return op === "==" || op === "!=" || op === ">" || op === "<" || op === ">=" || op === "<=";
}

/** isBinaryOpLogicalSet reports whether op is a set operator (and, or, unless). */
export function isBinaryOpLogicalSet(op: BinaryOp): boolean {
  return op === "and" || op === "or" || op === "unless";
}

/** isGroupModifier reports whether token is `on` or `ignoring` (any case). */
export function isGroupModifier(token: string): boolean {
  const t = token.toLowerCase();
  return t === "on" || t === "ignoring";
}

/** isJoinModifier reports whether token is `group_left` or `group_right` (any case). */
export function isJoinModifier(token: string): boolean {
  const t = token.toLowerCase();
  return t === "group_left" || t === "group_right";
}

/** isBoolModifier reports whether token is `bool` (any case). */
export function isBoolModifier(token: string): boolean {
  return token.toLowerCase() === "bool";
}

/** isPrefixModifier reports whether token is `prefix` (any case). */
export function isPrefixModifier(token: string): boolean {
  return token.toLowerCase() === "prefix";
}

/** isReservedBinaryOpIdent reports whether s is a word that after a binary operator reads as a modifier, so a metric or function so named must be parenthesized there. */
export function isReservedBinaryOpIdent(s: string): boolean {
  return isGroupModifier(s) || isJoinModifier(s) || isBoolModifier(s) || isPrefixModifier(s);
}

/** cmpEq is == on values; NaN == NaN holds (https://github.com/VictoriaMetrics/VictoriaMetrics/issues/150). */
export function cmpEq(l: number, r: number): boolean {
  return Number.isNaN(l) ? Number.isNaN(r) : l === r;
}

/** cmpNeq is != on values; NaN != NaN does not hold. */
export function cmpNeq(l: number, r: number): boolean {
  if (Number.isNaN(l)) return !Number.isNaN(r);
  return Number.isNaN(r) || l !== r;
}

/** pow is `^`: Go's math.Pow, except that NaN ^ anything is NaN (https://github.com/VictoriaMetrics/VictoriaMetrics/issues/7359). */
export function pow(l: number, r: number): number {
  if (Number.isNaN(l)) return NaN;
  // Go's math.Pow: x^0 = 1, 1^y = 1 and (-1)^±Inf = 1, where JS gives NaN for the last two.
  if (r === 0 || l === 1) return 1;
  if (l === -1 && !Number.isFinite(r) && !Number.isNaN(r)) return 1;
  return l ** r;
}

/**
 * evalBinaryOpNumbers returns `l op r` for two numbers as MetricsQL defines it:
 * comparisons give l (or 1 with bool) when true and NaN (0 with bool) when false;
 * `and` gives l unless either is NaN; `or` the first non-NaN; `unless` NaN; `default`
 * r when l is NaN; `if` l when r is not NaN; `ifnot` l when r is NaN.
 */
export function evalBinaryOpNumbers(op: BinaryOp, l: number, r: number, isBool: boolean): number {
  if (isBinaryOpCmp(op)) {
    let ok: boolean;
    switch (op) {
      case "==":
        ok = cmpEq(l, r);
        break;
      case "!=":
        ok = cmpNeq(l, r);
        break;
      case ">":
        ok = l > r;
        break;
      case "<":
        ok = l < r;
        break;
      case ">=":
        ok = l >= r;
        break;
      default:
        ok = l <= r;
    }
    if (isBool) return ok ? 1 : 0;
    return ok ? l : NaN;
  }
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return l / r;
    case "%":
      return l % r;
    case "^":
      return pow(l, r);
    case "atan2":
      return Math.atan2(l, r);
    case "and":
      return Number.isNaN(l) || Number.isNaN(r) ? NaN : l;
    case "or":
      return Number.isNaN(l) ? r : l;
    case "unless":
      return NaN;
    case "default":
      return Number.isNaN(l) ? r : l;
    case "if":
      return Number.isNaN(r) ? NaN : l;
    case "ifnot":
      return Number.isNaN(r) ? l : NaN;
    default:
      throw new Error(`BUG: unexpected binary operator ${JSON.stringify(op)}`);
  }
}
