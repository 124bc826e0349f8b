// A block header describes one stored block of items; index.bin holds them,
// grouped into index blocks (see FORMAT.md).

import type { ByteBuffer } from "./byte_buffer.ts";
import { appendVarUint, readVarUint, type Cursor } from "./varint.ts";

/** BlockHeader locates and describes one block of items in items.bin. */
export interface BlockHeader {
  /** the block's first (smallest) item, full. */
  firstItem: Uint8Array;
  /** length of the prefix that every item of the block shares (a prefix of firstItem). */
  cpLen: number;
  itemsCount: number;
  marshalType: number;
  /** byte offset of the payload in items.bin. */
  offset: number;
  /** stored payload size in bytes. */
  size: number;
  /** length of the lens section inside the (decompressed) payload. */
  lensLen: number;
  /** the block cache key, set on first use by the part that owns the header. */
  cacheKey?: string;
}

/** appendBlockHeader encodes a block header whose first item is src[start:end]. */
export function appendBlockHeader(
  dst: ByteBuffer,
  src: Uint8Array, start: number, end: number,
  cpLen: number, itemsCount: number, marshalType: number, offset: number, size: number, lensLen: number,
): void {
  appendVarUint(dst, end - start);
  dst.append(src, start, end);
  appendVarUint(dst, cpLen);
  appendVarUint(dst, itemsCount);
  dst.appendByte(marshalType);
  appendVarUint(dst, offset);
  appendVarUint(dst, size);
  appendVarUint(dst, lensLen);
}

/**
 * readBlockHeader decodes a block header at c.pos. firstItem is a copy, so
 * that cached headers do not keep the whole decompressed index block alive.
 */
export function readBlockHeader(src: Uint8Array, c: Cursor): BlockHeader {
  const n = readVarUint(src, c);
  if (c.pos + n > src.length) throw new Error(`cannot read block header: got firstItem length ${n}; want at most ${src.length - c.pos}`);
  const firstItem = Uint8Array.prototype.slice.call(src, c.pos, c.pos + n) as Uint8Array;
  c.pos += n;
  const cpLen = readVarUint(src, c);
  const itemsCount = readVarUint(src, c);
  if (c.pos >= src.length) throw new Error("cannot read block header: got truncated data; want a marshalType byte");
  const marshalType = src[c.pos++]!;
  const offset = readVarUint(src, c);
  const size = readVarUint(src, c);
  const lensLen = readVarUint(src, c);
  if (cpLen > n) throw new Error(`cannot read block header: got commonPrefixLen=${cpLen}; want at most ${n}`);
  if (itemsCount === 0) throw new Error("cannot read block header: got itemsCount=0; want at least 1");
  return { firstItem, cpLen, itemsCount, marshalType, offset, size, lensLen };
}
