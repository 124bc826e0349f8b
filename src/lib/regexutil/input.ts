// Reading input code points and the empty-width conditions between them.

import {
  EMPTY_BEGIN_LINE, EMPTY_BEGIN_TEXT, EMPTY_END_LINE, EMPTY_END_TEXT, EMPTY_NO_WORD_BOUNDARY, EMPTY_WORD_BOUNDARY,
} from "./program.ts";

/** REPLACEMENT is U+FFFD, the code point a lone surrogate in the input reads as (as it would after UTF-8 encoding). */
export const REPLACEMENT = 0xfffd;

/**
 * codePointAt returns the code point of s at UTF-16 index i (i < s.length), reading a
 * lone surrogate as U+FFFD. Its width is 2 exactly when the result is > 0xFFFF.
 */
export function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return c;
  if (c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  }
  return REPLACEMENT;
}

/** isWordRune reports whether c is an ASCII word character [0-9A-Za-z_] (as Go's \b uses). */
export function isWordRune(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** emptyFlags returns the EMPTY_* conditions holding between code points prev and next (-1 for the text's start or end). */
export function emptyFlags(prev: number, next: number): number {
  let f = 0;
  if (prev < 0) f |= EMPTY_BEGIN_TEXT | EMPTY_BEGIN_LINE;
  else if (prev === 0x0a) f |= EMPTY_BEGIN_LINE;
  if (next < 0) f |= EMPTY_END_TEXT | EMPTY_END_LINE;
  else if (next === 0x0a) f |= EMPTY_END_LINE;
  f |= isWordRune(prev) !== isWordRune(next) ? EMPTY_WORD_BOUNDARY : EMPTY_NO_WORD_BOUNDARY;
  return f;
}
