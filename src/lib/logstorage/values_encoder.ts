// The per-block, per-column value encodings. encodeColumn tries, in order:
// const (one value in every row), dict (at most maxDictValues distinct
// values), uint8/16/32/64, int64, float64, ipv4, ISO8601 timestamp, and
// falls back to string. A type is taken only when every value round-trips
// exactly (canonical decimal numbers, dotted quads, "2006-01-02T15:04:05.000Z"),
// so decoding always gives back the stored strings. Fixed-width values are
// stored little-endian as byte planes (byte_planes.ts). See FORMAT.md.

import { ByteBuffer } from "../encoding/index.ts";
import { fromPlanes, toPlanes } from "./byte_planes.ts";

/** ValueType numbers the column encodings (the numbers are on disk). */
export const ValueType = {
  string: 1,
  dict: 2,
  uint8: 3,
  uint16: 4,
  uint32: 5,
  uint64: 6,
  float64: 7,
  ipv4: 8,
  timestampISO8601: 9,
  int64: 10,
  const: 11,
} as const;
/** ValueTypeCode is one of the ValueType numbers. */
export type ValueTypeCode = (typeof ValueType)[keyof typeof ValueType];

/** maxDictValues is the most distinct values a dict column holds. */
export const maxDictValues = 8;
/** maxDictBytes bounds the summed length of a dict's values. */
export const maxDictBytes = 256;
/** maxConstBytes bounds the length of a const value kept in the header. */
export const maxConstBytes = 256;

/** EncodedColumn is one column of one block, before compression. */
export interface EncodedColumn {
  type: ValueTypeCode;
  /** the value of a const column */
  constValue: string;
  /** the values of a dict column; data holds one index byte per row */
  dict: string[];
  /** min and max of numeric, ipv4 (as uint32) and timestamp (ms) columns; 0 otherwise */
  min: number;
  max: number;
  /** the encoded values (empty for const) */
  data: Uint8Array;
}

const scratch = new ByteBuffer(1 << 16);
const numScratch: number[] = [];

/** isNumericType reports whether a column type holds numbers (uint*, int64, float64). */
export function isNumericType(t: number): boolean {
  return (t >= ValueType.uint8 && t <= ValueType.float64) || t === ValueType.int64;
}

/**
 * encodeColumn picks the encoding of values (one per row, "" for a missing
 * value) and returns it. The data is a fresh copy.
 */
export function encodeColumn(values: readonly string[]): EncodedColumn {
  const n = values.length;
  const out: EncodedColumn = { type: ValueType.string, constValue: "", dict: [], min: 0, max: 0, data: new Uint8Array(0) };
  if (n === 0) {
    out.type = ValueType.const;
    return out;
  }
  const v0 = values[0]!;
  let same = true;
  for (let i = 1; i < n; i++) {
    if (values[i] !== v0) {
      same = false;
      break;
    }
  }
  if (same && v0.length <= maxConstBytes && Buffer.byteLength(v0) <= maxConstBytes) {
    out.type = ValueType.const;
    out.constValue = v0;
    return out;
  }
  if (tryDict(values, out)) return out;
  if (tryUint(values, out) || tryInt(values, out) || tryFloat(values, out) || tryIPv4(values, out) || tryISO8601(values, out)) {
    const w = fixedWidth(out.type);
    if (w > 1) out.data = toPlanes(out.data, w);
    return out;
  }
  encodeStrings(values, out);
  return out;
}

function tryDict(values: readonly string[], out: EncodedColumn): boolean {
  const dict: string[] = [];
  let bytes = 0;
  const n = values.length;
  const idx = new Uint8Array(n);
  let last = "";
  let lastIdx = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === last && lastIdx >= 0) {
      idx[i] = lastIdx;
      continue;
    }
    let k = dict.indexOf(v);
    if (k < 0) {
      if (dict.length === maxDictValues) return false;
      bytes += Buffer.byteLength(v);
      if (bytes > maxDictBytes) return false;
      k = dict.length;
      dict.push(v);
    }
    idx[i] = k;
    last = v;
    lastIdx = k;
  }
  out.type = ValueType.dict;
  out.dict = dict;
  out.data = idx;
  return true;
}

