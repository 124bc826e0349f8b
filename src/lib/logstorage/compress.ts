// Packing of stored byte ranges: a leading flag byte says whether the rest
// is raw (0) or one zstd frame (1). Tiny or incompressible data stays raw.

import * as zlib from "node:zlib";
import { compressZstd, decompressZstd } from "../encoding/index.ts";

const minCompressBytes = 64;

/** pack returns flag + data, compressed at level when that is smaller. */
export function pack(data: Uint8Array, level: number): Uint8Array {
  if (data.length >= minCompressBytes) {
    const z = compressZstd(data, level);
    if (z.length + 1 < data.length) {
      const out = new Uint8Array(z.length + 1);
      out[0] = 1;
      out.set(z, 1);
      return out;
    }
  }
  const out = new Uint8Array(data.length + 1);
  out.set(data, 1);
  return out;
}

/**
 * zstdContentSize returns the decompressed size a zstd frame header declares,
 * or -1 when it does not declare one (or z is not a zstd frame).
 */
export function zstdContentSize(z: Uint8Array): number {
  if (z.length < 6 || z[0] !== 0x28 || z[1] !== 0xb5 || z[2] !== 0x2f || z[3] !== 0xfd) return -1;
  const fhd = z[4]!;
  const single = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  const p = 5 + (single === 1 ? 0 : 1) + [0, 1, 2, 4][fhd & 3]!;
  const size = [single, 2, 4, 8][fcsFlag]!;
  if (size === 0 || p + size > z.length) return -1;
  switch (size) {
    case 1:
      return z[p]!;
    case 2:
      return z[p]! + z[p + 1]! * 256 + 256;
    case 4:
      return z[p]! + z[p + 1]! * 256 + z[p + 2]! * 65536 + z[p + 3]! * 16777216;
    default: {
      const hi = z[p + 4]! + z[p + 5]! * 256 + z[p + 6]! * 65536 + z[p + 7]! * 16777216;
      if (hi >= 2 ** 21) return -1;
      return z[p]! + z[p + 1]! * 256 + z[p + 2]! * 65536 + z[p + 3]! * 16777216 + hi * 4294967296;
    }
  }
}

// Outputs up to this size are decompressed into one buffer of the declared size.
const maxOneChunk = 1 << 28;

/** unpack is the inverse of pack; it throws "cannot unpack ..." on bad input. */
export function unpack(src: Uint8Array, maxSize?: number): Uint8Array {
  if (src.length === 0) throw new Error("cannot unpack stored data: got 0 bytes; want a flag byte");
  const flag = src[0]!;
  if (flag === 0) return src.subarray(1);
  if (flag === 1) {
    const z = src.subarray(1);
    const size = zstdContentSize(z);
    if (size < 0 || size > maxOneChunk || (maxSize !== undefined && size > maxSize)) return decompressZstd(z, maxSize);
    // The declared size (and a little room, so that the end is seen in one call)
    // as the output chunk: no growing and concatenating of 16 KiB chunks.
    try {
      return zlib.zstdDecompressSync(z, maxSize === undefined ? { chunkSize: size + 64 } : { chunkSize: size + 64, maxOutputLength: Math.max(1, maxSize) });
    } catch (err) {
      throw new Error(`cannot decompress zstd data: ${(err as Error).message}; src length ${z.length} bytes`, { cause: err });
    }
  }
  throw new Error(`cannot unpack stored data: got flag ${flag}; want 0 or 1`);
}
