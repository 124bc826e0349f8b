// Datadog /api/beta/sketches: protobuf SketchPayload -> summary-like series, as
// VictoriaMetrics converts it.
export { parseSketches, type ParseOptions } from "./parser.ts";
export { sketchQuantile, keyLowerBound } from "./quantile.ts";
