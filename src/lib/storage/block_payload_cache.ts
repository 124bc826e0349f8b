// BlockPayloadCache keeps the decompressed payloads of recently read
// timestamp and value blocks, so that a block read again (a dashboard
// refreshing, several panels over the same series) skips the file read and
// zstd, which cost most of a search's time. The idea is ClickHouse's
// "uncompressed cache": the bytes stay encoded (about 1-2 bytes per sample
// for varint deltas), so the cache holds many more samples than decoded
// float64 pairs (16 bytes per sample) would.

import { decompressBlockPayload, plainMarshalType } from "../encoding/index.ts";
import type { PartSource } from "./part.ts";

const empty = new Uint8Array(0);


/**
 * BlockPayloadCache is a byte-bounded cache of decompressed block payloads,
 * keyed by part (its process-unique seq), stream and offset. Parts never
 * change, so an entry never goes stale; entries of removed parts age out.
 * Two generations, as VictoriaMetrics' workingsetcache: entries go into the
 * current map; a hit in the previous one moves the entry over; when the
 * current map holds half the budget it becomes the previous one (the old
 * previous is dropped). Every step is O(1).
 */
export class BlockPayloadCache {
  private maxBytes: number;
  // part seq -> (offset * 2 + stream) -> payload: numeric keys hash fast.
  private curr = new Map<number, Map<number, Uint8Array>>();
  private prev = new Map<number, Map<number, Uint8Array>>();
  private currEntries = 0;
  private prevEntries = 0;
  private currBytes = 0;
  private prevBytes = 0;
  requests = 0;
  misses = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** setMaxBytes changes the budget (0 disables the cache), dropping everything. */
  setMaxBytes(n: number): void {
    this.maxBytes = n;
    this.curr = new Map();
    this.prev = new Map();
    this.currBytes = this.prevBytes = 0;
    this.currEntries = this.prevEntries = 0;
  }

  /** sizeBytes is the bytes held (estimated: payloads plus keys and overhead). */
  get sizeBytes(): number { return this.currBytes + this.prevBytes; }
  /** entries is the number of payloads held. */
  get entries(): number { return this.currEntries + this.prevEntries; }

  /**
   * payload returns the bytes to decode for a block: for a zstd marshal type
   * the decompressed payload and the matching uncompressed type, otherwise
   * the stored bytes as they are (cached too: a read is a system call).
   * stream is "t" (timestamps) or "v" (values); n is the block's row count
   * (it bounds the decompressed size).
   */
  payload(partSeq: number, src: PartSource, stream: "t" | "v", off: number, size: number, marshalType: number, n: number): [Uint8Array, number] {
    const plain = plainMarshalType(marshalType);
    if (size === 0) return [empty, marshalType];
    const hit = this.lookup(partSeq, stream, off);
    if (hit !== undefined) return [hit, plain];
    return [this.store(partSeq, stream, off, decompressBlockPayload(readPayload(src, stream, off, size), marshalType, n)), plain];
  }

  /** lookup returns the cached (decompressed) payload of a block's stream, or undefined (counted as a miss). */
  lookup(partSeq: number, stream: "t" | "v", off: number): Uint8Array | undefined {
    this.requests++;
    const key = off * 2 + (stream === "v" ? 1 : 0);
    let b = this.curr.get(partSeq)?.get(key);
    if (b !== undefined) return b;
    b = this.prev.get(partSeq)?.get(key);
    if (b !== undefined) {
      this.add(partSeq, key, b);
      return b;
    }
    this.misses++;
    return undefined;
  }

  /**
   * store caches a copy of b, the decompressed payload of a block's stream,
   * unless it is too large; returns the copy (or b when not cached).
   */
  store(partSeq: number, stream: "t" | "v", off: number, b: Uint8Array): Uint8Array {
    if (!(this.maxBytes > 0 && b.length < this.maxBytes / 16)) return b;
    // A stored payload is copied: b may be a view of a whole in-memory part,
    // of a shared allocation pool or of zlib's 64 KiB output buffer, which
    // the cache must not keep alive.
    const c = new Uint8Array(b);
    this.add(partSeq, off * 2 + (stream === "v" ? 1 : 0), c);
    return c;
  }

  private add(partSeq: number, key: number, b: Uint8Array): void {
    let m = this.curr.get(partSeq);
    if (m === undefined) {
      m = new Map();
      this.curr.set(partSeq, m);
    }
    m.set(key, b);
    this.currEntries++;
    this.currBytes += b.length + 64;
    if (this.currBytes > this.maxBytes / 2) {
      this.prev = this.curr;
      this.prevBytes = this.currBytes;
      this.prevEntries = this.currEntries;
      this.curr = new Map();
      this.currBytes = 0;
      this.currEntries = 0;
    }
  }
}

/** readPayload reads the stored bytes of a block's stream. */
export function readPayload(src: PartSource, stream: "t" | "v", off: number, size: number): Uint8Array {
  return stream === "t" ? src.readTimestamps(off, size) : src.readValues(off, size);
}

/** blockPayloadCache is the process-wide cache the search path reads blocks through (64 MiB by default). */
export const blockPayloadCache = new BlockPayloadCache(64 << 20);
