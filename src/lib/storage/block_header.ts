// A block holds up to maxRowsPerBlock samples of one series, sorted by time.
// Its header says where its encoded timestamps and values are and how to
// decode them. Headers are fixed-size records (see FORMAT.md) so that an
// index block decodes into columns without per-header objects.

/** maxRowsPerBlock is the most samples one block holds. */
export const maxRowsPerBlock = 8192;

/** BLOCK_HEADER_SIZE is the size of one marshaled block header in bytes. */
export const BLOCK_HEADER_SIZE = 64;

/** IndexBlock is a decoded index block: the headers of up to maxHeadersPerIndexBlock blocks, as columns. */
export class IndexBlock {
  n = 0;
  tsid: Float64Array;
  minT: Float64Array;
  maxT: Float64Array;
  firstValue: Float64Array;
  tsOffset: Float64Array;
  valOffset: Float64Array;
  tsSize: Uint32Array;
  valSize: Uint32Array;
  rows: Uint32Array;
  tsType: Uint8Array;
  valType: Uint8Array;
  scale: Int8Array;
  constructor(cap: number) {
    this.tsid = new Float64Array(cap);
    this.minT = new Float64Array(cap);
    this.maxT = new Float64Array(cap);
    this.firstValue = new Float64Array(cap);
    this.tsOffset = new Float64Array(cap);
    this.valOffset = new Float64Array(cap);
    this.tsSize = new Uint32Array(cap);
    this.valSize = new Uint32Array(cap);
    this.rows = new Uint32Array(cap);
    this.tsType = new Uint8Array(cap);
    this.valType = new Uint8Array(cap);
    this.scale = new Int8Array(cap);
  }
  /** byteSize approximates the memory held, for caches. */
  byteSize(): number {
    return this.tsid.length * (6 * 8 + 3 * 4 + 3) + 64;
  }
}

/** maxHeadersPerIndexBlock caps an index block at 32 KiB of raw headers. */
export const maxHeadersPerIndexBlock = 512;

const TWO32 = 2 ** 32;

/** writeU64 writes a non-negative safe integer as 8 bytes big-endian. */
export function writeU64(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, Math.floor(v / TWO32));
  dv.setUint32(off + 4, v >>> 0);
}

/** readU64 reads 8 bytes big-endian as a safe integer; throws on values >= 2^53. */
export function readU64(dv: DataView, off: number): number {
  const hi = dv.getUint32(off);
  if (hi >= 0x200000) throw new RangeError(`cannot read uint64 at offset ${off}: value exceeds 2^53`);
  return hi * TWO32 + dv.getUint32(off + 4);
}

/** marshalHeader writes header i of the given fields into dst at off. */
export function marshalHeader(
  dv: DataView, off: number,
  tsid: number, minT: number, maxT: number, firstValue: number,
  tsOffset: number, valOffset: number, tsSize: number, valSize: number,
  rows: number, tsType: number, valType: number, scale: number,
): void {
  writeU64(dv, off, tsid);
  dv.setFloat64(off + 8, minT);
  dv.setFloat64(off + 16, maxT);
  dv.setFloat64(off + 24, firstValue);
  writeU64(dv, off + 32, tsOffset);
  writeU64(dv, off + 40, valOffset);
  dv.setUint32(off + 48, tsSize);
  dv.setUint32(off + 52, valSize);
  dv.setUint16(off + 56, rows);
  dv.setUint8(off + 58, tsType);
  dv.setUint8(off + 59, valType);
  dv.setInt8(off + 60, scale);
  dv.setUint8(off + 61, 0);
  dv.setUint16(off + 62, 0);
}

/** unmarshalIndexBlock decodes `count` headers from raw (already decompressed) into a new IndexBlock. */
export function unmarshalIndexBlock(raw: Uint8Array, count: number): IndexBlock {
  if (raw.length !== count * BLOCK_HEADER_SIZE) {
    throw new Error(`cannot unmarshal index block: got ${raw.length} bytes; want ${count * BLOCK_HEADER_SIZE} for ${count} headers`);
  }
  const ib = new IndexBlock(count);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < count; i++) {
    const o = i * BLOCK_HEADER_SIZE;
    ib.tsid[i] = readU64(dv, o);
    ib.minT[i] = dv.getFloat64(o + 8);
    ib.maxT[i] = dv.getFloat64(o + 16);
    ib.firstValue[i] = dv.getFloat64(o + 24);
    ib.tsOffset[i] = readU64(dv, o + 32);
    ib.valOffset[i] = readU64(dv, o + 40);
    ib.tsSize[i] = dv.getUint32(o + 48);
    ib.valSize[i] = dv.getUint32(o + 52);
    ib.rows[i] = dv.getUint16(o + 56);
    ib.tsType[i] = dv.getUint8(o + 58);
    ib.valType[i] = dv.getUint8(o + 59);
    ib.scale[i] = dv.getInt8(o + 60);
    if (ib.rows[i] === 0 || ib.rows[i]! > maxRowsPerBlock) throw new Error(`cannot unmarshal block header ${i}: rows count ${ib.rows[i]} is out of range [1, ${maxRowsPerBlock}]`);
    if (ib.minT[i]! > ib.maxT[i]!) throw new Error(`cannot unmarshal block header ${i}: minTimestamp ${ib.minT[i]} > maxTimestamp ${ib.maxT[i]}`);
  }
  ib.n = count;
  return ib;
}
