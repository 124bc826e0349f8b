// The fast reader of one JSON line in the shape VictoriaMetrics writes:
//   {"metric":{"name":"value",...},"values":[...],"timestamps":[...]}
// (keys in any order, whitespace allowed). It reads each array with one JSON.parse when
// that is exact (twice as fast as a loop over characters; see vmimport.bench.ts), else
// element by element, and writes samples straight into the typed arrays. Whenever the line is not plainly valid it gives up and returns false, and the
// exact reader (line_slow.ts) decides; so for every line it accepts it must produce what
// line_slow.ts produces (checked by line_fast.test.ts).
import { parseFloatToken, parseInt64Token } from "./fastfloat.ts";
import { type ImportRows, type Label, detachString } from "./import_rows.ts";
import { rawStringEnd, unescapeBestEffort } from "./json_string.ts";

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// Shared results of the helpers below (no allocation per call).
let pos = 0;
let count = 0;
let labelsOut: Label[] = [];
let tagsOut = 0;

function skipWS(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) break;
    p++;
  }
  return p;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 101 || c === 69 || c === 43;
}

// readString reads a JSON string whose opening quote is at p; returns its decoded
// content and sets pos after the closing quote, or returns null.
function readString(s: string, p: number, end: number): string | null {
  let q = p + 1;
  for (; q < end; q++) {
    const c = s.charCodeAt(q);
    if (c === 34) {
      pos = q + 1;
      return s.slice(p + 1, q);
    }
    if (c === 92) break;
  }
  q = rawStringEnd(s, p + 1, end);
  if (q < 0) return null;
  pos = q + 1;
  return unescapeBestEffort(s.slice(p + 1, q));
}

// readMetric reads the metric object at p into labelsOut/tagsOut; false means give up.
function readMetric(s: string, p: number, end: number): boolean {
  if (p >= end || s.charCodeAt(p) !== 123) return false;
  const labels: Label[] = [];
  let tags = 0;
  p = skipWS(s, p + 1, end);
  if (p < end && s.charCodeAt(p) === 125) {
    pos = p + 1;
    labelsOut = labels;
    tagsOut = 0;
    return true;
  }
  for (;;) {
    p = skipWS(s, p, end);
    if (p >= end || s.charCodeAt(p) !== 34) return false;
    const name = readString(s, p, end);
    if (name === null) return false;
    p = skipWS(s, pos, end);
    if (p >= end || s.charCodeAt(p) !== 58) return false;
    p = skipWS(s, p + 1, end);
    if (p >= end || s.charCodeAt(p) !== 34) return false;
    const value = readString(s, p, end);
    if (value === null) return false;
    if (name !== "") {
      tags++;
      if (value !== "") labels.push([detachString(name), detachString(value)]);
    }
    p = skipWS(s, pos, end);
    if (p >= end) return false;
    const c = s.charCodeAt(p);
    if (c === 44) {
      p++;
      continue;
    }
    if (c !== 125) return false;
    pos = p + 1;
    labelsOut = labels;
    tagsOut = tags;
    return true;
  }
}

// tokenEnd returns where fastjson's number token starting at p ends, or -1.
function tokenEnd(s: string, p: number, end: number): number {
  let i = p;
  for (; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (isNumberChar(ch)) continue;
    if (i === p || (i === p + 1 && (s.charCodeAt(p) === 45 || s.charCodeAt(p) === 43))) {
      if (end - i >= 3) {
        const xs = s.slice(i, i + 3).toLowerCase();
        if (xs === "inf" || xs === "nan") return i + 3;
      }
      return -1;
    }
    break;
  }
  return i;
}

const BULK_MAX_CHARS = 16 << 20;

// bulkArray parses the JSON array starting at p with JSON.parse (V8's C++ scanner is
// about twice as fast as any loop here). Returns the array, with pos after it, or null
// when the array is not plain JSON (NaN, Inf, strings, nesting: the caller then scans
// it element by element).
function bulkArray(s: string, p: number, end: number): unknown[] | null {
  const q = s.indexOf("]", p);
  // Past 16 MiB of text the temporary array costs more memory than it saves time.
  if (q < 0 || q >= end || q - p > BULK_MAX_CHARS) return null;
  let a: unknown;
  try {
    a = JSON.parse(s.slice(p, q + 1));
  } catch {
    return null;
  }
  pos = q + 1;
  return a as unknown[];
}

