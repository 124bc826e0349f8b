// PartWriter writes a part directory: blocks arrive ordered by (tenant,
// stream id, time); each block's timestamps, columns header, values and
// bloom filters are appended to the part's files and its header to the
// index, which finish() writes with metadata.json. Files are fsynced; the
// caller renames the (temporary) directory into place.

import * as fs from "node:fs";
import * as path from "node:path";
import { ByteBuffer, appendVarUint } from "../encoding/index.ts";
import { mustFsyncPath, mustMkdirAll } from "../fs/index.ts";
import { fatal } from "../logger/index.ts";
import { TokenHashes } from "./bloom_filter.ts";
import { type ColumnHeader, decodeColumnsHeader, encodeColumnsHeader } from "./columns_header.ts";
import { pack } from "./compress.ts";
import * as fn from "./filenames.ts";
import type { Part } from "./part.ts";
import { encodeTimestamps } from "./timestamps_codec.ts";
import { ValueType, encodeColumn } from "./values_encoder.ts";

/** PartMetadata is the content of metadata.json. */
export interface PartMetadata {
  formatVersion: number;
  rowsCount: number;
  blocksCount: number;
  streamsCount: number;
  /** ns, as decimal strings */
  minTimestamp: string;
  maxTimestamp: string;
  uncompressedSizeBytes: number;
  compressedSizeBytes: number;
  /** the zstd level the values were compressed with (merges re-encode blocks of lower levels) */
  zstdLevel: number;
}

/** formatVersion is written to metadata.json; readers refuse others. */
export const formatVersion = 1;

/** maxBlockBytes bounds the uncompressed size of a block (VictoriaLogs' maxUncompressedBlockSize). */
export const maxBlockBytes = 2 << 20;
/** maxBlockRows bounds the rows of a block. */
export const maxBlockRows = 8 << 20;
/** maxBlockColumns bounds the columns of a block. */
export const maxBlockColumns = 2000;

/** OutFile is a buffered append-only file. */
class OutFile {
  readonly path: string;
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;
  offset = 0;

  constructor(p: string) {
    this.path = p;
    try {
      this.fd = fs.openSync(p, "w");
    } catch (e) {
      fatal(`cannot create ${p}: ${(e as Error).message}`);
    }
  }

  /** write appends data and returns its offset. */
  write(data: Uint8Array): number {
    const off = this.offset;
    if (this.len + data.length > this.buf.length) this.flush();
    if (data.length > this.buf.length) {
      this.writeRaw(data);
    } else {
      this.buf.set(data, this.len);
      this.len += data.length;
    }
    this.offset += data.length;
    return off;
  }

  private writeRaw(data: Uint8Array): void {
    let w = 0;
    try {
      while (w < data.length) w += fs.writeSync(this.fd, data, w, data.length - w);
    } catch (e) {
      fatal(`cannot write ${this.path}: ${(e as Error).message}`);
    }
  }

  private flush(): void {
    if (this.len > 0) this.writeRaw(this.buf.subarray(0, this.len));
    this.len = 0;
  }

  close(sync: boolean): void {
    this.flush();
    try {
      if (sync) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
    } catch (e) {
      fatal(`cannot close ${this.path}: ${(e as Error).message}`);
    }
  }
}

/** BlockColumns is the input of writeBlock: parallel names and per-row values. */
export interface BlockColumns {
  names: string[];
  values: string[][];
}

const hexToBytes = (hex: string): Uint8Array => Buffer.from(hex, "hex");

/** PartWriter builds one part directory. */
export class PartWriter {
  readonly dir: string;
  private readonly level: number;
  private readonly ts: OutFile;
  private readonly ch: OutFile;
  private readonly vals: OutFile;
  private readonly bloom: OutFile;
  private readonly msgVals: OutFile;
  private readonly msgBloom: OutFile;
  private readonly streams = new ByteBuffer(1024);
  private readonly blocks = new ByteBuffer(1 << 16);
  private streamsCount = 0;
  private blocksCount = 0;
  private rowsCount = 0;
  private uncompressed = 0;
  private minTs = 0n;
  private maxTs = 0n;
  private lastAcc = -1;
  private lastProj = -1;
  private lastStreamID = "";
  private lastMaxTs = 0n;
  private readonly scratch = new ByteBuffer(1 << 16);
  private readonly tokens = new TokenHashes();

