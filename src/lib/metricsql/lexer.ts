// Lexer: splits a MetricsQL query into tokens as VictoriaMetrics' metricsql lexer
// does, remembering where each token starts. Also the identifier and number rules
// the parser and printer share: escaped identifiers (foo\-bar, \x41, \u0041),
// numbers with base prefixes, underscores and K/Ki/M/Mi/G/Gi/T/Ti suffixes.

import { scanDuration } from "./duration.ts";
import { syntaxError } from "./errors.ts";
import { goQuote, isPrint, parseGoFloat, parseGoInt } from "./go_strconv.ts";

const LETTER = /\p{L}/u;

function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return LETTER.test(String.fromCodePoint(cp));
}

/** isFirstIdentChar reports whether cp may start an identifier: a letter, "_" or ":". */
export function isFirstIdentChar(cp: number): boolean {
  return isLetter(cp) || cp === 0x5f || cp === 0x3a;
}

/** isIdentChar reports whether cp may continue an identifier: also digits and ".". */
export function isIdentChar(cp: number): boolean {
  return isFirstIdentChar(cp) || (cp >= 0x30 && cp <= 0x39) || cp === 0x2e;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function fromHex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * decodeEscape decodes the escape sequence that follows a backslash at s[i]: \xHH,
 * \uHHHH or a printable character standing for itself. It returns the code point and
 * the number of UTF-16 units consumed, or undefined for an invalid sequence.
 */
function decodeEscape(s: string, i: number): [number, number] | undefined {
  const c = s[i];
  if (c === "x" || c === "X" || c === "u" || c === "U") {
    const n = c === "x" || c === "X" ? 2 : 4;
    let v = 0;
    for (let k = 1; k <= n; k++) {
      const h = fromHex(s.charCodeAt(i + k));
      if (h < 0) return undefined;
      v = v * 16 + h;
    }
    return [v, n + 1];
  }
  const cp = s.codePointAt(i);
  // U+FFFD is what Go decodes for a broken sequence, so it never counts as escaped.
  if (cp === undefined || cp === 0xfffd || !isPrint(cp)) return undefined;
  return [cp, cp > 0xffff ? 2 : 1];
}

/** isIdentPrefixAt reports whether an identifier starts at s[i]. */
export function isIdentPrefixAt(s: string, i: number): boolean {
  const cp = s.codePointAt(i);
  if (cp === undefined) return false;
  if (cp === 0x5c) return decodeEscape(s, i + 1) !== undefined;
  return isFirstIdentChar(cp);
}

/** isIdentPrefix reports whether token s starts like an identifier. */
export function isIdentPrefix(s: string): boolean {
  return isIdentPrefixAt(s, 0);
}

/** scanIdent returns the end of the identifier that starts at s[i] (isIdentPrefixAt must hold). */
function scanIdent(s: string, i: number): number {
  const start = i;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    if (i === start ? isFirstIdentChar(cp) : isIdentChar(cp)) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    if (cp !== 0x5c) break;
    const esc = decodeEscape(s, i + 1);
    if (esc === undefined) break;
    i += 1 + esc[1];
  }
  return i;
}

/** unescapeIdent resolves the escape sequences in identifier s; invalid ones are kept as written. */
export function unescapeIdent(s: string): string {
  if (!s.includes("\\")) return s;
  let out = "";
  for (let i = 0; i < s.length; ) {
    if (s[i] !== "\\") {
      out += s[i++];
      continue;
    }
    const esc = decodeEscape(s, i + 1);
    if (esc === undefined) {
      out += "\\";
      i++;
      continue;
    }
    out += String.fromCodePoint(esc[0]);
    i += 1 + esc[1];
  }
  return out;
}

function hex(v: number, width: number): string {
  return v.toString(16).padStart(width, "0");
}

/** escapeIdent returns s written as an identifier, escaping with backslashes the characters identifiers cannot hold ("foo-bar" -> "foo\-bar"). */
export function escapeIdent(s: string): string {
  let out = "";
  let first = true;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    const ch = s.slice(i, i + n);
    i += n;
    if (first ? isFirstIdentChar(cp) : isIdentChar(cp)) out += ch;
    else if (isPrint(cp)) out += "\\" + ch;
    else if (cp < 0x100) out += "\\x" + hex(cp, 2);
    else if (n === 1) out += "\\u" + hex(cp, 4);
    // Astral non-printable characters: two \u escapes for the surrogate pair, which
    // decode back into the same JS string.
    else out += "\\u" + hex(ch.charCodeAt(0), 4) + "\\u" + hex(ch.charCodeAt(1), 4);
    first = false;
  }
  return out;
}

/** hasEscapedChars reports whether s needs escaping to be written as an identifier. */
export function hasEscapedChars(s: string): boolean {
  let first = true;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    if (!(first ? isFirstIdentChar(cp) : isIdentChar(cp))) return true;
    i += cp > 0xffff ? 2 : 1;
    first = false;
  }
  return false;
}

