// Package encoding is the codec layer of the storage engines: byte buffers,
// varints, the per-block integer-array codec (timestamps, mantissas), the
// float <-> decimal conversion, the value-column codec and zstd.
// FORMAT.md describes every byte layout.

export { ByteBuffer, Reader } from "./byte_buffer.ts";
export { compressZstd, decompressZstd } from "./compress.ts";
export {
  MAX_DECIMAL_EXPONENT,
  MAX_MANTISSA,
  STALE_NAN_BITS_HI,
  STALE_NAN_BITS_LO,
  decimalToFloats,
  floatsToDecimal,
  isStaleNaN,
  staleNaN,
} from "./float_decimal.ts";
export { MAX_INT_ARRAY_ABS, marshalInt64Array, unmarshalInt64Array } from "./int_array.ts";
export { MarshalType } from "./marshal_type.ts";
export { decompressBlockPayload, plainMarshalType } from "./block_payload.ts";
export { marshalValues, unmarshalValues } from "./values.ts";
export {
  MAX_VARINT_LEN,
  appendVarInt,
  appendVarInts,
  appendVarUint,
  appendVarUints,
  readVarInt,
  readVarInts,
  readVarUint,
  readVarUints,
  zigzagDecode,
  zigzagEncode,
} from "./varint.ts";
export { xxhash64 } from "./xxhash64.ts";
