// Log ingestion parsers (VictoriaLogs protocols): bytes in, log rows out
// through a LogRowProcessor, no I/O. The HTTP and syslog wiring is in
// app/vlinsert.
export { LogParseError } from "./parse_error.ts";
export { parseLogTimestamp, parseUnixTimestamp, parseRFC3339 } from "./timestamp.ts";
export { FieldList } from "./field_list.ts";
export { FieldFilter } from "./field_filter.ts";
export { dropColorSequences, hasColorSequences } from "./decolorize.ts";
export { parseJSONFields, flattenJSONValue, MAX_FIELD_NAME_LEN } from "./json_fields.ts";
export { parseCommonParams, parseTenant, defaultCommonParams, splitList, type CommonParams, type ParamSource } from "./common_params.ts";
export { LogRowProcessor, extractTimestamp, renameMsgField, nowNs, MAX_ROW_SIZE, type RowProcessorOptions } from "./row_processor.ts";
export { LinesReader, type OnLine } from "./lines_reader.ts";
export { processJsonLines, isBlank, type StreamResult, type OnInvalidLine } from "./jsonline.ts";
export { processBulk, bulkParams, bulkResponse, parseElasticsearchTimestamp } from "./elasticsearch_bulk.ts";
export { processLokiJSON, processLokiProtobuf, parsePromLabels, type LokiOptions } from "./loki.ts";
export { decodeOtlpLogsProtobuf, decodeOtlpLogsJSON, addOtlpLogs, formatAnyValue, type OtlpResourceLogs, type OtlpLogRecord, type AnyValue, type KeyValue } from "./otlp_logs.ts";
export { parseSyslogMessage, checkTimezone, type SyslogOptions } from "./syslog.ts";
export { JournaldReader, journaldParams, type JournaldOptions } from "./journald.ts";
export { decodeDatadogLogs, processDatadogLogs } from "./datadog.ts";
export type { LogField, LogIngester, LogRowsBatch, LogRowsSink, TenantID } from "./storage_types.ts";
