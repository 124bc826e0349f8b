// A part is an immutable set of blocks sorted by (TSID, minT): either in
// memory (just converted from raw rows) or a directory on disk. Both have the
// same layout (FORMAT.md) and the same reader; only where bytes come from
// differs.

import * as path from "node:path";
import * as fs from "node:fs";
import { ReaderAt, mustFsyncPath, mustRename, mustWriteSync } from "../fs/index.ts";
import { ByteBuffer, compressZstd, decompressZstd } from "../encoding/index.ts";
import { IndexBlock, readU64, unmarshalIndexBlock, writeU64 } from "./block_header.ts";
import { indexFilename, metadataFilename, metaindexFilename, timestampsFilename, valuesFilename } from "./filenames.ts";

/** PartHeader is a part's metadata.json. */
export interface PartHeader {
  rowsCount: number;
  blocksCount: number;
  minTimestamp: number;
  maxTimestamp: number;
  /** the dedup interval (ms) the part's samples were deduplicated with; 0 = none */
  minDedupInterval: number;
}

/** METAINDEX_ROW_SIZE is the size of one metaindex row. */
export const METAINDEX_ROW_SIZE = 48;

/** Metaindex holds one row per index block, loaded in memory when a part opens. */
export class Metaindex {
  n = 0;
  firstTSID: Float64Array;
  lastTSID: Float64Array;
  minT: Float64Array;
  maxT: Float64Array;
  offset: Float64Array;
  size: Uint32Array;
  count: Uint32Array;
  constructor(cap: number) {
    this.firstTSID = new Float64Array(cap);
    this.lastTSID = new Float64Array(cap);
    this.minT = new Float64Array(cap);
    this.maxT = new Float64Array(cap);
    this.offset = new Float64Array(cap);
    this.size = new Uint32Array(cap);
    this.count = new Uint32Array(cap);
  }
  marshal(): Buffer {
    const raw = Buffer.alloc(this.n * METAINDEX_ROW_SIZE);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < this.n; i++) {
      const o = i * METAINDEX_ROW_SIZE;
      writeU64(dv, o, this.firstTSID[i]!);
      writeU64(dv, o + 8, this.lastTSID[i]!);
      dv.setFloat64(o + 16, this.minT[i]!);
      dv.setFloat64(o + 24, this.maxT[i]!);
      writeU64(dv, o + 32, this.offset[i]!);
      dv.setUint32(o + 40, this.size[i]!);
      dv.setUint32(o + 44, this.count[i]!);
    }
    return compressZstd(raw, 1);
  }
  static unmarshal(compressed: Uint8Array): Metaindex {
    const raw = decompressZstd(compressed);
    if (raw.length % METAINDEX_ROW_SIZE !== 0) throw new Error(`cannot unmarshal metaindex: size ${raw.length} is not a multiple of ${METAINDEX_ROW_SIZE}`);
    const n = raw.length / METAINDEX_ROW_SIZE;
    const m = new Metaindex(n);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      const o = i * METAINDEX_ROW_SIZE;
      m.firstTSID[i] = readU64(dv, o);
      m.lastTSID[i] = readU64(dv, o + 8);
      m.minT[i] = dv.getFloat64(o + 16);
      m.maxT[i] = dv.getFloat64(o + 24);
      m.offset[i] = readU64(dv, o + 32);
      m.size[i] = dv.getUint32(o + 40);
      m.count[i] = dv.getUint32(o + 44);
    }
    m.n = n;
    return m;
  }
  push(firstTSID: number, lastTSID: number, minT: number, maxT: number, offset: number, size: number, count: number): void {
    if (this.n === this.firstTSID.length) {
      const g = new Metaindex(Math.max(16, this.n * 2));
      g.firstTSID.set(this.firstTSID); g.lastTSID.set(this.lastTSID); g.minT.set(this.minT); g.maxT.set(this.maxT);
      g.offset.set(this.offset); g.size.set(this.size); g.count.set(this.count);
      this.firstTSID = g.firstTSID; this.lastTSID = g.lastTSID; this.minT = g.minT; this.maxT = g.maxT;
      this.offset = g.offset; this.size = g.size; this.count = g.count;
    }
    const i = this.n++;
    this.firstTSID[i] = firstTSID; this.lastTSID[i] = lastTSID; this.minT[i] = minT; this.maxT[i] = maxT;
    this.offset[i] = offset; this.size[i] = size; this.count[i] = count;
  }
}

