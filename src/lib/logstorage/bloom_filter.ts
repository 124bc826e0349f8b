// Bloom filters of tokens, one per (block, column) of string values: a
// block is read only when its filter says every token of a word or phrase
// filter may be present. bloomBitsPerToken bits per distinct token and
// bloomHashesCount probes give a false-positive rate near 0.1%. Bits are
// stored little-endian in 64-bit words (bit i is byte i>>3, bit i&7); the
// filter size in bits is its byte length * 8, so readers need no header.

import { asciiTokenChar, forEachToken } from "./tokenizer.ts";

/** bloomBitsPerToken is the filter size per distinct token. */
export const bloomBitsPerToken = 16;
/** bloomHashesCount is the number of bits set (and probed) per token. */
export const bloomHashesCount = 6;

// The two base hashes of double hashing (probe i = h1 + i*h2), computed over
// the UTF-16 code units of s[start:end]. The results go to hashOut.
const hashOut = new Uint32Array(2);

function hashRange(s: string, start: number, end: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  finishHash(h1, h2, end - start);
}

function finishHash(h1: number, h2: number, len: number): void {
  h1 ^= len;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= len;
  h2 ^= h2 >>> 15;
  h2 = Math.imul(h2, 0x2c1b3c6d);
  h2 ^= h2 >>> 12;
  hashOut[0] = h1;
  hashOut[1] = h2 | 1;
}

/**
 * TokenHashes collects the distinct tokens of many values as hash pairs, so
 * that a filter can be sized by the number of distinct tokens.
 */
export class TokenHashes {
  h1 = new Uint32Array(256);
  h2 = new Uint32Array(256);
  count = 0;
  // Open-addressing set of the (h1, h2) pairs seen: slot i holds h1 in
  // tab[2i] and h2 in tab[2i+1]; h2 is odd, so 0 marks an empty slot.
  private tab = new Uint32Array(2048);
  private mask = 1023;
  private cur = "";

  reset(): void {
    this.count = 0;
    if (this.tab.length > 2048) {
      this.tab = new Uint32Array(2048);
      this.mask = 1023;
    } else {
      this.tab.fill(0);
    }
  }

  /** addValue adds the tokens of s. */
  addValue(s: string): void {
    this.cur = s;
    forEachToken(s, this.onToken);
    this.cur = "";
  }

  /** addTokenRange adds s[start:end] as one token. */
  addTokenRange(s: string, start: number, end: number): void {
    hashRange(s, start, end);
    this.insert(hashOut[0]!, hashOut[1]!);
  }

  private insert(a: number, b: number): void {
    const tab = this.tab;
    const mask = this.mask;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const t2 = tab[2 * i + 1]!;
      if (t2 === 0) break;
      if (t2 === b && tab[2 * i] === a) return;
      i = (i + 1) & mask;
    }
    tab[2 * i] = a;
    tab[2 * i + 1] = b;
    if (this.count === this.h1.length) {
      const n1 = new Uint32Array(this.count * 2);
      n1.set(this.h1);
      this.h1 = n1;
      const n2 = new Uint32Array(this.count * 2);
      n2.set(this.h2);
      this.h2 = n2;
    }
    this.h1[this.count] = a;
    this.h2[this.count] = b;
    this.count++;
    if (this.count * 2 > mask) this.rehash();
  }

  // addASCII tokenizes and hashes s in one pass; it returns false (having
  // added some tokens, which is harmless) when s is not all ASCII.
  private addASCII(s: string): boolean {
    const n = s.length;
    let h1 = 0;
    let h2 = 0;
    let start = -1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      if (asciiTokenChar[c] === 1) {
        if (start < 0) {
          start = i;
          h1 = 0x811c9dc5;
          h2 = 0x9747b28c;
        }
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
        h2 ^= h2 >>> 13;
      } else if (start >= 0) {
        finishHash(h1, h2, i - start);
        this.insert(hashOut[0]!, hashOut[1]!);
        start = -1;
      }
    }
    if (start >= 0) {
      finishHash(h1, h2, n - start);
      this.insert(hashOut[0]!, hashOut[1]!);
    }
    return true;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.tab = new Uint32Array(size * 2);
    this.mask = size - 1;
    const tab = this.tab;
    const mask = this.mask;
    for (let k = 0; k < this.count; k++) {
      const a = this.h1[k]!;
      const b = this.h2[k]!;
      let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
      while (tab[2 * i + 1] !== 0) i = (i + 1) & mask;
      tab[2 * i] = a;
      tab[2 * i + 1] = b;
    }
  }

  private onToken = (start: number, end: number): void => {
    this.addTokenRange(this.cur, start, end);
  };

  /** addValues adds the tokens of every value. */
  addValues(values: readonly string[]): void {
    let prev = "";
    for (let i = 0; i < values.length; i++) {
      const s = values[i]!;
      // Runs of equal values are common (const-like columns); their tokens are in already.
      if (s.length === 0 || s === prev) continue;
      prev = s;
      if (this.addASCII(s)) continue;
      this.cur = s;
      forEachToken(s, this.onToken);
    }
    this.cur = "";
  }

  /** buildFilter returns the bloom filter of the collected tokens (empty when there are none). */
  buildFilter(): Uint8Array {
    const n = this.count;
    if (n === 0) return new Uint8Array(0);
    const words = Math.ceil((n * bloomBitsPerToken) / 64);
    const bits = new Uint8Array(words * 8);
    const m = words * 64;
    const h1 = this.h1;
    const h2 = this.h2;
    for (let t = 0; t < n; t++) {
      const a = h1[t]!;
      const b = h2[t]!;
      for (let i = 0; i < bloomHashesCount; i++) {
        const bit = ((a + Math.imul(i, b)) >>> 0) % m;
        bits[bit >>> 3]! |= 1 << (bit & 7);
      }
    }
    return bits;
  }
}

/** bloomFilterOf returns the filter of the distinct tokens of values (a convenience for tests and small inputs). */
export function bloomFilterOf(values: readonly string[]): Uint8Array {
  const th = new TokenHashes();
  th.addValues(values);
  return th.buildFilter();
}

/**
 * bloomMayContainAll reports whether the filter may contain every token (an
 * empty filter contains none; an empty token list is always contained).
 */
export function bloomMayContainAll(bits: Uint8Array, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  const m = bits.length * 8;
  if (m === 0) return false;
  for (const t of tokens) {
    hashRange(t, 0, t.length);
    const a = hashOut[0]!;
    const b = hashOut[1]!;
    for (let i = 0; i < bloomHashesCount; i++) {
      const bit = ((a + Math.imul(i, b)) >>> 0) % m;
      if ((bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    }
  }
  return true;
}
