// Decoded label sets of remote write series, keyed by their encoded bytes.

import type { Label } from "./write_rows.ts";

/**
 * LabelsCache maps the encoded label fields of a series (as a latin1 key string) to the
 * decoded labels, so that a series that a client sends again in every request (as
 * Prometheus and vmagent do) is decoded into strings once, not once per request. It
 * holds two generations of at most maxEntries each: when the current one is full, it
 * becomes the previous one and the oldest is dropped; an entry found in the previous
 * generation moves to the current one.
 */
export class LabelsCache {
  private cur = new Map<string, readonly Label[]>();
  private prev = new Map<string, readonly Label[]>();
  private readonly maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.maxEntries = maxEntries;
  }

  /** get returns the labels cached under key, or undefined. */
  get(key: string): readonly Label[] | undefined {
    const v = this.cur.get(key);
    if (v !== undefined) return v;
    const p = this.prev.get(key);
    if (p !== undefined) this.set(key, p);
    return p;
  }

  /** set caches labels under key. */
  set(key: string, labels: readonly Label[]): void {
    if (this.cur.size >= this.maxEntries) {
      this.prev = this.cur;
      this.cur = new Map();
    }
    this.cur.set(key, labels);
  }

  /** size is the number of entries in both generations (an entry may be counted twice). */
  get size(): number {
    return this.cur.size + this.prev.size;
  }
}
