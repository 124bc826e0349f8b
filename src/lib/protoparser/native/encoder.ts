// Writing native-format frames: one (metric name, portable block) frame per 8192
// samples of a series.

import { ByteBuffer, isStaleNaN } from "../../encoding/index.ts";
import { BlockScratch, MAX_ROWS_PER_BLOCK, appendBlock } from "./block.ts";
import { appendMetricName } from "./metric_name.ts";

/**
 * NativeEncoder appends series to a native-format body. It keeps its scratch buffers
 * between calls; one encoder serves one body at a time.
 */
export class NativeEncoder {
  private scratch = new BlockScratch();
  private name = new ByteBuffer(256);
  private block = new ByteBuffer(4096);
  private ts = new Float64Array(MAX_ROWS_PER_BLOCK);
  private vs = new Float64Array(MAX_ROWS_PER_BLOCK);

  /**
   * appendSeries appends the frames of one series to dst: labels (with "__name__"),
   * samples timestamps/values[start:end) sorted by timestamp (integer ms). NaNs other
   * than the staleness marker are left out, as VictoriaMetrics drops them on ingestion
   * and its decimal blocks cannot hold them. Returns the number of blocks written.
   */
  appendSeries(dst: ByteBuffer, labels: ReadonlyArray<readonly [string, string]>, timestamps: Float64Array, values: Float64Array, start: number, end: number): number {
    this.name.reset();
    appendMetricName(this.name, labels);
    const name = this.name.bytes();
    let blocks = 0;
    let i = start;
    while (i < end) {
      let n = 0;
      for (; i < end && n < MAX_ROWS_PER_BLOCK; i++) {
        const v = values[i]!;
        if (v !== v && !isStaleNaN(v)) continue;
        this.ts[n] = timestamps[i]!;
        this.vs[n] = v;
        n++;
      }
      if (n === 0) break;
      this.block.reset();
      appendBlock(this.block, this.ts, this.vs, 0, n, this.scratch);
      dst.appendUint32BE(name.length);
      dst.appendBytes(name);
      dst.appendUint32BE(this.block.length);
      dst.appendBytes(this.block.bytes());
      blocks++;
    }
    return blocks;
  }
}
