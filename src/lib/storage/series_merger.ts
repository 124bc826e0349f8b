// SeriesMerger combines the blocks of several parts into one stream of series:
// for each TSID in ascending order, all its samples from every part, decoded,
// sorted by time, optionally deduplicated and clipped. Merges and searches
// both read through it.

import { BlockCursor } from "./block_cursor.ts";
import { SampleRuns, type SeriesBatchBuilder } from "../seriesbatch/index.ts";
import { blockPayloadCache } from "./block_payload_cache.ts";
import type { Part } from "./part.ts";

export interface MergeOptions {
  /** keep only samples in [minT, maxT] */
  minT: number;
  maxT: number;
  /** dedup interval in ms; 0 = none */
  dedupInterval: number;
  /** read zstd blocks through blockPayloadCache (searches; merges read each block once and do not) */
  useBlockCache?: boolean;
  /** for a TSID returns a time range whose samples must be dropped (deletion), if any */
  deleteRange?: (tsid: number) => readonly [number, number] | undefined;
}

export class SeriesMerger {
  private cursors: BlockCursor[] = [];
  private opts: MergeOptions;
  private runs = new SampleRuns();
  /** current series, valid after next() returned true */
  tsid = 0;
  /** blocks decoded so far (for stats) */
  blocksRead = 0;

  constructor(parts: readonly Part[], tsids: Float64Array | undefined, opts: MergeOptions) {
    this.opts = opts;
    for (const p of parts) {
      const c = new BlockCursor(p, tsids, opts.minT, opts.maxT);
      if (c.next()) this.cursors.push(c);
    }
  }

  /** the current series' timestamps, values and count: ts/vals[0:n] */
  get ts(): Float64Array { return this.runs.ts; }
  get vals(): Float64Array { return this.runs.vals; }
  get n(): number { return this.runs.n; }

  // minTSID returns the smallest TSID among the cursors (Infinity when none).
  private minTSID(): number {
    let min = Infinity;
    for (const c of this.cursors) { const t = c.tsid; if (t < min) min = t; }
    return min;
  }

  /** next moves to the next series that has samples left after filtering; false at the end. */
  next(): boolean {
    const runs = this.runs;
    const cache = this.opts.useBlockCache === true;
    for (;;) {
      if (this.cursors.length === 0) return false;
      const min = this.minTSID();
      this.tsid = min;
      runs.reset();
      for (let i = 0; i < this.cursors.length; i++) {
        const c = this.cursors[i]!;
        while (c.tsid === min) {
          const ib = c.ib!, h = c.h, n = ib.rows[h]!;
          let tsBytes: Uint8Array, tsType: number, valBytes: Uint8Array, valType: number;
          if (cache) {
            [tsBytes, tsType] = blockPayloadCache.payload(c.part.seq, c.part.source, "t", ib.tsOffset[h]!, ib.tsSize[h]!, ib.tsType[h]!, n);
            [valBytes, valType] = blockPayloadCache.payload(c.part.seq, c.part.source, "v", ib.valOffset[h]!, ib.valSize[h]!, ib.valType[h]!, n);
          } else {
            tsBytes = c.part.source.readTimestamps(ib.tsOffset[h]!, ib.tsSize[h]!); tsType = ib.tsType[h]!;
            valBytes = c.part.source.readValues(ib.valOffset[h]!, ib.valSize[h]!); valType = ib.valType[h]!;
          }
          runs.addBlock(n, tsBytes, tsType, ib.minT[h]!, valBytes, valType, ib.firstValue[h]!, ib.scale[h]!);
          this.blocksRead++;
          if (!c.next()) {
            this.cursors.splice(i, 1);
            i--;
            break;
          }
        }
      }
      runs.finish(this.opts.minT, this.opts.maxT, this.opts.dedupInterval, this.opts.deleteRange?.(min));
      if (runs.n > 0) return true;
    }
  }

  /**
   * nextBlocks moves to the next series and appends its blocks, undecoded,
   * to out (read through blockPayloadCache); false at the end. The series may
   * turn out to have no samples in range once decoded.
   */
  nextBlocks(out: SeriesBatchBuilder): boolean {
    if (this.cursors.length === 0) return false;
    const min = this.minTSID();
    this.tsid = min;
    out.startSeries();
    for (let i = 0; i < this.cursors.length; i++) {
      const c = this.cursors[i]!;
      while (c.tsid === min) {
        const ib = c.ib!, h = c.h, n = ib.rows[h]!;
        const [tsBytes, tsType] = blockPayloadCache.payload(c.part.seq, c.part.source, "t", ib.tsOffset[h]!, ib.tsSize[h]!, ib.tsType[h]!, n);
        const [valBytes, valType] = blockPayloadCache.payload(c.part.seq, c.part.source, "v", ib.valOffset[h]!, ib.valSize[h]!, ib.valType[h]!, n);
        // Series scraped together share stored timestamps (PartWriter writes identical ones once).
        out.addBlock(n, tsBytes, tsType, ib.minT[h]!, valBytes, valType, ib.firstValue[h]!, ib.scale[h]!, c.part.seq, ib.tsOffset[h]!);
        this.blocksRead++;
        if (!c.next()) {
          this.cursors.splice(i, 1);
          i--;
          break;
        }
      }
    }
    return true;
  }
}
