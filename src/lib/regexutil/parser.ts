// Parser for the RE2 / Go regexp syntax (Perl flavour, as regexp.Compile uses).
//
// The parser is a loop over the pattern with an explicit stack (no recursion), so a
// deeply nested pattern cannot overflow the JS stack; the tree height and the
// estimated program size are checked afterwards against Go's limits. Error reasons
// and the text they quote follow Go's regexp/syntax; `pos` adds where that text
// starts. Capturing groups are kept as "capture" nodes; simplify() drops them.
//
// Syntax reference: https://github.com/google/re2/wiki/Syntax and
// https://pkg.go.dev/regexp/syntax .

import { concatNodes, type AssertOp, type Node } from "./ast.ts";
import { appendFoldedRange, foldClass } from "./case_fold.ts";
import { MAX_RUNE, cleanClass, negateClass } from "./char_class.ts";
import { ErrorCode, RegexSyntaxError } from "./regex_syntax_error.ts";
import { perlClass, posixClass, unicodeClass } from "./unicode_tables.ts";

/** Parse flags; FLAG_DOT_NL is (?s), FLAG_FOLD (?i), FLAG_MULTI_LINE (?m), FLAG_NON_GREEDY (?U). */
export const FLAG_FOLD = 1;
export const FLAG_DOT_NL = 2;
export const FLAG_MULTI_LINE = 4;
export const FLAG_NON_GREEDY = 8;
const ALL_FLAGS = FLAG_FOLD | FLAG_DOT_NL | FLAG_MULTI_LINE | FLAG_NON_GREEDY;

/** MAX_REPEAT is the largest count allowed in x{n,m}, and the largest product of nested counts (RE2's limit). */
export const MAX_REPEAT = 1000;
/** MAX_HEIGHT is the deepest syntax tree accepted (Go's limit). */
export const MAX_HEIGHT = 1000;
/**
 * MAX_SIZE bounds the estimated size of the compiled program, in instructions,
 * estimated the way Go does. Go allows 3.3M; Tidemark allows less, because a
 * compiled program stays in the regex cache.
 */
export const MAX_SIZE = 1_000_000;
/** MAX_RUNES bounds the total size of literals and class range lists. */
export const MAX_RUNES = 4_000_000;

type Marker =
  | { readonly kind: "("; readonly flags: number; readonly pos: number; readonly capture: boolean; readonly name: string }
  | { readonly kind: "|" };
type Item = Node | Marker;

