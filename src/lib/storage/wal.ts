// The write-ahead log: every accepted batch of rows is appended to the current
// segment before the request is acknowledged, so a crash of the process
// (kill -9) cannot lose it: the bytes are in the OS page cache and are replayed
// at the next start. Segments are fsynced every second (power-loss window) and
// deleted once the rows they hold are in file parts (the checkpoint in the
// data manifest says up to which segment). See FORMAT.md.

import * as os from "node:os";
import { listWalSegments, readWalSegment, sealWalRecord, walRecordHeaderSize, WalSegments } from "../fs/index.ts";

const RECORD_HEADER = walRecordHeaderSize; // u32 payload length, u32 crc32(payload)
const TAG_SERIES = 1; // u32 id, u32 keyLen, key (UTF-8)
const TAG_SERIES_ROWS = 3; // u32 id, u32 count, count x f64 ts (LE), count x f64 value (LE)

if (os.endianness() !== "LE") throw new Error("FATAL: the WAL format assumes a little-endian host");

/** WalWriter builds records of series keys and rows and appends them to the current segment. */
export class WalWriter {
  private readonly segs: WalSegments;
  private defined = new Set<number>();
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;

  constructor(dir: string, seq: number, syncIntervalMs: number) {
    this.segs = new WalSegments(dir, seq, syncIntervalMs);
  }

  /** the directory of the segments */
  get dir(): string { return this.segs.dir; }
  /** the number of the current segment */
  get seq(): number { return this.segs.seq; }
  /** bytes appended so far */
  get bytesWritten(): number { return this.segs.bytesWritten; }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const b = Buffer.allocUnsafe(cap);
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  /** beginRecord starts a record; the caller adds series and rows, then calls commit(). */
  beginRecord(): void {
    this.len = RECORD_HEADER;
  }

  /** isDefined reports whether id's key was written to the current segment. */
  isDefined(id: number): boolean {
    return this.defined.has(id);
  }

  /** defineSeries writes the key of series id into the current record. */
  defineSeries(id: number, key: string): void {
    const kb = Buffer.from(key, "utf8");
    this.ensure(9 + kb.length);
    this.buf[this.len] = TAG_SERIES;
    this.buf.writeUInt32BE(id, this.len + 1);
    this.buf.writeUInt32BE(kb.length, this.len + 5);
    kb.copy(this.buf, this.len + 9);
    this.len += 9 + kb.length;
    this.defined.add(id);
  }

  /** addSeriesRows writes the samples ts/vals[start:end) of series id into the current record. */
  addSeriesRows(id: number, ts: Float64Array, vals: Float64Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(9 + n * 16);
    const b = this.buf;
    b[this.len] = TAG_SERIES_ROWS;
    b.writeUInt32BE(id, this.len + 1);
    b.writeUInt32BE(n, this.len + 5);
    let o = this.len + 9;
    // Floats are copied in the host's (little-endian) byte order: one memcpy
    // per column, or a loop for the few samples of a remote-write series.
    if (n <= 8) {
      for (let i = start; i < end; i++) { b.writeDoubleLE(ts[i]!, o); o += 8; }
      for (let i = start; i < end; i++) { b.writeDoubleLE(vals[i]!, o); o += 8; }
      this.len = o;
      return;
    }
    b.set(new Uint8Array(ts.buffer, ts.byteOffset + start * 8, n * 8), o);
    o += n * 8;
    b.set(new Uint8Array(vals.buffer, vals.byteOffset + start * 8, n * 8), o);
    this.len = o + n * 8;
  }

  /** commit writes the record to the segment (one write(2)); after it returns the rows survive a process crash. */
  commit(): void {
    if (this.len <= RECORD_HEADER) return;
    const rec = this.buf.subarray(0, this.len);
    sealWalRecord(rec);
    this.segs.append(rec);
    this.len = 0;
    if (this.buf.length > 1 << 24) this.buf = Buffer.allocUnsafe(1 << 16);
  }

  /** sync fsyncs the current segment if it changed. */
  sync(): void {
    this.segs.sync();
  }

  /** rotate closes the current segment and starts the next; returns the closed segment's number. */
  rotate(): number {
    this.defined.clear();
    return this.segs.rotate();
  }

  /** removeUpTo deletes segments with numbers <= seq (the current one only once closed). */
  removeUpTo(seq: number): void {
    this.segs.removeUpTo(seq);
  }

  close(): void {
    this.segs.close();
  }
}

/** listSegments returns the segment numbers in dir, ascending. */
export const listSegments = listWalSegments;

/** ReplayStats tells what a replay found. */
export interface ReplayStats { segments: number; records: number; rows: number; tornBytes: number }

/**
 * replaySegment reads segment seq and calls onRows for each batch of rows with
 * the keys of their series. A torn tail (a record cut short or failing its
 * checksum, as a crash mid-write leaves) ends the segment: it is truncated
 * there, and what came before is kept.
 */
export function replaySegment(
  dir: string, seq: number,
  onRows: (keys: Map<number, string>, ids: Uint32Array, ts: Float64Array, vals: Float64Array, n: number) => void,
  stats: ReplayStats,
): void {
  const keys = new Map<number, string>();
  stats.segments++;
  stats.tornBytes += readWalSegment(dir, seq, (payload) => {
    let o = 0;
    while (o < payload.length) {
      const tag = payload[o]!;
      if (tag === TAG_SERIES) {
        const id = payload.readUInt32BE(o + 1);
        const kl = payload.readUInt32BE(o + 5);
        keys.set(id, payload.toString("utf8", o + 9, o + 9 + kl));
        o += 9 + kl;
      } else if (tag === TAG_SERIES_ROWS) {
        const id = payload.readUInt32BE(o + 1);
        const n = payload.readUInt32BE(o + 5);
        o += 9;
        // Copy into aligned arrays.
        const ts = new Float64Array(payload.buffer.slice(payload.byteOffset + o, payload.byteOffset + o + n * 8));
        o += n * 8;
        const vals = new Float64Array(payload.buffer.slice(payload.byteOffset + o, payload.byteOffset + o + n * 8));
        o += n * 8;
        const ids = new Uint32Array(n).fill(id);
        onRows(keys, ids, ts, vals, n);
        stats.rows += n;
      } else {
        throw new Error(`BUG: unknown WAL entry tag ${tag} in a record with a valid checksum`);
      }
    }
    stats.records++;
  });
}
