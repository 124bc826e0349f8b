// Packing of stored byte ranges: a leading flag byte says whether the rest
// is raw (0) or one zstd frame (1). Tiny or incompressible data stays raw.

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

/** unpack is the inverse of pack; it throws "cannot unpack ..." on bad input. */
export function unpack(src: Uint8Array, maxSize?: number): Uint8Array {
  if (src.length === 0) throw new Error("cannot unpack stored data: got 0 bytes; want a flag byte");
  const flag = src[0]!;
  if (flag === 0) return src.subarray(1);
  if (flag === 1) return decompressZstd(src.subarray(1), maxSize);
  throw new Error(`cannot unpack stored data: got flag ${flag}; want 0 or 1`);
}
