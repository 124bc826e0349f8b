// LogQL (Grafana Loki's query language), the part Tidemark translates to
// LogsQL so that Grafana's stock Loki datasource can read Tidemark's logs.
// See README.md in this folder for what is supported.

export { LogQLParseError, parseDurationMs } from "./lexer.ts";
export type * from "./ast.ts";
export { parseLogQL } from "./parser.ts";
export { logQueryToLogsQL, quoteString, quoteField, escapeRegexp } from "./to_logsql.ts";
export { evalMetric, parseStreamLabels, parseRFC3339Ms, type Rows, type StatsRunner, type Series, type EvalRange, type EvalResult } from "./eval.ts";
