// Datadog /api/v2/series: JSON or protobuf body -> rows, as VictoriaMetrics decodes it.
export { parseSeriesV2JSON, parseSeriesV2Protobuf, type ParseOptions } from "./parser.ts";
