// VictoriaMetrics' native import/export format (/api/v1/import/native,
// /api/v1/export/native), byte-compatible with VictoriaMetrics 1.79.5, so that
// `vmctl vm-native` migrates data in both directions. README.md beside this file
// describes the layout and the decisions.
export { appendHeader } from "./header.ts";
export { NativeEncoder } from "./encoder.ts";
export { appendBlock, parseBlock, BlockScratch, MAX_ROWS_PER_BLOCK, type DecodedBlock } from "./block.ts";
export { appendMetricName, parseMetricName } from "./metric_name.ts";
export { parseStream, MAX_FRAME_SIZE, type NativeStreamResult, type ParseStreamOptions } from "./stream.ts";
