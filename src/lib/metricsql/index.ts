// Package metricsql: the MetricsQL language (a superset of PromQL), as specified by
// https://docs.victoriametrics.com/victoriametrics/metricsql/ and implemented by
// VictoriaMetrics' metricsql module: lexer, recursive-descent parser, AST, printer,
// prettifier, WITH template expansion, label filter pushdown and the registries of
// function names. It knows functions by name only; their semantics live in the
// query engine, which this package does not import.
//
//   parse(q)            query -> expanded AST (what the engine evaluates)
//   printExpr(e)        AST -> canonical text; parse(printExpr(parse(q))) equals parse(q)
//   expandWithExprs(q)  /expand-with-exprs
//   prettify(q)         /prettify-query
//   optimize(e)         label filter pushdown across binary operations
//
// Errors for bad queries are ParseError (a SyntaxError) with the position.

export {
  children,
  clone,
  isMetricNameFilter,
  isOnlyMetricName,
  isSubquery,
  metricExpr,
  metricName,
  metricNameFilter,
  numberExpr,
  rollupExpr,
  stringExpr,
  visitAll,
  type AggrFuncExpr,
  type BinaryOp,
  type BinaryOpExpr,
  type DurationExpr,
  type Expr,
  type FuncExpr,
  type LabelFilter,
  type MetricExpr,
  type ModifierExpr,
  type NumberExpr,
  type ParensExpr,
  type RawLabelFilter,
  type RollupExpr,
  type StringExpr,
  type WithArgExpr,
  type WithExpr,
} from "./ast.ts";
export {
  BINARY_OPS,
  binaryOpPriority,
  cmpEq,
  cmpNeq,
  evalBinaryOpNumbers,
  isBinaryOpCmp,
  isBinaryOpLogicalSet,
  pow,
} from "./binary_op.ts";
export { durationMs, durationValue, nonNegativeDurationMs, positiveDurationValue } from "./duration.ts";
export { ParseError } from "./errors.ts";
export {
  AGGR_FUNCS,
  isAggrFunc,
  isRollupFunc,
  isSupportedFunction,
  isTransformFunc,
  ROLLUP_FUNCS,
  rollupArgIdx,
  TEMPLATE_FUNCS,
  TRANSFORM_FUNCS,
  type FuncInfo,
} from "./functions.ts";
export { getCommonLabelFilters, optimize, pushdownBinaryOpFilters, trimFiltersByGroupModifier } from "./optimizer.ts";
export { expandWithExprs, parse } from "./parse.ts";
export { parseRaw } from "./parser.ts";
export { prettify } from "./prettifier.ts";
export { printExpr, printLabelFilter } from "./printer.ts";
