// zstd through node:zlib (Node >= 23.8). Frames carry a content checksum so
// that a corrupted block fails to decompress instead of decoding garbage.

import * as zlib from "node:zlib";

const { ZSTD_c_compressionLevel, ZSTD_c_checksumFlag } = zlib.constants;

/**
 * compressZstd returns src compressed as one zstd frame (with content size
 * and checksum) at the given level (negative levels are faster, 1..19 are
 * usual; the level does not affect the format).
 */
export function compressZstd(src: Uint8Array, level: number): Buffer<ArrayBuffer> {
  return zlib.zstdCompressSync(src, {
    params: { [ZSTD_c_compressionLevel]: level, [ZSTD_c_checksumFlag]: 1 },
  });
}

/**
 * decompressZstd returns the decompressed contents of src. It throws an Error
 * "cannot decompress zstd data: ..." when src is not valid zstd, fails its
 * checksum, or would decompress to more than maxSize bytes (when given).
 */
export function decompressZstd(src: Uint8Array, maxSize?: number): Buffer<ArrayBuffer> {
  try {
    return maxSize === undefined
      ? zlib.zstdDecompressSync(src)
      : zlib.zstdDecompressSync(src, { maxOutputLength: Math.max(1, maxSize) });
  } catch (err) {
    throw new Error(`cannot decompress zstd data: ${(err as Error).message}; src length ${src.length} bytes`, { cause: err });
  }
}
