// Package logsql: LogsQL, the query language of VictoriaLogs — parser, printer and
// execution over a LogSearcher (src/lib/logstorage), plus the helpers of the
// /select/logsql/* HTTP handlers.

export type { Filter, Pipe, Query, QueryOptions, StatsFunc, ByField, SortField, MathExpr, StreamTagFilter, Subquery } from "./ast.ts";
export { LogsQLParseError } from "./logsql_parse_error.ts";
export { parseQuery, parseFilterOnly } from "./parser.ts";
export { printQuery, printFilter, printPipe } from "./printer.ts";
export { executeQuery, queryTimeRange, type ExecuteOptions } from "./execute.ts";
export type { RowBatch } from "./row_batch.ts";
export { formatRowBatchJSONLines } from "./json_lines.ts";
export { parseExtraFilters, addExtraFilters, canLiveTail, statsQueryInfo, withStatsTimeStep, hits, type StatsQueryInfo, type HitsSeries, type HitsOptions } from "./query_info.ts";
export { tokenize } from "../logstorage/index.ts";
export { parseDuration, parseNumber } from "./numbers.ts";
export { parseTimestamp, formatTimestamp } from "./time_format.ts";
export { MemoryLogSource, type MemoryRow, type MemoryStats } from "./memory_source.ts";