/** quoteIdent returns s in double quotes with `"` and `\` backslash-escaped (the Prometheus 3 way of writing any label name, `{"my-label"="x"}`). */
export function quoteIdent(s: string): string {
  return '"' + s.replace(/["\\]/g, "\\$&") + '"';
}

/** isStringPrefix reports whether token s starts a string literal. */
export function isStringPrefix(s: string): boolean {
  const c = s[0];
  return c === '"' || c === "'" || c === "`";
}

/** isPositiveNumberPrefix reports whether token s starts a number (a digit, or "." and a digit). */
export function isPositiveNumberPrefix(s: string): boolean {
  if (s.length === 0) return false;
  if (isDigit(s.charCodeAt(0))) return true;
  return s[0] === "." && s.length > 1 && isDigit(s.charCodeAt(1));
}

/** isInfOrNaN reports whether token s is inf or nan in any case. */
export function isInfOrNaN(s: string): boolean {
  if (s.length !== 3) return false;
  const l = s.toLowerCase();
  return l === "inf" || l === "nan";
}

// scanSpecialIntegerPrefix returns how many characters the 0x / 0o / 0b / octal 0
// prefix of the number at s[i] takes, and whether the number is hexadecimal.
function scanSpecialIntegerPrefix(s: string, i: number): [number, boolean] {
  if (s[i] !== "0" || i + 1 >= s.length) return [0, false];
  const c = s[i + 1].toLowerCase();
  if (isDigit(s.charCodeAt(i + 1))) return [1, false];
  if (c === "x") return [2, true];
  if (c === "o" || c === "b") return [2, false];
  return [0, false];
}

function isSpecialIntegerPrefix(s: string): boolean {
  return scanSpecialIntegerPrefix(s, 0)[0] > 0;
}

const MULTIPLIERS: [string, number][] = [
  ["kib", 1024],
  ["ki", 1024],
  ["kb", 1000],
  ["k", 1000],
  ["mib", 1024 ** 2],
  ["mi", 1024 ** 2],
  ["mb", 1000 ** 2],
  ["m", 1000 ** 2],
  ["gib", 1024 ** 3],
  ["gi", 1024 ** 3],
  ["gb", 1000 ** 3],
  ["g", 1000 ** 3],
  ["tib", 1024 ** 4],
  ["ti", 1024 ** 4],
  ["tb", 1000 ** 4],
  ["t", 1000 ** 4],
];

// scanNumMultiplier returns the length of the size suffix (k, Ki, KB, KiB, ... T, Ti,
// TB, TiB, any case) at s[i], or 0.
function scanNumMultiplier(s: string, i: number): number {
  const head = s.slice(i, i + 3).toLowerCase();
  for (const [suffix] of MULTIPLIERS) {
    if (head.startsWith(suffix)) return suffix.length;
  }
  return 0;
}

function isDecimalOrUnderscore(c: number): boolean {
  return isDigit(c) || c === 0x5f;
}

// scanPositiveNumber returns the end of the number starting at s[i]; it throws a
// plain Error (the lexer adds the position) for an incomplete number.
function scanPositiveNumber(s: string, i: number): number {
  const start = i;
  const [skip, isHex] = scanSpecialIntegerPrefix(s, i);
  i += skip;
  if (isHex) {
    while (i < s.length && fromHex(s.charCodeAt(i)) >= 0) i++;
    return i;
  }
  while (i < s.length && isDecimalOrUnderscore(s.charCodeAt(i))) i++;
  if (i === s.length) {
    if (i === start) throw new Error("number cannot be empty");
    return i;
  }
  let m = scanNumMultiplier(s, i);
  if (m > 0) return i + m;
  if (s[i] !== "." && s[i] !== "e" && s[i] !== "E") {
    if (i === start) throw new Error("missing positive number");
    return i;
  }
  if (s[i] === ".") {
    i++;
    while (i < s.length && isDecimalOrUnderscore(s.charCodeAt(i))) i++;
    if (i === s.length) return i;
  }
  m = scanNumMultiplier(s, i);
  if (m > 0) return i + m;
  if (s[i] !== "e" && s[i] !== "E") return i;
  i++;
  if (i === s.length) throw new Error(`missing exponent part in ${goQuote(s.slice(start))}`);
  if (s[i] === "-" || s[i] === "+") i++;
  const expStart = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  if (i === expStart) throw new Error(`missing exponent part in ${goQuote(s.slice(start))}`);
  return i;
}

/**
 * parsePositiveNumber returns the value of number token s: decimal with optional
 * fraction, exponent and underscores; 0x, 0o, 0b or leading-0 octal integers; inf and
 * nan; or a decimal with a size suffix (2k = 2000, 2Ki = 2048, 1.5M, 3Gi, 1T, "kb",
 * "KiB" ..., any case). It throws an Error for anything else.
 */
export function parsePositiveNumber(s: string): number {
  if (isSpecialIntegerPrefix(s)) return parseGoInt(s);
  const l = s.toLowerCase();
  for (const [suffix, mult] of MULTIPLIERS) {
    if (l.endsWith(suffix)) return parseGoFloat(l.slice(0, -suffix.length)) * mult;
  }
  return parseGoFloat(l);
}

// scanString returns the end of the string literal starting at s[i]; a quote preceded
// by an odd number of backslashes does not end it.
function scanString(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  for (;;) {
    const n = s.indexOf(quote, j);
    if (n < 0) throw new Error(`cannot find closing quote ${quote} for the string ${goQuote(s.slice(i))}`);
    let bs = 0;
    while (s.charCodeAt(n - bs - 1) === 0x5c) bs++;
    if (bs % 2 === 0) return n + 1;
    j = n + 1;
  }
}

const TWO_CHAR_OPS = new Set(["==", "!=", ">=", "<=", "=~", "!~"]);
const ONE_CHAR_OPS = "+-*/%^><=";
const PUNCT = "{}[](),@";

/**
 * Lexer yields the tokens of a query one at a time with their start offsets, and can
 * step back (prev) to re-read tokens it has already returned. The token at the end of
 * the input is "" (EOF). Identifiers, keywords and word operators (and, or, by,
 * offset, ...) are all identifier tokens; the parser gives them meaning by context.
 * "$__rate_interval" is read as "$__interval".
 */
export class Lexer {
  /** token is the current token ("" at the end of the query). */
  token = "";
  /** pos is the UTF-16 offset where the current token starts. */
  pos = 0;

  private readonly src: string;
  private readonly toks: string[] = [];
  private readonly poss: number[] = [];
  private idx = -1;
  private scanPos = 0;

  constructor(src: string) {
    this.src = src;
  }

  /** next moves to the next token; it throws a ParseError for text that is no token. */
  next(): void {
    this.idx++;
    if (this.idx === this.toks.length) this.scanNext();
    this.token = this.toks[this.idx];
    this.pos = this.poss[this.idx];
  }

  /** prev moves back to the previous token. */
  prev(): void {
    if (this.idx <= 0) throw new Error("BUG: Lexer.prev() at the first token");
    this.idx--;
    this.token = this.toks[this.idx];
    this.pos = this.poss[this.idx];
  }

  /** splitToken makes the first n characters of the current token the current token, and the rest the next one. */
  splitToken(n: number): void {
    const t = this.token;
    this.toks.splice(this.idx, 1, t.slice(0, n), t.slice(n));
    this.poss.splice(this.idx, 1, this.pos, this.pos + n);
    this.token = this.toks[this.idx];
  }

  /**
   * rescanFrom drops the current token and those read after it, and reads the query
   * again from offset pos (inside or after the current token). The parser uses it
   * for the step of `[5m:1h-30m]`, which the lexer first reads as the identifier ":1h".
   */
  rescanFrom(pos: number): void {
    this.toks.length = this.idx;
    this.poss.length = this.idx;
    this.scanPos = pos;
    this.idx--;
    this.next();
  }

  private scanNext(): void {
    const s = this.src;
    let i = this.scanPos;
    for (;;) {
      while (i < s.length && isSpace(s.charCodeAt(i))) i++;
      if (s[i] !== "#") break;
      const nl = s.indexOf("\n", i);
      i = nl < 0 ? s.length : nl + 1;
    }
    const start = i;
    let end: number;
    let token: string | undefined;
    try {
      end = this.scanToken(i);
    } catch (err) {
      throw syntaxError(start, (err as Error).message);
    }
    if (end === -2) {
      token = "$__interval";
      end = s.startsWith("$__rate_interval", start) ? start + 16 : start + 11;
    }
    this.toks.push(token ?? s.slice(start, end));
    this.poss.push(start);
    this.scanPos = end;
  }

  // scanToken returns the end of the token at src[i]; -2 for $__interval.
  private scanToken(i: number): number {
    const s = this.src;
    if (i >= s.length) return i;
    const c = s[i];
    if (PUNCT.includes(c)) return i + 1;
    if (isIdentPrefixAt(s, i)) return scanIdent(s, i);
    if (c === '"' || c === "'" || c === "`") return scanString(s, i);
    if (TWO_CHAR_OPS.has(s.slice(i, i + 2))) return i + 2;
    if (ONE_CHAR_OPS.includes(c)) return i + 1;
    const d = scanDuration(s, i);
    if (d > 0) return d;
    if (isPositiveNumberPrefix(s.slice(i, i + 2))) return scanPositiveNumber(s, i);
    if (s.startsWith("$__interval", i) || s.startsWith("$__rate_interval", i)) return -2;
    throw new Error(`cannot recognize ${goQuote(s.slice(i))}`);
  }
}
