// Prettifier: /prettify-query. Lays a query out over several lines the way
// VictoriaMetrics does: an expression that fits in 80 bytes stays on one line,
// otherwise it is split at its top level (function arguments one per line, binary
// operands around an indented operator, label filters one per line...) and the
// parts are laid out the same way, two spaces per level. WITH templates are kept.

import type { Expr, RawLabelFilter, WithArgExpr } from "./ast.ts";
import { guardDepth } from "./errors.ts";
import { escapeIdent, quoteIdent } from "./lexer.ts";
import { parseRaw } from "./parser.ts";
import {
  isOnlyRawMetricName,
  needLeftParens,
  needRightParens,
  printAggrSuffix,
  printBinaryOpModifiers,
  printExpr,
  printFuncSuffix,
  printRawLabelFilter,
  printRollupSuffix,
  printWithArg,
  printedRawMetricName,
  rawNameNeedsQuotes,
  rollupNeedsParens,
} from "./printer.ts";
import { removeParens } from "./simplify.ts";

/** MAX_LINE_LEN is the length in bytes (UTF-8) up to which an expression stays on one line; some lines may still be longer. */
export const MAX_LINE_LEN = 80;

/**
 * prettify returns query q laid out over lines, with WITH templates kept as written.
 * It checks syntax only (an unknown function or template is no error here); it throws
 * a ParseError for invalid syntax.
 */
export function prettify(q: string): string {
  const e = parseRaw(q);
  return guardDepth(() => pretty(removeParens(e), 0, false));
}

function indentOf(n: number): string {
  return "  ".repeat(n);
}

function fits(s: string): boolean {
  return Buffer.byteLength(s, "utf8") <= MAX_LINE_LEN;
}

type Node = Expr | WithArgExpr;

function isWithArg(n: Node): n is WithArgExpr {
  return !("kind" in n);
}

function pretty(n: Node, indent: number, needParens: boolean): string {
  const oneLine = indentOf(indent) + (needParens ? "(" : "") + (isWithArg(n) ? printWithArg(n) : printExpr(n)) + (needParens ? ")" : "");
  if (fits(oneLine)) return oneLine;

  let s = "";
  if (needParens) {
    s += indentOf(indent) + "(\n";
    indent++;
  }
  s += split(n, indent);
  if (needParens) s += "\n" + indentOf(indent - 1) + ")";
  return s;
}

// split lays out n, which does not fit on one line, over several lines.
function split(n: Node, indent: number): string {
  const ind = indentOf(indent);
  if (isWithArg(n)) {
    let s = ind + escapeIdent(n.name);
    if (n.params.length > 0) s += "(" + n.params.map(escapeIdent).join(", ") + ")";
    return s + " = (\n" + pretty(n.expr, indent + 1, false) + "\n" + ind + ")";
  }
  switch (n.kind) {
    case "with": {
      let s = ind + "WITH (\n";
      for (const wa of n.args) s += pretty(wa, indent + 1, false) + ",\n";
      return s + ind + ")\n" + pretty(n.expr, indent, false);
    }
    case "binaryOp": {
      let s = "";
      let i = indent;
      if (n.keepMetricNames) {
        s += ind + "(\n";
        i++;
      }
      s += pretty(n.left, i, needLeftParens(n)) + "\n";
      s += indentOf(i + 1) + printBinaryOpModifiers(n) + "\n";
      s += pretty(n.right, i, needRightParens(n));
      if (n.keepMetricNames) s += "\n" + ind + ") keep_metric_names";
      return s;
    }
    case "rollup":
      return pretty(n.expr, indent, rollupNeedsParens(n)) + printRollupSuffix(n);
    case "aggr":
      return ind + escapeIdent(n.name) + prettyArgs(n.args, indent) + printAggrSuffix(n);
    case "func":
      return ind + escapeIdent(n.name) + prettyArgs(n.args, indent) + printFuncSuffix(n);
    case "metric":
      if (n.raw !== null) return prettyRawMetric(n.raw, indent);
      return ind + printExpr(n);
    case "number":
    case "string":
    case "duration":
    case "parens":
      return ind + printExpr(n);
    default: {
      const _: never = n;
      throw new Error(`BUG: unknown expression ${JSON.stringify(_)}`);
    }
  }
}

function prettyArgs(args: Expr[], indent: number): string {
  let s = "(\n";
  args.forEach((a, i) => {
    s += pretty(a, indent + 1, false) + (i + 1 < args.length ? "," : "") + "\n";
  });
  return s + indentOf(indent) + ")";
}

// prettyRawMetric puts each or-group of filters on its own line(s):
//
//   metric{
//     a="b",c="d"
//       or
//     e="f"
//   }
function prettyRawMetric(lfss: RawLabelFilter[][], indent: number): string {
  const name = printedRawMetricName(lfss);
  const quoted = rawNameNeedsQuotes(name);
  const offset = name !== "" ? 1 : 0;
  let s = indentOf(indent) + (quoted ? "" : name);
  if (name !== "" && isOnlyRawMetricName(lfss)) return quoted ? s + "{" + quoteIdent(name) + "}" : s;
  s += "{\n";
  // As in VictoriaMetrics, a quoted name goes first on a line of its own, unindented.
  if (quoted && name !== "") s += quoteIdent(name) + ", \n";
  const groups = lfss.map((lfs) => lfs.slice(offset)).filter((lfs) => lfs.length > 0);
  groups.forEach((lfs, i) => {
    s += prettyLabelFilters(lfs, indent + 1) + "\n";
    if (i + 1 < groups.length) s += indentOf(indent + 2) + "or\n";
  });
  return s + indentOf(indent) + "}";
}

function prettyLabelFilters(lfs: RawLabelFilter[], indent: number): string {
  const ind = indentOf(indent);
  const oneLine = ind + lfs.map(printRawLabelFilter).join(",");
  if (fits(oneLine)) return oneLine;
  return lfs.map((lf) => ind + printRawLabelFilter(lf)).join(",\n");
}
