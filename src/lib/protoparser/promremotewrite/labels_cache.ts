// Decoded label sets of remote write series, keyed by their encoded bytes.

import type { Label } from "./write_rows.ts";

interface Entry {
  key: string;
  labels: readonly Label[];
  /** the entry looked up after this one last time */
  next: Entry | undefined;
  /** the generation the entry was last put in */
  gen: number;
}

/**
 * LabelsCache maps the encoded label fields of a series (as a latin1 key string) to the
 * decoded labels, so that a series that a client sends again in every request (as
 * Prometheus and vmagent do) is decoded into strings once, not once per request. It
 * holds two generations of at most maxEntries each: when the current one is full, it
 * becomes the previous one and the oldest is dropped; an entry found in the previous
 * generation moves to the current one. Clients send their series in the same order
 * request after request, so each entry remembers the one looked up after it, and get
 * first checks that guess with one string comparison, which is cheaper than a lookup
 * in a large map.
 */
export class LabelsCache {
  private cur = new Map<string, Entry>();
  private prev = new Map<string, Entry>();
  private last: Entry | undefined;
  private gen = 0;
  private readonly maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.maxEntries = maxEntries;
  }

  /** get returns the labels cached under key, or undefined. */
  get(key: string): readonly Label[] | undefined {
    const g = this.last?.next;
    if (g !== undefined && g.key === key) {
      if (g.gen !== this.gen) this.put(g);
      this.last = g;
      return g.labels;
    }
    let e = this.cur.get(key);
    if (e === undefined) {
      e = this.prev.get(key);
      if (e === undefined) return undefined;
      this.put(e);
    }
    this.follow(e);
    return e.labels;
  }

  /** set caches labels under key. */
  set(key: string, labels: readonly Label[]): void {
    const e: Entry = { key, labels, next: undefined, gen: this.gen };
    this.put(e);
    this.follow(e);
  }

  /** size is the number of entries in both generations (an entry may be counted twice). */
  get size(): number {
    return this.cur.size + this.prev.size;
  }

  private follow(e: Entry): void {
    if (this.last !== undefined) this.last.next = e;
    this.last = e;
  }

  private put(e: Entry): void {
    if (this.cur.size >= this.maxEntries) {
      // The oldest generation goes: its entries stop pointing anywhere, so that
      // guesses (each entry points to one other) can never chain dropped entries.
      for (const d of this.prev.values()) if (d.gen !== this.gen) d.next = undefined;
      this.prev = this.cur;
      this.cur = new Map();
      this.gen++;
    }
    e.gen = this.gen;
    this.cur.set(e.key, e);
  }
}
