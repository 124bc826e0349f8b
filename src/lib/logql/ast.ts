// The LogQL syntax tree: log queries (a stream selector and a pipeline of
// stages) and metric queries over them.

export type MatchOp = "=" | "!=" | "=~" | "!~";

/** Matcher is one `name op "value"` of a stream selector. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type LineFilterOp = "|=" | "!=" | "|~" | "!~";

export type CmpOp = "=" | "==" | "!=" | "=~" | "!~" | ">" | ">=" | "<" | "<=";

/** LabelFilter is the condition of a label filter stage. */
export type LabelFilter =
  | { kind: "and" | "or"; left: LabelFilter; right: LabelFilter }
  | { kind: "cmp"; name: string; op: CmpOp; value: string; valueKind: "string" | "number" | "duration" };

export type Stage =
  /** A line filter; `values` has more than one entry for `|= "a" or "b"`. */
  | { kind: "line"; op: LineFilterOp; values: string[] }
  | { kind: "json" | "logfmt" | "unpack" | "decolorize" }
  | { kind: "regexp" | "pattern"; arg: string }
  | { kind: "label"; filter: LabelFilter }
  | { kind: "line_format"; template: string }
  | { kind: "drop" | "keep"; labels: string[] };

/** LogQuery is `{...} stages...`. */
export interface LogQuery {
  kind: "log";
  matchers: Matcher[];
  stages: Stage[];
}

export type RangeFn =
  | "count_over_time" | "rate" | "bytes_over_time" | "bytes_rate"
  | "sum_over_time" | "avg_over_time" | "min_over_time" | "max_over_time";

/** RangeAggregation is `fn(<log query> [| unwrap f] [range] [offset d])`. */
export interface RangeAggregation {
  kind: "range";
  fn: RangeFn;
  query: LogQuery;
  /** unwrap names the field whose numbers the *_over_time functions use. */
  unwrap: string | undefined;
  rangeMs: number;
  offsetMs: number;
}

export type AggOp = "sum" | "avg" | "min" | "max" | "count" | "stddev" | "stdvar" | "topk" | "bottomk";

/** VectorAggregation is `op [by|without (labels)] ([k,] expr)`. */
export interface VectorAggregation {
  kind: "agg";
  op: AggOp;
  grouping: { without: boolean; labels: string[] } | undefined;
  param: number | undefined;
  expr: MetricExpr;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^" | "==" | "!=" | ">" | ">=" | "<" | "<=";

/** BinaryExpr is arithmetic or comparison where at least one side is a scalar. */
export interface BinaryExpr {
  kind: "binary";
  op: BinaryOp;
  bool: boolean;
  left: MetricExpr;
  right: MetricExpr;
}

/** NumberLiteral is a scalar; `vector(n)` is a label-less vector of it. */
export interface NumberLiteral {
  kind: "number" | "vector";
  value: number;
}

export type MetricExpr = RangeAggregation | VectorAggregation | BinaryExpr | NumberLiteral;

export type Expr = LogQuery | MetricExpr;