  /** dir must not exist; it is created. level is the zstd level of values. */
  constructor(dir: string, level: number) {
    this.dir = dir;
    this.level = level;
    mustMkdirAll(dir);
    this.ts = new OutFile(path.join(dir, fn.timestampsFilename));
    this.ch = new OutFile(path.join(dir, fn.columnsHeaderFilename));
    this.vals = new OutFile(path.join(dir, fn.valuesFilename));
    this.bloom = new OutFile(path.join(dir, fn.bloomFilename));
    this.msgVals = new OutFile(path.join(dir, fn.messageValuesFilename));
    this.msgBloom = new OutFile(path.join(dir, fn.messageBloomFilename));
  }

  /**
   * writeBlock writes rows [0, n) of one stream. Calls must come in
   * (accountID, projectID, streamID, time) order; ts must be ascending.
   * Columns whose values are all empty are not stored.
   */
  writeBlock(acc: number, proj: number, streamID: string, stream: string, ts: BigInt64Array, n: number, cols: BlockColumns, uncompressedSize: number): void {
    if (n === 0) return;
    this.beginBlock(acc, proj, streamID, stream, ts[0]!);
    this.lastMaxTs = ts[n - 1]!;
    const level = this.level;
    const s = this.scratch;
    s.reset();
    encodeTimestamps(s, ts, n);
    const tsData = pack(s.bytes(), 1);
    const tsOff = this.ts.write(tsData);

    const chs: ColumnHeader[] = [];
    for (let c = 0; c < cols.names.length; c++) {
      const name = cols.names[c]!;
      const values = cols.values[c]!;
      if (values.length !== n) throw new Error(`BUG: PartWriter.writeBlock: column ${name} has ${values.length} values; want ${n}`);
      const enc = encodeColumn(values);
      if (enc.type === ValueType.const && enc.constValue === "") continue;
      const ch: ColumnHeader = { name, type: enc.type, constValue: enc.constValue, dict: enc.dict, min: enc.min, max: enc.max, valuesOffset: 0, valuesSize: 0, bloomOffset: 0, bloomSize: 0 };
      if (enc.type !== ValueType.const) {
        const isMsg = name === fn.msgColumn;
        // Only messages gain from high zstd levels; ids, numbers and short
        // strings compress as well (random ids better) at level 1, at a
        // fraction of the CPU.
        const data = pack(enc.data, isMsg ? level : 1);
        ch.valuesOffset = (isMsg ? this.msgVals : this.vals).write(data);
        ch.valuesSize = data.length;
        if (enc.type === ValueType.string) {
          const th = this.tokens;
          th.reset();
          th.addValues(values);
          const bits = th.buildFilter();
          ch.bloomOffset = (isMsg ? this.msgBloom : this.bloom).write(bits);
          ch.bloomSize = bits.length;
        }
      }
      chs.push(ch);
      if (chs.length > maxBlockColumns) throw new Error(`BUG: PartWriter.writeBlock: more than ${maxBlockColumns} columns in a block`);
    }
    s.reset();
    encodeColumnsHeader(s, chs);
    const chData = pack(s.bytes(), 1);
    const chOff = this.ch.write(chData);

    this.appendBlockHeader(n, ts[0]!, ts[n - 1]!, uncompressedSize, tsOff, tsData.length, chOff, chData.length);
  }

  private beginBlock(acc: number, proj: number, streamID: string, stream: string, minTs: bigint): void {
    if (acc !== this.lastAcc || proj !== this.lastProj || streamID !== this.lastStreamID) {
      const c = acc - this.lastAcc || proj - this.lastProj || (streamID < this.lastStreamID ? -1 : 1);
      if (this.streamsCount > 0 && c < 0) throw new Error(`BUG: PartWriter: stream ${streamID} of ${acc}:${proj} comes after ${this.lastStreamID} of ${this.lastAcc}:${this.lastProj}`);
      appendVarUint(this.streams, acc);
      appendVarUint(this.streams, proj);
      this.streams.appendBytes(hexToBytes(streamID));
      const sb = Buffer.from(stream, "utf8");
      appendVarUint(this.streams, sb.length);
      this.streams.appendBytes(sb);
      this.streamsCount++;
      this.lastAcc = acc;
      this.lastProj = proj;
      this.lastStreamID = streamID;
    } else if (minTs < this.lastMaxTs) {
      throw new Error(`BUG: PartWriter: blocks of stream ${streamID} overlap in time`);
    }
  }

