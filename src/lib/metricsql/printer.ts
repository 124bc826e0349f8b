// Printer: turns an AST back into MetricsQL text, in VictoriaMetrics' canonical form
// (what /expand-with-exprs returns). parse(printExpr(e)) gives back e for any tree
// parse() returns; for raw trees the text means the same query.
//
// Where VictoriaMetrics' printer would produce text that parses differently, this
// one adds parentheses or quotes instead (noted below); otherwise the output is
// the same byte for byte.

import {
  isOnlyMetricName,
  metricName,
  type AggrFuncExpr,
  type BinaryOpExpr,
  type Expr,
  type FuncExpr,
  type LabelFilter,
  type MetricExpr,
  type ModifierExpr,
  type RawLabelFilter,
  type RollupExpr,
  type StringExpr,
  type WithArgExpr,
} from "./ast.ts";
import { isReservedBinaryOpIdent } from "./binary_op.ts";
import { isAggrFunc } from "./functions.ts";
import { goQuote, goUnquote } from "./go_strconv.ts";
import { escapeIdent, hasEscapedChars, isInfOrNaN, isStringPrefix, quoteIdent } from "./lexer.ts";

/** printExpr returns e as MetricsQL text. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "metric":
      return e.raw !== null ? printRawMetric(e.raw) : printMetric(e);
    case "rollup":
      return printRollup(e);
    case "func":
      return escapeIdent(e.name) + printArgList(e.args) + printFuncSuffix(e);
    case "aggr":
      return escapeIdent(e.name) + printArgList(e.args) + printAggrSuffix(e);
    case "binaryOp":
      return printBinaryOp(e);
    case "number":
      return e.text;
    case "string":
      return printString(e);
    case "duration":
      return e.text;
    case "with":
      return "WITH (" + e.args.map(printWithArg).join(", ") + ") " + printExpr(e.expr);
    case "parens":
      return printArgList(e.args);
    default: {
      const _: never = e;
      throw new Error(`BUG: unknown expression ${JSON.stringify(_)}`);
    }
  }
}

/** printArgList returns `(a, b, ...)`. */
export function printArgList(args: Expr[]): string {
  return "(" + args.map(printExpr).join(", ") + ")";
}

/** printString returns a string as written (raw tree) or quoted (expanded tree). */
export function printString(se: StringExpr): string {
  return se.tokens !== null ? se.tokens.join("+") : goQuote(se.value);
}

/** printFuncSuffix returns what follows a function call's arguments. */
export function printFuncSuffix(fe: FuncExpr): string {
  return fe.keepMetricNames ? " keep_metric_names" : "";
}

/** printAggrSuffix returns what follows an aggregate call's arguments: ` by(x) limit 5`. */
export function printAggrSuffix(ae: AggrFuncExpr): string {
  let s = "";
  if (ae.modifier !== null) s += " " + printModifier(ae.modifier);
  if (ae.limit > 0) s += " limit " + ae.limit;
  return s;
}

/** printModifier returns `by(a,b)`, `on()`, `group_left(*)` and the like. */
export function printModifier(m: ModifierExpr): string {
  return m.op + "(" + m.args.map((a) => (a === "*" ? "*" : escapeIdent(a))).join(",") + ")";
}

/** printWithArg returns one WITH template, `name(a,b) = expr`. */
export function printWithArg(wa: WithArgExpr): string {
  let s = escapeIdent(wa.name);
  if (wa.params.length > 0) s += "(" + wa.params.map(escapeIdent).join(",") + ")";
  return s + " = " + printExpr(wa.expr);
}

function printLabelName(label: string): string {
  // The empty label name has no identifier form (VictoriaMetrics prints nothing).
  return label === "" ? '""' : escapeIdent(label);
}

function printOp(isNegative: boolean, isRegexp: boolean): string {
  if (isNegative) return isRegexp ? "!~" : "!=";
  return isRegexp ? "=~" : "=";
}

/** printLabelFilter returns `label="value"` with the label escaped as an identifier. */
export function printLabelFilter(lf: LabelFilter): string {
  return printLabelName(lf.label) + printOp(lf.isNegative, lf.isRegexp) + goQuote(lf.value);
}

// A name that reads as a number (inf, nan) cannot be written bare.
function canBeBareName(name: string): boolean {
  return !isInfOrNaN(name);
}

// printedMetricName returns the metric name printed in front of the braces of me, or "".
function printedMetricName(me: MetricExpr): string {
  const lfss = me.labelFilterss;
  const name = metricName(me);
  if (!canBeBareName(name)) return "";
  // VictoriaMetrics also factors the name out of `{__name__="a",b="c" or __name__="a"}`,
  // printing a{b="c"}, which drops the second group; the name stays inside then.
  if (lfss.length > 1 && lfss.some((lfs) => lfs.length === 1)) return "";
  return name;
}

