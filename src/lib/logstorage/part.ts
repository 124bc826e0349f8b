// Part: an opened, immutable part directory. The index (streams and block
// headers) is loaded into typed arrays at open; timestamps, columns headers,
// values and bloom filters are read with pread on demand. Parts are
// reference-counted by their owner (the partition); see part_wrapper.ts.

import * as fs from "node:fs";
import * as path from "node:path";
import { ReaderAt } from "../fs/index.ts";
import { unpack } from "./compress.ts";
import * as fn from "./filenames.ts";
import { formatVersion, type PartMetadata } from "./part_writer.ts";

/** StreamEntry is one stream of a part. */
export interface PartStream {
  accountID: number;
  projectID: number;
  streamID: string;
  stream: string;
}

/** Part is an open part directory. */
export class Part {
  readonly path: string;
  readonly meta: PartMetadata;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly streams: PartStream[];
  /** block headers, column-wise */
  readonly blocksCount: number;
  readonly blockStream: Uint32Array;
  readonly blockRows: Uint32Array;
  readonly blockMinTs: BigInt64Array;
  readonly blockMaxTs: BigInt64Array;
  readonly blockUncompressed: Float64Array;
  readonly blockTsOffset: Float64Array;
  readonly blockTsSize: Uint32Array;
  readonly blockChOffset: Float64Array;
  readonly blockChSize: Uint32Array;
  /** bytes of the part's files */
  readonly sizeBytes: number;
  private files = new Map<string, ReaderAt>();

  private constructor(dir: string, meta: PartMetadata, index: Uint8Array, sizeBytes: number) {
    this.path = dir;
    this.meta = meta;
    this.sizeBytes = sizeBytes;
    this.minTimestamp = BigInt(meta.minTimestamp);
    this.maxTimestamp = BigInt(meta.maxTimestamp);
    const b = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
    let p = 0;
    const uv = (): number => {
      let v = 0;
      let mul = 1;
      for (;;) {
        if (p >= b.length) throw new Error(`cannot parse ${dir}/${fn.indexFilename}: got a truncated varint`);
        const c = b[p++]!;
        v += (c & 0x7f) * mul;
        if (c < 0x80) return v;
        mul *= 128;
      }
    };
    const ns = uv();
    this.streams = [];
    for (let i = 0; i < ns; i++) {
      const accountID = uv();
      const projectID = uv();
      const streamID = b.toString("hex", p, p + 16);
      p += 16;
      const l = uv();
      const stream = b.toString("utf8", p, p + l);
      p += l;
      this.streams.push({ accountID, projectID, streamID, stream });
    }
    const n = uv();
    if (n !== meta.blocksCount) throw new Error(`cannot open part ${dir}: got ${n} block headers; want ${meta.blocksCount}`);
    this.blocksCount = n;
    this.blockStream = new Uint32Array(n);
    this.blockRows = new Uint32Array(n);
    this.blockMinTs = new BigInt64Array(n);
    this.blockMaxTs = new BigInt64Array(n);
    this.blockUncompressed = new Float64Array(n);
    this.blockTsOffset = new Float64Array(n);
    this.blockTsSize = new Uint32Array(n);
    this.blockChOffset = new Float64Array(n);
    this.blockChSize = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const si = uv();
      if (si >= ns) throw new Error(`cannot open part ${dir}: block ${i} names stream ${si}; want < ${ns}`);
      this.blockStream[i] = si;
      this.blockRows[i] = uv();
      this.blockMinTs[i] = b.readBigInt64LE(p);
      this.blockMaxTs[i] = b.readBigInt64LE(p + 8);
      p += 16;
      this.blockUncompressed[i] = uv();
      this.blockTsOffset[i] = uv();
      this.blockTsSize[i] = uv();
      this.blockChOffset[i] = uv();
      this.blockChSize[i] = uv();
    }
    if (p !== b.length) throw new Error(`cannot open part ${dir}: got ${b.length - p} trailing bytes in ${fn.indexFilename}`);
  }

  /** open opens a part directory; it throws "cannot open part ..." when it is missing or malformed. */
  static open(dir: string): Part {
    let meta: PartMetadata;
    try {
      meta = JSON.parse(fs.readFileSync(path.join(dir, fn.metadataFilename), "utf8")) as PartMetadata;
    } catch (e) {
      throw new Error(`cannot open part ${dir}: ${(e as Error).message}`);
    }
    if (meta.formatVersion !== formatVersion) throw new Error(`cannot open part ${dir}: got format version ${meta.formatVersion}; want ${formatVersion}`);
    const index = unpack(fs.readFileSync(path.join(dir, fn.indexFilename)));
    let size = 0;
    for (const f of fs.readdirSync(dir)) size += fs.statSync(path.join(dir, f)).size;
    return new Part(dir, meta, index, size);
  }

  /** read returns size bytes at off of one of the part's files. */
  read(file: string, off: number, size: number): Buffer {
    let r = this.files.get(file);
    if (r === undefined) {
      r = new ReaderAt(path.join(this.path, file));
      this.files.set(file, r);
    }
    return r.mustReadAt(off, size);
  }

  /** readTimestampsData returns the packed timestamps of block i, unpacked. */
  readTimestampsData(i: number): Uint8Array {
    return unpack(this.read(fn.timestampsFilename, this.blockTsOffset[i]!, this.blockTsSize[i]!));
  }

  /** readColumnsHeaderData returns the encoded columns header of block i, unpacked. */
  readColumnsHeaderData(i: number): Uint8Array {
    return unpack(this.read(fn.columnsHeaderFilename, this.blockChOffset[i]!, this.blockChSize[i]!));
  }

  /** close releases the file descriptors. */
  close(): void {
    for (const r of this.files.values()) r.close();
    this.files.clear();
  }
}
