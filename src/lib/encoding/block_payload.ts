// A block's timestamp or value payload is stored either plain or zstd-
// compressed (marshal types 1, 4 and 8); decoders take the plain form.

import { decompressZstd } from "./compress.ts";
import { MAX_VARINT_LEN } from "./varint.ts";
import { MarshalType } from "./marshal_type.ts";

/** plainMarshalType returns the marshal type of mt's payload once decompressed (mt itself when it is not a zstd type). */
export function plainMarshalType(mt: number): number {
  switch (mt) {
    case MarshalType.ZstdNearestDelta2: return MarshalType.NearestDelta2;
    case MarshalType.ZstdNearestDelta: return MarshalType.NearestDelta;
    case MarshalType.ZstdFloat64: return MarshalType.Float64;
    default: return mt;
  }
}

/**
 * decompressBlockPayload returns raw, the stored payload of a block of n rows
 * with marshal type mt, as the decoders take it: decompressed when mt is a
 * zstd type (the size bound comes from n), as it is otherwise. Corrupt zstd
 * data throws "cannot decompress ...".
 */
export function decompressBlockPayload(raw: Uint8Array, mt: number, n: number): Uint8Array {
  if (plainMarshalType(mt) === mt || raw.length === 0) return raw;
  // A float64 block holds 8 bytes per row; a varint one at most n-1 varints.
  const max = mt === MarshalType.ZstdFloat64 ? 8 * n : Math.max(0, n - 1) * MAX_VARINT_LEN;
  return decompressZstd(raw, max);
}