function isMarker(x: Item): x is Marker {
  return x.kind === "(" || x.kind === "|";
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const DOT_NL_CLASS: readonly number[] = [0, MAX_RUNE];
const DOT_CLASS: readonly number[] = [0, 0x09, 0x0b, MAX_RUNE];

/**
 * parse parses a regular expression with the given initial flags (FLAG_*), in
 * Go's Perl mode: ^ and $ match at text boundaries unless (?m), [^a] matches \n,
 * \p{..} and Perl extensions are allowed. It throws RegexSyntaxError.
 */
export function parse(src: string, flags = 0): Node {
  const node = new Parser(src, flags & ALL_FLAGS).run();
  checkLimits(node, src);
  return node;
}

class Parser {
  private readonly src: string;
  private flags: number;
  private readonly stack: Item[] = [];
  private numRunes = 0;

  constructor(src: string, flags: number) {
    this.src = src;
    this.flags = flags;
  }

  private fail(code: string, expr: string, pos: number): never {
    throw new RegexSyntaxError(code, expr, pos);
  }

  // codePoint returns the code point at i; a lone surrogate is invalid UTF-8, as in Go.
  private codePoint(i: number): number {
    const c = this.src.codePointAt(i)!;
    if (c >= 0xd800 && c <= 0xdfff) this.fail(ErrorCode.invalidUTF8, this.src.slice(i), i);
    return c;
  }

  run(): Node {
    const src = this.src;
    const n = src.length;
    let i = 0;
    let lastRepeat = -1; // start of the repetition operator just parsed, or -1
    while (i < n) {
      let repeat = -1;
      const c = src.charCodeAt(i);
      switch (c) {
        case 0x28: // (
          if (src.charCodeAt(i + 1) === 0x3f) {
            i = this.parsePerlFlags(i);
          } else {
            this.stack.push({ kind: "(", flags: this.flags, pos: i, capture: true, name: "" });
            i++;
          }
          break;
        case 0x7c: // |
          this.concat();
          this.stack.push({ kind: "|" });
          i++;
          break;
        case 0x29: // )
          this.rightParen(i);
          i++;
          break;
        case 0x5e: // ^
          this.pushAssert(this.flags & FLAG_MULTI_LINE ? "beginLine" : "beginText");
          i++;
          break;
        case 0x24: // $
          this.pushAssert(this.flags & FLAG_MULTI_LINE ? "endLine" : "endText");
          i++;
          break;
        case 0x2e: // .
          this.push({ kind: "class", ranges: this.flags & FLAG_DOT_NL ? DOT_NL_CLASS : DOT_CLASS });
          i++;
          break;
        case 0x5b: // [
          i = this.parseClass(i);
          break;
        case 0x2a: // *
        case 0x2b: // +
        case 0x3f: { // ?
          const min = c === 0x2b ? 1 : 0;
          const max = c === 0x3f ? 1 : -1;
          repeat = i;
          i = this.repeat(min, max, i, i + 1, lastRepeat, false);
          break;
        }
        case 0x7b: { // {
          const r = this.parseRepeatBraces(i);
          if (r === undefined) {
            // Not a valid x{n,m}: the { is a literal.
            this.literal(0x7b);
            i++;
            break;
          }
          if (r.min < 0 || r.min > MAX_REPEAT || r.max > MAX_REPEAT || (r.max >= 0 && r.min > r.max)) {
            this.fail(ErrorCode.invalidRepeatSize, src.slice(i, r.end), i);
          }
          repeat = i;
          i = this.repeat(r.min, r.max, i, r.end, lastRepeat, true);
          break;
        }
        case 0x5c: // backslash
          i = this.parseBackslash(i);
          break;
        default: {
          const cp = this.codePoint(i);
          this.literal(cp);
          i += cp > 0xffff ? 2 : 1;
        }
      }
      lastRepeat = repeat;
    }
    this.concat();
    this.alternate();
    if (this.stack.length !== 1) {
      let pos = 0;
      for (let k = this.stack.length - 1; k >= 0; k--) {
        const it = this.stack[k]!;
        if (it.kind === "(") {
          pos = it.pos;
          break;
        }
      }
      this.fail(ErrorCode.missingParen, src, pos);
    }
    return this.stack[0] as Node;
  }

  private push(node: Node): void {
    if (node.kind === "literal") this.numRunes += node.runes.length;
    else if (node.kind === "class") this.numRunes += node.ranges.length;
    if (this.numRunes > MAX_RUNES) this.fail(ErrorCode.large, this.src, 0);
    this.stack.push(node);
  }

  private pushAssert(op: AssertOp): void {
    this.push({ kind: "assert", op });
  }

  private literal(c: number): void {
    if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate (from \x{D800}) can never match decoded input; a one-rune class
      // keeps that true without creating a lone-surrogate string.
      this.push({ kind: "class", ranges: [c, c] });
      return;
    }
    this.push({ kind: "literal", runes: [c], fold: (this.flags & FLAG_FOLD) !== 0 });
  }

  // repeat applies a repetition operator spanning [opStart, opEnd) to the top of the
  // stack and returns where parsing continues (after an optional lazy '?').
  private repeat(min: number, max: number, opStart: number, opEnd: number, lastRepeat: number, braces: boolean): number {
    let after = opEnd;
    let greedy = (this.flags & FLAG_NON_GREEDY) === 0;
    if (this.src.charCodeAt(after) === 0x3f) {
      after++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) {
      // a** is an error in Perl mode, not a doubled star.
      this.fail(ErrorCode.invalidRepeatOp, this.src.slice(lastRepeat, after), lastRepeat);
    }
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || isMarker(top)) {
      this.fail(ErrorCode.missingRepeatArgument, this.src.slice(opStart, after), opStart);
    }
    const node: Node = { kind: "repeat", sub: top, min, max, greedy };
    this.stack[this.stack.length - 1] = node;
    if (braces && (min >= 2 || max >= 2) && !repeatIsValid(node, MAX_REPEAT)) {
      this.fail(ErrorCode.invalidRepeatSize, this.src.slice(opStart, after), opStart);
    }
    return after;
  }

  // parseRepeatBraces parses {n}, {n,} or {n,m} at i. It returns undefined when the
  // text has another form (then { is a literal), and min = -1 when a number is too big.
  private parseRepeatBraces(i: number): { min: number; max: number; end: number } | undefined {
    const src = this.src;
    let j = i + 1;
    const a = this.parseInt(j);
    if (a === undefined) return undefined;
    let min = a.value;
    let max = min;
    j = a.end;
    if (j >= src.length) return undefined;
    if (src.charCodeAt(j) === 0x2c) { // ,
      j++;
      if (j >= src.length) return undefined;
      if (src.charCodeAt(j) === 0x7d) {
        max = -1;
      } else {
        const b = this.parseInt(j);
        if (b === undefined) return undefined;
        max = b.value;
        j = b.end;
        if (max < 0) min = -1;
      }
    }
    if (src.charCodeAt(j) !== 0x7d) return undefined;
    return { min, max, end: j + 1 };
  }

  // parseInt parses a decimal number without leading zeros at i; value is -1 when it is too big.
  private parseInt(i: number): { value: number; end: number } | undefined {
    const src = this.src;
    const d0 = src.charCodeAt(i);
    if (!(d0 >= 0x30 && d0 <= 0x39)) return undefined;
    const d1 = src.charCodeAt(i + 1);
    if (d0 === 0x30 && d1 >= 0x30 && d1 <= 0x39) return undefined;
    let j = i;
    let value = 0;
    while (j < src.length) {
      const d = src.charCodeAt(j);
      if (!(d >= 0x30 && d <= 0x39)) break;
      if (value >= 1e8) value = -1;
      else if (value >= 0) value = value * 10 + d - 0x30;
      j++;
    }
    return { value, end: j };
  }

  // parsePerlFlags parses (?flags), (?flags:, (?P<name> or (?<name> at i.
  private parsePerlFlags(i: number): number {
    const src = this.src;
    const n = src.length;
    const c2 = src.charCodeAt(i + 2);
    if ((n - i > 4 && c2 === 0x50 && src.charCodeAt(i + 3) === 0x3c) || (n - i > 3 && c2 === 0x3c)) {
      // Named capture: (?P<name>re) or (?<name>re).
      const begin = c2 === 0x3c ? i + 3 : i + 4;
      const end = src.indexOf(">", i);
      if (end < 0) {
        this.checkUTF8(i);
        this.fail(ErrorCode.invalidNamedCapture, src.slice(i), i);
      }
      const name = src.slice(begin, end);
      this.checkUTF8Range(begin, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(ErrorCode.invalidNamedCapture, src.slice(i, end + 1), i);
      this.stack.push({ kind: "(", flags: this.flags, pos: i, capture: true, name });
      return end + 1;
    }
    let j = i + 2;
    let flags = this.flags;
    let sign = 1;
    let sawFlag = false;
    loop: while (j < n) {
      const c = this.codePoint(j);
      j += c > 0xffff ? 2 : 1;
      switch (c) {
        case 0x69: // i
          flags |= FLAG_FOLD;
          sawFlag = true;
          break;
        case 0x6d: // m
          flags |= FLAG_MULTI_LINE;
          sawFlag = true;
          break;
        case 0x73: // s
          flags |= FLAG_DOT_NL;
          sawFlag = true;
          break;
        case 0x55: // U
          flags |= FLAG_NON_GREEDY;
          sawFlag = true;
          break;
        case 0x2d: // -
          if (sign < 0) break loop;
          sign = -1;
          // Invert so that the |= above clear flags; inverted back at the end.
          flags = ~flags;
          sawFlag = false;
          break;
        case 0x3a: // :
        case 0x29: // )
          if (sign < 0) {
            if (!sawFlag) break loop;
            flags = ~flags;
          }
          if (c === 0x3a) this.stack.push({ kind: "(", flags: this.flags, pos: i, capture: false, name: "" });
          this.flags = flags & ALL_FLAGS;
          return j;
        default:
          break loop;
      }
    }
    this.fail(ErrorCode.invalidPerlOp, src.slice(i, j), i);
  }

  private checkUTF8(from: number): void {
    this.checkUTF8Range(from, this.src.length);
  }

  private checkUTF8Range(from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const c = this.src.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdbff && k + 1 < to) {
        const d = this.src.charCodeAt(k + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          k++;
          continue;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) this.fail(ErrorCode.invalidUTF8, this.src.slice(k), k);
    }
  }

  private parseBackslash(i: number): number {
    const src = this.src;
    if (i + 1 < src.length) {
      switch (src.charCodeAt(i + 1)) {
        case 0x41: // \A
          this.pushAssert("beginText");
          return i + 2;
        case 0x62: // \b
          this.pushAssert("wordBoundary");
          return i + 2;
        case 0x42: // \B
          this.pushAssert("noWordBoundary");
          return i + 2;
        case 0x43: // \C: any byte, not supported
          this.fail(ErrorCode.invalidEscape, src.slice(i, i + 2), i);
        case 0x51: { // \Q ... \E
          let end = src.indexOf("\\E", i + 2);
          let next = end + 2;
          if (end < 0) {
            end = src.length;
            next = end;
          }
          for (let k = i + 2; k < end;) {
            const c = this.codePoint(k);
            this.literal(c);
            k += c > 0xffff ? 2 : 1;
          }
          return next;
        }
        case 0x7a: // \z
          this.pushAssert("endText");
          return i + 2;
      }
    }
    const d = src.charCodeAt(i + 1);
    if (d === 0x70 || d === 0x50) { // \p \P
      const u = this.parseUnicodeClass(i);
      this.push({ kind: "class", ranges: u.ranges });
      return u.end;
    }
    const perl = this.parsePerlClass(i);
    if (perl !== undefined) {
      this.push({ kind: "class", ranges: perl });
      return i + 2;
    }
    const e = this.parseEscape(i);
    this.literal(e.rune);
    return e.end;
  }

  // parsePerlClass returns the class of \d \D \s \S \w \W at i (folded under (?i)), else undefined.
  private parsePerlClass(i: number): number[] | undefined {
    const letter = this.src[i + 1];
    if (letter === undefined || !/^[dDsSwW]$/.test(letter)) return undefined;
    return this.groupClass(perlClass(letter)!, letter >= "A" && letter <= "Z");
  }

  // groupClass folds (under (?i)) then optionally negates a named class.
  private groupClass(base: readonly number[], negate: boolean): number[] {
    const r = this.flags & FLAG_FOLD ? foldClass(base) : base.slice();
    return negate ? negateClass(r) : r;
  }

  // parseUnicodeClass parses \pX, \p{Name}, \p{^Name}, \PX, \P{Name} at i.
  private parseUnicodeClass(i: number): { ranges: number[]; end: number } {
    const src = this.src;
    let sign = src.charCodeAt(i + 1) === 0x50 ? -1 : 1;
    let seq: string;
    let name: string;
    let end: number;
    if (i + 2 >= src.length) {
      seq = src.slice(i);
      name = "";
      end = src.length;
    } else {
      const c = this.codePoint(i + 2);
      if (c !== 0x7b) {
        end = i + 2 + (c > 0xffff ? 2 : 1);
        seq = src.slice(i, end);
        name = seq.slice(2);
      } else {
        const close = src.indexOf("}", i);
        if (close < 0) {
          this.checkUTF8(i);
          this.fail(ErrorCode.invalidCharRange, src.slice(i), i);
        }
        end = close + 1;
        seq = src.slice(i, end);
        name = src.slice(i + 3, close);
        this.checkUTF8Range(i + 3, close);
      }
    }
    if (name.startsWith("^")) {
      sign = -sign;
      name = name.slice(1);
    }
    const table = name === "" ? undefined : unicodeClass(name);
    if (table === undefined) this.fail(ErrorCode.invalidCharRange, seq, i);
    return { ranges: this.groupClass(table, sign < 0), end };
  }

  // parseEscape parses a single-character escape at i (src[i] is the backslash).
  private parseEscape(i: number): { rune: number; end: number } {
    const src = this.src;
    let j = i + 1;
    if (j >= src.length) this.fail(ErrorCode.trailingBackslash, "", i);
    const c = this.codePoint(j);
    j += c > 0xffff ? 2 : 1;
    const isOctal = (k: number) => {
      const d = src.charCodeAt(k);
      return d >= 0x30 && d <= 0x37;
    };
    switch (c) {
      case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: // \1-\7
        // A single non-zero digit would be a backreference: not supported.
        if (!isOctal(j)) break;
      // falls through: an octal escape
      case 0x30: { // \0
        let r = c - 0x30;
        for (let k = 1; k < 3 && isOctal(j); k++) r = r * 8 + src.charCodeAt(j++) - 0x30;
        return { rune: r, end: j };
      }
      case 0x78: { // \x
        if (j >= src.length) break;
        const c1 = this.codePoint(j);
        j += c1 > 0xffff ? 2 : 1;
        if (c1 === 0x7b) {
          // \x{hex}: at least one hex digit, at most MAX_RUNE.
          let nhex = 0;
          let r = 0;
          for (;;) {
            if (j >= src.length) return this.fail(ErrorCode.invalidEscape, src.slice(i, j), i);
            const d = this.codePoint(j);
            j += d > 0xffff ? 2 : 1;
            if (d === 0x7d) break;
            const v = unhex(d);
            if (v < 0) return this.fail(ErrorCode.invalidEscape, src.slice(i, j), i);
            r = r * 16 + v;
            if (r > MAX_RUNE) return this.fail(ErrorCode.invalidEscape, src.slice(i, j), i);
            nhex++;
          }
          if (nhex === 0) break;
          return { rune: r, end: j };
        }
        // \xHH: exactly two hex digits.
        const x = unhex(c1);
        let y = -1;
        if (j < src.length) {
          const c2 = this.codePoint(j);
          j += c2 > 0xffff ? 2 : 1;
          y = unhex(c2);
        }
        if (x < 0 || y < 0) break;
        return { rune: x * 16 + y, end: j };
      }
      // C escapes; no \b here (it is a word boundary, or invalid in a class).
      case 0x61: return { rune: 0x07, end: j }; // \a
      case 0x66: return { rune: 0x0c, end: j }; // \f
      case 0x6e: return { rune: 0x0a, end: j }; // \n
      case 0x72: return { rune: 0x0d, end: j }; // \r
      case 0x74: return { rune: 0x09, end: j }; // \t
      case 0x76: return { rune: 0x0b, end: j }; // \v
      default:
        // Escaped ASCII punctuation is itself; escaped letters and digits are reserved.
        if (c < 0x80 && !isAlnum(c)) return { rune: c, end: j };
    }
    return this.fail(ErrorCode.invalidEscape, src.slice(i, j), i);
  }

  // parseClass parses a bracketed class starting at i and returns the index after ].
  private parseClass(i: number): number {
    const src = this.src;
    const n = src.length;
    const fold = (this.flags & FLAG_FOLD) !== 0;
    let t = i + 1;
    let negate = false;
    if (t < n && src.charCodeAt(t) === 0x5e) {
      negate = true;
      t++;
    }
    const ranges: number[] = [];
    const addClass = (r: readonly number[]) => {
      for (let k = 0; k < r.length; k++) ranges.push(r[k]!);
    };
    let first = true; // ] is a literal as the first character
    while (t >= n || src.charCodeAt(t) !== 0x5d || first) {
      first = false;
      // [:alnum:] and [:^alnum:]
      if (n - t > 2 && src.charCodeAt(t) === 0x5b && src.charCodeAt(t + 1) === 0x3a) {
        const close = src.indexOf(":]", t + 2);
        if (close >= 0) {
          const whole = src.slice(t, close + 2);
          let name = src.slice(t + 2, close);
          let neg = false;
          if (name.startsWith("^")) {
            neg = true;
            name = name.slice(1);
          }
          const base = posixClass(name);
          if (base === undefined) this.fail(ErrorCode.invalidCharRange, whole, t);
          addClass(this.groupClass(base, neg));
          t = close + 2;
          continue;
        }
      }
      if (src.charCodeAt(t) === 0x5c && t + 1 < n) {
        const d = src.charCodeAt(t + 1);
        if (d === 0x70 || d === 0x50) { // \p \P
          const u = this.parseUnicodeClass(t);
          addClass(u.ranges);
          t = u.end;
          continue;
        }
        const perl = this.parsePerlClass(t);
        if (perl !== undefined) {
          addClass(perl);
          t += 2;
          continue;
        }
      }
      // A single character or a range lo-hi.
      const rangeStart = t;
      const lo = this.parseClassChar(t, i);
      t = lo.end;
      let hi = lo.rune;
      if (n - t >= 2 && src.charCodeAt(t) === 0x2d && src.charCodeAt(t + 1) !== 0x5d) {
        const h = this.parseClassChar(t + 1, i);
        t = h.end;
        hi = h.rune;
        if (hi < lo.rune) this.fail(ErrorCode.invalidCharRange, src.slice(rangeStart, t), rangeStart);
      }
      if (fold) appendFoldedRange(ranges, lo.rune, hi);
      else ranges.push(lo.rune, hi);
    }
    let cls = cleanClass(ranges);
    if (negate) cls = negateClass(cls);
    this.push({ kind: "class", ranges: cls });
    return t + 1;
  }

  private parseClassChar(t: number, classStart: number): { rune: number; end: number } {
    if (t >= this.src.length) this.fail(ErrorCode.missingBracket, this.src.slice(classStart), classStart);
    if (this.src.charCodeAt(t) === 0x5c) return this.parseEscape(t);
    const c = this.codePoint(t);
    return { rune: c, end: t + (c > 0xffff ? 2 : 1) };
  }

  // concat replaces the nodes above the topmost marker with their concatenation.
  private concat(): void {
    let k = this.stack.length;
    while (k > 0 && !isMarker(this.stack[k - 1]!)) k--;
    const items = this.stack.splice(k) as Node[];
    this.stack.push(concatNodes(items));
  }

  // alternate replaces the |-separated nodes above the topmost ( with their alternation.
  private alternate(): void {
    const branches: Node[] = [];
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1]!;
      if (top.kind === "(") break;
      this.stack.pop();
      if (top.kind !== "|") branches.push(top);
    }
    branches.reverse();
    this.stack.push(makeAlternate(branches));
  }

  private rightParen(pos: number): void {
    this.concat();
    this.alternate();
    const n = this.stack.length;
    const body = this.stack[n - 1] as Node;
    const open = this.stack[n - 2];
    if (open === undefined || open.kind !== "(") this.fail(ErrorCode.unexpectedParen, this.src, pos);
    this.stack.length = n - 2;
    this.flags = open.flags;
    this.stack.push(open.capture ? { kind: "capture", sub: body, name: open.name } : body);
  }
}

