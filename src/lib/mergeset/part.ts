// A part: an immutable sorted run of items, either in memory (buffers) or a
// directory of files read through ReaderAt. Both have the same layout (see
// FORMAT.md), so searches and merges do not care which one they read, and an
// in-memory part is written to disk by dumping its buffers.

import * as fs from "node:fs";
import * as path from "node:path";
import { mustFsyncPath, mustMkdirAll, mustWriteSync, ReaderAt } from "../fs/index.ts";
import { fatal } from "../logger/index.ts";
import { LruCache } from "./block_cache.ts";
import { decodeBlock, decompress, marshalTypePlain, marshalTypeZstd, type DecodedBlock } from "./block_codec.ts";
import { readBlockHeader, type BlockHeader } from "./block_header.ts";
import { FileSink, MemorySink } from "./byte_sink.ts";
import { indexFilename, itemsFilename, metadataFilename, metaindexFilename } from "./filenames.ts";
import { marshalMetaindex, unmarshalMetaindex, type MetaindexRow } from "./metaindex_row.ts";
import { marshalPartHeader, unmarshalPartHeader, type PartHeader } from "./part_header.ts";
import { PartWriter } from "./part_writer.ts";
import type { Cursor } from "./varint.ts";

/** blockCache holds decoded blocks and index blocks of every part in the process (32 MiB by default). */
export const blockCache = new LruCache<DecodedBlock | BlockHeader[]>(32 << 20);

let nextUid = 1;

/** Part is an immutable set of sorted items; close() releases its files. */
export class Part {
  /** uid is unique within the process (cache keys). */
  readonly uid: number;
  /** path is the part directory, or "" for an in-memory part. */
  readonly path: string;
  readonly header: PartHeader;
  readonly metaindex: MetaindexRow[];
  /** sizeBytes is the stored size: files on disk, or buffers in memory. */
  readonly sizeBytes: number;
  private readonly itemsBuf: Buffer | null;
  private readonly indexBuf: Buffer | null;
  private readonly metaindexBuf: Buffer | null;
  private itemsReader: ReaderAt | null;
  private indexReader: ReaderAt | null;

  private constructor(p: string, header: PartHeader, metaindex: MetaindexRow[], sizeBytes: number,
    itemsBuf: Buffer | null, indexBuf: Buffer | null, metaindexBuf: Buffer | null,
    itemsReader: ReaderAt | null, indexReader: ReaderAt | null) {
    this.uid = nextUid++;
    this.path = p;
    this.header = header;
    this.metaindex = metaindex;
    this.sizeBytes = sizeBytes;
    this.itemsBuf = itemsBuf;
    this.indexBuf = indexBuf;
    this.metaindexBuf = metaindexBuf;
    this.itemsReader = itemsReader;
    this.indexReader = indexReader;
  }

  /** isInmemory reports whether the part lives in memory only. */
  get isInmemory(): boolean {
    return this.path === "";
  }

  /** buildInmemory builds an in-memory part: fill(w) adds items in strictly increasing order. */
  static buildInmemory(fill: (w: PartWriter) => void): Part {
    const items = new MemorySink();
    const index = new MemorySink();
    const w = new PartWriter(items, index);
    fill(w);
    const r = w.finish();
    const metaindexBuf = marshalMetaindex(r.metaindexRows);
    const itemsBuf = items.bb.copyBytes();
    const indexBuf = index.bb.copyBytes();
    const mis = unmarshalMetaindex(metaindexBuf);
    return new Part("", r.header, mis, itemsBuf.length + indexBuf.length + metaindexBuf.length, itemsBuf, indexBuf, metaindexBuf, null, null);
  }

  /**
   * buildFiles writes a part into dir (which must not exist): fill(w) adds
   * items in strictly increasing order. Every file and dir are fsynced; the
   * caller renames dir into place and opens it with mustOpenFile.
   */
  static buildFiles(dir: string, fill: (w: PartWriter) => void): PartHeader {
    mustMkdirAll(dir);
    const items = new FileSink(path.join(dir, itemsFilename));
    const index = new FileSink(path.join(dir, indexFilename));
    const w = new PartWriter(items, index);
    fill(w);
    const r = w.finish();
    items.finish();
    index.finish();
    mustWriteSync(path.join(dir, metaindexFilename), marshalMetaindex(r.metaindexRows));
    mustWriteSync(path.join(dir, metadataFilename), marshalPartHeader(r.header));
    mustFsyncPath(dir);
    return r.header;
  }

  /** mustOpenFile opens the part directory p; a missing or corrupted file is fatal. */
  static mustOpenFile(p: string): Part {
    let header: PartHeader;
    let mis: MetaindexRow[];
    let metaSize: number;
    try {
      header = unmarshalPartHeader(fs.readFileSync(path.join(p, metadataFilename), "utf8"), path.join(p, metadataFilename));
      const mb = fs.readFileSync(path.join(p, metaindexFilename));
      metaSize = mb.length;
      mis = unmarshalMetaindex(mb);
    } catch (e) {
      fatal(`cannot open part ${p}: ${(e as Error).message}`);
    }
    let blocks = 0;
    for (const r of mis) blocks += r.blockHeadersCount;
    if (blocks !== header.blocksCount) fatal(`cannot open part ${p}: metaindex lists ${blocks} blocks; want ${header.blocksCount} (metadata.json)`);
    const itemsReader = new ReaderAt(path.join(p, itemsFilename));
    const indexReader = new ReaderAt(path.join(p, indexFilename));
    let metaLen = 0;
    try { metaLen = fs.statSync(path.join(p, metadataFilename)).size; } catch { /* counted as 0 */ }
    const size = itemsReader.size + indexReader.size + metaSize + metaLen;
    return new Part(p, header, mis, size, null, null, null, itemsReader, indexReader);
  }

