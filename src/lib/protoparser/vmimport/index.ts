// VictoriaMetrics' JSON line import/export format (/api/v1/import, /api/v1/export),
// compatible with VictoriaMetrics 1.79.5. See README.md beside this file for the exact
// rules (accepted spellings, errors, formatting).
export { ImportRows, type Label } from "./import_rows.ts";
export { parseLines, parseLine } from "./parser.ts";
export {
  parseStream,
  DEFAULT_MAX_LINE_LEN,
  type ParseStreamOptions,
  type ParseStreamResult,
} from "./stream.ts";
export { formatFloat } from "./format_float.ts";
export {
  appendExportLine,
  appendExportLines,
  exportLineWithMetric,
  exportMetricObject,
  quoteJSON,
} from "./export_line.ts";
