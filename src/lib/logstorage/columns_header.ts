// The columns header of a block: for every stored column its name, value
// type, const value or dict values, numeric min/max, and where its values
// and bloom filter are (offset and size in values.bin / bloom.bin, or in
// message_values.bin / message_bloom.bin for _msg). See FORMAT.md.

import { ByteBuffer, Reader, appendVarUint, readVarUint } from "../encoding/index.ts";
import { ValueType } from "./values_encoder.ts";

/** ColumnHeader describes one column of one block. */
export interface ColumnHeader {
  name: string;
  type: number;
  constValue: string;
  dict: string[];
  min: number;
  max: number;
  valuesOffset: number;
  valuesSize: number;
  bloomOffset: number;
  bloomSize: number;
}

function hasMinMax(t: number): boolean {
  return t >= ValueType.uint8 && t <= ValueType.int64;
}

function appendStr(b: ByteBuffer, s: string): void {
  const bytes = Buffer.from(s, "utf8");
  appendVarUint(b, bytes.length);
  b.appendBytes(bytes);
}

function readStr(r: Reader): string {
  const n = readVarUint(r);
  if (r.remaining() < n) throw new Error(`cannot parse columns header: got a string of ${n} bytes with ${r.remaining()} left`);
  const s = Buffer.from(r.src.buffer, r.src.byteOffset + r.off, n).toString("utf8");
  r.off += n;
  return s;
}

/** encodeColumnsHeader appends the encoded headers to dst. */
export function encodeColumnsHeader(dst: ByteBuffer, chs: readonly ColumnHeader[]): void {
  appendVarUint(dst, chs.length);
  for (const ch of chs) {
    appendStr(dst, ch.name);
    dst.appendByte(ch.type);
    if (ch.type === ValueType.const) {
      appendStr(dst, ch.constValue);
      continue;
    }
    if (ch.type === ValueType.dict) {
      appendVarUint(dst, ch.dict.length);
      for (const v of ch.dict) appendStr(dst, v);
    } else if (hasMinMax(ch.type)) {
      dst.ensure(16);
      dst.buf.writeDoubleLE(ch.min, dst.length);
      dst.buf.writeDoubleLE(ch.max, dst.length + 8);
      dst.length += 16;
    }
    appendVarUint(dst, ch.valuesOffset);
    appendVarUint(dst, ch.valuesSize);
    if (ch.type === ValueType.string) {
      appendVarUint(dst, ch.bloomOffset);
      appendVarUint(dst, ch.bloomSize);
    }
  }
}

/** decodeColumnsHeader parses what encodeColumnsHeader wrote; throws "cannot parse columns header ..." on bad input. */
export function decodeColumnsHeader(src: Uint8Array): ColumnHeader[] {
  const r = new Reader(src);
  try {
    const n = readVarUint(r);
    const out: ColumnHeader[] = [];
    for (let i = 0; i < n; i++) {
      const ch: ColumnHeader = { name: readStr(r), type: r.readByte(), constValue: "", dict: [], min: 0, max: 0, valuesOffset: 0, valuesSize: 0, bloomOffset: 0, bloomSize: 0 };
      if (ch.type < ValueType.string || ch.type > ValueType.const) throw new Error(`got value type ${ch.type}; want 1..11`);
      out.push(ch);
      if (ch.type === ValueType.const) {
        ch.constValue = readStr(r);
        continue;
      }
      if (ch.type === ValueType.dict) {
        const k = readVarUint(r);
        for (let j = 0; j < k; j++) ch.dict.push(readStr(r));
      } else if (hasMinMax(ch.type)) {
        if (r.remaining() < 16) throw new Error("got a truncated min/max");
        const b = Buffer.from(r.src.buffer, r.src.byteOffset + r.off, 16);
        ch.min = b.readDoubleLE(0);
        ch.max = b.readDoubleLE(8);
        r.off += 16;
      }
      ch.valuesOffset = readVarUint(r);
      ch.valuesSize = readVarUint(r);
      if (ch.type === ValueType.string) {
        ch.bloomOffset = readVarUint(r);
        ch.bloomSize = readVarUint(r);
      }
    }
    if (r.remaining() !== 0) throw new Error(`got ${r.remaining()} trailing bytes`);
    return out;
  } catch (e) {
    const msg = (e as Error).message;
    if (msg.startsWith("cannot parse columns header")) throw e;
    throw new Error(`cannot parse columns header: ${msg}`);
  }
}
