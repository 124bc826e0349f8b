// Go's strconv semantics that MetricsQL inherits from its reference implementation:
// quoting and unquoting string literals, parsing numbers (with underscores, base
// prefixes) and formatting floats the way Go's FormatFloat(f, 'g', -1, 64) does, so
// that printed queries read exactly like VictoriaMetrics' output.

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** isPrint reports whether code point cp is printable in Go's sense (unicode.IsPrint): letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const HEX = "0123456789abcdef";

function hex(v: number, width: number): string {
  let s = "";
  for (let i = width - 1; i >= 0; i--) s += HEX[(v >>> (4 * i)) & 0xf];
  return s;
}

/**
 * goQuote returns s as a double-quoted string literal with Go's strconv.Quote escaping:
 * `"` and `\` are escaped, printable characters are kept, \a \b \f \n \r \t \v are used
 * where they apply and other characters become \xHH, \uHHHH or \UHHHHHHHH.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += "\\\\";
    else if (isPrint(cp)) out += String.fromCodePoint(cp);
    else if (cp === 7) out += "\\a";
    else if (cp === 8) out += "\\b";
    else if (cp === 12) out += "\\f";
    else if (cp === 10) out += "\\n";
    else if (cp === 13) out += "\\r";
    else if (cp === 9) out += "\\t";
    else if (cp === 11) out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
    else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
    else out += "\\U" + hex(cp, 8);
  }
  return out + '"';
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 0x5c, '"': 0x22 };

const utf8Decoder = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

// unquoteDouble decodes the inside of a double-quoted Go string literal. Escapes
// \xHH and \NNN produce bytes, so the result is decoded as UTF-8 as Go would see it
// (invalid sequences become U+FFFD).
function unquoteDouble(inner: string): string {
  if (inner.includes("\n")) throw new Error("invalid syntax: newline in string");
  if (!inner.includes("\\")) {
    if (inner.includes('"')) throw new Error("invalid syntax: unescaped quote");
    return inner;
  }
  if (!/\\[x0-7]/.test(inner)) return unquoteChars(inner);
  const bytes: number[] = [];
  const pushCodePoint = (cp: number) => {
    for (const b of utf8Encoder.encode(String.fromCodePoint(cp))) bytes.push(b);
  };
  for (let i = 0; i < inner.length; ) {
    const cp = inner.codePointAt(i)!;
    if (cp === 0x22) throw new Error("invalid syntax: unescaped quote");
    if (cp !== 0x5c) {
      pushCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const c = inner[i + 1];
    if (c === undefined) throw new Error("invalid syntax: trailing backslash");
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
      continue;
    }
    if (c === "x" || c === "u" || c === "U") {
      const n = c === "x" ? 2 : c === "u" ? 4 : 8;
      let v = 0;
      for (let k = 0; k < n; k++) {
        const h = hexVal(inner.charCodeAt(i + 2 + k));
        if (h < 0) throw new Error(`invalid syntax: bad \\${c} escape`);
        v = v * 16 + h;
      }
      if (c === "x") bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new Error(`invalid syntax: bad \\${c} escape`);
      else pushCodePoint(v);
      i += 2 + n;
      continue;
    }
    if (c >= "0" && c <= "7") {
      let v = 0;
      for (let k = 0; k < 3; k++) {
        const d = inner.charCodeAt(i + 1 + k) - 0x30;
        if (d < 0 || d > 7) throw new Error("invalid syntax: bad octal escape");
        v = v * 8 + d;
      }
      if (v > 255) throw new Error("invalid syntax: bad octal escape");
      bytes.push(v);
      i += 4;
      continue;
    }
    throw new Error(`invalid syntax: unknown escape \\${c}`);
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

// unquoteChars decodes escapes when none of them stands for a byte (\x, \NNN).
function unquoteChars(inner: string): string {
  let out = "";
  for (let i = 0; i < inner.length; ) {
    const c = inner[i];
    if (c === '"') throw new Error("invalid syntax: unescaped quote");
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = inner[i + 1];
    if (e === undefined) throw new Error("invalid syntax: trailing backslash");
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += String.fromCharCode(simple);
      i += 2;
      continue;
    }
    if (e !== "u" && e !== "U") throw new Error(`invalid syntax: unknown escape \\${e}`);
    const n = e === "u" ? 4 : 8;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const h = hexVal(inner.charCodeAt(i + 2 + k));
      if (h < 0) throw new Error(`invalid syntax: bad \\${e} escape`);
      v = v * 16 + h;
    }
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new Error(`invalid syntax: bad \\${e} escape`);
    out += String.fromCodePoint(v);
    i += 2 + n;
  }
  return out;
}

/**
 * goUnquote returns the value of a MetricsQL string literal token (with its quotes).
 * Double-quoted strings follow Go's strconv.Unquote; single-quoted ones are read as
 * double-quoted after turning \' into ' and " into \" (as VictoriaMetrics does);
 * backquoted ones are raw, with \r dropped. It throws an Error for invalid syntax.
 */
