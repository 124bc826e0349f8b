// InfluxDB line protocol as VictoriaMetrics accepts it (/write, /api/v2/write,
// -influxListenAddr). See README.md beside this file for the rules. The number
// parsers are shared with the Graphite and OpenTSDB parsers.
export { parseLine, parseLines, defaultInfluxOptions, type InfluxOptions } from "./parser.ts";
export { parseStream, DEFAULT_MAX_LINE_SIZE, type InfluxStreamOptions, type InfluxStreamResult } from "./stream.ts";
export { precisionFromArg, timestampToMs, type Precision } from "./timestamp.ts";
export { NumberError, parseFloat, parseFloatBestEffort, parseInt64, parseUint64 } from "./fastfloat.ts";
