// byte_scan: word/phrase and substring filters decided on the raw UTF-8 bytes of a
// string column, without decoding the rows to JS strings (only the rows whose
// neighbouring bytes are not ASCII are decoded, to check word boundaries).

import { isTokenChar } from "../logstorage/index.ts";

/** StringColumnBytes is a string column as stored: row i is data[offs[i], offs[i + 1]). */
export interface StringColumnBytes {
  readonly data: Buffer;
  readonly offs: Uint32Array;
}

/** isASCII reports whether s has only ASCII characters (then its bytes match exactly where its characters do). */
export function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * scanBytes clears bm[i] for every selected row i whose value has no
 * occurrence of pat accepted by ok (called with the row, the occurrence's
 * start and end offsets in data). pat must be ASCII and non-empty. Returns the rows left selected.
 */
function scanBytes(col: StringColumnBytes, pat: Buffer, bm: Uint8Array, ok: ((row: number, at: number, end: number) => boolean) | undefined): number {
  const { data, offs } = col;
  const n = bm.length;
  const found = new Uint8Array(n);
  let r = bm.indexOf(1);
  if (r < 0) return 0;
  let pos = offs[r]!;
  const plen = pat.length;
  const end = offs[n]!;
  while (pos < end) {
    const at = data.indexOf(pat, pos);
    if (at < 0) break;
    while (offs[r + 1]! <= at) r++;
    const rowEnd = offs[r + 1]!;
    if (!bm[r] || at + plen > rowEnd) {
      // Not a selected row, or across the end of the row: go on from the next selected row.
      r = bm.indexOf(1, r + 1);
      if (r < 0) break;
      pos = offs[r]!;
      continue;
    }
    if (ok === undefined || ok(r, at, at + plen)) {
      found[r] = 1;
    } else {
      pos = at + 1;
      continue;
    }
    r = bm.indexOf(1, r + 1);
    if (r < 0) break;
    pos = offs[r]!;
  }
  let left = 0;
  for (let i = 0; i < n; i++) left += bm[i] &= found[i]!;
  return left;
}

/**
 * bytesPhraseFilter narrows bm to the rows containing phrase (ASCII, non-empty)
 * as a word/phrase, as matchPhrase(value, phrase) would; rowMatch decides a row
 * by its decoded value when a neighbouring character is not ASCII.
 */
export function bytesPhraseFilter(col: StringColumnBytes, phrase: string, bm: Uint8Array, rowMatch: (s: string) => boolean): void {
  const sw = isTokenChar(phrase.charCodeAt(0));
  const ew = isTokenChar(phrase.charCodeAt(phrase.length - 1));
  const { data, offs } = col;
  scanBytes(col, Buffer.from(phrase, "latin1"), bm, (row, at, end) => {
    const rs = offs[row]!;
    const re = offs[row + 1]!;
    if (sw && at > rs) {
      const c = data[at - 1]!;
      if (c >= 0x80) return rowMatch(data.toString("utf8", rs, re));
      if (isTokenChar(c)) return false;
    }
    if (ew && end < re) {
      const c = data[end]!;
      if (c >= 0x80) return rowMatch(data.toString("utf8", rs, re));
      if (isTokenChar(c)) return false;
    }
    return true;
  });
}

/** bytesSubstringFilter narrows bm to the rows whose value contains s (ASCII, non-empty); returns the rows left. */
export function bytesSubstringFilter(col: StringColumnBytes, s: string, bm: Uint8Array): number {
  return scanBytes(col, Buffer.from(s, "latin1"), bm, undefined);
}

/** bytesMatchRows narrows bm to the rows for which match(value) holds, decoding only the selected rows. */
export function bytesMatchRows(col: StringColumnBytes, bm: Uint8Array, match: (s: string) => boolean): void {
  const { data, offs } = col;
  for (let r = bm.indexOf(1); r >= 0; r = bm.indexOf(1, r + 1)) {
    if (!match(data.toString("utf8", offs[r]!, offs[r + 1]!))) bm[r] = 0;
  }
}