function printMetric(me: MetricExpr): string {
  const lfss = me.labelFilterss;
  if (lfss.length === 0) return "{}";
  const name = printedMetricName(me);
  if (name !== "" && isOnlyMetricName(me)) return escapeIdent(name);
  const offset = name !== "" ? 1 : 0;
  const groups: string[] = [];
  for (const lfs of lfss) {
    if (lfs.length > offset) groups.push(lfs.slice(offset).map(printLabelFilter).join(","));
  }
  return (name !== "" ? escapeIdent(name) : "") + "{" + groups.join(" or ") + "}";
}

/** rawMetricName returns the metric name every or-group of raw filters starts with, or "". */
export function rawMetricName(lfss: RawLabelFilter[][]): string {
  let name = "";
  for (let i = 0; i < lfss.length; i++) {
    const n = rawGroupMetricName(lfss[i]);
    if (n === "" || (i > 0 && n !== name)) return "";
    name = n;
  }
  return name;
}

function rawGroupMetricName(lfs: RawLabelFilter[]): string {
  const lf = lfs[0];
  if (lf === undefined) return "";
  if (lf.isPossibleMetricName) return lf.label;
  const tokens = lf.value?.tokens;
  if (lf.label !== "__name__" || lf.isRegexp || lf.isNegative || tokens == null || tokens.length !== 1) return "";
  if (!isStringPrefix(tokens[0])) return "";
  return goUnquote(tokens[0]);
}

/** isOnlyRawMetricName reports whether raw filters are just a metric name. */
export function isOnlyRawMetricName(lfss: RawLabelFilter[][]): boolean {
  return rawMetricName(lfss) !== "" && lfss.every((lfs) => lfs.length <= 1);
}

/** rawNameNeedsQuotes reports whether a raw metric name must be written `{"name"}`. */
export function rawNameNeedsQuotes(name: string): boolean {
  return hasEscapedChars(name) || !canBeBareName(name);
}

/** printRawLabelFilter returns a label filter as written: quoted names where needed, strings with their tokens. */
export function printRawLabelFilter(lf: RawLabelFilter): string {
  // A quoted metric name stays quoted: a bare name would read as a WITH template reference.
  const name =
    lf.label === "" || lf.isPossibleMetricName || hasEscapedChars(lf.label) ? quoteIdent(lf.label) : lf.label;
  if (lf.value === null) return name;
  return name + printOp(lf.isNegative, lf.isRegexp) + printString(lf.value);
}

/** printedRawMetricName returns the metric name printed first for raw filters, or "". */
export function printedRawMetricName(lfss: RawLabelFilter[][]): string {
  const name = rawMetricName(lfss);
  if (lfss.length > 1 && lfss.some((lfs) => lfs.length === 1)) return "";
  // `{"a b", x="1" or y="2"}` would read back with the name in the first group only.
  if (lfss.length > 1 && rawNameNeedsQuotes(name)) return "";
  return name;
}

function printRawMetric(lfss: RawLabelFilter[][]): string {
  const name = printedRawMetricName(lfss);
  const quoted = rawNameNeedsQuotes(name);
  let s = name === "" ? "" : quoted ? "{" + quoteIdent(name) : name;
  if (name !== "" && isOnlyRawMetricName(lfss)) return quoted ? s + "}" : s;
  s += quoted ? ", " : "{";
  const offset = name !== "" ? 1 : 0;
  const groups: string[] = [];
  for (const lfs of lfss) {
    if (lfs.length > offset) groups.push(lfs.slice(offset).map(printRawLabelFilter).join(","));
  }
  return s + groups.join(" or ") + "}";
}

function isNegativeNumber(e: Expr): boolean {
  return e.kind === "number" && e.text.startsWith("-");
}

/** rollupNeedsParens reports whether the expression inside rollup re must be parenthesized. */
export function rollupNeedsParens(re: RollupExpr): boolean {
  const e = re.expr;
  switch (e.kind) {
    case "rollup":
    case "binaryOp":
    case "with": // `WITH (x = m) x[5m]` would put the window inside the template body
      return true;
    case "aggr":
      return e.modifier !== null;
    default:
      return isNegativeNumber(e); // `-1[5m]` reads as `0 - 1[5m]`
  }
}

/** printRollupSuffix returns the `[window:step] offset d @ at` part of re. */
export function printRollupSuffix(re: RollupExpr): string {
  let s = "";
  if (re.window !== null || re.step !== null || re.inheritStep) {
    s += "[" + (re.window?.text ?? "");
    if (re.step !== null) s += ":" + re.step.text;
    else if (re.inheritStep) s += ":";
    s += "]";
  } else if (re.offset === null && re.at === null && re.expr.kind !== "metric") {
    // Only a missing window was given, e.g. (sum(m))[$__interval]; keep the subquery.
    s += "[$__interval]";
  }
  if (re.offset !== null) s += " offset " + re.offset.text;
  if (re.at !== null) {
    const a = re.at;
    // VictoriaMetrics parenthesizes only binary operations here.
    const needParens = a.kind === "binaryOp" || a.kind === "rollup" || a.kind === "with";
    s += " @ " + (needParens ? "(" + printExpr(a) + ")" : printExpr(a));
  }
  return s;
}

