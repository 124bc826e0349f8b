// ast: the parsed form of a LogsQL query (filters, pipes, stats functions).

/** StreamTagFilter is one `name op "value"` item of a stream filter `{...}`. */
export interface StreamTagFilter {
  readonly name: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** Subquery is `(<query> | fields f)` inside in(), contains_all(), contains_any() or _stream_id:in(); `field` is the field its values come from. */
export interface Subquery {
  readonly q: Query;
  readonly field: string;
}

/**
 * Filter is a LogsQL filter. `field` is the field name the filter applies to,
 * "_msg" when written without one. Range-like filters keep `repr`, the text after
 * `field:` as written (canonicalized), which the printer reproduces.
 */
export type Filter =
  | { readonly t: "any" }
  | { readonly t: "none" }
  | { readonly t: "and"; readonly fs: readonly Filter[] }
  | { readonly t: "or"; readonly fs: readonly Filter[] }
  | { readonly t: "not"; readonly f: Filter }
  | { readonly t: "phrase"; readonly field: string; readonly phrase: string }
  | { readonly t: "prefix"; readonly field: string; readonly prefix: string }
  | { readonly t: "substring"; readonly field: string; readonly s: string }
  | { readonly t: "exact"; readonly field: string; readonly value: string; readonly prefix: boolean }
  | {
      readonly t: "in";
      readonly op: "in" | "contains_all" | "contains_any";
      readonly field: string;
      values: readonly string[];
      readonly sub?: Subquery;
    }
  | { readonly t: "anycase"; readonly field: string; readonly phrase: string; readonly prefix: boolean }
  | { readonly t: "seq"; readonly field: string; readonly phrases: readonly string[] }
  | { readonly t: "regexp"; readonly field: string; readonly re: string }
  | { readonly t: "range"; readonly field: string; readonly min: number; readonly max: number; readonly repr: string }
  | { readonly t: "string_range"; readonly field: string; readonly min: string; readonly max: string; readonly repr: string }
  | { readonly t: "ipv4_range"; readonly field: string; readonly min: number; readonly max: number; readonly repr: string }
  | { readonly t: "len_range"; readonly field: string; readonly min: number; readonly max: number; readonly repr: string }
  | { readonly t: "value_type"; readonly field: string; readonly type: string }
  | { readonly t: "field_cmp"; readonly op: "eq_field" | "le_field" | "lt_field"; readonly field: string; readonly other: string }
  | { readonly t: "time"; readonly min: bigint; readonly max: bigint; readonly repr: string }
  | {
      readonly t: "day_range";
      readonly start: bigint;
      readonly end: bigint;
      readonly offset: bigint;
      readonly repr: string;
    }
  | {
      readonly t: "week_range";
      readonly start: number;
      readonly end: number;
      readonly offset: bigint;
      readonly repr: string;
    }
  | { readonly t: "stream"; readonly groups: readonly (readonly StreamTagFilter[])[] }
  | { readonly t: "stream_id"; ids: readonly string[]; readonly sub?: Subquery };

/** SortField is one `field [desc]` of a sort-like pipe. */
export interface SortField {
  readonly field: string;
  readonly desc: boolean;
}

/** ByField is one item of `stats by (...)`: a field, optionally bucketed (`_time:1h offset 2h`, `f:10`, `ip:/24`). */
export interface ByField {
  readonly name: string;
  readonly bucket?: string;
  readonly offset?: string;
}

/** StatsFunc is one `func(args) [limit N] [if (...)] as result` of a stats pipe. */
export interface StatsFunc {
  readonly name: string;
  readonly fields: readonly string[];
  /** The number argument of quantile (phi), as written. */
  readonly phi?: string;
  readonly limit: number;
  readonly iff?: Filter;
  readonly result: string;
}

/** MathExpr is an expression of the math pipe. */
export type MathExpr =
  | { readonly k: "num"; readonly v: number; readonly raw: string }
  | { readonly k: "field"; readonly name: string }
  | { readonly k: "neg"; readonly a: MathExpr }
  | { readonly k: "bin"; readonly op: string; readonly a: MathExpr; readonly b: MathExpr }
  | { readonly k: "fn"; readonly name: string; readonly args: readonly MathExpr[] };

/** Pipe is one `| ...` stage of a query. */
export type Pipe =
  | { readonly t: "fields"; readonly fields: readonly string[] }
  | { readonly t: "delete"; readonly fields: readonly string[] }
  | { readonly t: "rename" | "copy"; readonly pairs: readonly (readonly [string, string])[] }
  | { readonly t: "limit" | "offset" | "sample"; readonly n: number }
  | {
      readonly t: "sort";
      readonly by: readonly SortField[];
      readonly desc: boolean;
      readonly offset: number;
      readonly limit: number;
      readonly partitionBy: readonly string[];
      readonly rank: string;
    }
  | { readonly t: "first" | "last"; readonly n: number; readonly by: readonly SortField[]; readonly partitionBy: readonly string[] }
  | { readonly t: "stats"; readonly by: readonly ByField[]; readonly funcs: readonly StatsFunc[] }
  | { readonly t: "uniq"; readonly fields: readonly string[]; readonly hits: boolean; readonly limit: number }
  | { readonly t: "top"; readonly n: number; readonly fields: readonly string[]; readonly hitsField: string; readonly rank: string }
  | { readonly t: "filter"; readonly f: Filter }
  | { readonly t: "field_names"; readonly result: string }
  | { readonly t: "field_values"; readonly field: string; readonly limit: number }
  | {
      readonly t: "facets";
      readonly limit: number;
      readonly maxValuesPerField: number;
      readonly maxValueLen: number;
      readonly keepConst: boolean;
    }
  | {
      readonly t: "extract" | "extract_regexp";
      readonly iff?: Filter;
      readonly pattern: string;
      readonly from: string;
      readonly keepOriginal: boolean;
      readonly skipEmpty: boolean;
    }
  | {
      readonly t: "format";
      readonly iff?: Filter;
      readonly pattern: string;
      readonly result: string;
      readonly keepOriginal: boolean;
      readonly skipEmpty: boolean;
    }
  | {
      readonly t: "unpack_json" | "unpack_logfmt";
      readonly iff?: Filter;
      readonly from: string;
      readonly fields: readonly string[];
      readonly prefix: string;
      readonly keepOriginal: boolean;
      readonly skipEmpty: boolean;
    }
  | { readonly t: "pack_json" | "pack_logfmt"; readonly fields: readonly string[]; readonly result: string }
  | { readonly t: "math"; readonly entries: readonly { readonly expr: MathExpr; readonly result: string }[] }
  | {
      readonly t: "replace" | "replace_regexp";
      readonly iff?: Filter;
      readonly old: string;
      readonly repl: string;
      readonly at: string;
      readonly limit: number;
    }
  | { readonly t: "len" | "hash" | "json_array_len"; readonly field: string; readonly result: string }
  | { readonly t: "drop_empty_fields" }
  | { readonly t: "decolorize"; readonly field: string }
  | { readonly t: "collapse_nums"; readonly iff?: Filter; readonly at: string; readonly prettify: boolean }
  | { readonly t: "unroll"; readonly iff?: Filter; readonly fields: readonly string[] }
  | { readonly t: "unpack_words"; readonly from: string; readonly result: string; readonly dropDuplicates: boolean }
  | { readonly t: "union"; readonly q: Query }
  | { readonly t: "join"; readonly by: readonly string[]; readonly q: Query; readonly inner: boolean; readonly prefix: string }
  | { readonly t: "blocks_count"; readonly result: string }
  | { readonly t: "stream_context"; readonly before: number; readonly after: number; readonly timeWindow: string }
  | {
      readonly t: "unpack_syslog";
      readonly iff?: Filter;
      readonly from: string;
      readonly offset: string;
      readonly prefix: string;
      readonly keepOriginal: boolean;
    };

/** QueryOptions are the settings of `options(...)` in front of a query. */
export interface QueryOptions {
  concurrency?: number;
  parallelReaders?: number;
  ignoreGlobalTimeFilter?: boolean;
  allowPartialResponse?: boolean;
  timeOffset?: string;
}

/** Query is a parsed LogsQL query: options, a filter, then pipes. */
export interface Query {
  opts: QueryOptions;
  filter: Filter;
  pipes: Pipe[];
}
