// A small least-recently-used cache bounded by entry count and total weight.

/**
 * LruCache keeps at most maxEntries values whose weights sum to at most maxWeight,
 * evicting the least recently used first. A value heavier than maxWeight is not kept.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private readonly maxEntries: number;
  private readonly maxWeight: number;
  private weight = 0;

  constructor(maxEntries: number, maxWeight = Infinity) {
    this.maxEntries = maxEntries;
    this.maxWeight = maxWeight;
  }

  /** get returns the value for key (marking it recently used), or undefined. */
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** set stores value under key with the given weight, evicting old entries as needed. */
  set(key: K, value: V, weight = 1): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.weight -= old.weight;
    }
    if (weight > this.maxWeight) return;
    this.map.set(key, { value, weight });
    this.weight += weight;
    for (const [k, e] of this.map) {
      if (this.map.size <= this.maxEntries && this.weight <= this.maxWeight) break;
      this.map.delete(k);
      this.weight -= e.weight;
    }
  }

  /** size is the number of cached entries. */
  get size(): number {
    return this.map.size;
  }

  /** clear removes every entry. */
  clear(): void {
    this.map.clear();
    this.weight = 0;
  }
}
