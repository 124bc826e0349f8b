// Snappy block format decoder (https://github.com/google/snappy/blob/main/format_description.txt).
// Ingestion endpoints that accept `Content-Encoding: snappy` receive one block, not
// the framed stream format.

// Short literals and copies (the bulk of a remote write body: label bytes
// repeating from series to series) are copied with plain loops, not a
// subarray or copyWithin each.
const SHORT = 16;

let scratch = Buffer.allocUnsafe(64 * 1024);

function corrupt(): Error {
  return new Error("cannot decode snappy block: corrupt input");
}

/**
 * decodeSnappyBlock decompresses one snappy block. It throws an Error naming the
 * problem when src is corrupt or when the decoded length it declares exceeds maxSize.
 */
export function decodeSnappyBlock(src: Uint8Array, maxSize: number): Buffer {
  return decodeInto(src, maxSize, false);
}

/**
 * decodeSnappyBlockReused is decodeSnappyBlock into a buffer that the next
 * call reuses (valid until then; copy what must outlive it), for hot paths.
 */
export function decodeSnappyBlockReused(src: Uint8Array, maxSize: number): Buffer {
  return decodeInto(src, maxSize, true);
}

function decodeInto(src: Uint8Array, maxSize: number, reuse: boolean): Buffer {
  // The block starts with the decoded length as an unsigned varint.
  let pos = 0;
  let dLen = 0;
  let mul = 1;
  for (;;) {
    if (pos >= src.length || pos >= 5) throw new Error("cannot decode snappy block: corrupt length header");
    const b = src[pos++]!;
    dLen += (b & 0x7f) * mul;
    if (b < 0x80) break;
    mul *= 128;
  }
  if (dLen > 0xffffffff) throw new Error("cannot decode snappy block: corrupt length header");
  if (dLen > maxSize) {
    throw new Error(`cannot decode snappy block: decoded length ${dLen} exceeds the limit of ${maxSize} bytes`);
  }
  let dst: Buffer;
  if (reuse) {
    if (scratch.length < dLen) scratch = Buffer.allocUnsafe(Math.max(dLen, 2 * scratch.length));
    dst = scratch;
  } else {
    dst = Buffer.allocUnsafe(dLen);
  }
  const n = src.length;
  let d = 0;
  while (pos < n) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const nb = len - 59;
        if (pos + nb > n) throw corrupt();
        len = 0;
        for (let i = 0; i < nb; i++) len += src[pos + i]! * 2 ** (8 * i);
        pos += nb;
      }
      len++;
      if (pos + len > n || d + len > dLen) throw corrupt();
      if (len <= SHORT) {
        for (let i = 0; i < len; i++) dst[d + i] = src[pos + i]!;
      } else {
        dst.set(src.subarray(pos, pos + len), d);
      }
      pos += len;
      d += len;
      continue;
    }
    let len: number;
    let off: number;
    if (kind === 1) {
      if (pos >= n) throw corrupt();
      len = 4 + ((tag >> 2) & 7);
      off = ((tag >> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > n) throw corrupt();
      len = 1 + (tag >> 2);
      off = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw corrupt();
      len = 1 + (tag >> 2);
      off = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 2 ** 24;
      pos += 4;
    }
    if (off === 0 || off > d || d + len > dLen) throw corrupt();
    if (len > SHORT && off >= len) {
      dst.copyWithin(d, d - off, d - off + len);
      d += len;
    } else {
      // Short or overlapping: byte by byte, which also repeats an overlapping pattern.
      const from = d - off;
      for (let i = 0; i < len; i++) dst[d + i] = dst[from + i]!;
      d += len;
    }
  }
  if (d !== dLen) throw corrupt();
  return reuse ? dst.subarray(0, dLen) : dst;
}
