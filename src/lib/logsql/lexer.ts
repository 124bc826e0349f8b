// lexer: splits a LogsQL query into tokens (words, quoted strings, punctuation).

import { LogsQLParseError } from "./logsql_parse_error.ts";
import { isTokenChar } from "../logstorage/index.ts";

/** Token is one lexeme: `s` is its value (unquoted for strings), `raw` its source text. */
export interface Token {
  readonly s: string;
  readonly raw: string;
  readonly quoted: boolean;
  /** Offset of the token in the query. */
  readonly pos: number;
  /** Whether whitespace or a comment precedes the token. */
  readonly space: boolean;
}

/** lex splits q into tokens, ending with an empty EOF token; it throws LogsQLParseError for an unterminated or invalid quoted string. */
export function lex(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = q.length;
  for (;;) {
    let space = false;
    for (;;) {
      if (i >= n) break;
      const c = q.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0x85 || c === 0xa0 || (c > 0xff && /\s/u.test(q[i]))) {
        space = true;
        i++;
        continue;
      }
      if (c === 0x23) {
        // '#' starts a comment till the end of the line.
        const e = q.indexOf("\n", i);
        i = e < 0 ? n : e + 1;
        space = true;
        continue;
      }
      break;
    }
    if (i >= n) {
      out.push({ s: "", raw: "", quoted: false, pos: n, space });
      return out;
    }
    const start = i;
    let c = q.codePointAt(i)!;
    if (isTokenChar(c)) {
      while (i < n) {
        c = q.codePointAt(i)!;
        if (!isTokenChar(c)) break;
        i += c > 0xffff ? 2 : 1;
      }
      const w = q.slice(start, i);
      out.push({ s: w, raw: w, quoted: false, pos: start, space });
      continue;
    }
    if (c === 0x22 || c === 0x27 || c === 0x60) {
      const [s, end] = readQuoted(q, i);
      i = end;
      out.push({ s, raw: q.slice(start, end), quoted: true, pos: start, space });
      continue;
    }
    let w = c > 0xffff ? 2 : 1;
    const next = q[i + 1];
    if ((c === 0x3d && next === "~") || (c === 0x21 && (next === "~" || next === "="))) w = 2;
    i += w;
    const t = q.slice(start, i);
    out.push({ s: t, raw: t, quoted: false, pos: start, space });
  }
}

// readQuoted reads the quoted string starting at q[i] and returns its value and the end offset.
function readQuoted(q: string, i: number): [string, number] {
  const quote = q[i];
  const start = i;
  i++;
  if (quote === "`") {
    const e = q.indexOf("`", i);
    if (e < 0) throw new LogsQLParseError(`cannot find closing quote for the string starting with ${q.slice(start, start + 20)}`, start);
    return [q.slice(i, e), e + 1];
  }
  let out = "";
  let from = i;
  for (;;) {
    if (i >= q.length || q[i] === "\n") {
      throw new LogsQLParseError(`cannot find closing quote for the string starting with ${q.slice(start, start + 20)}`, start);
    }
    const ch = q[i];
    if (ch === quote) {
      out += q.slice(from, i);
      return [out, i + 1];
    }
    if (ch !== "\\") {
      i++;
      continue;
    }
    out += q.slice(from, i);
    const e = q[i + 1];
    let adv = 2;
    switch (e) {
      case "a": out += "\x07"; break;
      case "b": out += "\b"; break;
      case "f": out += "\f"; break;
      case "n": out += "\n"; break;
      case "r": out += "\r"; break;
      case "t": out += "\t"; break;
      case "v": out += "\v"; break;
      case "\\": out += "\\"; break;
      case "'": out += "'"; break;
      case '"': out += '"'; break;
      case "x":
      case "u":
      case "U": {
        const len = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = q.slice(i + 2, i + 2 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw badEscape(q, i);
        const v = parseInt(hex, 16);
        if (v > 0x10ffff) throw badEscape(q, i);
        out += e === "u" ? String.fromCharCode(v) : String.fromCodePoint(v);
        adv = 2 + len;
        break;
      }
      default: {
        const oct = q.slice(i + 1, i + 4);
        if (/^[0-7]{3}$/.test(oct) && parseInt(oct, 8) < 256) {
          out += String.fromCharCode(parseInt(oct, 8));
          adv = 4;
          break;
        }
        throw badEscape(q, i);
      }
    }
    i += adv;
    from = i;
  }
}

function badEscape(q: string, i: number): LogsQLParseError {
  return new LogsQLParseError(`cannot parse quoted string: invalid escape sequence ${JSON.stringify(q.slice(i, i + 4))}`, i);
}

/** isWord reports whether s is non-empty and consists of token characters only. */
export function isWord(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; ) {
    const c = s.codePointAt(i)!;
    if (!isTokenChar(c)) return false;
    i += c > 0xffff ? 2 : 1;
  }
  return true;
}