  private appendBlockHeader(n: number, minTs: bigint, maxTs: bigint, uncompressedSize: number, tsOff: number, tsSize: number, chOff: number, chSize: number): void {
    this.lastMaxTs = maxTs;
    const b = this.blocks;
    appendVarUint(b, this.streamsCount - 1);
    appendVarUint(b, n);
    b.ensure(16);
    b.buf.writeBigInt64LE(minTs, b.length);
    b.buf.writeBigInt64LE(maxTs, b.length + 8);
    b.length += 16;
    appendVarUint(b, uncompressedSize);
    appendVarUint(b, tsOff);
    appendVarUint(b, tsSize);
    appendVarUint(b, chOff);
    appendVarUint(b, chSize);
    if (this.blocksCount === 0 || minTs < this.minTs) this.minTs = minTs;
    if (this.blocksCount === 0 || maxTs > this.maxTs) this.maxTs = maxTs;
    this.blocksCount++;
    this.rowsCount += n;
    this.uncompressed += uncompressedSize;
  }

  /**
   * copyBlock copies block i of part src as it is stored (values and bloom
   * filters byte for byte; the columns header gets the new offsets). The
   * order rules of writeBlock apply.
   */
  copyBlock(src: Part, i: number): void {
    const s = src.streams[src.blockStream[i]!]!;
    const minTs = src.blockMinTs[i]!;
    this.beginBlock(s.accountID, s.projectID, s.streamID, s.stream, minTs);
    const tsOff = this.ts.write(src.read(fn.timestampsFilename, src.blockTsOffset[i]!, src.blockTsSize[i]!));
    const chs = decodeColumnsHeader(src.readColumnsHeaderData(i));
    for (const ch of chs) {
      const isMsg = ch.name === fn.msgColumn;
      if (ch.valuesSize > 0) {
        const data = src.read(isMsg ? fn.messageValuesFilename : fn.valuesFilename, ch.valuesOffset, ch.valuesSize);
        ch.valuesOffset = (isMsg ? this.msgVals : this.vals).write(data);
      }
      if (ch.bloomSize > 0) {
        const bits = src.read(isMsg ? fn.messageBloomFilename : fn.bloomFilename, ch.bloomOffset, ch.bloomSize);
        ch.bloomOffset = (isMsg ? this.msgBloom : this.bloom).write(bits);
      }
    }
    const b = this.scratch;
    b.reset();
    encodeColumnsHeader(b, chs);
    const chData = pack(b.bytes(), 1);
    const chOff = this.ch.write(chData);
    this.appendBlockHeader(src.blockRows[i]!, minTs, src.blockMaxTs[i]!, src.blockUncompressed[i]!, tsOff, src.blockTsSize[i]!, chOff, chData.length);
  }

  /** rows written so far */
  get rows(): number {
    return this.rowsCount;
  }

  /** finish writes index.bin and metadata.json, fsyncs everything and returns the metadata. */
  finish(): PartMetadata {
    const idx = new ByteBuffer(this.streams.length + this.blocks.length + 16);
    appendVarUint(idx, this.streamsCount);
    idx.appendBytes(this.streams.bytes());
    appendVarUint(idx, this.blocksCount);
    idx.appendBytes(this.blocks.bytes());
    const idxFile = new OutFile(path.join(this.dir, fn.indexFilename));
    const packedIdx = pack(idx.bytes(), this.level);
    idxFile.write(packedIdx);
    idxFile.close(true);
    for (const f of [this.ts, this.ch, this.vals, this.bloom, this.msgVals, this.msgBloom]) f.close(true);
    const compressed = this.ts.offset + this.ch.offset + this.vals.offset + this.bloom.offset + this.msgVals.offset + this.msgBloom.offset + packedIdx.length;
    const meta: PartMetadata = {
      formatVersion,
      rowsCount: this.rowsCount,
      blocksCount: this.blocksCount,
      streamsCount: this.streamsCount,
      minTimestamp: String(this.minTs),
      maxTimestamp: String(this.maxTs),
      uncompressedSizeBytes: this.uncompressed,
      compressedSizeBytes: compressed,
      zstdLevel: this.level,
    };
    const mp = path.join(this.dir, fn.metadataFilename);
    const mfd = fs.openSync(mp, "w");
    fs.writeSync(mfd, JSON.stringify(meta));
    fs.fsyncSync(mfd);
    fs.closeSync(mfd);
    mustFsyncPath(this.dir);
    return meta;
  }
}
