// parse: query text to the tree the query engine evaluates.

import type { Expr } from "./ast.ts";
import { checkNesting, guardDepth } from "./errors.ts";
import { parseRawWithPositions } from "./parser.ts";
import { printExpr } from "./printer.ts";
import { removeParens, simplifyConstants } from "./simplify.ts";
import { expandWithExpr } from "./with_expr.ts";

/**
 * parse parses MetricsQL query q (a superset of PromQL) into an expanded tree: WITH
 * templates (also the predefined ru, ttf, range_median, alias) are substituted,
 * parentheses removed, constant sub-expressions folded, and every function checked
 * to be a known rollup, transform or aggregate function. It throws a ParseError
 * with the position of the problem.
 */
export function parse(q: string): Expr {
  checkNesting(q);
  return guardDepth(() => {
    const { expr, positions } = parseRawWithPositions(q);
    return simplifyConstants(removeParens(expandWithExpr(expr, positions)));
  });
}

/** expandWithExprs returns query q with its WITH templates expanded, in canonical form (VictoriaMetrics' /expand-with-exprs). */
export function expandWithExprs(q: string): string {
  const e = parse(q);
  return guardDepth(() => printExpr(e));
}
