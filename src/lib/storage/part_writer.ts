// PartWriter encodes series samples into blocks and streams them into a sink.
// Callers add series in ascending TSID order, each with its samples sorted by
// time; a series with more than maxRowsPerBlock samples is split.

import { ByteBuffer, compressZstd, marshalInt64Array, marshalValues } from "../encoding/index.ts";
import { BLOCK_HEADER_SIZE, marshalHeader, maxHeadersPerIndexBlock, maxRowsPerBlock } from "./block_header.ts";
import { Metaindex, type Part, type PartSink } from "./part.ts";

export class PartWriter {
  private sink: PartSink;
  private tsBuf = new ByteBuffer();
  private valBuf = new ByteBuffer();
  private idx = Buffer.alloc(maxHeadersPerIndexBlock * BLOCK_HEADER_SIZE);
  private idxDV = new DataView(this.idx.buffer, this.idx.byteOffset, this.idx.byteLength);
  private idxN = 0;
  private idxFirstTSID = 0;
  private idxLastTSID = 0;
  private idxMinT = Infinity;
  private idxMaxT = -Infinity;
  private metaindex = new Metaindex(16);
  private rowsCount = 0;
  private blocksCount = 0;
  private minT = Infinity;
  private maxT = -Infinity;
  private lastTSID = -1;
  private dedupInterval: number;
  // The previous block's encoded timestamps: series scraped together share
  // them. Copied into one reused buffer, not a new one per block.
  private prevTs = new ByteBuffer();
  private prevTsOff = 0;
  private prevTsType = -1;
  private prevTsFirst = 0;

  constructor(sink: PartSink, dedupInterval: number) {
    this.sink = sink;
    this.dedupInterval = dedupInterval;
  }

  /** addSeries writes samples ts/vals[start:end) of tsid. */
  addSeries(tsid: number, ts: Float64Array, vals: Float64Array, start: number, end: number): void {
    if (end <= start) return;
    if (tsid < this.lastTSID) throw new Error(`BUG: series added out of order: tsid ${tsid} after ${this.lastTSID}`);
    this.lastTSID = tsid;
    for (let s = start; s < end; s += maxRowsPerBlock) {
      const e = Math.min(end, s + maxRowsPerBlock);
      this.addBlock(tsid, ts, vals, s, e);
    }
  }

  private addBlock(tsid: number, ts: Float64Array, vals: Float64Array, s: number, e: number): void {
    const n = e - s;
    const tsv = s === 0 && e === ts.length ? ts : ts.subarray(s, e);
    const vv = s === 0 && e === vals.length ? vals : vals.subarray(s, e);
    this.tsBuf.reset();
    const t = marshalInt64Array(this.tsBuf, tsv, n);
    let tsOff: number;
    const tsBytes = this.tsBuf.bytes();
    if (t.marshalType === this.prevTsType && t.firstValue === this.prevTsFirst && tsBytes.length === this.prevTs.length && tsBytes.equals(this.prevTs.bytes())) {
      tsOff = this.prevTsOff;
    } else {
      tsOff = this.sink.appendTimestamps(tsBytes);
      this.prevTs.reset();
      this.prevTs.appendBytes(tsBytes);
      this.prevTsOff = tsOff;
      this.prevTsType = t.marshalType;
      this.prevTsFirst = t.firstValue;
    }
    this.valBuf.reset();
    const v = marshalValues(this.valBuf, vv, n);
    const valBytes = this.valBuf.bytes();
    const valOff = this.sink.appendValues(valBytes);
    const minT = tsv[0]!;
    const maxT = tsv[n - 1]!;
    if (this.idxN === 0) this.idxFirstTSID = tsid;
    this.idxLastTSID = tsid;
    if (minT < this.idxMinT) this.idxMinT = minT;
    if (maxT > this.idxMaxT) this.idxMaxT = maxT;
    marshalHeader(this.idxDV, this.idxN * BLOCK_HEADER_SIZE, tsid, minT, maxT, v.firstValue, tsOff, valOff,
      tsBytes.length, valBytes.length, n, t.marshalType, v.marshalType, v.scale);
    this.idxN++;
    this.rowsCount += n;
    this.blocksCount++;
    if (minT < this.minT) this.minT = minT;
    if (maxT > this.maxT) this.maxT = maxT;
    if (this.idxN === maxHeadersPerIndexBlock) this.flushIndexBlock();
  }

  private flushIndexBlock(): void {
    if (this.idxN === 0) return;
    const raw = this.idx.subarray(0, this.idxN * BLOCK_HEADER_SIZE);
    const c = compressZstd(raw, 1);
    const off = this.sink.appendIndex(c);
    this.metaindex.push(this.idxFirstTSID, this.idxLastTSID, this.idxMinT, this.idxMaxT, off, c.length, this.idxN);
    this.idxN = 0;
    this.idxMinT = Infinity;
    this.idxMaxT = -Infinity;
  }

  /** rows returns the number of samples written so far. */
  get rows(): number { return this.rowsCount; }

  /** finish completes the part. */
  finish(): Part {
    this.flushIndexBlock();
    return this.sink.finish({
      rowsCount: this.rowsCount,
      blocksCount: this.blocksCount,
      minTimestamp: this.rowsCount === 0 ? 0 : this.minT,
      maxTimestamp: this.rowsCount === 0 ? 0 : this.maxT,
      minDedupInterval: this.dedupInterval,
    }, this.metaindex);
  }
}
