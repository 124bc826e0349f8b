// A bounded map from the series text of a line to what was parsed from it,
// tuned for agents that send the same series in the same order every time.

interface Slot<T> {
  key: string;
  value: T;
  /** the slot looked up after this one last time */
  next: Slot<T> | undefined;
  /** the generation the slot was last put in */
  gen: number;
  /** set once the key was set again: the slot is no longer the key's */
  replaced: boolean;
}

/**
 * SeriesCache maps a key (a line's series text, a string of its own rather
 * than a slice of a request) to a value. It holds two generations of at most
 * maxEntries each: when the current one is full it becomes the previous one
 * and the older one is dropped; a hit in the previous one moves to the
 * current one. Each slot remembers the slot looked up right after it, and get
 * first tries that guess with one string comparison, which beats a hash
 * lookup when lines come in the same order request after request.
 */
export class SeriesCache<T> {
  private cur = new Map<string, Slot<T>>();
  private prev = new Map<string, Slot<T>>();
  private last: Slot<T> | undefined;
  private gen = 0;
  private readonly maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.maxEntries = maxEntries;
  }

  /** get returns the value cached under key, or undefined. */
  get(key: string): T | undefined {
    const g = this.last?.next;
    if (g !== undefined && !g.replaced && g.key === key) {
      if (g.gen !== this.gen) this.put(g);
      this.last = g;
      return g.value;
    }
    let s = this.cur.get(key);
    if (s === undefined) {
      s = this.prev.get(key);
      if (s === undefined) return undefined;
      this.put(s);
    }
    this.follow(s);
    return s.value;
  }

  /** set caches value under key (replacing what key had). */
  set(key: string, value: T): void {
    // A replaced slot may still be some slot's guess: it must not match any more.
    const old1 = this.cur.get(key);
    if (old1 !== undefined) old1.replaced = true;
    const old2 = this.prev.get(key);
    if (old2 !== undefined) old2.replaced = true;
    const s: Slot<T> = { key, value, next: undefined, gen: this.gen, replaced: false };
    this.put(s);
    this.follow(s);
  }

  /** size is the number of slots in both generations (a key may be counted twice). */
  get size(): number {
    return this.cur.size + this.prev.size;
  }

  private follow(s: Slot<T>): void {
    if (this.last !== undefined) this.last.next = s;
    this.last = s;
  }

  private put(s: Slot<T>): void {
    if (this.cur.size >= this.maxEntries) {
      // Slots of the dropped generation stop pointing anywhere, so that a
      // guess can never lead to a chain of dropped slots.
      for (const d of this.prev.values()) if (d.gen !== this.gen) d.next = undefined;
      this.prev = this.cur;
      this.cur = new Map();
      this.gen++;
    }
    s.gen = this.gen;
    this.cur.set(s.key, s);
  }
}
