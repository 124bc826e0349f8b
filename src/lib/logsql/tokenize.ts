// tokenize: the word tokens of a string, as the log storage's bloom filters see them.

/** isTokenChar reports whether the code point c belongs to a token: ASCII letters, digits, '_', Unicode letters and decimal digits. */
export function isTokenChar(c: number): boolean {
  if (c < 0x80) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
  }
  return UNICODE_TOKEN.test(String.fromCodePoint(c));
}

const UNICODE_TOKEN = /^[\p{L}\p{Nd}]$/u;

/**
 * tokenize appends to out (and returns it) the maximal runs of token characters
 * of s (see isTokenChar), each once, in order of first appearance. It matches the
 * contract of the storage's tokenizer, so its tokens can be passed to
 * LogBlock.mayContainTokens.
 */
export function tokenize(s: string, out: string[] = []): string[] {
  const seen = new Set<string>(out);
  let start = -1;
  let i = 0;
  while (i < s.length) {
    const c = s.codePointAt(i)!;
    const w = c > 0xffff ? 2 : 1;
    if (isTokenChar(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const t = s.slice(start, i);
      if (!seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
      start = -1;
    }
    i += w;
  }
  if (start >= 0) {
    const t = s.slice(start);
    if (!seen.has(t)) out.push(t);
  }
  return out;
}
