// compare_values: the order VictoriaLogs gives field values in sort, min, max and quantile.

import { parseFloatValue } from "./numbers.ts";
import { parseTimestamp } from "./time_format.ts";

/** ValueKey is a value with its parsed forms, for repeated comparisons. */
export interface ValueKey {
  readonly s: string;
  /** The value as a number, NaN when it is none. */
  readonly n: number;
  /** The value as an RFC3339 time in ns, when it is one. */
  readonly t: bigint | undefined;
}

const RFC3339_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** valueKey parses s for compareKeys. */
export function valueKey(s: string): ValueKey {
  const t = RFC3339_START.test(s) ? parseTimestamp(s, 0n) : undefined;
  return { s, n: t === undefined ? parseFloatValue(s) : NaN, t };
}

/**
 * compareKeys orders two values as VictoriaLogs does: two numbers numerically,
 * two RFC3339 times by time, anything else in natural order (digit runs compare
 * as numbers: "a2" < "a10").
 */
export function compareKeys(a: ValueKey, b: ValueKey): number {
  if (a.s === b.s) return 0;
  if (!Number.isNaN(a.n) && !Number.isNaN(b.n)) return a.n < b.n ? -1 : a.n > b.n ? 1 : compareNatural(a.s, b.s);
  if (a.t !== undefined && b.t !== undefined) return a.t < b.t ? -1 : a.t > b.t ? 1 : compareNatural(a.s, b.s);
  return compareNatural(a.s, b.s);
}

/** compareValues compares two field values like compareKeys. */
export function compareValues(a: string, b: string): number {
  if (a === b) return 0;
  return compareKeys(valueKey(a), valueKey(b));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** compareNatural compares strings with runs of ASCII digits compared by their numeric value. */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ie = i;
      while (ie < a.length && isDigit(a.charCodeAt(ie))) ie++;
      let je = j;
      while (je < b.length && isDigit(b.charCodeAt(je))) je++;
      let ia = i;
      while (ia < ie - 1 && a.charCodeAt(ia) === 0x30) ia++;
      let jb = j;
      while (jb < je - 1 && b.charCodeAt(jb) === 0x30) jb++;
      const la = ie - ia;
      const lb = je - jb;
      if (la !== lb) return la < lb ? -1 : 1;
      const ra = a.slice(ia, ie);
      const rb = b.slice(jb, je);
      if (ra !== rb) return ra < rb ? -1 : 1;
      i = ie;
      j = je;
      continue;
    }
    if (ca !== cb) return ca < cb ? -1 : 1;
    i++;
    j++;
  }
  if (a.length - i !== b.length - j) return a.length - i < b.length - j ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
