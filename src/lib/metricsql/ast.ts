// The MetricsQL syntax tree: a union on `kind`, handled by exhaustive switches.
//
// parse() returns an expanded tree: no WithExpr or ParensExpr, every MetricExpr has
// `raw === null`, every StringExpr `tokens === null`, every DurationExpr
// `isTemplateRef === false`. The raw tree (parseRaw, used by the prettifier) keeps
// WITH templates, parentheses and the label filters, strings and durations as written,
// since they may refer to WITH templates that only expansion resolves.
//
// Trees are plain data. Nodes may be shared between places of one tree (expansion
// reuses leaves), so treat them as immutable; clone() gives a private copy.

/** Expr is any MetricsQL expression. */
export type Expr =
  | MetricExpr
  | RollupExpr
  | FuncExpr
  | AggrFuncExpr
  | BinaryOpExpr
  | NumberExpr
  | StringExpr
  | DurationExpr
  | WithExpr
  | ParensExpr;

/** LabelFilter is one label matcher: label="value" (=), != (isNegative), =~ (isRegexp), !~ (both). */
export interface LabelFilter {
  label: string;
  /** value is the unquoted value; for regexps the pattern, anchored when matching. */
  value: string;
  isNegative: boolean;
  isRegexp: boolean;
}

/**
 * RawLabelFilter is a label filter as written, before WITH expansion. value is null
 * for a bare name: a WITH template reference ({commonFilters, job="x"}) or, when
 * isPossibleMetricName, a quoted metric name ({"my.metric"}).
 */
export interface RawLabelFilter {
  label: string;
  value: StringExpr | null;
  isNegative: boolean;
  isRegexp: boolean;
  isPossibleMetricName: boolean;
}

/**
 * MetricExpr is a series selector: `foo{a="b"}`, `{__name__=~"x.*"}`, or with
 * or-groups `foo{a="1" or b="2"}`. labelFilterss lists the or-groups; a metric name
 * filter (__name__="...") comes first in each group that has one. `{}` has no groups.
 */
export interface MetricExpr {
  kind: "metric";
  labelFilterss: LabelFilter[][];
  /** raw holds the or-groups as written until WITH expansion; null once expanded. */
  raw: RawLabelFilter[][] | null;
}

/**
 * RollupExpr is an expression with a lookbehind window, subquery step, offset or
 * `@` modifier: `m[5m]`, `rate(m[5m])[1h:1m]`, `m offset -1h`, `m @ end()`.
 */
export interface RollupExpr {
  kind: "rollup";
  expr: Expr;
  /** window is the lookbehind window from `[window]` or `[window:step]`; null if missing. */
  window: DurationExpr | null;
  /** step is the subquery step from `[window:step]`; null if missing. */
  step: DurationExpr | null;
  /** inheritStep is set for `[window:]`: a subquery with the query's own step. */
  inheritStep: boolean;
  /** offset may be negative. */
  offset: DurationExpr | null;
  /** at is the `@` expression (any expression, e.g. `end() - 1h`); null if missing. */
  at: Expr | null;
}

/** FuncExpr is a rollup or transform function call, `name(args) keep_metric_names`. name is as written (case kept); the empty name is the `(a, b)` union. */
export interface FuncExpr {
  kind: "func";
  name: string;
  args: Expr[];
  keepMetricNames: boolean;
}

/** ModifierExpr is `by(...)`, `without(...)`, `on(...)`, `ignoring(...)`, `group_left(...)` or `group_right(...)`; op is lower case, args may be ["*"] for group_left/group_right. */
export interface ModifierExpr {
  op: string;
  args: string[];
}

/** AggrFuncExpr is an aggregate call `name(args) by(...) limit N`; name is lower case, limit 0 means none. */
export interface AggrFuncExpr {
  kind: "aggr";
  name: string;
  args: Expr[];
  modifier: ModifierExpr | null;
  limit: number;
}

/** BinaryOp lists the binary operators, lower case. */
export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^"
  | "atan2"
  | "=="
  | "!="
  | ">"
  | "<"
  | ">="
  | "<="
  | "and"
  | "or"
  | "unless"
  | "if"
  | "ifnot"
  | "default";

/**
 * BinaryOpExpr is `left op bool on(...) group_left(...) prefix "p" right`, and
 * `(left op right) keep_metric_names`. groupModifier is on/ignoring, joinModifier
 * group_left/group_right (only with a groupModifier), joinModifierPrefix the `prefix`.
 */
export interface BinaryOpExpr {
  kind: "binaryOp";
  op: BinaryOp;
  bool: boolean;
  groupModifier: ModifierExpr | null;
  joinModifier: ModifierExpr | null;
  joinModifierPrefix: StringExpr | null;
  keepMetricNames: boolean;
  left: Expr;
  right: Expr;
}

