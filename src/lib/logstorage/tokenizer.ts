// The tokenizer shared by the bloom filters (storage side) and the LogsQL
// word and phrase filters (query side): a token is a maximal run of ASCII
// letters, digits and '_' or of Unicode letters (\p{L}) and decimal digits
// (\p{Nd}), as VictoriaLogs' isTokenRune defines it. Both sides must agree,
// or a bloom filter rejects a block that holds the word.

const unicodeTokenRe = /^[\p{L}\p{Nd}_]$/u;
// BMP code units above 0x7f: 0 = unknown, 1 = token char, 2 = not.
const bmpClass = new Uint8Array(0x10000);
for (let c = 0; c < 0x80; c++) {
  const tok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  bmpClass[c] = tok ? 1 : 2;
}

/** asciiTokenChar[c] is 1 when the ASCII char c is a token char (letters, digits, '_'). */
export const asciiTokenChar = new Uint8Array(0x80);
for (let c = 0; c < 0x80; c++) asciiTokenChar[c] = bmpClass[c] === 1 ? 1 : 0;

function classifyBmp(c: number): number {
  let k = bmpClass[c]!;
  if (k === 0) {
    // Lone surrogates are never token chars; pairs are handled by the caller.
    k = c >= 0xd800 && c <= 0xdfff ? 2 : unicodeTokenRe.test(String.fromCharCode(c)) ? 1 : 2;
    bmpClass[c] = k;
  }
  return k;
}

/** isTokenChar reports whether the code point c is a token character. */
export function isTokenChar(c: number): boolean {
  if (c <= 0xffff) return classifyBmp(c) === 1;
  return unicodeTokenRe.test(String.fromCodePoint(c));
}

/**
 * tokenCharLen returns how many UTF-16 code units the token character at
 * s[i] occupies (1, or 2 for an astral letter/digit), or 0 when s[i] does not
 * start a token character.
 */
export function tokenCharLen(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x80) return bmpClass[c] === 1 ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return unicodeTokenRe.test(s.slice(i, i + 2)) ? 2 : 0;
  }
  return classifyBmp(c) === 1 ? 1 : 0;
}

/**
 * forEachToken calls f(start, end) for every token s[start:end] in order,
 * repeats included. It allocates nothing for ASCII input.
 */
export function forEachToken(s: string, f: (start: number, end: number) => void): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    // Skip separators.
    let k = tokenCharLen(s, i);
    while (k === 0) {
      i++;
      if (i >= n) return;
      k = s.charCodeAt(i) < 0x80 ? (bmpClass[s.charCodeAt(i)] === 1 ? 1 : 0) : tokenCharLen(s, i);
    }
    const start = i;
    i += k;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (bmpClass[c] !== 1) break;
        i++;
      } else {
        k = tokenCharLen(s, i);
        if (k === 0) break;
        i += k;
      }
    }
    f(start, i);
  }
}

/**
 * tokenize returns the unique tokens of s in order of first appearance,
 * appended to out (which is returned; a new array when omitted). Tokens
 * already in out are not added again.
 */
export function tokenize(s: string, out: string[] = []): string[] {
  const seen = new Set<string>(out);
  forEachToken(s, (a, b) => {
    const t = s.slice(a, b);
    if (!seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  });
  return out;
}