// parseUint returns the value of a canonical decimal below 2^53, or -1.
function parseUint(s: string): number {
  const len = s.length;
  if (len === 0 || len > 16) return -1;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x30) return len === 1 ? 0 : -1;
  let v = 0;
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= Number.MAX_SAFE_INTEGER ? v : -1;
}

function tryUint(values: readonly string[], out: EncodedColumn): boolean {
  const n = values.length;
  const nums = numScratch;
  nums.length = n;
  let max = 0;
  let min = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < n; i++) {
    const v = parseUint(values[i]!);
    if (v < 0) return false;
    nums[i] = v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  let data: Uint8Array;
  if (max < 0x100) {
    out.type = ValueType.uint8;
    data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = nums[i]!;
  } else if (max < 0x10000) {
    out.type = ValueType.uint16;
    const a = new Uint16Array(n);
    for (let i = 0; i < n; i++) a[i] = nums[i]!;
    data = new Uint8Array(a.buffer);
  } else if (max < 0x100000000) {
    out.type = ValueType.uint32;
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = nums[i]!;
    data = new Uint8Array(a.buffer);
  } else {
    out.type = ValueType.uint64;
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = nums[i]!;
    // Stored as little-endian uint64: low and high 32-bit halves.
    const u = new Uint32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      u[2 * i] = x >>> 0;
      u[2 * i + 1] = Math.floor(x / 4294967296);
    }
    data = new Uint8Array(u.buffer);
  }
  out.min = min;
  out.max = max;
  out.data = data;
  return true;
}

function tryInt(values: readonly string[], out: EncodedColumn): boolean {
  const n = values.length;
  const nums = numScratch;
  nums.length = n;
  let max = -Number.MAX_SAFE_INTEGER;
  let min = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < n; i++) {
    const s = values[i]!;
    let v: number;
    if (s.charCodeAt(0) === 0x2d) {
      v = parseUint(s.slice(1));
      if (v <= 0) return false; // "-0" is not canonical
      v = -v;
    } else {
      v = parseUint(s);
      if (v < 0) return false;
    }
    nums[i] = v;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = nums[i]!;
  const b = new BigInt64Array(n);
  for (let i = 0; i < n; i++) b[i] = BigInt(a[i]!);
  out.type = ValueType.int64;
  out.min = min;
  out.max = max;
  out.data = new Uint8Array(b.buffer);
  return true;
}

function tryFloat(values: readonly string[], out: EncodedColumn): boolean {
  const n = values.length;
  const a = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = values[i]!;
    const c = s.charCodeAt(0);
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
    const v = Number(s);
    if (!Number.isFinite(v) || String(v) !== s) return false;
    a[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out.type = ValueType.float64;
  out.min = min;
  out.max = max;
  out.data = new Uint8Array(a.buffer);
  return true;
}

// parseIPv4 returns the address as a uint32, or -1.
function parseIPv4(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return -1;
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
      continue;
    }
    const d = c - 0x30;
    if (d < 0 || d > 9) return -1;
    if (digits > 0 && octet === 0) return -1; // leading zero
    octet = octet * 10 + d;
    digits++;
    if (octet > 255) return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return v * 256 + octet;
}

