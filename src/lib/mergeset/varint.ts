// Unsigned LEB128 varints for values up to 2^53-1 (JS safe integers). Kept
// private to mergeset on purpose: lib/encoding is a separate package.

import type { ByteBuffer } from "./byte_buffer.ts";

/** Cursor is a read position shared by successive read* calls. */
export interface Cursor {
  pos: number;
}

/** appendVarUint appends v (a safe non-negative integer) as an unsigned LEB128 varint. */
export function appendVarUint(dst: ByteBuffer, v: number): void {
  // 2^53 needs at most 8 groups of 7 bits.
  dst.ensure(8);
  const b = dst.buf;
  let o = dst.len;
  while (v >= 0x80) {
    b[o++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  b[o++] = v;
  dst.len = o;
}

/** readVarUint reads a varint at c.pos and advances it; throws on truncated or oversized input. */
export function readVarUint(src: Uint8Array, c: Cursor): number {
  let pos = c.pos;
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (pos >= src.length) throw new Error(`cannot read varint at offset ${c.pos}: got truncated data; want ${i + 1} more byte(s)`);
    const b = src[pos++]!;
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      c.pos = pos;
      return v;
    }
    mul *= 0x80;
  }
  throw new Error(`cannot read varint at offset ${c.pos}: got more than 8 bytes; want a value below 2^53`);
}
