// The marshal type of a column block tells the decoder how the block's bytes
// were produced. It is stored in the block header. FORMAT.md shows each
// layout.

/**
 * MarshalType lists the block encodings. 1..6 are integer-array encodings
 * with the same numbers and meaning as VictoriaMetrics' lib/encoding (used
 * for timestamps and for decimal value mantissas); 7 and 8 are Tidemark's
 * lossless float64 fallback for value blocks that have no exact decimal form.
 */
export const MarshalType = {
  /** second-order deltas as zigzag varints, zstd-compressed (counters) */
  ZstdNearestDelta2: 1,
  /** constant first-order delta: one zigzag varint */
  DeltaConst: 2,
  /** all values equal firstValue: no payload */
  Const: 3,
  /** first-order deltas as zigzag varints, zstd-compressed (gauges) */
  ZstdNearestDelta: 4,
  /** NearestDelta2 without compression */
  NearestDelta2: 5,
  /** NearestDelta without compression */
  NearestDelta: 6,
  /** float64 bits, XOR-ed with the previous value's bits, split into byte planes */
  Float64: 7,
  /** Float64 compressed with zstd */
  ZstdFloat64: 8,
} as const;

/** MarshalType is one of the MarshalType values. */
export type MarshalType = (typeof MarshalType)[keyof typeof MarshalType];

/**
 * BLOCK_COMPRESS_LEVEL is the zstd level for timestamp and value blocks.
 * VictoriaMetrics raises the level with the item count (1 up to 64 items,
 * ... 5 above 4096). Measured on 8192-item blocks in Node 26: levels 2..7
 * gave the same size as level 1 within 1% on varint-delta payloads (regular
 * or jittered timestamps, counters, 2-decimal gauges; one exception: byte
 * gauges in multiples of 4096, 6% smaller at level 5) and within 3% on
 * float64 byte planes, while costing 1.5x to 7x the time. So level 1 always.
 */
export const BLOCK_COMPRESS_LEVEL = 1;

/** MIN_COMPRESSIBLE_SIZE is the smallest payload (bytes) for which zstd is tried. */
export const MIN_COMPRESSIBLE_SIZE = 128;

/** worthCompressing reports whether a compressed payload saves more than 10% of the raw one. */
export function worthCompressing(rawLen: number, compressedLen: number): boolean {
  return compressedLen <= 0.9 * rawLen;
}