function makeAlternate(branches: readonly Node[]): Node {
  const out: Node[] = [];
  for (const b of branches) {
    if (b.kind === "alternate") out.push(...b.subs);
    else out.push(b);
  }
  if (out.length === 1) return out[0]!;
  return { kind: "alternate", subs: out };
}

// repeatIsValid reports whether the nested counted repetitions under re stay within
// n copies of the innermost expression (Go's rule: (a{100}){100} is too big).
function repeatIsValid(re: Node, n: number): boolean {
  if (re.kind === "repeat") {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  for (const sub of children(re)) {
    if (!repeatIsValid(sub, n)) return false;
  }
  return true;
}

function children(n: Node): readonly Node[] {
  switch (n.kind) {
    case "concat":
    case "alternate":
      return n.subs;
    case "capture":
    case "repeat":
      return [n.sub];
    default:
      return [];
  }
}

// checkLimits enforces Go's tree-height and program-size limits, iteratively
// (the tree may be too deep for recursion).
function checkLimits(root: Node, src: string): void {
  const height = new Map<Node, number>();
  const size = new Map<Node, number>();
  // Post-order walk with an explicit stack.
  const stack: { node: Node; done: boolean }[] = [{ node: root, done: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const kids = children(top.node);
    if (!top.done) {
      top.done = true;
      for (const k of kids) if (!height.has(k)) stack.push({ node: k, done: false });
      continue;
    }
    stack.pop();
    const node = top.node;
    let h = 1;
    for (const k of kids) h = Math.max(h, 1 + height.get(k)!);
    if (h > MAX_HEIGHT) throw new RegexSyntaxError(ErrorCode.nestingDepth, src, 0);
    height.set(node, h);
    let s: number;
    switch (node.kind) {
      case "literal":
        s = node.runes.length;
        break;
      case "capture":
        s = 2 + size.get(node.sub)!;
        break;
      case "concat":
        s = 0;
        for (const k of node.subs) s += size.get(k)!;
        break;
      case "alternate":
        s = node.subs.length - 1;
        for (const k of node.subs) s += size.get(k)!;
        break;
      case "repeat": {
        const sub = size.get(node.sub)!;
        if (node.max === -1) s = node.min === 0 ? 2 + sub : 1 + node.min * sub;
        else s = node.max * sub + (node.max - node.min);
        break;
      }
      default:
        s = 1;
    }
    s = Math.max(1, s);
    if (s > MAX_SIZE) throw new RegexSyntaxError(ErrorCode.large, src, 0);
    size.set(node, s);
  }
}