/** formatIPv4 formats a uint32 as a dotted quad. */
export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function tryIPv4(values: readonly string[], out: EncodedColumn): boolean {
  const n = values.length;
  const a = new Uint32Array(n);
  let min = 0xffffffff;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = parseIPv4(values[i]!);
    if (v < 0) return false;
    a[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out.type = ValueType.ipv4;
  out.min = min;
  out.max = max;
  out.data = new Uint8Array(a.buffer);
  return true;
}

const isoRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function tryISO8601(values: readonly string[], out: EncodedColumn): boolean {
  const n = values.length;
  const a = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = values[i]!;
    if (s.length !== 24 || !isoRe.test(s)) return false;
    const ms = Date.parse(s);
    if (!Number.isFinite(ms) || new Date(ms).toISOString() !== s) return false;
    a[i] = ms;
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  out.type = ValueType.timestampISO8601;
  out.min = min;
  out.max = max;
  out.data = new Uint8Array(a.buffer);
  return true;
}

function encodeStrings(values: readonly string[], out: EncodedColumn): void {
  const n = values.length;
  // Layout: n varuint byte lengths, then the UTF-8 bytes of all values.
  const lens = new Uint32Array(n);
  const body = scratch;
  body.reset();
  for (let i = 0; i < n; i++) {
    const s = values[i]!;
    body.ensure(s.length * 3);
    const w = body.buf.write(s, body.length);
    body.length += w;
    lens[i] = w;
  }
  let lensBytes = 0;
  for (let i = 0; i < n; i++) {
    const l = lens[i]!;
    lensBytes += l < 0x80 ? 1 : l < 0x4000 ? 2 : l < 0x200000 ? 3 : l < 0x10000000 ? 4 : 5;
  }
  const data = new Uint8Array(lensBytes + body.length);
  let p = 0;
  for (let i = 0; i < n; i++) {
    let l = lens[i]!;
    while (l >= 0x80) {
      data[p++] = (l & 0x7f) | 0x80;
      l >>>= 7;
    }
    data[p++] = l;
  }
  data.set(body.buf.subarray(0, body.length), p);
  out.type = ValueType.string;
  out.data = data;
}

/** fixedWidth returns the bytes per value of fixed-width types (0 for others). */
export function fixedWidth(t: number): number {
  switch (t) {
    case ValueType.uint8: return 1;
    case ValueType.uint16: return 2;
    case ValueType.uint32:
    case ValueType.ipv4: return 4;
    case ValueType.uint64:
    case ValueType.int64:
    case ValueType.float64:
    case ValueType.timestampISO8601: return 8;
    default: return 0;
  }
}

/**
 * decodeColumn returns the n string values of an encoded column. It throws
 * "cannot decode ..." when data does not hold n values of the type.
 */
export function decodeColumn(type: number, data: Uint8Array, n: number, dict: readonly string[], constValue: string): string[] {
  const out = new Array<string>(n);
  const w = fixedWidth(type);
  if (w > 1) {
    if (data.length !== n * w) throw badSize("fixed-width", data.length, n);
    data = fromPlanes(data, w);
  }
  switch (type) {
    case ValueType.const:
      out.fill(constValue);
      return out;
    case ValueType.dict: {
      if (data.length !== n) throw badSize("dict", data.length, n);
      for (let i = 0; i < n; i++) {
        const v = dict[data[i]!];
        if (v === undefined) throw new Error(`cannot decode dict column: got index ${data[i]}; want < ${dict.length}`);
        out[i] = v;
      }
      return out;
    }
    case ValueType.string:
      return decodeStrings(data, n, out);
    case ValueType.uint8:
      if (data.length !== n) throw badSize("uint8", data.length, n);
      for (let i = 0; i < n; i++) out[i] = String(data[i]!);
      return out;
    case ValueType.uint16: {
      const a = typedView(data, n, 2, "uint16");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = String(dv.getUint16(2 * i, true));
      return out;
    }
    case ValueType.uint32: {
      const a = typedView(data, n, 4, "uint32");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = String(dv.getUint32(4 * i, true));
      return out;
    }
    case ValueType.uint64: {
      const a = typedView(data, n, 8, "uint64");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = String(dv.getUint32(8 * i + 4, true) * 4294967296 + dv.getUint32(8 * i, true));
      return out;
    }
    case ValueType.int64: {
      const a = typedView(data, n, 8, "int64");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = String(dv.getBigInt64(8 * i, true));
      return out;
    }
    case ValueType.float64: {
      const a = typedView(data, n, 8, "float64");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = String(dv.getFloat64(8 * i, true));
      return out;
    }
    case ValueType.ipv4: {
      const a = typedView(data, n, 4, "ipv4");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = formatIPv4(dv.getUint32(4 * i, true));
      return out;
    }
    case ValueType.timestampISO8601: {
      const a = typedView(data, n, 8, "timestamp");
      const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < n; i++) out[i] = new Date(dv.getFloat64(8 * i, true)).toISOString();
      return out;
    }
    default:
      throw new Error(`cannot decode column: got value type ${type}; want 1..11`);
  }
}

