// The block codec: how up to maxBlockBytes of sorted items become one stored
// block, and back. Layout (see FORMAT.md): the items share the block's common
// prefix (a prefix of the first item, whose length sits in the block header);
// after stripping it, each item i >= 1 is stored as (prefixLen_i, suffix_i)
// against item i-1. The payload is
//   lens:     varint prefixLen_1 .. prefixLen_{n-1}, varint suffixLen_1 .. suffixLen_{n-1}
//   suffixes: suffix_1 · suffix_2 · ... · suffix_{n-1}
// stored plain, or as one zstd frame when that saves more than 10%.
// Index-row items differ mostly in their last bytes, so this removes most of
// the bytes before zstd sees them.

import * as zlib from "node:zlib";
import { ByteBuffer } from "./byte_buffer.ts";
import { commonPrefixLen } from "./bytes.ts";
import { appendVarUint, readVarUint, type Cursor } from "./varint.ts";

/** maxBlockBytes caps the raw item bytes of a block (a single bigger item gets a block of its own). */
export const maxBlockBytes = 64 * 1024;

// A decoded block never legitimately holds more than maxBlockBytes plus one
// oversized item; this bound only stops corrupted lengths from allocating
// gigabytes.
const maxDecodedBytes = 1 << 30;

/** marshalTypePlain marks a payload stored as is. */
export const marshalTypePlain = 0;
/** marshalTypeZstd marks a payload stored as one zstd frame. */
export const marshalTypeZstd = 1;

// Payloads smaller than this stay plain: zstd's frame overhead and call cost
// (~20 µs) buy nothing there.
const minZstdBytes = 128;
// A fast level: blocks are small and mostly prefix-compressed already;
// measured on index-like rows, level 1 gives ~6x on the raw items and is
// within noise of negative levels in speed.
const zstdLevel = 1;
const zstdOpts = { params: { [zlib.constants.ZSTD_c_compressionLevel]: zstdLevel } };

/** compressMaybe returns a zstd frame of raw when it saves more than 10%, else null. */
export function compressMaybe(raw: Uint8Array): Buffer | null {
  if (raw.length < minZstdBytes) return null;
  const c = zlib.zstdCompressSync(raw, zstdOpts);
  return c.length < 0.9 * raw.length ? c : null;
}

// Output chunk for decompression: a block's payload (<= 64 KiB of suffixes
// plus its lens) fits in one chunk. With the default 16 KiB chunks, inflating
// a full block took about twice as long.
const decompressChunkSize = 80 * 1024;

/** decompress inflates a zstd frame, naming what is being read on failure. */
export function decompress(src: Uint8Array, what: string): Buffer {
  try {
    return zlib.zstdDecompressSync(src, { chunkSize: decompressChunkSize });
  } catch (e) {
    throw new Error(`cannot decompress ${what}: ${(e as Error).message}`);
  }
}

/** EncodedBlock is the result of BlockEncoder.encode; payload is valid until the next encode. */
export interface EncodedBlock {
  cpLen: number;
  lensLen: number;
  marshalType: number;
  payload: Uint8Array;
}

/** BlockEncoder encodes blocks of sorted items, reusing its scratch buffers. */
export class BlockEncoder {
  private readonly raw = new ByteBuffer(maxBlockBytes + 1024);
  private readonly sufLens = new ByteBuffer(1024);
  private prefixLens = new Uint32Array(1024);
  private readonly out: EncodedBlock = { cpLen: 0, lensLen: 0, marshalType: marshalTypePlain, payload: new Uint8Array(0) };

  /**
   * encode encodes the n items data[offs[i]:offs[i+1]], which must be
   * strictly increasing. The first item is not in the payload: the caller
   * stores it in the block header.
   */
  encode(data: Uint8Array, offs: Uint32Array, n: number): EncodedBlock {
    if (n <= 0) throw new Error("BUG: cannot encode an empty block");
    const out = this.out;
    const raw = this.raw;
    raw.reset();
    if (n === 1) {
      out.cpLen = 0;
      out.lensLen = 0;
      out.marshalType = marshalTypePlain;
      out.payload = raw.bytes();
      return out;
    }
    // Sorted input: the common prefix of the first and the last item is the
    // common prefix of all of them.
    const cpLen = commonPrefixLen(data, offs[0]!, offs[1]!, data, offs[n - 1]!, offs[n]!);
    if (this.prefixLens.length < n) this.prefixLens = new Uint32Array(Math.max(n, this.prefixLens.length * 2));
    const prefixLens = this.prefixLens;
    const sufLens = this.sufLens;
    sufLens.reset();
    for (let i = 1; i < n; i++) {
      const ps = offs[i - 1]!;
      const cs = offs[i]!;
      const ce = offs[i + 1]!;
      const p = commonPrefixLen(data, ps + cpLen, cs, data, cs + cpLen, ce);
      prefixLens[i] = p;
      appendVarUint(raw, p);
      appendVarUint(sufLens, ce - cs - cpLen - p);
    }
    raw.append(sufLens.buf, 0, sufLens.len);
    out.lensLen = raw.len;
    for (let i = 1; i < n; i++) raw.append(data, offs[i]! + cpLen + prefixLens[i]!, offs[i + 1]!);
    out.cpLen = cpLen;
    const c = compressMaybe(raw.bytes());
    if (c === null) {
      out.marshalType = marshalTypePlain;
      out.payload = raw.bytes();
    } else {
      out.marshalType = marshalTypeZstd;
      out.payload = c;
    }
    return out;
  }
}

