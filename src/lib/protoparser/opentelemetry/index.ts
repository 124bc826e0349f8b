// OpenTelemetry (OTLP) metrics: ExportMetricsServiceRequest protobuf and its JSON
// encoding, decoded into columnar rows with VictoriaMetrics' naming and mapping.
export { OtlpDecoder, DEFAULT_DECODE_OPTIONS, nanosToMillis, type DecodeOptions, type DecodeResult } from "./metrics_data.ts";
export { OtlpRows } from "./otlp_rows.ts";
export { jsonToProtobuf } from "./json_to_proto.ts";
export { prometheusMetricName, prometheusLabelName, KIND_GAUGE, KIND_COUNTER, KIND_HISTOGRAM, KIND_SUMMARY } from "./naming.ts";
export { formatFloatF, formatFloatE3, formatVmrange } from "./format.ts";
