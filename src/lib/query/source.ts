// The narrow interface the evaluator reads raw samples through. The storage
// engine satisfies it as it is; tests use an in-memory implementation.

import type { BatchFills, SeriesBatch } from "../seriesbatch/index.ts";
import type { Tracer } from "./trace.ts";

/** SourceFilter is one label matcher; label "__name__" is the metric name; regexps are anchored. */
export interface SourceFilter {
  label: string;
  value: string;
  isNegative: boolean;
  isRegex: boolean;
}

/**
 * SourceSeries is one series of a search: its labels (with __name__ when it has
 * one) and its first n samples, ascending by time; NaN values are staleness
 * markers. The arrays may be reused once the iterator moves on.
 */
export interface SourceSeries {
  labels: ReadonlyArray<readonly [string, string]>;
  timestamps: Float64Array;
  values: Float64Array;
  n: number;
}

/**
 * SeriesSource yields every series matching all filters that has samples in
 * [minT, maxT] (ms, inclusive), with those samples. It throws when more than
 * maxSeries series match (0: no limit). A source that traces its reads adds
 * them under qt.
 */
export interface SeriesSource {
  search(filters: readonly SourceFilter[], minT: number, maxT: number, maxSeries: number, qt?: Tracer): Iterable<SourceSeries>;
}

/**
 * SourceBatch is several series of a search with their samples still
 * encoded: labelsAt(i) gives the labels of series i of batch (made when
 * asked, so that a batch in flight holds no objects per series), which
 * decodeBatchSeries (lib/seriesbatch) decodes in any thread. decoded, when
 * present, must be called with the samples of each series once they are
 * decoded (for the source's limits and statistics); it throws a QueryError
 * when a limit is broken. cacheFills, when present, takes the payloads the
 * decoder decompressed for the source's cache (takeBatchFills).
 */
export interface SourceBatch {
  labelsAt(i: number): ReadonlyArray<readonly [string, string]>;
  batch: SeriesBatch;
  decoded?: (samples: Uint32Array) => void;
  cacheFills?: (f: BatchFills) => void;
}

/**
 * BatchSource is a SeriesSource that can also hand out its series undecoded,
 * in batches of up to batchSeries series or about batchBytes of payload, so
 * that the evaluator decodes and rolls them up in worker threads.
 */
export interface BatchSource extends SeriesSource {
  searchBatches(filters: readonly SourceFilter[], minT: number, maxT: number, maxSeries: number, batchSeries: number, batchBytes: number, qt?: Tracer): Iterable<SourceBatch>;
}

/** isBatchSource reports whether s can hand out undecoded batches. */
export function isBatchSource(s: SeriesSource): s is BatchSource {
  return typeof (s as Partial<BatchSource>).searchBatches === "function";
}
