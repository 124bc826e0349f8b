// PartWriter turns a stream of strictly increasing items into a part: it
// cuts blocks of <= maxBlockBytes, encodes them into the items sink, groups
// block headers into index blocks in the index sink, and collects the
// metaindex rows and the part header.

import { ByteBuffer } from "./byte_buffer.ts";
import { appendBlockHeader } from "./block_header.ts";
import { BlockEncoder, compressMaybe, marshalTypePlain, marshalTypeZstd, maxBlockBytes } from "./block_codec.ts";
import type { ByteSink } from "./byte_sink.ts";
import { appendMetaindexRow } from "./metaindex_row.ts";
import type { PartHeader } from "./part_header.ts";

/** maxIndexBlockBytes caps the raw size of an index block (a group of block headers). */
export const maxIndexBlockBytes = 64 * 1024;

// Items in a block are distinct and at most one is empty, so a block of
// maxBlockBytes holds at most maxBlockBytes+1 items.
const maxBlockItems = maxBlockBytes + 1;

const emptyBuf = Buffer.alloc(0);

/** PartWriterResult is what a finished part needs besides its items and index bytes. */
export interface PartWriterResult {
  header: PartHeader;
  /** encoded metaindex rows (not yet marshalled into metaindex.bin). */
  metaindexRows: Buffer;
}

/** PartWriter writes a part; add() items in strictly increasing order, then finish() once. */
export class PartWriter {
  private readonly items: ByteSink;
  private readonly index: ByteSink;
  private readonly enc = new BlockEncoder();
  private readonly blk = new ByteBuffer(maxBlockBytes);
  private readonly offs = new Uint32Array(maxBlockItems + 1);
  private n = 0;
  private readonly idx = new ByteBuffer(maxIndexBlockBytes + 1024);
  private idxCount = 0;
  private idxFirst: Buffer = emptyBuf;
  private readonly meta = new ByteBuffer(1024);
  private itemsCount = 0;
  private blocksCount = 0;
  private firstItem: Buffer = emptyBuf;
  private lastItem: Buffer = emptyBuf;
  private finished = false;

  constructor(items: ByteSink, index: ByteSink) {
    this.items = items;
    this.index = index;
  }

  /** add appends the item src[start:end]; it must be greater than the previous item. */
  add(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (this.n > 0 && (this.blk.len + len > maxBlockBytes || this.n === maxBlockItems)) this.flushBlock();
    this.blk.append(src, start, end);
    this.n++;
    this.offs[this.n] = this.blk.len;
    this.itemsCount++;
  }

  /** itemsAdded returns the number of items added so far. */
  get itemsAdded(): number {
    return this.itemsCount;
  }

  /** finish flushes what is buffered and returns the part header and the metaindex rows. */
  finish(): PartWriterResult {
    if (this.finished) throw new Error("BUG: PartWriter.finish called twice");
    this.finished = true;
    this.flushBlock();
    this.flushIndexBlock();
    return {
      header: { itemsCount: this.itemsCount, blocksCount: this.blocksCount, firstItem: this.firstItem, lastItem: this.lastItem },
      metaindexRows: this.meta.copyBytes(),
    };
  }

  private flushBlock(): void {
    const n = this.n;
    if (n === 0) return;
    const data = this.blk.buf;
    const offs = this.offs;
    if (this.blocksCount === 0) this.firstItem = Buffer.from(data.subarray(0, offs[1]!));
    this.lastItem = Buffer.from(data.subarray(offs[n - 1]!, offs[n]!));
    const eb = this.enc.encode(data, offs, n);
    const offset = this.items.size;
    if (eb.payload.length > 0) this.items.write(eb.payload);
    if (this.idxCount === 0) this.idxFirst = Buffer.from(data.subarray(0, offs[1]!));
    appendBlockHeader(this.idx, data, 0, offs[1]!, eb.cpLen, n, eb.marshalType, offset, eb.payload.length, eb.lensLen);
    this.idxCount++;
    this.blocksCount++;
    this.n = 0;
    this.blk.reset();
    if (this.idx.len >= maxIndexBlockBytes) this.flushIndexBlock();
  }

  private flushIndexBlock(): void {
    if (this.idxCount === 0) return;
    const raw = this.idx.bytes();
    const c = compressMaybe(raw);
    const offset = this.index.size;
    const payload = c === null ? raw : c;
    this.index.write(payload);
    appendMetaindexRow(this.meta, this.idxFirst, 0, this.idxFirst.length, this.idxCount, c === null ? marshalTypePlain : marshalTypeZstd, offset, payload.length);
    this.idx.reset();
    this.idxCount = 0;
  }
}