// readValues reads the values array at p into rows.values[base..]; sets pos and count.
function readValues(rows: ImportRows, s: string, p: number, end: number, base: number): boolean {
  if (p >= end || s.charCodeAt(p) !== 91) return false;
  const bulk = bulkArray(s, p, end);
  if (bulk !== null) {
    const n = bulk.length;
    if (base + n > rows.values.length) rows.growSamples(base + n);
    const va = rows.values;
    let i = 0;
    for (; i < n; i++) {
      const v = bulk[i];
      if (typeof v === "number") va[base + i] = v;
      else if (v === null) va[base + i] = NaN;
      else break;
    }
    if (i === n) {
      count = n;
      return true;
    }
  }
  p = skipWS(s, p + 1, end);
  let k = base;
  let va = rows.values;
  let cap = va.length;
  if (p < end && s.charCodeAt(p) === 93) {
    pos = p + 1;
    count = 0;
    return true;
  }
  for (;;) {
    if (k >= cap) {
      rows.growSamples(k + 1);
      va = rows.values;
      cap = va.length;
    }
    if (p >= end) return false;
    let c = s.charCodeAt(p);
    let v: number;
    let i = p;
    let done = false;
    if (c === 45 || (c >= 48 && c <= 57)) {
      // Fast path: up to 15 significant digits with an optional fraction is exact
      // as one division of exact doubles (correctly rounded).
      const neg = c === 45;
      if (neg) i++;
      const ds = i;
      let m = 0;
      while (i < end) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        m = m * 10 + d;
        i++;
      }
      let nd = i - ds;
      let fd = 0;
      if (nd > 0 && i < end && s.charCodeAt(i) === 46) {
        i++;
        const fs = i;
        while (i < end) {
          const d = s.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          m = m * 10 + d;
          i++;
        }
        fd = i - fs;
        nd += fd;
        if (fd === 0) nd = 0;
      }
      if (nd > 0 && (i >= end || !isNumberChar(s.charCodeAt(i)))) {
        if (nd <= 15) {
          v = fd === 0 ? m : m / POW10[fd]!;
          if (neg) v = -v;
        } else {
          // Too many digits for one exact division (VM exports up to 17 significant
          // digits): let Number() round the token once. fastfloat accepts any such token.
          v = +s.slice(p, i);
        }
        done = true;
      } else {
        v = 0;
      }
    } else if (c === 110 && end - p >= 4 && s.startsWith("null", p)) {
      v = NaN;
      i = p + 4;
      done = true;
    } else if (c === 78 || c === 73 || c === 105 || c === 110 || c === 43) {
      v = 0;
    } else {
      return false;
    }
    if (!done) {
      i = tokenEnd(s, p, end);
      if (i < 0) return false;
      try {
        v = parseFloatToken(s.slice(p, i));
      } catch {
        return false;
      }
    }
    va[k++] = v;
    p = i;
    if (p < end) {
      c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
        p = skipWS(s, p, end);
        c = p < end ? s.charCodeAt(p) : 0;
      }
      if (c === 44) {
        p++;
        if (p < end) {
          c = s.charCodeAt(p);
          if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) p = skipWS(s, p, end);
        }
        continue;
      }
      if (c === 93) {
        pos = p + 1;
        count = k - base;
        return true;
      }
    }
    return false;
  }
}

// JSON.parse cannot tell 1e3 or 1.0 from 1000; fastfloat's ParseInt64 accepts
// only [-]digits. JSON.parse already refuses 007, +1, NaN and anything that is
// not a number syntax, so the text must only be free of '.', 'e' and 'E', and
// every element a number (three indexOf scans are ~40x cheaper than a regex).
function plainIntegers(text: string): boolean {
  return text.indexOf(".") < 0 && text.indexOf("e") < 0 && text.indexOf("E") < 0;
}

