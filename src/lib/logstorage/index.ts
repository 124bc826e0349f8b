// Public surface of lib/logstorage: the VictoriaLogs-like log storage
// (daily partitions, a stream index on the mergeset, columnar blocks per
// stream with per-column bloom filters). See FORMAT.md.

export * from "./types.ts";
export { LogStorage, type LogStorageOptions, type LogStorageStats } from "./log_storage.ts";
export { isTokenChar, tokenize } from "./tokenizer.ts";
export { canonicalStream, parseCanonicalStream, streamIDOf } from "./stream.ts";
