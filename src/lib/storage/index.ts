export { Storage, isValidSnapshotName, SeriesLimitError, type TSDBStatus, type StorageOptions, type Rows, type AddResult, type SeriesData } from "./storage.ts";
export { parseSeriesSelector, type TagFilter } from "./tag_filters.ts";
export { canonicalLabels, marshalMetricName, unmarshalMetricName, type Label } from "./metric_name.ts";
export { blockPayloadCache, BlockPayloadCache } from "./block_payload_cache.ts";
