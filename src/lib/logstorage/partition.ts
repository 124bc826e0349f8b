// Partition: one UTC day of logs, partitions/YYYYMMDD/ with the stream
// index (indexdb, a mergeset table) and the data parts (datadb/<part>).
// Index items: 0x01, accountID u32 BE, projectID u32 BE, stream id (16
// bytes), canonical stream (UTF-8): one per stream with rows in the day.

import * as path from "node:path";
import { mustRemoveAll } from "../fs/index.ts";
import { Table } from "../mergeset/index.ts";
import * as fn from "./filenames.ts";
import type { Part } from "./part.ts";

/** indexPrefixStream starts the stream items of the index. */
export const indexPrefixStream = 1;

/** PartWrapper counts the references to a part: one while it is listed, one per search or merge using it. */
export class PartWrapper {
  readonly part: Part;
  readonly name: string;
  private refs = 1;
  inMerge = false;
  /** when the part was added (ms since the epoch) */
  readonly createdAt = Date.now();
  /** set when the part is no longer listed: the directory goes with the last reference */
  mustDrop = false;

  constructor(part: Part, name: string) {
    this.part = part;
    this.name = name;
  }

  incRef(): void {
    if (this.refs <= 0) throw new Error(`BUG: incRef on released part ${this.name}`);
    this.refs++;
  }

  decRef(): void {
    this.refs--;
    if (this.refs > 0) return;
    if (this.refs < 0) throw new Error(`BUG: part ${this.name} released more often than referenced`);
    this.part.close();
    if (this.mustDrop) mustRemoveAll(this.part.path);
  }

  get refCount(): number {
    return this.refs;
  }
}

/** streamIndexItem returns the index item of a stream. */
export function streamIndexItem(acc: number, proj: number, streamID: string, stream: string): Uint8Array {
  const sb = Buffer.from(stream, "utf8");
  const item = Buffer.allocUnsafe(1 + 8 + 16 + sb.length);
  item[0] = indexPrefixStream;
  item.writeUInt32BE(acc >>> 0, 1);
  item.writeUInt32BE(proj >>> 0, 5);
  item.write(streamID, 9, 16, "hex");
  sb.copy(item, 25);
  return item;
}

/** parseStreamIndexItem is the inverse of streamIndexItem; undefined for other items. */
export function parseStreamIndexItem(item: Uint8Array): { accountID: number; projectID: number; streamID: string; stream: string } | undefined {
  if (item.length < 25 || item[0] !== indexPrefixStream) return undefined;
  const b = Buffer.from(item.buffer, item.byteOffset, item.byteLength);
  return { accountID: b.readUInt32BE(1), projectID: b.readUInt32BE(5), streamID: b.toString("hex", 9, 25), stream: b.toString("utf8", 25) };
}

/** Partition is one day. */
export class Partition {
  readonly day: number;
  readonly name: string;
  readonly dir: string;
  readonly datadb: string;
  readonly index: Table;
  parts: PartWrapper[] = [];
  /** registered streams, as accountID:projectID:streamID */
  readonly streams = new Set<string>();
  dropped = false;

  constructor(root: string, day: number, indexFlushIntervalMs: number) {
    this.day = day;
    this.name = fn.dayName(day);
    this.dir = path.join(root, fn.partitionsDirname, this.name);
    this.datadb = path.join(this.dir, fn.datadbDirname);
    this.index = Table.mustOpen(path.join(this.dir, fn.indexdbDirname), { flushIntervalMs: indexFlushIntervalMs });
    const ts = this.index.search();
    try {
      ts.seek(Uint8Array.of(indexPrefixStream));
      while (ts.nextItem()) {
        const it = parseStreamIndexItem(ts.item);
        if (it === undefined) break;
        this.streams.add(`${it.accountID}:${it.projectID}:${it.streamID}`);
      }
    } finally {
      ts.close();
    }
  }

  /** minTimestamp and maxTimestamp bound the day, in ns. */
  get minTimestamp(): bigint {
    return BigInt(this.day) * 86_400_000_000_000n;
  }
  get maxTimestamp(): bigint {
    return this.minTimestamp + 86_399_999_999_999n;
  }

  /** registerStream adds a stream to the index; returns true when it is new for the day. */
  registerStream(acc: number, proj: number, streamID: string, stream: string): boolean {
    const key = `${acc}:${proj}:${streamID}`;
    if (this.streams.has(key)) return false;
    this.streams.add(key);
    this.index.addItems([streamIndexItem(acc, proj, streamID, stream)]);
    return true;
  }

  /** forEachStream calls f for every indexed stream of a tenant. */
  forEachStream(acc: number, proj: number, f: (streamID: string, stream: string) => void): void {
    const prefix = Buffer.allocUnsafe(9);
    prefix[0] = indexPrefixStream;
    prefix.writeUInt32BE(acc >>> 0, 1);
    prefix.writeUInt32BE(proj >>> 0, 5);
    const ts = this.index.search();
    try {
      ts.seek(prefix);
      while (ts.nextItem()) {
        const it = parseStreamIndexItem(ts.item);
        if (it === undefined || it.accountID !== acc >>> 0 || it.projectID !== proj >>> 0) break;
        f(it.streamID, it.stream);
      }
    } finally {
      ts.close();
    }
  }

  /** sizeBytes is the bytes of the parts and the index on disk. */
  sizeBytes(): number {
    let n = this.index.stats().sizeBytes;
    for (const pw of this.parts) n += pw.part.sizeBytes;
    return n;
  }
}
