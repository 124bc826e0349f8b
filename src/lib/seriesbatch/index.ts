// Package seriesbatch: the samples of several series, still encoded, in
// plain typed arrays that can move between threads (SeriesBatch), and their
// decoding: blocks in time order, clipped, deduplicated (SampleRuns).
// Storage searches build batches; query workers decode them. It is small on
// purpose: a worker thread loads only this and the rollup functions.

export { deduplicateSamples } from "./dedup.ts";
export { SampleRuns } from "./sample_runs.ts";
export { BatchDecoder, decodeBatchSeries, dropSpareBatchBuffers, recycleBatchBuffer, SeriesBatchBuilder, takeBatchFills, type BatchFills, type SeriesBatch } from "./series_batch.ts";
