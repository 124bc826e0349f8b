// A small snappy block encoder (format:
// https://github.com/google/snappy/blob/main/format_description.txt), so that
// the remote write bodies of the protocol runs are compressed the way
// Prometheus and vmagent send them: literals plus copies of earlier bytes.
// Greedy matching with a hash of 4-byte sequences; not as tight as the
// reference encoder, but the decoder does the same kind of work.

const HASH_BITS = 14;

function load32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

function hash(v: number): number {
  return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

function putLiteral(out: number[], src: Uint8Array, from: number, to: number): void {
  for (let s = from; s < to; s += 65536) {
    const e = Math.min(to, s + 65536);
    const n = e - s - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    for (let i = s; i < e; i++) out.push(src[i]!);
  }
}

function putCopy(out: number[], off: number, len: number): void {
  // Kind 2 copies (2-byte offset) of at most 64 bytes each; the last piece at least 4.
  while (len > 0) {
    let n = Math.min(len, 64);
    if (len - n > 0 && len - n < 4) n = len - 4;
    out.push(2 | ((n - 1) << 2), off & 0xff, off >> 8);
    len -= n;
  }
}

/** snappyEncode compresses src into one snappy block (what `Content-Encoding: snappy` remote write bodies hold). */
export function snappyEncode(src: Uint8Array): Buffer {
  const out: number[] = [];
  let v = src.length;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let lit = 0;
  let i = 0;
  while (i + 4 <= src.length) {
    const cur = load32(src, i);
    const h = hash(cur);
    const cand = table[h]!;
    table[h] = i;
    if (cand >= 0 && i - cand < 65536 && load32(src, cand) === cur) {
      let len = 4;
      while (i + len < src.length && src[cand + len] === src[i + len]) len++;
      putLiteral(out, src, lit, i);
      putCopy(out, i - cand, len);
      i += len;
      lit = i;
      continue;
    }
    i++;
  }
  putLiteral(out, src, lit, src.length);
  return Buffer.from(out);
}
