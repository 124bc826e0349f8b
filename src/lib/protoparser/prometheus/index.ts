// The Prometheus text exposition format (and OpenMetrics sample lines) as
// VictoriaMetrics' /api/v1/import/prometheus reads it. See README.md beside this file.
export { PromRows, type Label } from "./prom_rows.ts";
export { parseLines } from "./parser.ts";
export { parseFloatToken, FloatTokenError } from "./parse_float.ts";
export { parseStream, DEFAULT_MAX_LINE_LEN, type ParseStreamOptions, type ParseStreamResult } from "./stream.ts";
