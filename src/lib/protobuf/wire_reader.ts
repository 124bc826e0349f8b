// Reading the protobuf wire format without generated code, in the manner of
// VictoriaMetrics' easyproto: a FieldReader walks the fields of one message and the
// caller switches on the field number. See https://protobuf.dev/programming-guides/encoding/ .

/** Wire types of the protobuf encoding. Groups (3, 4) are rejected as malformed. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

/** ProtoError is malformed protobuf data; the message says what and where. */
export class ProtoError extends Error {
  override name = "ProtoError";
}

const wireNames = ["varint", "i64", "len", "sgroup", "egroup", "i32", "6", "7"];

/**
 * FieldReader iterates the fields of one protobuf message held in buf[start, end).
 * Each next() reads one field's tag and locates its payload; the typed accessors then
 * decode it and throw ProtoError when the wire type does not fit ("cannot read field 2
 * as double: got wire type varint; want i64"). next() throws ProtoError for a truncated
 * or malformed field. A reader can be reset() and reused for other messages, so that a
 * parser keeps one reader per nesting level instead of one object per message.
 */
export class FieldReader {
  /** buf holds the message. */
  buf: Uint8Array = new Uint8Array(0);
  /** pos is where the next field's tag starts. */
  pos = 0;
  /** end is where the message ends. */
  end = 0;
  /** fieldStart is where the current field (its tag) starts. */
  fieldStart = 0;
  /** fieldNum is the current field's number. */
  fieldNum = 0;
  /** wireType is the current field's wire type (WIRE_*). */
  wireType = 0;
  /** dataStart and dataEnd bound the current field's payload (for varints, the varint bytes). */
  dataStart = 0;
  dataEnd = 0;
  /** lo and hi are the low and high 32 bits of the current varint field (unsigned). */
  lo = 0;
  hi = 0;

  constructor(buf?: Uint8Array, start = 0, end = buf?.length ?? 0) {
    if (buf !== undefined) this.reset(buf, start, end);
  }

  /** reset points the reader at the message buf[start, end). */
  reset(buf: Uint8Array, start = 0, end = buf.length): this {
    if (start < 0 || end > buf.length || start > end) throw new Error(`BUG: FieldReader.reset: bad bounds [${start}, ${end}) for ${buf.length} bytes`);
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.fieldNum = 0;
    this.wireType = 0;
    return this;
  }

