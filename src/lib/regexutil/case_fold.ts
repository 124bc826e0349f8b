// Unicode simple case folding orbits, for (?i).
//
// Go's (?i) treats two code points as equal when they have the same simple case
// folding (CaseFolding.txt, statuses C and S): k, K and U+212A KELVIN SIGN form one
// orbit, s, S and U+017F LONG S another. JavaScript does not expose the folding
// table, but a RegExp with the "iu" flags compares code points by exactly that
// folding (ECMAScript Canonicalize), so the orbits are built once, lazily, from
// candidate pairs (a code point and its one-code-point lower/upper case) confirmed
// by such a RegExp. The tables follow the Unicode version of the running Node,
// which may be newer than Go's.

import { cleanClass } from "./char_class.ts";

// Folding only involves code points in this window (Go uses 0x41..0x1e943; the
// upper end is widened for newer Unicode versions).
const MIN_FOLD = 0x41;
const MAX_FOLD = 0x1ffff;

// Pairs that fold together although neither is the other's one-code-point case
// mapping (simple foldings added in Unicode 15).
const EXTRA_PAIRS = [0x390, 0x1fd3, 0x3b0, 0x1fe3, 0xfb05, 0xfb06];

let keys: Int32Array | undefined; // sorted code points with a non-trivial orbit
let orbitIndex: Int32Array = new Int32Array(0); // keys[i] belongs to orbits[orbitIndex[i]]
let orbits: number[][] = [];

function foldEqual(a: number, b: number): boolean {
  return new RegExp(`^\\u{${a.toString(16)}}$`, "iu").test(String.fromCodePoint(b));
}

function build(): Int32Array {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const pairs: number[] = EXTRA_PAIRS.slice();
  for (let c = MIN_FOLD; c <= MAX_FOLD; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    const lower = s.toLowerCase();
    const upper = s.toUpperCase();
    for (const t of lower === upper ? [lower] : [lower, upper]) {
      if (t === s) continue;
      const d = t.codePointAt(0)!;
      if (String.fromCodePoint(d) === t) pairs.push(c, d);
    }
  }
  for (let i = 0; i < pairs.length; i += 2) {
    if (foldEqual(pairs[i]!, pairs[i + 1]!)) union(pairs[i]!, pairs[i + 1]!);
  }
  const groups = new Map<number, number[]>();
  for (const c of parent.keys()) {
    const r = find(c);
    let g = groups.get(r);
    if (g === undefined) groups.set(r, (g = []));
    g.push(c);
  }
  const all: number[] = [];
  orbits = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a - b);
    orbits.push(g);
    all.push(...g);
  }
  all.sort((a, b) => a - b);
  const k = Int32Array.from(all);
  const idx = new Int32Array(k.length);
  const where = new Map<number, number>();
  orbits.forEach((g, i) => { for (const c of g) where.set(c, i); });
  for (let i = 0; i < k.length; i++) idx[i] = where.get(k[i]!)!;
  orbitIndex = idx;
  return k;
}

function table(): Int32Array {
  if (keys === undefined) keys = build();
  return keys;
}

// lowerBound returns the first index i with a[i] >= x.
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** foldOrbit returns the sorted code points that fold together with c (c included), or undefined when c folds only to itself. */
export function foldOrbit(c: number): readonly number[] | undefined {
  if (c < MIN_FOLD || c > MAX_FOLD) return undefined;
  const k = table();
  const i = lowerBound(k, c);
  if (i < k.length && k[i] === c) return orbits[orbitIndex[i]!];
  return undefined;
}

/** hasFold reports whether some other code point folds together with c. */
export function hasFold(c: number): boolean {
  if (c < MIN_FOLD) return false;
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return foldOrbit(c) !== undefined;
}

/** appendFoldedRange appends to dst the range [lo, hi] and every code point folding together with one in it (dst is left unclean). */
export function appendFoldedRange(dst: number[], lo: number, hi: number): void {
  dst.push(lo, hi);
  if (hi < MIN_FOLD || lo > MAX_FOLD) return;
  const k = table();
  for (let i = lowerBound(k, lo); i < k.length && k[i]! <= hi; i++) {
    for (const m of orbits[orbitIndex[i]!]!) {
      if (m < lo || m > hi) dst.push(m, m);
    }
  }
}

/** foldClass returns the clean class r closed under simple case folding. */
export function foldClass(r: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < r.length; i += 2) appendFoldedRange(out, r[i]!, r[i + 1]!);
  return cleanClass(out);
}
