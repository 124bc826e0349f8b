// A rows record: the binary form of a committed batch, written to the WAL
// as one record and kept in memory until a part holds its rows. Layout
// (integers are varuints unless noted; strings are varuint length + UTF-8):
//
//   rowsCount, namesCount, names..., streamsCount,
//   streams... (accountID, projectID, canonical stream),
//   rows... (streamIndex, timestamp int64 LE 8 bytes, fieldsCount,
//            fields... (nameIndex, value))
//
// The names and streams tables are local to the record.

import { ByteBuffer } from "../encoding/index.ts";
import { warnRateLimited } from "../logger/index.ts";
import { dayOfTimestamp } from "./filenames.ts";
import { streamOfRow } from "./stream.ts";
import type { LogField, LogRowsBatch, TenantID } from "./types.ts";

function putVarUint(b: ByteBuffer, v: number): void {
  b.ensure(10);
  const buf = b.buf;
  let p = b.length;
  while (v >= 0x80) {
    buf[p++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  b.length = p;
}

function putString(b: ByteBuffer, s: string): void {
  if (s.length < 0x80) {
    // Room for the length byte and the worst-case UTF-8 size; fix the length byte after writing.
    b.ensure(1 + s.length * 3);
    const p = b.length;
    const w = b.buf.write(s, p + 1);
    if (w < 0x80) {
      b.buf[p] = w;
      b.length = p + 1 + w;
      return;
    }
  }
  const bytes = Buffer.from(s, "utf8");
  putVarUint(b, bytes.length);
  b.appendBytes(bytes);
}

// keepField reports whether a field is stored: not empty, and not one of
// the fields the storage derives (_time, _stream, _stream_id).
function keepField(f: LogField): boolean {
  if (f.value === "") return false;
  const name = f.name;
  if (name.charCodeAt(0) !== 0x5f) return true;
  return name !== "_time" && name !== "_stream" && name !== "_stream_id";
}

/** maxFieldsPerRow is the most fields stored per row (the column limit of a block). */
export const maxFieldsPerRow = 2000;

/** RetentionWindow is the range of accepted timestamps, in ns. */
export interface RetentionWindow {
  minTimestamp: bigint;
  maxTimestamp: bigint;
}

/**
 * RowsBatch collects rows as an encoded record body. Rows outside the
 * window are counted in droppedTooOld / droppedTooNew and not kept.
 */
export class RowsBatch implements LogRowsBatch {
  rowsCount = 0;
  storedRows = 0;
  droppedTooOld = 0;
  droppedTooNew = 0;
  minTimestamp = 0n;
  maxTimestamp = 0n;
  readonly body = new ByteBuffer(4096);
  private readonly names = new Map<string, number>();
  private readonly nameList: string[] = [];
  private readonly streams = new Map<string, number>();
  private readonly streamList: { accountID: number; projectID: number; stream: string }[] = [];
  private readonly window: RetentionWindow;
  private lastStreamFields: readonly string[] | null = null;
  private lastStreamValues: string[] = [];
  private readonly byValues = new Map<string, number>();
  private lastAcc = -1;
  private lastProj = -1;
  private lastStreamIdx = -1;
  private lastDay = 0;
  private lastDayMin = 0n;
  private lastDayMax = -1n;
  private lastPair = -1;
  /** the (day, stream index) pairs of the stored rows, as day * 2^20 + streamIndex */
  readonly dayStreams = new Set<number>();

  constructor(window: RetentionWindow) {
    this.window = window;
  }

  addRow(tenant: TenantID, timestampNs: bigint, fields: readonly LogField[], streamFields: readonly string[]): void {
    this.rowsCount++;
    if (timestampNs < this.window.minTimestamp) {
      this.droppedTooOld++;
      return;
    }
    if (timestampNs > this.window.maxTimestamp) {
      this.droppedTooNew++;
      return;
    }
    const acc = tenant.accountID >>> 0;
    const proj = tenant.projectID >>> 0;
    // Consecutive rows usually share the stream: compare the stream field
    // values with the previous row's before building the canonical form.
    const sfv = this.lastStreamValues;
    let same = streamFields === this.lastStreamFields && acc === this.lastAcc && proj === this.lastProj && sfv.length === streamFields.length;
    for (let k = 0; k < streamFields.length; k++) {
      const name = streamFields[k]!;
      let v = "";
      for (let j = 0; j < fields.length; j++) {
        if (fields[j]!.name === name) {
          v = fields[j]!.value;
          break;
        }
      }
      if (sfv[k] !== v) {
        same = false;
        sfv[k] = v;
      }
    }
    sfv.length = streamFields.length;
    let si: number;
    if (same) {
      si = this.lastStreamIdx;
    } else {
      // The values (and tenant) identify the canonical stream within a batch.
      let vkey = `${acc}:${proj}`;
      for (let k = 0; k < sfv.length; k++) vkey += "\u0000" + sfv[k];
      let x = streamFields === this.lastStreamFields ? this.byValues.get(vkey) : undefined;
      if (x === undefined) {
        if (streamFields !== this.lastStreamFields) this.byValues.clear();
        const stream = streamOfRow(fields, streamFields);
        const key = `${acc}:${proj}:${stream}`;
        x = this.streams.get(key);
        if (x === undefined) {
          x = this.streamList.length;
          this.streams.set(key, x);
          this.streamList.push({ accountID: acc, projectID: proj, stream });
        }
        this.byValues.set(vkey, x);
      }
      si = x;
      this.lastStreamFields = streamFields;
      this.lastAcc = acc;
      this.lastProj = proj;
      this.lastStreamIdx = x;
    }
    if (timestampNs < this.lastDayMin || timestampNs > this.lastDayMax) {
      this.lastDay = dayOfTimestamp(timestampNs);
      this.lastDayMin = BigInt(this.lastDay) * 86_400_000_000_000n;
      this.lastDayMax = this.lastDayMin + 86_399_999_999_999n;
    }
    if (si >= 1 << 20) throw new Error("BUG: more than 2^20 streams in one batch");
    const pair = this.lastDay * 1048576 + si;
    if (pair !== this.lastPair) {
      this.dayStreams.add(pair);
      this.lastPair = pair;
    }
    if (this.storedRows === 0 || timestampNs < this.minTimestamp) this.minTimestamp = timestampNs;
    if (this.storedRows === 0 || timestampNs > this.maxTimestamp) this.maxTimestamp = timestampNs;
    this.storedRows++;
    const b = this.body;
    putVarUint(b, si);
    b.ensure(8);
    b.buf.writeBigInt64LE(timestampNs, b.length);
    b.length += 8;
    let n = 0;
    for (let i = 0; i < fields.length; i++) if (keepField(fields[i]!)) n++;
    // A block holds at most maxFieldsPerRow columns; fields beyond them are dropped.
    if (n > maxFieldsPerRow) {
      warnRateLimited("logstorage-too-many-fields", `dropping ${n - maxFieldsPerRow} fields of a log entry with ${n} fields: at most ${maxFieldsPerRow} are stored`);
      n = maxFieldsPerRow;
    }
    putVarUint(b, n);
    let written = 0;
    for (let i = 0; i < fields.length && written < n; i++) {
      const f = fields[i]!;
      if (!keepField(f)) continue;
      written++;
      let ni = this.names.get(f.name);
      if (ni === undefined) {
        ni = this.nameList.length;
        this.names.set(f.name, ni);
        this.nameList.push(f.name);
      }
      putVarUint(b, ni);
      putString(b, f.value);
    }
  }

  /** encodeHeader returns the record's head (counts and tables); the record is head + body. */
  encodeHeader(): ByteBuffer {
    const h = new ByteBuffer(256);
    putVarUint(h, this.storedRows);
    putVarUint(h, this.nameList.length);
    for (const n of this.nameList) putString(h, n);
    putVarUint(h, this.streamList.length);
    for (const s of this.streamList) {
      putVarUint(h, s.accountID);
      putVarUint(h, s.projectID);
      putString(h, s.stream);
    }
    return h;
  }

  /** committed is set by the storage when the batch is committed. */
  committed = false;

  /** streamsList lists the record's streams (tenant and canonical form). */
  streamsList(): readonly { accountID: number; projectID: number; stream: string }[] {
    return this.streamList;
  }
}

/** RecordReader walks the rows of one record. */
export class RecordReader {
  readonly rowsCount: number;
  readonly names: string[] = [];
  readonly streamAccount: number[] = [];
  readonly streamProject: number[] = [];
  readonly streams: string[] = [];
  private readonly buf: Buffer;
  private p: number;
  private readonly end: number;
  private rowsLeft: number;
  /** the current row after next() returned true */
  streamIdx = 0;
  timestamp = 0n;
  fieldsCount = 0;
  /** the offset of the current row's fields; readFields decodes them */
  fieldsOffset = 0;

  constructor(rec: Uint8Array) {
    this.buf = Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength);
    this.p = 0;
    this.end = rec.length;
    this.rowsCount = this.uvarint();
    const nn = this.uvarint();
    for (let i = 0; i < nn; i++) this.names.push(this.str());
    const ns = this.uvarint();
    for (let i = 0; i < ns; i++) {
      this.streamAccount.push(this.uvarint());
      this.streamProject.push(this.uvarint());
      this.streams.push(this.str());
    }
    this.rowsLeft = this.rowsCount;
  }

  private uvarint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.p >= this.end) throw new Error("cannot parse rows record: got a truncated varint; want more bytes");
      const b = this.buf[this.p++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  }

  private str(): string {
    const l = this.uvarint();
    if (this.p + l > this.end) throw new Error(`cannot parse rows record: got a string of ${l} bytes past the end; want at most ${this.end - this.p}`);
    const s = l === 0 ? "" : this.buf.toString("utf8", this.p, this.p + l);
    this.p += l;
    return s;
  }

  /** next moves to the next row and skips its fields unless readFields is called first... it reads the header of the row. */
  next(): boolean {
    if (this.rowsLeft === 0) return false;
    this.rowsLeft--;
    this.streamIdx = this.uvarint();
    if (this.p + 8 > this.end) throw new Error("cannot parse rows record: got a truncated timestamp; want 8 bytes");
    this.timestamp = this.buf.readBigInt64LE(this.p);
    this.p += 8;
    this.fieldsCount = this.uvarint();
    this.fieldsOffset = this.p;
    // Skip the fields; readFieldsAt decodes them on demand.
    for (let i = 0; i < this.fieldsCount; i++) {
      this.uvarint();
      const l = this.uvarint();
      this.p += l;
    }
    if (this.p > this.end) throw new Error("cannot parse rows record: got a field past the end");
    return true;
  }

  /** fieldNamesAt calls f(nameIndex) for the fields of the row whose fields start at off, without decoding values. */
  fieldNamesAt(off: number, count: number, f: (nameIdx: number) => void): void {
    const save = this.p;
    this.p = off;
    for (let i = 0; i < count; i++) {
      f(this.uvarint());
      const l = this.uvarint();
      this.p += l;
    }
    this.p = save;
  }

  /** valueAt returns the value of the first field named by nameIdx in the row whose fields start at off ("" when absent). */
  valueAt(off: number, count: number, nameIdx: number): string {
    const save = this.p;
    this.p = off;
    try {
      for (let i = 0; i < count; i++) {
        if (this.uvarint() === nameIdx) return this.str();
        const l = this.uvarint();
        this.p += l;
      }
      return "";
    } finally {
      this.p = save;
    }
  }

  /** readFieldsAt calls f(nameIndex, value) for the fields of the row whose fields start at off. */
  readFieldsAt(off: number, count: number, f: (nameIdx: number, value: string) => void): void {
    const save = this.p;
    this.p = off;
    for (let i = 0; i < count; i++) {
      const ni = this.uvarint();
      f(ni, this.str());
    }
    this.p = save;
  }
}
