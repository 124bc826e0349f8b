// SeriesMerger combines the blocks of several parts into one stream of series:
// for each TSID in ascending order, all its samples from every part, decoded,
// sorted by time, optionally deduplicated and clipped. Merges and searches
// both read through it.

import { BlockCursor } from "./block_cursor.ts";
import { SampleRuns, type SeriesBatchBuilder } from "../seriesbatch/index.ts";
import { blockPayloadCache, readPayload } from "./block_payload_cache.ts";
import { plainMarshalType } from "../encoding/index.ts";
import type { Part } from "./part.ts";

/** PayloadKey names a block stream's payload in blockPayloadCache. */
export interface PayloadKey {
  partSeq: number;
  stream: "t" | "v";
  off: number;
}

const empty = new Uint8Array(0);

// storedPayload returns a block stream's payload for a batch: decompressed
// from blockPayloadCache, or as stored (plain ones are cached at once), with
// its marshal type and 1 when it is compressed and not cached yet.
function storedPayload(part: Part, stream: "t" | "v", off: number, size: number, mt: number): [Uint8Array, number, number] {
  if (size === 0) return [empty, mt, 0];
  const hit = blockPayloadCache.lookup(part.seq, stream, off);
  if (hit !== undefined) return [hit, plainMarshalType(mt), 0];
  const raw = readPayload(part.source, stream, off, size);
  if (plainMarshalType(mt) !== mt) return [raw, mt, 1];
  return [blockPayloadCache.store(part.seq, stream, off, raw), mt, 0];
}

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
   * to out; false at the end. The series may turn out to have no samples in
   * range once decoded. Payloads come from blockPayloadCache when it has
   * them; others go as stored, zstd included (decompressing is the decoder's
   * work, in the thread that decodes), and fills gets, for each compressed
   * one, where it sits in the batch -> its cache key, so that its
   * decompressed form can be cached when the decoder hands it back.
   */
  nextBlocks(out: SeriesBatchBuilder, fills: Map<number, PayloadKey>): boolean {
    if (this.cursors.length === 0) return false;
    const min = this.minTSID();
    this.tsid = min;
    out.startSeries();
    for (let i = 0; i < this.cursors.length; i++) {
      const c = this.cursors[i]!;
      while (c.tsid === min) {
        const ib = c.ib!, h = c.h, n = ib.rows[h]!;
        const seq = c.part.seq, tsOff = ib.tsOffset[h]!, valOff = ib.valOffset[h]!;
        // Series scraped together share stored timestamps (PartWriter writes
        // identical ones once): the builder takes them once per batch.
        const [tsBytes, tsType, tsFill] = out.hasTimestamps(seq, tsOff) ? [empty, ib.tsType[h]!, 0] : storedPayload(c.part, "t", tsOff, ib.tsSize[h]!, ib.tsType[h]!);
        const [valBytes, valType, valFill] = storedPayload(c.part, "v", valOff, ib.valSize[h]!, ib.valType[h]!);
        const [tsPos, valPos] = out.addBlock(n, tsBytes, tsType, ib.minT[h]!, valBytes, valType, ib.firstValue[h]!, ib.scale[h]!, seq, tsOff, tsFill | (valFill << 1));
        if (tsFill !== 0 && tsPos >= 0) fills.set(tsPos, { partSeq: seq, stream: "t", off: tsOff });
        if (valFill !== 0) fills.set(valPos, { partSeq: seq, stream: "v", off: valOff });
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
