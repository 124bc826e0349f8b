// A byte-bounded LRU of decoded blocks and index blocks, shared by every
// table in the process, so that repeated seeks into hot ranges skip the read
// and the decode. Parts have process-unique uids, so entries of a removed
// part are never hit again and age out.

/** LruCache maps string keys to values with a caller-given size, evicting least recently used entries above maxBytes. */
export class LruCache<V> {
  maxBytes: number;
  private readonly m = new Map<string, { v: V; size: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** get returns the value for key and marks it recently used. */
  get(key: string): V | undefined {
    const e = this.m.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to move it to the end of the Map's insertion order.
    this.m.delete(key);
    this.m.set(key, e);
    return e.v;
  }

  /** set stores v under key; values bigger than maxBytes are not stored. */
  set(key: string, v: V, size: number): void {
    const old = this.m.get(key);
    if (old !== undefined) {
      this.bytes -= old.size;
      this.m.delete(key);
    }
    if (size > this.maxBytes) return;
    this.m.set(key, { v, size });
    this.bytes += size;
    if (this.bytes > this.maxBytes) {
      for (const [k, e] of this.m) {
        this.m.delete(k);
        this.bytes -= e.size;
        if (this.bytes <= this.maxBytes) break;
      }
    }
  }

  /** sizeBytes returns the total size of the cached values. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** entries returns the number of cached values. */
  get entries(): number {
    return this.m.size;
  }

  /** clear drops every entry. */
  clear(): void {
    this.m.clear();
    this.bytes = 0;
  }
}
