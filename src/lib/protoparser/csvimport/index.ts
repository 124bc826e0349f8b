// CSV import (/api/v1/import/csv?format=...) and the time layouts shared with
// /api/v1/export/csv, compatible with VictoriaMetrics 1.79.5. See README.md.
export { parseColumnDescriptors, MAX_COLUMNS_PER_ROW, type ColumnDescriptor } from "./column_descriptor.ts";
export { parseLines, type ParseLinesOptions } from "./parser.ts";
export { parseStream, MAX_LINE_LEN, type ParseStreamOptions, type ParseStreamResult } from "./stream.ts";
export { parseGoTime, formatGoTime, RFC3339 } from "./go_time.ts";