  /** mustWriteTo writes an in-memory part's files into dir (which must not exist), fsyncing them and dir. */
  mustWriteTo(dir: string): void {
    if (this.itemsBuf === null || this.indexBuf === null || this.metaindexBuf === null) throw new Error("BUG: mustWriteTo needs an in-memory part");
    mustMkdirAll(dir);
    mustWriteSync(path.join(dir, itemsFilename), this.itemsBuf);
    mustWriteSync(path.join(dir, indexFilename), this.indexBuf);
    mustWriteSync(path.join(dir, metaindexFilename), this.metaindexBuf);
    mustWriteSync(path.join(dir, metadataFilename), marshalPartHeader(this.header));
    mustFsyncPath(dir);
  }

  private readIndexBytes(offset: number, size: number): Buffer {
    if (this.indexBuf !== null) {
      if (offset + size > this.indexBuf.length) throw new Error(`BUG: index block at ${offset}+${size} is past the end (${this.indexBuf.length})`);
      return this.indexBuf.subarray(offset, offset + size);
    }
    if (this.indexReader === null) throw new Error(`BUG: part ${this.path} is closed`);
    return this.indexReader.mustReadAt(offset, size);
  }

  private readItemsBytes(offset: number, size: number): Buffer {
    if (this.itemsBuf !== null) {
      if (offset + size > this.itemsBuf.length) throw new Error(`BUG: block at ${offset}+${size} is past the end (${this.itemsBuf.length})`);
      return this.itemsBuf.subarray(offset, offset + size);
    }
    if (this.itemsReader === null) throw new Error(`BUG: part ${this.path} is closed`);
    return this.itemsReader.mustReadAt(offset, size);
  }

  /** readIndexBlock reads and decodes index block i (uncached). */
  readIndexBlock(i: number): BlockHeader[] {
    const r = this.metaindex[i]!;
    const stored = this.readIndexBytes(r.offset, r.size);
    let raw: Uint8Array;
    if (r.marshalType === marshalTypeZstd) raw = decompress(stored, `index block at offset ${r.offset} of ${this.describe()}`);
    else if (r.marshalType === marshalTypePlain) raw = stored;
    else throw new Error(`cannot read index block at offset ${r.offset} of ${this.describe()}: got marshalType=${r.marshalType}; want 0 or 1`);
    const out: BlockHeader[] = new Array(r.blockHeadersCount);
    const c: Cursor = { pos: 0 };
    for (let k = 0; k < r.blockHeadersCount; k++) out[k] = readBlockHeader(raw, c);
    if (c.pos !== raw.length) throw new Error(`cannot read index block at offset ${r.offset} of ${this.describe()}: ${raw.length - c.pos} trailing bytes`);
    return out;
  }

  /** getIndexBlock is readIndexBlock through the shared cache. */
  getIndexBlock(i: number): BlockHeader[] {
    const r = this.metaindex[i]!;
    // Keys are built once per row: a string made anew would be hashed on every lookup.
    const key = r.cacheKey ??= `${this.uid}:i${i}`;
    const v = blockCache.get(key);
    if (v !== undefined) return v as BlockHeader[];
    const bhs = this.readIndexBlock(i);
    let size = 64;
    for (const bh of bhs) size += 96 + bh.firstItem.length;
    blockCache.set(key, bhs, size);
    return bhs;
  }

  /** readBlock reads and decodes the block bh (uncached). */
  readBlock(bh: BlockHeader): DecodedBlock {
    const payload = bh.size === 0 ? Buffer.alloc(0) : this.readItemsBytes(bh.offset, bh.size);
    try {
      return decodeBlock(payload, bh.firstItem, bh.cpLen, bh.itemsCount, bh.lensLen, bh.marshalType);
    } catch (e) {
      throw new Error(`cannot read block at offset ${bh.offset} of ${this.describe()}: ${(e as Error).message}`);
    }
  }

  /** getBlock is readBlock through the shared cache. */
  getBlock(bh: BlockHeader): DecodedBlock {
    // A single-item block decodes to a copy of its first item: nothing to
    // save, and it has no payload, so its offset is not a unique key.
    if (bh.itemsCount === 1) return this.readBlock(bh);
    const key = bh.cacheKey ??= `${this.uid}:b${bh.offset}`;
    const v = blockCache.get(key);
    if (v !== undefined) return v as DecodedBlock;
    const b = this.readBlock(bh);
    blockCache.set(key, b, b.sizeBytes);
    return b;
  }

  /** close releases the part's files; in-memory parts need nothing. */
  close(): void {
    this.itemsReader?.close();
    this.indexReader?.close();
    this.itemsReader = null;
    this.indexReader = null;
  }

  private describe(): string {
    return this.path === "" ? "in-memory part" : `part ${this.path}`;
  }
}
