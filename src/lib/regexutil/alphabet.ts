// The input alphabet of a program, reduced to equivalence classes ("colors").
//
// Two code points get the same color when every character class of the program
// (and every extra class, such as \w for \b) contains both or neither. The DFA
// then has one transition per color instead of one per code point; like RE2's
// byte classes, but over code points.

import { MAX_RUNE, classContains } from "./char_class.ts";
import type { Program } from "./program.ts";
import { WORD_CLASS } from "./unicode_tables.ts";

/**
 * Alphabet maps code points to colors 0..numColors-1. Interval k of the code point
 * space is [bounds[k], bounds[k+1]) and has color intervalColor[k]; latin caches the
 * colors of U+0000..U+00FF. classHas[c * numColors + color] is 1 when program class c
 * contains that color. colorRep holds a non-surrogate member of each color, or -1
 * when the color holds only surrogates (which never occur in decoded input).
 */
export interface Alphabet {
  readonly numColors: number;
  readonly bounds: Int32Array;
  readonly intervalColor: Int32Array;
  readonly latin: Int32Array;
  readonly classHas: Uint8Array;
  readonly colorRep: Int32Array;
  readonly colorIsWord: Uint8Array;
  readonly colorIsNewline: Uint8Array;
}

// upperBound returns the number of elements of the sorted a that are <= x.
function upperBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * buildAlphabet computes the colors for the given program classes. When
 * splitWordAndNewline is set, \w characters and \n are also told apart from the
 * rest, so that colorIsWord and colorIsNewline are exact (needed by \b, ^ and $).
 */
export function buildAlphabet(classes: readonly (readonly number[])[], splitWordAndNewline: boolean): Alphabet {
  const all: (readonly number[])[] = classes.slice();
  if (splitWordAndNewline) all.push(WORD_CLASS, [0x0a, 0x0a]);
  const set = new Set<number>([0, 0xd800, 0xe000]);
  for (const r of all) {
    for (let i = 0; i < r.length; i += 2) {
      set.add(r[i]!);
      if (r[i + 1]! < MAX_RUNE) set.add(r[i + 1]! + 1);
    }
  }
  const bounds = Int32Array.from(set).sort();
  const n = bounds.length;
  const intervalOf = (c: number) => upperBound(bounds, c) - 1;
  const forEachInterval = (r: readonly number[], fn: (k: number) => void) => {
    for (let i = 0; i < r.length; i += 2) {
      const last = intervalOf(r[i + 1]!);
      for (let k = intervalOf(r[i]!); k <= last; k++) fn(k);
    }
  };

  // Partition refinement: each class splits every color into its inside and outside.
  const color = new Int32Array(n);
  let next = 1;
  for (const r of all) {
    const remap = new Map<number, number>();
    forEachInterval(r, (k) => {
      const old = color[k]!;
      let c = remap.get(old);
      if (c === undefined) remap.set(old, (c = next++));
      color[k] = c;
    });
  }
  const dense = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    let c = dense.get(color[k]!);
    if (c === undefined) dense.set(color[k]!, (c = dense.size));
    color[k] = c;
  }
  const numColors = dense.size;

  const classHas = new Uint8Array(classes.length * numColors);
  classes.forEach((r, ci) => forEachInterval(r, (k) => { classHas[ci * numColors + color[k]!] = 1; }));

  const colorRep = new Int32Array(numColors).fill(-1);
  const colorFirst = new Int32Array(numColors).fill(-1);
  for (let k = 0; k < n; k++) {
    const c = color[k]!;
    if (colorFirst[c] === -1) colorFirst[c] = bounds[k]!;
    const surrogate = bounds[k]! >= 0xd800 && bounds[k]! <= 0xdfff;
    if (!surrogate && colorRep[c] === -1) colorRep[c] = bounds[k]!;
  }
  const colorIsWord = new Uint8Array(numColors);
  const colorIsNewline = new Uint8Array(numColors);
  for (let c = 0; c < numColors; c++) {
    colorIsWord[c] = classContains(WORD_CLASS, colorFirst[c]!) ? 1 : 0;
    colorIsNewline[c] = colorFirst[c] === 0x0a ? 1 : 0;
  }
  const latin = new Int32Array(256);
  for (let c = 0; c < 256; c++) latin[c] = color[intervalOf(c)]!;
  return { numColors, bounds, intervalColor: color, latin, classHas, colorRep, colorIsWord, colorIsNewline };
}

/** colorOf returns the color of code point c. */
export function colorOf(a: Alphabet, c: number): number {
  if (c < 256) return a.latin[c]!;
  return a.intervalColor[upperBound(a.bounds, c) - 1]!;
}

/** alphabetFor builds the alphabet a DFA or NFA over prog needs (splitting \w and \n when prog has assertions). */
export function alphabetFor(prog: Program): Alphabet {
  return buildAlphabet(prog.classes, prog.hasAsserts);
}