  /** next advances to the next field and returns false at the end of the message. */
  next(): boolean {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p >= end) return false;
    this.fieldStart = p;
    // The tag: field number and wire type in one varint (at most 5 bytes for a uint32).
    let b = buf[p++]!;
    let tag = b & 0x7f;
    if (b >= 0x80) {
      let shift = 7;
      for (;;) {
        if (p >= end) throw new ProtoError(`cannot read field tag at offset ${this.pos}: unexpected end of data`);
        b = buf[p++]!;
        if (shift === 28) {
          if (b > 0x0f) throw new ProtoError(`cannot read field tag at offset ${this.pos}: too big tag`);
          tag += b * 268435456;
          break;
        }
        tag |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
      }
    }
    const wt = tag % 8;
    const num = Math.floor(tag / 8);
    if (num === 0) throw new ProtoError(`cannot read field at offset ${this.pos}: got field number 0; want 1 or more`);
    this.fieldNum = num;
    this.wireType = wt;
    switch (wt) {
      case WIRE_VARINT: {
        this.dataStart = p;
        p = this.readVarintAt(p, num);
        break;
      }
      case WIRE_I64:
        if (p + 8 > end) throw new ProtoError(`cannot read field ${num} (i64): unexpected end of data`);
        this.dataStart = p;
        p += 8;
        break;
      case WIRE_LEN: {
        // The length is a varint that must fit the message.
        let len = 0;
        let mul = 1;
        for (let i = 0; ; i++) {
          if (p >= end) throw new ProtoError(`cannot read the length of field ${num}: unexpected end of data`);
          b = buf[p++]!;
          len += (b & 0x7f) * mul;
          if (b < 0x80) break;
          mul *= 128;
          if (i === 9) throw new ProtoError(`cannot read the length of field ${num}: too long varint`);
        }
        if (len > end - p) throw new ProtoError(`cannot read field ${num}: got length ${len}; want at most ${end - p} (the rest of the message)`);
        this.dataStart = p;
        p += len;
        break;
      }
      case WIRE_I32:
        if (p + 4 > end) throw new ProtoError(`cannot read field ${num} (i32): unexpected end of data`);
        this.dataStart = p;
        p += 4;
        break;
      default:
        throw new ProtoError(`cannot read field ${num}: got wire type ${wireNames[wt]}; want varint, i64, len or i32`);
    }
    this.dataEnd = p;
    this.pos = p;
    return true;
  }

  // readVarintAt decodes a varint at p into lo/hi and returns the position after it.
  private readVarintAt(p: number, num: number): number {
    const buf = this.buf;
    const end = this.end;
    let lo = 0;
    let hi = 0;
    let b = 0;
    let shift = 0;
    // The first four bytes fill 28 low bits.
    for (; shift < 28; shift += 7) {
      if (p >= end) throw new ProtoError(`cannot read varint field ${num}: unexpected end of data`);
      b = buf[p++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return p;
      }
    }
    // The fifth byte: 4 bits to lo, 3 bits to hi.
    if (p >= end) throw new ProtoError(`cannot read varint field ${num}: unexpected end of data`);
    b = buf[p++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (shift = 3; ; shift += 7) {
        if (p >= end) throw new ProtoError(`cannot read varint field ${num}: unexpected end of data`);
        b = buf[p++]!;
        if (shift === 31) {
          // The tenth byte carries only the 64th bit.
          if (b > 1) throw new ProtoError(`cannot read varint field ${num}: too long varint`);
          hi |= b << 31;
          break;
        }
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return p;
  }

  private want(what: string, wt: number): void {
    throw new ProtoError(`cannot read field ${this.fieldNum} as ${what}: got wire type ${wireNames[this.wireType]}; want ${wireNames[wt]}`);
  }

  /** uint64 returns a varint field as an unsigned number (exact below 2^53). */
  uint64(): number {
    if (this.wireType !== WIRE_VARINT) this.want("uint64", WIRE_VARINT);
    return this.hi * TWO_32 + this.lo;
  }

  /** int64 returns a varint field as a signed 64-bit number (exact when |v| < 2^53). */
  int64(): number {
    if (this.wireType !== WIRE_VARINT) this.want("int64", WIRE_VARINT);
    return (this.hi | 0) * TWO_32 + this.lo;
  }

  /** sint64 returns a zigzag-encoded varint field (exact when |v| < 2^53). */
  sint64(): number {
    if (this.wireType !== WIRE_VARINT) this.want("sint64", WIRE_VARINT);
    return zigzag64(this.lo, this.hi);
  }

  /** uint32 returns the low 32 bits of a varint field as an unsigned number. */
  uint32(): number {
    if (this.wireType !== WIRE_VARINT) this.want("uint32", WIRE_VARINT);
    return this.lo;
  }

  /** int32 returns the low 32 bits of a varint field as a signed number. */
  int32(): number {
    if (this.wireType !== WIRE_VARINT) this.want("int32", WIRE_VARINT);
    return this.lo | 0;
  }

  /** sint32 returns a zigzag-encoded 32-bit varint field. */
  sint32(): number {
    if (this.wireType !== WIRE_VARINT) this.want("sint32", WIRE_VARINT);
    return (this.lo >>> 1) ^ -(this.lo & 1);
  }

  /** bool returns a varint field as a boolean. */
  bool(): boolean {
    if (this.wireType !== WIRE_VARINT) this.want("bool", WIRE_VARINT);
    return this.lo !== 0 || this.hi !== 0;
  }

  /** double returns an i64 field as a float64; NaN payloads (such as the staleness marker) are kept. */
  double(): number {
    if (this.wireType !== WIRE_I64) this.want("double", WIRE_I64);
    return readDoubleLE(this.buf, this.dataStart);
  }

  /** fixed64 returns an i64 field as an unsigned number (exact below 2^53). */
  fixed64(): number {
    if (this.wireType !== WIRE_I64) this.want("fixed64", WIRE_I64);
    const b = this.buf;
    const p = this.dataStart;
    const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
    return hi * TWO_32 + lo;
  }

  /** float returns an i32 field as a float32 widened to a number. */
  float(): number {
    if (this.wireType !== WIRE_I32) this.want("float", WIRE_I32);
    scratchU8[0] = this.buf[this.dataStart]!;
    scratchU8[1] = this.buf[this.dataStart + 1]!;
    scratchU8[2] = this.buf[this.dataStart + 2]!;
    scratchU8[3] = this.buf[this.dataStart + 3]!;
    return scratchF32[0]!;
  }

  /** fixed32 returns an i32 field as an unsigned number. */
  fixed32(): number {
    if (this.wireType !== WIRE_I32) this.want("fixed32", WIRE_I32);
    const b = this.buf;
    const p = this.dataStart;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** bytes returns a len field's payload as a view into buf (not a copy). */
  bytes(): Uint8Array {
    if (this.wireType !== WIRE_LEN) this.want("bytes", WIRE_LEN);
    return this.buf.subarray(this.dataStart, this.dataEnd);
  }

  /** string returns a len field's payload decoded as UTF-8 (invalid sequences become U+FFFD). */
  string(): string {
    if (this.wireType !== WIRE_LEN) this.want("string", WIRE_LEN);
    return decodeString(this.buf, this.dataStart, this.dataEnd);
  }

  /**
   * message checks that the current field is a len field (a nested message, a string or
   * a packed array); its payload is buf[dataStart, dataEnd).
   */
  message(): void {
    if (this.wireType !== WIRE_LEN) this.want("message", WIRE_LEN);
  }

  /**
   * forEachVarint calls f(lo, hi) for each element of a repeated varint field: the
   * elements of a packed (len) field, or the one element of an unpacked (varint) field.
   * Protobuf parsers must accept both encodings.
   */
  forEachVarint(f: (lo: number, hi: number) => void): void {
    if (this.wireType === WIRE_VARINT) {
      f(this.lo, this.hi);
      return;
    }
    if (this.wireType !== WIRE_LEN) this.want("packed varints", WIRE_LEN);
    const saveEnd = this.end;
    this.end = this.dataEnd;
    let p = this.dataStart;
    try {
      while (p < this.dataEnd) {
        p = this.readVarintAt(p, this.fieldNum);
        f(this.lo, this.hi);
      }
    } finally {
      this.end = saveEnd;
    }
  }

  /** appendSint64s appends the elements of a repeated sint64 field (packed or not) to dst. */
  appendSint64s(dst: number[]): number[] {
    this.forEachVarint((lo, hi) => dst.push(zigzag64(lo, hi)));
    return dst;
  }

  /** appendUint32s appends the elements of a repeated uint32 field (packed or not) to dst. */
  appendUint32s(dst: number[]): number[] {
    this.forEachVarint((lo) => dst.push(lo));
    return dst;
  }

  /** appendDoubles appends the elements of a repeated double field (packed or not) to dst. */
  appendDoubles(dst: number[]): number[] {
    if (this.wireType === WIRE_I64) {
      dst.push(readDoubleLE(this.buf, this.dataStart));
      return dst;
    }
    if (this.wireType !== WIRE_LEN) this.want("packed doubles", WIRE_LEN);
    const n = this.dataEnd - this.dataStart;
    if (n % 8 !== 0) throw new ProtoError(`cannot read field ${this.fieldNum} as packed doubles: got ${n} bytes; want a multiple of 8`);
    for (let p = this.dataStart; p < this.dataEnd; p += 8) dst.push(readDoubleLE(this.buf, p));
    return dst;
  }
}

const scratchF64 = new Float64Array(1);
const scratchF32 = new Float32Array(scratchF64.buffer, 0, 1);
const scratchU8 = new Uint8Array(scratchF64.buffer);

/** readDoubleLE reads a little-endian float64 at buf[p, p+8), keeping NaN payloads. */
export function readDoubleLE(buf: Uint8Array, p: number): number {
  scratchU8[0] = buf[p]!;
  scratchU8[1] = buf[p + 1]!;
  scratchU8[2] = buf[p + 2]!;
  scratchU8[3] = buf[p + 3]!;
  scratchU8[4] = buf[p + 4]!;
  scratchU8[5] = buf[p + 5]!;
  scratchU8[6] = buf[p + 6]!;
  scratchU8[7] = buf[p + 7]!;
  return scratchF64[0]!;
}

/** zigzag64 decodes a zigzag-encoded 64-bit value given as unsigned lo/hi halves. */
export function zigzag64(lo: number, hi: number): number {
  // (n >>> 1) as a number, then the sign from the low bit.
  const half = (hi >>> 1) * TWO_32 + (((lo >>> 1) | ((hi & 1) << 31)) >>> 0);
  return (lo & 1) === 0 ? half : -half - 1;
}

// Buffer's native slice decoders accept any Uint8Array; they are about twice as fast as
// TextDecoder for the short strings of labels.
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice(this: Uint8Array, start: number, end: number): string }).utf8Slice;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** decodeString decodes buf[start, end) as UTF-8; invalid sequences become U+FFFD. */
export function decodeString(buf: Uint8Array, start: number, end: number): string {
  return utf8Slice.call(buf, start, end);
}

/**
 * latin1Key returns buf[start, end) as a string of one character per byte: a cheap,
 * exact key for caches of decoded data (not a decoding of the text).
 */
export function latin1Key(buf: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
}
