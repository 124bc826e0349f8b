// Write-ahead log segments, shared by the metrics and the log storage: numbered
// files <16 hex digits>.wal of framed records, [u32 BE payload length][u32 BE
// crc32(payload)][payload]. A record is appended with one write(2), so once
// append returns it survives a crash of the process (the bytes are in the OS
// page cache); segments are fsynced on a timer. Replay stops at the first torn
// record of a segment (cut short or failing its checksum, as a crash mid-write
// leaves) and truncates the file there.

import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { fatal, warn } from "../logger/index.ts";
import { mustFsyncPath, mustMkdirAll } from "./fs.ts";

/** walRecordHeaderSize is the bytes before a record's payload. */
export const walRecordHeaderSize = 8;

function segName(seq: number): string {
  return seq.toString(16).padStart(16, "0") + ".wal";
}

function parseSegName(name: string): number | undefined {
  const m = /^([0-9a-f]{16})\.wal$/.exec(name);
  return m === null ? undefined : Number.parseInt(m[1]!, 16);
}

/** listWalSegments returns the segment numbers in dir, ascending. */
export function listWalSegments(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const s = parseSegName(n);
    if (s !== undefined) out.push(s);
  }
  return out.sort((a, b) => a - b);
}

/** sealWalRecord fills the 8-byte header of rec (header + payload) in place. */
export function sealWalRecord(rec: Uint8Array): void {
  const n = rec.length - walRecordHeaderSize;
  const crc = zlib.crc32(rec.subarray(walRecordHeaderSize)) >>> 0;
  const dv = new DataView(rec.buffer, rec.byteOffset, walRecordHeaderSize);
  dv.setUint32(0, n);
  dv.setUint32(4, crc);
}

/** WalSegments appends sealed records to the current segment of dir. */
export class WalSegments {
  readonly dir: string;
  /** the number of the segment records go to */
  seq: number;
  private fd: number;
  private open = true;
  private dirty = false;
  private syncTimer: NodeJS.Timeout | undefined;
  bytesWritten = 0;

  /** The segment seq is opened (created if new); with syncIntervalMs > 0 it is fsynced that often when it changed. */
  constructor(dir: string, seq: number, syncIntervalMs: number) {
    this.dir = dir;
    mustMkdirAll(dir);
    this.seq = seq;
    this.fd = this.openSeg(seq);
    if (syncIntervalMs > 0) {
      this.syncTimer = setInterval(() => this.sync(), syncIntervalMs);
      this.syncTimer.unref();
    }
  }

  private openSeg(seq: number): number {
    try {
      const fd = fs.openSync(path.join(this.dir, segName(seq)), "a");
      mustFsyncPath(this.dir);
      return fd;
    } catch (e) {
      fatal(`cannot open WAL segment: ${(e as Error).message}`);
    }
  }

  /** append writes a sealed record (sealWalRecord) with one write(2). */
  append(rec: Uint8Array): void {
    let w = 0;
    try {
      while (w < rec.length) w += fs.writeSync(this.fd, rec, w, rec.length - w);
    } catch (e) {
      fatal(`cannot write to WAL segment ${path.join(this.dir, segName(this.seq))}: ${(e as Error).message}`);
    }
    this.bytesWritten += rec.length;
    this.dirty = true;
  }

  /** sync fsyncs the current segment if it changed. */
  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      fs.fsyncSync(this.fd);
    } catch (e) {
      fatal(`cannot fsync WAL segment: ${(e as Error).message}`);
    }
  }

  /** rotate closes the current segment and opens the next; returns the closed segment's number. */
  rotate(): number {
    this.sync();
    fs.closeSync(this.fd);
    const closed = this.seq;
    this.seq++;
    this.fd = this.openSeg(this.seq);
    return closed;
  }

  /** removeUpTo deletes the segments numbered <= seq; the current one only once closed. */
  removeUpTo(seq: number): void {
    for (const s of listWalSegments(this.dir)) {
      if (s <= seq && !(this.open && s === this.seq)) fs.rmSync(path.join(this.dir, segName(s)), { force: true });
    }
  }

  /** close stops the sync timer, fsyncs and closes the current segment. */
  close(): void {
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    this.syncTimer = undefined;
    this.sync();
    fs.closeSync(this.fd);
    this.open = false;
  }
}

/**
 * readWalSegment calls onRecord with the payload of every intact record of
 * segment seq of dir, in order. A torn tail (short or failing its checksum)
 * is cut off the file, with a warning; returns the number of bytes cut.
 */
export function readWalSegment(dir: string, seq: number, onRecord: (payload: Buffer) => void): number {
  const p = path.join(dir, segName(seq));
  const data = fs.readFileSync(p);
  let off = 0;
  while (off + walRecordHeaderSize <= data.length) {
    const len = data.readUInt32BE(off);
    const crc = data.readUInt32BE(off + 4);
    if (off + walRecordHeaderSize + len > data.length) break;
    const payload = data.subarray(off + walRecordHeaderSize, off + walRecordHeaderSize + len);
    if ((zlib.crc32(payload) >>> 0) !== crc) break;
    onRecord(payload);
    off += walRecordHeaderSize + len;
  }
  const torn = data.length - off;
  if (torn > 0) {
    warn(`WAL segment ${p}: cutting a torn tail of ${torn} bytes at offset ${off} (expected after an unclean shutdown)`);
    fs.truncateSync(p, off);
  }
  return torn;
}
