// Byte planes: n little-endian values of width w bytes stored plane by
// plane (all low bytes, then all second bytes, ...). The high planes of
// small numbers are runs of zeros and the low ones have their own byte
// statistics, which zstd compresses much better than interleaved bytes.

/** toPlanes transposes src (n values of w bytes each) into a new array. */
export function toPlanes(src: Uint8Array, w: number): Uint8Array {
  const n = src.length / w;
  if (!Number.isInteger(n)) throw new Error(`BUG: toPlanes: ${src.length} bytes is not a multiple of ${w}`);
  const out = new Uint8Array(src.length);
  for (let b = 0; b < w; b++) {
    const base = b * n;
    for (let i = 0; i < n; i++) out[base + i] = src[i * w + b]!;
  }
  return out;
}

/** fromPlanes is the inverse of toPlanes. */
export function fromPlanes(src: Uint8Array, w: number): Uint8Array {
  const n = src.length / w;
  if (!Number.isInteger(n)) throw new Error(`cannot decode byte planes: got ${src.length} bytes; want a multiple of ${w}`);
  const out = new Uint8Array(src.length);
  for (let b = 0; b < w; b++) {
    const base = b * n;
    for (let i = 0; i < n; i++) out[i * w + b] = src[base + i]!;
  }
  return out;
}
