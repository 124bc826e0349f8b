// Prometheus remote write 1.0 and 2.0 (protobuf, snappy or zstd) decoded into columnar
// rows, with native histograms converted to VictoriaMetrics histogram series. See
// README.md beside this file for the format and the conversion.
export { WriteRows, SERIES_FLOAT, SERIES_HISTOGRAM, SERIES_HISTOGRAM_COUNT, type Label } from "./write_rows.ts";
export { LabelsCache } from "./labels_cache.ts";
export { parseWriteRequest } from "./write_request.ts";
export { parseWriteRequestV2 } from "./write_request_v2.ts";
export { NativeHistogram, appendNativeHistogram, CUSTOM_BUCKETS_SCHEMA } from "./native_histogram.ts";
export { formatVmrange, formatGoE3 } from "./vmrange.ts";
export { marshalWriteRequest, type SeriesRows } from "./marshal.ts";
export {
  parseRequestBody,
  decompressRequestBody,
  remoteWriteVersion,
  UnsupportedMediaTypeError,
  PROTO_V1,
  PROTO_V2,
  type RemoteWriteVersion,
  type ParseRequestOptions,
} from "./stream.ts";
