// Datadog /api/v1/series: JSON body -> rows, as VictoriaMetrics decodes it.
export { parseSeriesV1, type ParseOptions } from "./parser.ts";