/** PartSource gives a part's bytes. */
export interface PartSource {
  readTimestamps(off: number, size: number): Uint8Array;
  readValues(off: number, size: number): Uint8Array;
  readIndex(off: number, size: number): Uint8Array;
  close(): void;
}

/** MemorySource is the source of an in-memory part. */
export class MemorySource implements PartSource {
  ts: Buffer; vals: Buffer; index: Buffer;
  constructor(ts: Buffer, vals: Buffer, index: Buffer) { this.ts = ts; this.vals = vals; this.index = index; }
  readTimestamps(off: number, size: number): Uint8Array { return this.ts.subarray(off, off + size); }
  readValues(off: number, size: number): Uint8Array { return this.vals.subarray(off, off + size); }
  readIndex(off: number, size: number): Uint8Array { return this.index.subarray(off, off + size); }
  close(): void {}
}

class FileSource implements PartSource {
  private ts: ReaderAt; private vals: ReaderAt; private index: ReaderAt;
  constructor(dir: string) {
    this.ts = new ReaderAt(path.join(dir, timestampsFilename));
    this.vals = new ReaderAt(path.join(dir, valuesFilename));
    this.index = new ReaderAt(path.join(dir, indexFilename));
  }
  readTimestamps(off: number, size: number): Uint8Array { return this.ts.mustReadAt(off, size); }
  readValues(off: number, size: number): Uint8Array { return this.vals.mustReadAt(off, size); }
  readIndex(off: number, size: number): Uint8Array { return this.index.mustReadAt(off, size); }
  close(): void { this.ts.close(); this.vals.close(); this.index.close(); }
}

let partSeq = 0;

/**
 * Part is an open part. File parts are reference-counted: searches and merges
 * take a reference, and the directory is removed (when marked for removal)
 * only after the last reference is released.
 */
export class Part {
  readonly header: PartHeader;
  readonly metaindex: Metaindex;
  readonly source: PartSource;
  /** directory name for file parts; undefined for in-memory parts */
  readonly dir: string | undefined;
  /** size in bytes (files or buffers) */
  readonly sizeBytes: number;
  readonly seq = ++partSeq;
  private refs = 1;
  private removeOnRelease = false;
  private indexCache = new Map<number, IndexBlock>();
  inMerge = false;

  constructor(header: PartHeader, metaindex: Metaindex, source: PartSource, dir: string | undefined, sizeBytes: number) {
    this.header = header;
    this.metaindex = metaindex;
    this.source = source;
    this.dir = dir;
    this.sizeBytes = sizeBytes;
  }

  /** openFilePart opens the part directory dir. */
  static openFile(dir: string): Part {
    const header = JSON.parse(fs.readFileSync(path.join(dir, metadataFilename), "utf8")) as PartHeader;
    const metaindex = Metaindex.unmarshal(fs.readFileSync(path.join(dir, metaindexFilename)));
    let size = 0;
    for (const f of [timestampsFilename, valuesFilename, indexFilename, metaindexFilename]) size += fs.statSync(path.join(dir, f)).size;
    return new Part(header, metaindex, new FileSource(dir), dir, size);
  }

  /** indexBlock returns the decoded index block i (cached per part; in-memory parts' blocks stay cached). */
  indexBlock(i: number): IndexBlock {
    let ib = this.indexCache.get(i);
    if (ib !== undefined) return ib;
    const m = this.metaindex;
    const raw = decompressZstd(this.source.readIndex(m.offset[i]!, m.size[i]!));
    ib = unmarshalIndexBlock(raw, m.count[i]!);
    if (this.dir !== undefined && this.indexCache.size >= 64) {
      // Bound the per-part cache of file parts; the OS page cache keeps the bytes warm.
      const first = this.indexCache.keys().next().value!;
      this.indexCache.delete(first);
    }
    this.indexCache.set(i, ib);
    return ib;
  }

  incRef(): void {
    if (this.refs <= 0) throw new Error("BUG: incRef on a released part");
    this.refs++;
  }

