// Lexer for the part of Grafana Loki's LogQL that Tidemark translates to
// LogsQL: identifiers, strings ("..." with Go escapes, `raw`), numbers,
// durations and byte sizes, and the operators of stream selectors, line
// filters, label filters and metric expressions.

/** LogQLParseError is a syntax error; `pos` is the offset of the problem in the query. */
export class LogQLParseError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(`cannot parse LogQL at position ${pos}: ${message}`);
    this.name = "LogQLParseError";
    this.pos = pos;
  }
}

export type TokenKind = "ident" | "string" | "number" | "duration" | "op" | "eof";

/** Token is one lexeme; `text` is the decoded value for strings, the source text otherwise. */
export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

// Longest first, so that "|=" wins over "|" and "!~" over "!".
const OPS = ["|=", "|~", "!=", "!~", "=~", "==", ">=", "<=", "{", "}", "(", ")", "[", "]", ",", "|", "=", ">", "<", "+", "-", "*", "/", "%", "^"];

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= "0" && c <= "9") || c === "." || c === ":";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

const DURATION_UNITS = ["ns", "us", "µs", "ms", "s", "m", "h", "d", "w", "y"];
const BYTE_UNITS = ["b", "kib", "kb", "mib", "mb", "gib", "gb", "tib", "tb", "pib", "pb", "eib", "eb", "ki", "mi", "gi", "ti", "k", "m", "g", "t"];

function unescape(src: string, start: number, end: number, pos: number): string {
  let out = "";
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    i++;
    const e = src[i];
    switch (e) {
      case "n": out += "\n"; break;
      case "t": out += "\t"; break;
      case "r": out += "\r"; break;
      case "a": out += "\x07"; break;
      case "b": out += "\b"; break;
      case "f": out += "\f"; break;
      case "v": out += "\v"; break;
      case "\\": out += "\\"; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case "x": case "u": case "U": {
        const n = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = src.slice(i + 1, i + 1 + n);
        if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) throw new LogQLParseError(`invalid escape sequence \\${e}${hex}`, pos + (i - start));
        out += String.fromCodePoint(parseInt(hex, 16));
        i += n;
        break;
      }
      default:
        throw new LogQLParseError(`invalid escape sequence \\${e ?? ""}`, pos + (i - start));
    }
  }
  return out;
}

/** tokenize splits a LogQL query into tokens, ending with an "eof" token. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === "\\" ? 2 : 1;
      if (i >= src.length) throw new LogQLParseError("unterminated string", start);
      out.push({ kind: "string", text: unescape(src, start + 1, i, start + 1), pos: start });
      i++;
      continue;
    }
    if (c === "`") {
      const end = src.indexOf("`", i + 1);
      if (end < 0) throw new LogQLParseError("unterminated raw string", start);
      out.push({ kind: "string", text: src.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(src[i + 1] ?? ""))) {
      while (i < src.length && (isDigit(src[i]!) || src[i] === "." || src[i] === "_")) i++;
      if ((src[i] === "e" || src[i] === "E") && /[-+0-9]/.test(src[i + 1] ?? "") && !isIdentStart(src[i + 2] ?? "x")) {
        i += 2;
        while (i < src.length && isDigit(src[i]!)) i++;
      }
      // A unit makes it a duration (5m, 1h30m) or a byte size (10MB).
      if (i < src.length && (isIdentStart(src[i]!) || src[i] === "µ")) {
        let j = i;
        while (j < src.length && (isIdentChar(src[j]!) || src[j] === "µ" || isDigit(src[j]!))) j++;
        const text = src.slice(start, j);
        if (!isDurationText(text) && !isBytesText(text)) throw new LogQLParseError(`cannot parse ${JSON.stringify(text)} as a number, duration or byte size`, start);
        out.push({ kind: "duration", text, pos: start });
        i = j;
        continue;
      }
      out.push({ kind: "number", text: src.slice(start, i), pos: start });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < src.length && isIdentChar(src[i]!)) i++;
      out.push({ kind: "ident", text: src.slice(start, i), pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new LogQLParseError(`unexpected character ${JSON.stringify(c)}`, start);
    out.push({ kind: "op", text: op, pos: start });
    i += op.length;
  }
  out.push({ kind: "eof", text: "", pos: src.length });
  return out;
}

/** parseDurationMs parses a Prometheus/Loki duration like 5m or 1h30m into milliseconds; NaN when it is not one. */
export function parseDurationMs(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const n = parseFloat(m[1]!);
    const unit = m[2]!;
    const mult = unit === "ns" ? 1e-6 : unit === "us" || unit === "µs" ? 1e-3 : unit === "ms" ? 1 : unit === "s" ? 1e3 : unit === "m" ? 6e4 : unit === "h" ? 3.6e6 : unit === "d" ? 8.64e7 : unit === "w" ? 6.048e8 : 3.1536e10;
    total += n * mult;
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? total : NaN;
}

function isDurationText(s: string): boolean {
  return DURATION_UNITS.length > 0 && !Number.isNaN(parseDurationMs(s));
}

/** parseBytes parses a byte size like 10MB or 1.5KiB; NaN when it is not one. */
export function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]+)$/.exec(s);
  if (m === null) return NaN;
  const unit = m[2]!.toLowerCase();
  if (!BYTE_UNITS.includes(unit)) return NaN;
  const n = parseFloat(m[1]!);
  const p = "bkmgtpe".indexOf(unit[0]!);
  const binary = unit.includes("i");
  return n * Math.pow(binary ? 1024 : 1000, p);
}

function isBytesText(s: string): boolean {
  return !Number.isNaN(parseBytes(s));
}
