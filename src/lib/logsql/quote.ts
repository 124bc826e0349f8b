// quote: quoting of LogsQL tokens when printing queries.

import { isWord } from "./lexer.ts";

/** PIPE_NAMES lists the pipe names and aliases LogsQL knows (also the unsupported ones, so that they get quoted when used as words). */
export const PIPE_NAMES: ReadonlySet<string> = new Set([
  "block_stats", "blocks_count", "collapse_nums", "copy", "cp", "decolorize", "delete", "del", "rm", "drop",
  "drop_empty_fields", "extract", "extract_regexp", "facets", "field_names", "field_values", "fields", "keep",
  "filter", "where", "first", "format", "join", "json_array_len", "hash", "last", "len", "limit", "head", "math",
  "eval", "offset", "skip", "pack_json", "pack_logfmt", "rename", "mv", "replace", "replace_regexp", "sample",
  "sort", "order", "stats", "stats_remote", "stream_context", "top", "union", "uniq", "unpack_json",
  "unpack_logfmt", "unpack_syslog", "unpack_words", "unroll", "coalesce", "generate_sequence", "json_array_concat",
  "query_stats", "running_stats", "set_stream_fields", "split", "time_add", "total_stats",
]);

/** STATS_FUNC_NAMES lists the stats function names. */
export const STATS_FUNC_NAMES: ReadonlySet<string> = new Set([
  "any", "avg", "count", "count_empty", "count_uniq", "count_uniq_hash", "field_max", "field_min", "histogram",
  "json_values", "max", "median", "min", "quantile", "rate", "rate_sum", "row_any", "row_max", "row_min", "stddev",
  "sum", "sum_len", "uniq_values", "values",
]);

const RESERVED: ReadonlySet<string> = new Set([
  "", "and", "or", "not", "!", "(", ")", "{", "}", "=", "!=", "=~", "!~", ",", "|", ":", "*", "[", "]", "now",
  "offset", "-", "contains_all", "contains_any", "eq_field", "exact", "i", "in", "ipv4_range", "le_field",
  "len_range", "lt_field", "range", "re", "seq", "string_range", "value_type", "options", "if", "by", "as", "from",
  "_time", "_stream", "_stream_id", "day_range", "week_range",
]);

/** quote returns s as a double-quoted LogsQL string. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** needQuote reports whether s must be quoted to be read back as the same single word. */
export function needQuote(s: string): boolean {
  if (!isWord(s)) return true;
  const l = s.toLowerCase();
  return RESERVED.has(l) || PIPE_NAMES.has(l) || STATS_FUNC_NAMES.has(l);
}

/** quoteIfNeeded returns s unchanged when it reads back as one word, else quoted. */
export function quoteIfNeeded(s: string): string {
  return needQuote(s) ? quote(s) : s;
}

/** quoteFieldPattern prints a field name or a `prefix*` field wildcard. */
export function quoteFieldPattern(s: string): string {
  if (s.endsWith("*")) {
    const p = s.slice(0, -1);
    return p === "" ? "*" : quoteIfNeeded(p) + "*";
  }
  return quoteIfNeeded(s);
}