/** DecodedBlock holds a block's items as item i = data[offs[i]:offs[i+1]]; it is immutable once built. */
export interface DecodedBlock {
  data: Buffer;
  offs: Uint32Array;
  n: number;
  sizeBytes: number;
}

/**
 * decodeBlock rebuilds the items of a block from its header fields and
 * payload. Throws "cannot decode block ..." on corrupted input.
 */
export function decodeBlock(
  payload: Uint8Array,
  firstItem: Uint8Array,
  cpLen: number,
  n: number,
  lensLen: number,
  marshalType: number,
): DecodedBlock {
  if (n <= 0) throw new Error(`cannot decode block: got itemsCount=${n}; want at least 1`);
  if (cpLen > firstItem.length) throw new Error(`cannot decode block: got commonPrefixLen=${cpLen}; want at most ${firstItem.length} (the first item length)`);
  if (n === 1) {
    const data = Buffer.allocUnsafeSlow(firstItem.length); data.set(firstItem);
    const offs = new Uint32Array(2);
    offs[1] = data.length;
    return { data, offs, n, sizeBytes: data.length + 8 + 64 };
  }
  let raw: Uint8Array;
  if (marshalType === marshalTypeZstd) raw = decompress(payload, "block payload");
  else if (marshalType === marshalTypePlain) raw = payload;
  else throw new Error(`cannot decode block: got marshalType=${marshalType}; want 0 or 1`);
  if (lensLen > raw.length) throw new Error(`cannot decode block: got lensLen=${lensLen}; want at most ${raw.length}`);
  const lens = raw.subarray(0, lensLen);
  const offs = new Uint32Array(n + 1);
  // Pass 1: item end offsets from the lens section.
  const c: Cursor = { pos: 0 };
  const prefixLens = new Uint32Array(n);
  const firstLen = firstItem.length;
  for (let i = 1; i < n; i++) prefixLens[i] = readVarUint(lens, c);
  offs[1] = firstLen;
  let total = firstLen;
  let sufTotal = 0;
  for (let i = 1; i < n; i++) {
    const s = readVarUint(lens, c);
    const prevLen = offs[i]! - offs[i - 1]! - cpLen;
    if (prefixLens[i]! > prevLen) throw new Error(`cannot decode block: item ${i} got prefixLen=${prefixLens[i]}; want at most ${prevLen}`);
    sufTotal += s;
    total += cpLen + prefixLens[i]! + s;
    offs[i + 1] = total;
  }
  if (total > maxDecodedBytes) throw new Error(`cannot decode block: got ${total} item bytes; want at most ${maxDecodedBytes}`);
  if (c.pos !== lensLen) throw new Error(`cannot decode block: lens section has ${lensLen - c.pos} unread byte(s)`);
  if (sufTotal !== raw.length - lensLen) throw new Error(`cannot decode block: got ${raw.length - lensLen} suffix bytes; want ${sufTotal}`);
  // Pass 2: copy bytes. The shared prefix (most of each item) is copied four
  // bytes at a time through a DataView: 1.5x faster than a byte loop, and
  // per-call overhead makes copyWithin/set slower still for ~40-byte items.
  const data = Buffer.allocUnsafeSlow(total);
  const dv = new DataView(data.buffer, data.byteOffset, total);
  for (let j = 0; j < firstLen; j++) data[j] = firstItem[j]!;
  let d = firstLen;
  let sp = lensLen;
  for (let i = 1; i < n; i++) {
    const prevStart = offs[i - 1]!;
    const pl = cpLen + prefixLens[i]!;
    let j = 0;
    for (; j + 4 <= pl; j += 4) dv.setUint32(d + j, dv.getUint32(prevStart + j));
    for (; j < pl; j++) data[d + j] = data[prevStart + j]!;
    d += pl;
    const end = offs[i + 1]!;
    const sl = end - d;
    for (let k = 0; k < sl; k++) data[d + k] = raw[sp + k]!;
    sp += sl;
    d = end;
  }
  return { data, offs, n, sizeBytes: total + offs.byteLength + prefixLens.byteLength + 64 };
}