// readTimestamps reads the timestamps array at p into rows.timestamps[base..].
function readTimestamps(rows: ImportRows, s: string, p: number, end: number, base: number): boolean {
  if (p >= end || s.charCodeAt(p) !== 91) return false;
  const bulk = bulkArray(s, p, end);
  if (bulk !== null && plainIntegers(s.slice(p, pos))) {
    const n = bulk.length;
    if (base + n > rows.timestamps.length) rows.growSamples(base + n);
    const ta = rows.timestamps;
    let i = 0;
    for (; i < n; i++) {
      const t = bulk[i] as number;
      // Not a number (a string, null, ...), or beyond 2^53 where the token may
      // be outside int64: let the exact path decide.
      if (typeof t !== "number" || t > 9007199254740992 || t < -9007199254740992) break;
      ta[base + i] = t + 0; // -0 is 0
    }
    if (i === n) {
      count = n;
      return true;
    }
  }
  p = skipWS(s, p + 1, end);
  let k = base;
  let ta = rows.timestamps;
  let cap = ta.length;
  if (p < end && s.charCodeAt(p) === 93) {
    pos = p + 1;
    count = 0;
    return true;
  }
  for (;;) {
    if (k >= cap) {
      rows.growSamples(k + 1);
      ta = rows.timestamps;
      cap = ta.length;
    }
    if (p >= end) return false;
    let c = s.charCodeAt(p);
    let i = p;
    const neg = c === 45;
    if (neg) i++;
    const ds = i;
    let m = 0;
    while (i < end) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      i++;
    }
    const nd = i - ds;
    if (nd === 0 || (i < end && isNumberChar(s.charCodeAt(i)))) return false;
    if (nd <= 15) {
      ta[k++] = neg ? 0 - m : m;
    } else {
      try {
        ta[k++] = parseInt64Token(s.slice(p, i));
      } catch {
        return false;
      }
    }
    p = i;
    if (p < end) {
      c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
        p = skipWS(s, p, end);
        c = p < end ? s.charCodeAt(p) : 0;
      }
      if (c === 44) {
        p++;
        if (p < end) {
          c = s.charCodeAt(p);
          if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) p = skipWS(s, p, end);
        }
        continue;
      }
      if (c === 93) {
        pos = p + 1;
        count = k - base;
        return true;
      }
    }
    return false;
  }
}

/**
 * parseLineFast reads the line s[start..end) when it has the plain shape VictoriaMetrics
 * exports and is valid, appends it to rows and returns true. Otherwise it returns false
 * and leaves rows.lines/samples unchanged (the typed arrays past samples may have been
 * written to); parseLineSlow must then decide.
 */
export function parseLineFast(rows: ImportRows, s: string, start: number, end: number): boolean {
  let p = skipWS(s, start, end);
  if (p >= end || s.charCodeAt(p) !== 123) return false;
  p++;
  const base = rows.samples;
  let labels: Label[] | null = null;
  let tags = 0;
  let nv = -1;
  let nt = -1;
  for (;;) {
    p = skipWS(s, p, end);
    if (p >= end || s.charCodeAt(p) !== 34) return false;
    p++;
    let which: number;
    if (end - p >= 7 && s.startsWith('metric"', p)) {
      which = 0;
      p += 7;
    } else if (end - p >= 7 && s.startsWith('values"', p)) {
      which = 1;
      p += 7;
    } else if (end - p >= 11 && s.startsWith('timestamps"', p)) {
      which = 2;
      p += 11;
    } else {
      return false;
    }
    p = skipWS(s, p, end);
    if (p >= end || s.charCodeAt(p) !== 58) return false;
    p = skipWS(s, p + 1, end);
    if (which === 0) {
      if (labels !== null || !readMetric(s, p, end)) return false;
      labels = labelsOut;
      tags = tagsOut;
    } else if (which === 1) {
      if (nv >= 0 || !readValues(rows, s, p, end, base)) return false;
      nv = count;
    } else {
      if (nt >= 0 || !readTimestamps(rows, s, p, end, base)) return false;
      nt = count;
    }
    p = skipWS(s, pos, end);
    if (p >= end) return false;
    const c = s.charCodeAt(p);
    if (c === 44) {
      p++;
      continue;
    }
    if (c !== 125) return false;
    break;
  }
  p = skipWS(s, p + 1, end);
  if (p !== end || labels === null || tags === 0 || nv <= 0 || nv !== nt) return false;
  rows.commitLine(labels, nv);
  return true;
}