export function goUnquote(token: string): string {
  const q = token[0];
  if (token.length < 2 || token[token.length - 1] !== q) throw new Error("invalid syntax: missing closing quote");
  const inner = token.slice(1, -1);
  if (q === "`") {
    if (inner.includes("`")) throw new Error("invalid syntax: backquote inside raw string");
    return inner.replaceAll("\r", "");
  }
  if (q === "'") return unquoteDouble(inner.replaceAll("\\'", "'").replaceAll('"', '\\"'));
  if (q === '"') return unquoteDouble(inner);
  throw new Error("invalid syntax: not a string literal");
}

// underscoreOK reports whether underscores in s sit only between digits (or right
// after a base prefix), as Go requires for number literals.
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  let hexDigits = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1])) {
    i = 2;
    saw = "0";
    hexDigits = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= "0" && c <= "9") || (hexDigits && hexVal(s.charCodeAt(i)) >= 0)) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

const DECIMAL_FLOAT = /^(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;

/**
 * parseGoFloat parses s like Go's strconv.ParseFloat(s, 64) for the forms MetricsQL
 * produces: decimal numbers with optional fraction, exponent and digit-separating
 * underscores, and inf / infinity / nan in any case. It throws an Error for invalid
 * syntax and for values out of float64 range.
 */
export function parseGoFloat(s: string): number {
  const lower = s.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan") return NaN;
  let sign = 1;
  let body = s;
  if (body[0] === "+" || body[0] === "-") {
    if (body[0] === "-") sign = -1;
    body = body.slice(1);
  }
  if (!DECIMAL_FLOAT.test(body) || !/[0-9]/.test(body.split(/[eE]/)[0])) throw new Error(`invalid syntax: ${JSON.stringify(s)}`);
  if (body.includes("_")) {
    if (!underscoreOK(body)) throw new Error(`invalid syntax: ${JSON.stringify(s)}`);
    body = body.replaceAll("_", "");
  }
  const v = Number(body);
  if (!Number.isFinite(v)) throw new Error(`value out of range: ${JSON.stringify(s)}`);
  return sign * v;
}

const INT64_MAX = (1n << 63n) - 1n;

/**
 * parseGoInt parses a non-negative integer like Go's strconv.ParseInt(s, 0, 64): the
 * base comes from the prefix (0x hex, 0o or leading 0 octal, 0b binary, else decimal)
 * and underscores may separate digits. It throws an Error for invalid syntax or a value
 * beyond int64.
 */
export function parseGoInt(s: string): number {
  let base = 10;
  let digits = s;
  if (s.length >= 2 && s[0] === "0") {
    const p = s[1].toLowerCase();
    if (p === "x") base = 16;
    else if (p === "o") base = 8;
    else if (p === "b") base = 2;
    if (base !== 10) digits = s.slice(2);
    else {
      base = 8;
      digits = s.slice(1);
    }
  }
  if (s.includes("_")) {
    if (!underscoreOK(s)) throw new Error(`invalid syntax: ${JSON.stringify(s)}`);
    digits = digits.replaceAll("_", "");
  }
  if (digits === "") throw new Error(`invalid syntax: ${JSON.stringify(s)}`);
  let v = 0n;
  const b = BigInt(base);
  for (let i = 0; i < digits.length; i++) {
    const d = hexVal(digits.charCodeAt(i));
    if (d < 0 || d >= base) throw new Error(`invalid syntax: ${JSON.stringify(s)}`);
    v = v * b + BigInt(d);
    if (v > INT64_MAX) throw new Error(`value out of range: ${JSON.stringify(s)}`);
  }
  return Number(v);
}

/**
 * formatGoFloat formats v like Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest
 * representation that reads back as v, in %e form when the decimal exponent is < -4
 * or >= 6, with at least two exponent digits ("1e+06", "1.5e-07"). NaN is "NaN", infinities are "Inf" / "-Inf"
 * (Go writes "+Inf"; the sign is dropped so that the text parses back as a number
 * literal rather than a unary plus).
 */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Inf";
  if (v === -Infinity) return "-Inf";
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (a === 0) return neg ? "-0" : "0";
  const [mant, expStr] = a.toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expStr);
  let out: string;
  if (exp < -4 || exp >= 6) {
    out = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "");
    const ae = Math.abs(exp);
    out += "e" + (exp < 0 ? "-" : "+") + (ae < 10 ? "0" : "") + ae;
  } else if (exp < 0) {
    out = "0." + "0".repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + "0".repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }
  return neg ? "-" + out : out;
}
