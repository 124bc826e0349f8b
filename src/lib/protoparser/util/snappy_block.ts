// Snappy block format decoder (https://github.com/google/snappy/blob/main/format_description.txt).
// Ingestion endpoints that accept `Content-Encoding: snappy` receive one block, not
// the framed stream format.

/**
 * decodeSnappyBlock decompresses one snappy block. It throws an Error naming the
 * problem when src is corrupt or when the decoded length it declares exceeds maxSize.
 */
export function decodeSnappyBlock(src: Uint8Array, maxSize: number): Buffer {
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
  const dst = Buffer.allocUnsafe(dLen);
  let d = 0;
  const corrupt = () => new Error("cannot decode snappy block: corrupt input");
  while (pos < src.length) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const nb = len - 59;
        if (pos + nb > src.length) throw corrupt();
        len = 0;
        for (let i = 0; i < nb; i++) len += src[pos + i]! * 2 ** (8 * i);
        pos += nb;
      }
      len++;
      if (pos + len > src.length || d + len > dLen) throw corrupt();
      dst.set(src.subarray(pos, pos + len), d);
      pos += len;
      d += len;
      continue;
    }
    let len: number;
    let off: number;
    if (kind === 1) {
      if (pos >= src.length) throw corrupt();
      len = 4 + ((tag >> 2) & 7);
      off = ((tag >> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > src.length) throw corrupt();
      len = 1 + (tag >> 2);
      off = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > src.length) throw corrupt();
      len = 1 + (tag >> 2);
      off = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 2 ** 24;
      pos += 4;
    }
    if (off === 0 || off > d || d + len > dLen) throw corrupt();
    if (off >= len) {
      dst.copyWithin(d, d - off, d - off + len);
      d += len;
    } else {
      // Overlapping copy: the pattern repeats, byte by byte.
      for (let i = 0; i < len; i++, d++) dst[d] = dst[d - off]!;
    }
  }
  if (d !== dLen) throw corrupt();
  return dst;
}