function printRollup(re: RollupExpr): string {
  const inner = printExpr(re.expr);
  return (rollupNeedsParens(re) ? "(" + inner + ")" : inner) + printRollupSuffix(re);
}

function needBinaryOpArgParens(arg: Expr): boolean {
  switch (arg.kind) {
    case "binaryOp":
    case "with": // only the left side needs it; VictoriaMetrics never adds it
      return true;
    case "rollup":
      if (arg.expr.kind === "binaryOp" && arg.expr.keepMetricNames) return true;
      return arg.offset !== null || arg.at !== null;
    default:
      return false;
  }
}

// leadingMetricName returns the identifier selector e is printed with, "" if none.
function leadingMetricName(e: Expr): string {
  if (e.kind !== "metric") return "";
  if (e.raw !== null) {
    const name = printedRawMetricName(e.raw);
    return rawNameNeedsQuotes(name) ? "" : name;
  }
  return printedMetricName(e);
}

// bareMetricName returns the name of a selector printed as just an identifier, "" if none.
function bareMetricName(e: Expr): string {
  if (e.kind !== "metric") return "";
  const name = leadingMetricName(e);
  if (e.raw !== null) return isOnlyRawMetricName(e.raw) ? name : "";
  return isOnlyMetricName(e) && e.labelFilterss.length === 1 ? name : "";
}

// startsWithBareIdent reports whether e prints as an identifier not followed by "("
// or "{", which a preceding `"str" +` would take as a WITH template reference.
function startsWithBareIdent(e: Expr): boolean {
  switch (e.kind) {
    case "metric":
      return bareMetricName(e) !== "";
    case "number":
      return /^[a-z]/i.test(e.text);
    case "rollup":
      return !rollupNeedsParens(e) && startsWithBareIdent(e.expr);
    default:
      return false;
  }
}

const WORD_OPS = new Set(["and", "or", "unless", "if", "ifnot", "default", "atan2"]);

/** needLeftParens reports whether the left operand of be must be parenthesized. */
export function needLeftParens(be: BinaryOpExpr): boolean {
  const l = be.left;
  if (needBinaryOpArgParens(l) || isNegativeNumber(l)) return true;
  // `sum or x` would read as the aggregate sum with a modifier.
  return WORD_OPS.has(be.op) && isAggrFunc(bareMetricName(l));
}

// leadingIdent returns the identifier e is printed starting with, "" if none.
function leadingIdent(e: Expr): string {
  switch (e.kind) {
    case "metric":
      return leadingMetricName(e);
    case "func":
    case "aggr":
      return e.name;
    case "rollup":
      return rollupNeedsParens(e) ? "" : leadingIdent(e.expr);
    default:
      return "";
  }
}

/** needRightParens reports whether the right operand of be must be parenthesized. */
export function needRightParens(be: BinaryOpExpr): boolean {
  const r = be.right;
  if (r.kind === "binaryOp") return true;
  if (r.kind === "rollup" && needBinaryOpArgParens(r)) return true;
  // `a + on` would read on as a modifier (VictoriaMetrics checks only plain selectors and calls).
  if (isReservedBinaryOpIdent(leadingIdent(r))) return true;
  if (r.kind === "func" && (r.keepMetricNames || be.keepMetricNames)) return true;
  // `"a" + b` would read as the string concatenation of "a" and template b.
  return be.op === "+" && be.left.kind === "string" && startsWithBareIdent(r);
}

/** printBinaryOpModifiers returns the operator with its modifiers: `==bool on(a) group_left(b) prefix "x"`. */
export function printBinaryOpModifiers(be: BinaryOpExpr): string {
  let s: string = be.op;
  if (be.bool) s += "bool";
  if (be.groupModifier !== null) s += " " + printModifier(be.groupModifier);
  if (be.joinModifier !== null) {
    s += " " + printModifier(be.joinModifier);
    if (be.joinModifierPrefix !== null) s += " prefix " + printString(be.joinModifierPrefix);
  }
  return s;
}

function printBinaryOp(be: BinaryOpExpr): string {
  const l = printExpr(be.left);
  const r = printExpr(be.right);
  const s =
    (needLeftParens(be) ? "(" + l + ")" : l) +
    " " +
    printBinaryOpModifiers(be) +
    " " +
    (needRightParens(be) ? "(" + r + ")" : r);
  return be.keepMetricNames ? "(" + s + ") keep_metric_names" : s;
}