/** NumberExpr is a number; text is how it was written (`1Ki`, `0x1f`, `1e3`), or Go's %g form of a computed constant. */
export interface NumberExpr {
  kind: "number";
  value: number;
  text: string;
}

/** StringExpr is a string; `"a" + "b"` is folded into one. */
export interface StringExpr {
  kind: "string";
  value: string;
  /**
   * tokens are the parts of the string as written before WITH expansion: quoted
   * literals and template names (`"prefix_" + name`); null once expanded.
   */
  tokens: string[] | null;
}

/**
 * DurationExpr is a duration as written: `5m`, `1h30m`, `-5m` (offsets only), `1.5`
 * (seconds), `10i` (steps). Use durationMs() for its value. Before WITH expansion it
 * may name a template instead (isTemplateRef).
 */
export interface DurationExpr {
  kind: "duration";
  text: string;
  isTemplateRef: boolean;
}

/** WithArgExpr is one WITH template: `name = expr` or `name(params) = expr`. */
export interface WithArgExpr {
  name: string;
  params: string[];
  expr: Expr;
}

/** WithExpr is `WITH (templates) expr`; only in raw trees. */
export interface WithExpr {
  kind: "with";
  args: WithArgExpr[];
  expr: Expr;
}

/** ParensExpr is `(a)` or `(a, b, ...)`; only in raw trees (parse() turns a list into the union FuncExpr with the empty name). */
export interface ParensExpr {
  kind: "parens";
  args: Expr[];
}

/** numberExpr returns a NumberExpr for v written as text. */
export function numberExpr(value: number, text: string): NumberExpr {
  return { kind: "number", value, text };
}

/** stringExpr returns an expanded StringExpr holding value. */
export function stringExpr(value: string): StringExpr {
  return { kind: "string", value, tokens: null };
}

/** metricNameFilter returns the filter __name__="name". */
export function metricNameFilter(name: string): LabelFilter {
  return { label: "__name__", value: name, isNegative: false, isRegexp: false };
}

/** isMetricNameFilter reports whether lf is __name__="..." (not negative, not a regexp). */
export function isMetricNameFilter(lf: LabelFilter): boolean {
  return lf.label === "__name__" && !lf.isNegative && !lf.isRegexp;
}

/** metricExpr returns the expanded selector `name` (or `{}` for the empty name). */
export function metricExpr(name: string): MetricExpr {
  return { kind: "metric", labelFilterss: name === "" ? [] : [[metricNameFilter(name)]], raw: null };
}

/**
 * metricName returns the metric name shared by every or-group of me (the value of the
 * leading __name__="..." filter of each group), or "" if there is none.
 */
export function metricName(me: MetricExpr): string {
  const lfss = me.labelFilterss;
  if (lfss.length === 0) return "";
  let name = "";
  for (let i = 0; i < lfss.length; i++) {
    const lf = lfss[i][0];
    if (lf === undefined || !isMetricNameFilter(lf)) return "";
    if (i === 0) name = lf.value;
    else if (lf.value !== name) return "";
  }
  return name;
}

/** isOnlyMetricName reports whether me is just a metric name, like `foo`. */
export function isOnlyMetricName(me: MetricExpr): boolean {
  if (metricName(me) === "") return false;
  return me.labelFilterss.every((lfs) => lfs.length <= 1);
}

/** rollupExpr returns a RollupExpr around expr with nothing set. */
export function rollupExpr(expr: Expr): RollupExpr {
  return { kind: "rollup", expr, window: null, step: null, inheritStep: false, offset: null, at: null };
}

/** isSubquery reports whether re is a subquery (`[window:step]` or `[window:]`). */
export function isSubquery(re: RollupExpr): boolean {
  return re.step !== null || re.inheritStep;
}

/**
 * children returns the direct sub-expressions of e, in source order (for rollups:
 * the inner expression, then the `@` expression; for binary operations: left, then
 * right; modifier label lists and durations are not expressions).
 */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "metric":
    case "number":
    case "string":
    case "duration":
      return [];
    case "rollup":
      return e.at === null ? [e.expr] : [e.expr, e.at];
    case "func":
    case "aggr":
    case "parens":
      return e.args;
    case "binaryOp":
      return e.joinModifierPrefix === null ? [e.left, e.right] : [e.left, e.right, e.joinModifierPrefix];
    case "with":
      return [...e.args.map((wa) => wa.expr), e.expr];
    default: {
      const _: never = e;
      throw new Error(`BUG: unknown expression ${JSON.stringify(_)}`);
    }
  }
}

/** visitAll calls f for every expression in e, children before their parent. */
export function visitAll(e: Expr, f: (e: Expr) => void): void {
  for (const c of children(e)) visitAll(c, f);
  f(e);
}

/** clone returns a deep copy of e in which no two places share a node (unlike parse() output). */
export function clone<T extends Expr>(e: T): T {
  return cloneAny(e) as T;
}

function cloneAny(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneAny);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = cloneAny(x);
  return out;
}