/**
 * decodeColumnRows returns the values of rows idx (ascending or not) of an
 * encoded column of n rows, as decodeColumn(...)[idx[j]] would, decoding
 * only those rows where the encoding allows it. It throws like decodeColumn.
 */
export function decodeColumnRows(type: number, data: Uint8Array, n: number, idx: Uint32Array, dict: readonly string[], constValue: string): string[] {
  const m = idx.length;
  for (let j = 0; j < m; j++) if (idx[j]! >= n) throw new Error(`BUG: decodeColumnRows: row ${idx[j]} of ${n}`);
  switch (type) {
    case ValueType.const:
      return new Array<string>(m).fill(constValue);
    case ValueType.string: {
      const offs = splitStrings(data, n);
      const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const out = new Array<string>(m);
      for (let j = 0; j < m; j++) {
        const a = offs[idx[j]!]!;
        const b = offs[idx[j]! + 1]!;
        out[j] = a === b ? "" : buf.toString("utf8", a, b);
      }
      return out;
    }
    case ValueType.dict: {
      if (data.length !== n) throw badSize("dict", data.length, n);
      const out = new Array<string>(m);
      for (let j = 0; j < m; j++) {
        const v = dict[data[idx[j]!]!];
        if (v === undefined) throw new Error(`cannot decode dict column: got index ${data[idx[j]!]}; want < ${dict.length}`);
        out[j] = v;
      }
      return out;
    }
    default: {
      const w = fixedWidth(type);
      if (w === 0) return decodeColumn(type, data, n, dict, constValue);
      if (data.length !== n * w) throw badSize("fixed-width", data.length, n);
      // Gather the rows' bytes into planes of m values, then decode those.
      const sub = new Uint8Array(m * w);
      for (let b = 0; b < w; b++) {
        const src = b * n;
        const dst = b * m;
        for (let j = 0; j < m; j++) sub[dst + j] = data[src + idx[j]!]!;
      }
      return decodeColumn(type, sub, m, dict, constValue);
    }
  }
}

function badSize(what: string, got: number, n: number): Error {
  return new Error(`cannot decode ${what} column of ${n} rows: got ${got} bytes`);
}

function typedView(data: Uint8Array, n: number, width: number, what: string): Uint8Array {
  if (data.length !== n * width) throw badSize(what, data.length, n);
  return data;
}

/**
 * splitStrings returns the n + 1 offsets of the values of an encoded string
 * column of n rows: row i's UTF-8 bytes are data[offs[i], offs[i + 1]). It
 * throws "cannot decode ..." when data does not hold exactly n values.
 */
export function splitStrings(data: Uint8Array, n: number): Uint32Array {
  const offs = new Uint32Array(n + 1);
  let p = 0;
  const end = data.length;
  for (let i = 0; i < n; i++) {
    // Lengths below 2^14 (one or two bytes) take the short way.
    if (p + 1 < end) {
      const b0 = data[p]!;
      if (b0 < 0x80) {
        offs[i + 1] = b0;
        p++;
        continue;
      }
      const b1 = data[p + 1]!;
      if (b1 < 0x80) {
        offs[i + 1] = (b0 & 0x7f) | (b1 << 7);
        p += 2;
        continue;
      }
    }
    let l = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) throw new Error(`cannot decode string column of ${n} rows: the lengths are cut short at row ${i}`);
      const b = data[p++]!;
      l += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    offs[i + 1] = l;
  }
  // The lengths become offsets past the lengths' varints.
  offs[0] = p;
  for (let i = 0; i < n; i++) {
    const e = offs[i]! + offs[i + 1]!;
    if (e > end) throw new Error(`cannot decode string column of ${n} rows: value ${i} is cut short`);
    offs[i + 1] = e;
  }
  if (offs[n] !== end) throw new Error(`cannot decode string column of ${n} rows: got ${end - offs[n]!} trailing bytes`);
  return offs;
}

function decodeStrings(data: Uint8Array, n: number, out: string[]): string[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const offs = splitStrings(data, n);
  for (let i = 0; i < n; i++) {
    const a = offs[i]!;
    const b = offs[i + 1]!;
    out[i] = a === b ? "" : buf.toString("utf8", a, b);
  }
  return out;
}
