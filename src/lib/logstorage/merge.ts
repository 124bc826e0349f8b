// mergeParts merges parts into a new part: streams in (tenant, stream id)
// order; the blocks of one stream from all inputs are merged row by row in
// time order (runs of rows are copied column-wise) and cut into new blocks,
// so the blocks of a stream stay together. Rows before minTimestamp (the
// retention) are dropped.

import { BlockBuilder } from "./block_builder.ts";
import type { Part } from "./part.ts";
import { type PartMetadata, PartWriter, maxBlockBytes } from "./part_writer.ts";
import { StoredBlock } from "./stored_block.ts";

// Blocks at least maxBlockBytes / copyFraction big are copied instead of re-encoded.
const copyFraction = 2;

interface Source {
  part: Part;
  /** block indexes of the stream in this part, time-ordered */
  blocks: number[];
  /** the next block of blocks to take */
  bi: number;
  /** whether ts/names/cols hold a decoded block (else the head is block blocks[bi], undecoded) */
  loaded: boolean;
  ts: BigInt64Array;
  names: string[];
  cols: (readonly string[])[];
  rowBytes: number;
  pos: number;
}

function loadBlock(s: Source): void {
  const idx = s.blocks[s.bi++]!;
  const sb = new StoredBlock(s.part, idx, { accountID: 0, projectID: 0 });
  s.ts = sb.timestamps();
  s.names = [...sb.columnNames()];
  s.cols = s.names.map((n) => sb.columnValues(n));
  s.rowBytes = s.part.blockUncompressed[idx]! / Math.max(1, sb.rowsCount);
  s.pos = 0;
  s.loaded = true;
}

// headTs returns the timestamp of the source's next row, or undefined when it is done.
function headTs(s: Source): bigint | undefined {
  if (s.loaded) return s.ts[s.pos];
  return s.bi < s.blocks.length ? s.part.blockMinTs[s.blocks[s.bi]!]! : undefined;
}

function streamKeyCmp(a: Part, ai: number, b: Part, bi: number): number {
  const sa = a.streams[a.blockStream[ai]!]!;
  const sb = b.streams[b.blockStream[bi]!]!;
  return sa.accountID - sb.accountID || sa.projectID - sb.projectID || (sa.streamID < sb.streamID ? -1 : sa.streamID > sb.streamID ? 1 : 0);
}

/** MergeStats counts what a merge read and wrote. */
export interface MergeStats {
  rowsIn: number;
  rowsOut: number;
}

/** mergeParts writes the merge of parts into dir (created) at zstd level and returns its metadata. */
export function mergeParts(parts: readonly Part[], dir: string, level: number, minTimestamp: bigint = -(2n ** 63n)): { meta: PartMetadata; stats: MergeStats } {
  const w = new PartWriter(dir, level);
  const bb = new BlockBuilder(w);
  const pos = parts.map(() => 0);
  const stats: MergeStats = { rowsIn: 0, rowsOut: 0 };
  for (;;) {
    // The smallest stream among the parts' next blocks.
    let best = -1;
    for (let i = 0; i < parts.length; i++) {
      if (pos[i]! >= parts[i]!.blocksCount) continue;
      if (best < 0 || streamKeyCmp(parts[i]!, pos[i]!, parts[best]!, pos[best]!) < 0) best = i;
    }
    if (best < 0) break;
    const bp = parts[best]!;
    const bs = bp.streams[bp.blockStream[pos[best]!]!]!;
    const sources: Source[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const blocks: number[] = [];
      while (pos[i]! < p.blocksCount) {
        const bi = pos[i]!;
        const s = p.streams[p.blockStream[bi]!]!;
        if (s.accountID !== bs.accountID || s.projectID !== bs.projectID || s.streamID !== bs.streamID) break;
        pos[i] = bi + 1;
        stats.rowsIn += p.blockRows[bi]!;
        if (p.blockMaxTs[bi]! < minTimestamp) continue;
        blocks.push(bi);
      }
      if (blocks.length > 0) sources.push({ part: p, blocks, bi: 0, loaded: false, ts: new BigInt64Array(0), names: [], cols: [], rowBytes: 0, pos: 0 });
    }
    mergeStream(sources, w, bb, bs.accountID, bs.projectID, bs.streamID, bs.stream, minTimestamp, level, stats);
  }
  return { meta: w.finish(), stats };
}

function mergeStream(sources: Source[], w: PartWriter, bb: BlockBuilder, acc: number, proj: number, streamID: string, stream: string, minTimestamp: bigint, level: number, stats: MergeStats): void {
  bb.start(acc, proj, streamID, stream);
  for (;;) {
    // The source with the earliest next row, and the earliest next row of the others.
    let best: Source | undefined;
    let bestTs = 0n;
    let next: bigint | undefined;
    for (const s of sources) {
      const t = headTs(s);
      if (t === undefined) continue;
      if (best === undefined || t < bestTs) {
        if (best !== undefined && (next === undefined || bestTs < next)) next = bestTs;
        best = s;
        bestTs = t;
      } else if (next === undefined || t < next) {
        next = t;
      }
    }
    if (best === undefined) break;
    if (!best.loaded) {
      const idx = best.blocks[best.bi]!;
      const p = best.part;
      // A big block already compressed well enough, which no other row
      // falls into, is copied as it is: no decoding and re-encoding.
      if ((p.meta.zstdLevel ?? 0) >= level && p.blockUncompressed[idx]! >= maxBlockBytes / copyFraction && p.blockMinTs[idx]! >= minTimestamp && (next === undefined || next > p.blockMaxTs[idx]!)) {
        bb.flush();
        w.copyBlock(p, idx);
        stats.rowsOut += p.blockRows[idx]!;
        best.bi++;
        continue;
      }
      loadBlock(best);
      while (best.pos < best.ts.length && best.ts[best.pos]! < minTimestamp) best.pos++;
      if (best.pos >= best.ts.length) best.loaded = false;
      continue;
    }
    // Take best's rows up to (and including) the next source's head.
    let end = best.pos + 1;
    const ts = best.ts;
    if (next === undefined) end = ts.length;
    else while (end < ts.length && ts[end]! <= next) end++;
    bb.appendRange(ts, best.names, best.cols, best.pos, end, best.rowBytes);
    stats.rowsOut += end - best.pos;
    best.pos = end;
    if (best.pos >= ts.length) best.loaded = false;
  }
  bb.finishStream();
}
