// The metaindex: one row per index block, loaded into memory when a part is
// opened, so that a seek costs one binary search here, one index block read
// and one items block read (see FORMAT.md).

import type { ByteBuffer } from "./byte_buffer.ts";
import { compressMaybe, decompress, marshalTypePlain, marshalTypeZstd } from "./block_codec.ts";
import { appendVarUint, readVarUint, type Cursor } from "./varint.ts";

/** MetaindexRow locates one index block in index.bin. */
export interface MetaindexRow {
  /** first item of the first block described by the index block. */
  firstItem: Uint8Array;
  blockHeadersCount: number;
  marshalType: number;
  offset: number;
  size: number;
  /** the block cache key, set on first use by the part that owns the row. */
  cacheKey?: string;
}

/** appendMetaindexRow encodes a row whose first item is src[start:end]. */
export function appendMetaindexRow(dst: ByteBuffer, src: Uint8Array, start: number, end: number, blockHeadersCount: number, marshalType: number, offset: number, size: number): void {
  appendVarUint(dst, end - start);
  dst.append(src, start, end);
  appendVarUint(dst, blockHeadersCount);
  dst.appendByte(marshalType);
  appendVarUint(dst, offset);
  appendVarUint(dst, size);
}

function readMetaindexRow(src: Uint8Array, c: Cursor): MetaindexRow {
  const n = readVarUint(src, c);
  if (c.pos + n > src.length) throw new Error(`cannot read metaindex row: got firstItem length ${n}; want at most ${src.length - c.pos}`);
  const firstItem = src.subarray(c.pos, c.pos + n);
  c.pos += n;
  const blockHeadersCount = readVarUint(src, c);
  if (c.pos >= src.length) throw new Error("cannot read metaindex row: got truncated data; want a marshalType byte");
  const marshalType = src[c.pos++]!;
  const offset = readVarUint(src, c);
  const size = readVarUint(src, c);
  if (blockHeadersCount === 0) throw new Error("cannot read metaindex row: got blockHeadersCount=0; want at least 1");
  return { firstItem, blockHeadersCount, marshalType, offset, size };
}

/** marshalMetaindex returns the contents of metaindex.bin for encoded rows: a marshalType byte, then the rows (zstd when it pays). */
export function marshalMetaindex(rows: Uint8Array): Buffer {
  const c = compressMaybe(rows);
  const out = Buffer.allocUnsafe(1 + (c === null ? rows.length : c.length));
  out[0] = c === null ? marshalTypePlain : marshalTypeZstd;
  out.set(c === null ? rows : c, 1);
  return out;
}

/** unmarshalMetaindex decodes the contents of metaindex.bin; throws "cannot read metaindex ..." on corruption. */
export function unmarshalMetaindex(src: Uint8Array): MetaindexRow[] {
  if (src.length === 0) return [];
  const mt = src[0]!;
  let rows: Uint8Array;
  if (mt === marshalTypeZstd) rows = decompress(src.subarray(1), "metaindex");
  else if (mt === marshalTypePlain) rows = src.subarray(1);
  else throw new Error(`cannot read metaindex: got marshalType=${mt}; want 0 or 1`);
  const out: MetaindexRow[] = [];
  const c: Cursor = { pos: 0 };
  while (c.pos < rows.length) out.push(readMetaindexRow(rows, c));
  return out;
}
