// Character classes as sorted lists of inclusive code point ranges.
//
// A class is a flat number[] [lo0, hi0, lo1, hi1, ...]. A "clean" class has its
// ranges sorted, disjoint and non-adjacent (lo(k+1) > hi(k) + 1); every function
// here that takes a class expects it clean unless it says otherwise.

/** MAX_RUNE is the largest Unicode code point. */
export const MAX_RUNE = 0x10ffff;

/** cleanClass sorts the ranges of r (in any order, possibly overlapping) and merges them; it returns a new clean class. */
export function cleanClass(r: readonly number[]): number[] {
  const n = r.length >> 1;
  if (n === 0) return [];
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => r[2 * a]! - r[2 * b]! || r[2 * b + 1]! - r[2 * a + 1]!);
  const out: number[] = [r[2 * idx[0]!]!, r[2 * idx[0]! + 1]!];
  for (let k = 1; k < n; k++) {
    const lo = r[2 * idx[k]!]!;
    const hi = r[2 * idx[k]! + 1]!;
    const last = out.length - 1;
    if (lo <= out[last]! + 1) {
      if (hi > out[last]!) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** negateClass returns the complement of the clean class r within [0, MAX_RUNE]. */
export function negateClass(r: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1);
    next = r[i + 1]! + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

/** classContains reports whether the clean class r contains code point c (binary search). */
export function classContains(r: readonly number[], c: number): boolean {
  let lo = 0;
  let hi = (r.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < r[2 * mid]!) hi = mid - 1;
    else if (c > r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** classSize returns the number of code points in the clean class r. */
export function classSize(r: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < r.length; i += 2) n += r[i + 1]! - r[i]! + 1;
  return n;
}

/** classKey returns a string that is equal for equal clean classes (a map key). */
export function classKey(r: readonly number[]): string {
  return r.join(",");
}

/** isFullClass reports whether the clean class r contains every code point. */
export function isFullClass(r: readonly number[]): boolean {
  return r.length === 2 && r[0] === 0 && r[1] === MAX_RUNE;
}

/** isAnyButNewline reports whether the clean class r is every code point except \n. */
export function isAnyButNewline(r: readonly number[]): boolean {
  return r.length === 4 && r[0] === 0 && r[1] === 9 && r[2] === 11 && r[3] === MAX_RUNE;
}

/**
 * classRunes returns the code points of the clean class r, or undefined when there
 * are more than limit. Surrogates are left out: they never occur in decoded input.
 */
export function classRunes(r: readonly number[], limit: number): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < r.length; i += 2) {
    let lo = r[i]!;
    const hi = r[i + 1]!;
    if (hi - lo + 1 + out.length > limit + 0x800) return undefined;
    for (; lo <= hi; lo++) {
      if (lo >= 0xd800 && lo <= 0xdfff) continue;
      out.push(lo);
      if (out.length > limit) return undefined;
    }
  }
  return out;
}