  decRef(): void {
    if (--this.refs === 0) {
      this.source.close();
      this.indexCache.clear();
      if (this.removeOnRelease && this.dir !== undefined) fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** release drops the table's own reference; with remove=true the directory is deleted once unused. */
  release(remove: boolean): void {
    this.removeOnRelease = remove;
    this.decRef();
  }
}

/** PartSink receives a part's bytes as it is written. */
export interface PartSink {
  /** append appends bytes to one of the part's streams and returns the offset they start at. */
  appendTimestamps(b: Uint8Array): number;
  appendValues(b: Uint8Array): number;
  appendIndex(b: Uint8Array): number;
  /** finish completes the part and opens it. */
  finish(header: PartHeader, metaindex: Metaindex): Part;
}

/** MemorySink builds an in-memory part. */
export class MemorySink implements PartSink {
  private ts = new ByteBuffer();
  private vals = new ByteBuffer();
  private index = new ByteBuffer();
  appendTimestamps(b: Uint8Array): number { const o = this.ts.length; this.ts.appendBytes(b); return o; }
  appendValues(b: Uint8Array): number { const o = this.vals.length; this.vals.appendBytes(b); return o; }
  appendIndex(b: Uint8Array): number { const o = this.index.length; this.index.appendBytes(b); return o; }
  finish(header: PartHeader, metaindex: Metaindex): Part {
    const src = new MemorySource(this.ts.toBuffer(), this.vals.toBuffer(), this.index.toBuffer());
    const size = src.ts.length + src.vals.length + src.index.length + metaindex.n * METAINDEX_ROW_SIZE;
    return new Part(header, metaindex, src, undefined, size);
  }
}

class FileStream {
  fd: number;
  off = 0;
  private buf = Buffer.allocUnsafe(256 * 1024);
  private n = 0;
  constructor(p: string) { this.fd = fs.openSync(p, "w"); }
  append(b: Uint8Array): number {
    const o = this.off;
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      let w = 0;
      while (w < b.length) w += fs.writeSync(this.fd, b, w, b.length - w);
    } else {
      this.buf.set(b, this.n);
      this.n += b.length;
    }
    this.off += b.length;
    return o;
  }
  flush(): void {
    let w = 0;
    while (w < this.n) w += fs.writeSync(this.fd, this.buf, w, this.n - w);
    this.n = 0;
  }
  close(): void {
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

/**
 * FileSink writes a part into `finalDir + ".tmp"` and, on finish(), renames it
 * to finalDir, so that a crash never leaves a half-written part under a real
 * name (leftover .tmp dirs are removed at start).
 */
export class FileSink implements PartSink {
  readonly dir: string;
  readonly finalDir: string;
  private ts: FileStream; private vals: FileStream; private index: FileStream;
  constructor(finalDir: string) {
    this.finalDir = finalDir;
    const dir = finalDir + ".tmp";
    this.dir = dir;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    this.ts = new FileStream(path.join(dir, timestampsFilename));
    this.vals = new FileStream(path.join(dir, valuesFilename));
    this.index = new FileStream(path.join(dir, indexFilename));
  }
  appendTimestamps(b: Uint8Array): number { return this.ts.append(b); }
  appendValues(b: Uint8Array): number { return this.vals.append(b); }
  appendIndex(b: Uint8Array): number { return this.index.append(b); }
  /** finish writes metaindex and metadata, fsyncs everything, and returns the part opened from dir. */
  finish(header: PartHeader, metaindex: Metaindex): Part {
    this.ts.close(); this.vals.close(); this.index.close();
    mustWriteSync(path.join(this.dir, metaindexFilename), metaindex.marshal());
    mustWriteSync(path.join(this.dir, metadataFilename), JSON.stringify(header));
    mustFsyncPath(this.dir);
    mustRename(this.dir, this.finalDir);
    return Part.openFile(this.finalDir);
  }
  /** abort removes what was written. */
  abort(): void {
    for (const s of [this.ts, this.vals, this.index]) { try { fs.closeSync(s.fd); } catch { /* closed */ } }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * writeMemoryPart writes an in-memory part to finalDir as a file part as it
 * is (same layout, no re-encoding): temp dir, fsync, rename.
 */
export function writeMemoryPart(part: Part, finalDir: string): Part {
  const src = part.source;
  if (!(src instanceof MemorySource)) throw new Error("BUG: writeMemoryPart needs an in-memory part");
  const tmp = finalDir + ".tmp";
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  mustWriteSync(path.join(tmp, timestampsFilename), src.ts);
  mustWriteSync(path.join(tmp, valuesFilename), src.vals);
  mustWriteSync(path.join(tmp, indexFilename), src.index);
  mustWriteSync(path.join(tmp, metaindexFilename), part.metaindex.marshal());
  mustWriteSync(path.join(tmp, metadataFilename), JSON.stringify(part.header));
  mustFsyncPath(tmp);
  mustRename(tmp, finalDir);
  return Part.openFile(finalDir);
}
