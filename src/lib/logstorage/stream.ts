// Streams: the canonical form `{name="value",...}` (tags sorted by name,
// values quoted like Go's strconv.Quote does for ASCII: \" \\ \n \t ...
// and \xNN for other control bytes) and the 128-bit stream id, the MD5 of
// the canonical form, as 32 lowercase hex digits. A tag with an empty value
// is left out, as VictoriaLogs does.

import { hash } from "node:crypto";
import type { LogField } from "./types.ts";

function quoteValue(v: string): string {
  let simple = true;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f) {
      simple = false;
      break;
    }
  }
  if (simple) return `"${v}"`;
  let s = '"';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    switch (c) {
      case 0x22: s += '\\"'; break;
      case 0x5c: s += "\\\\"; break;
      case 0x07: s += "\\a"; break;
      case 0x08: s += "\\b"; break;
      case 0x0c: s += "\\f"; break;
      case 0x0a: s += "\\n"; break;
      case 0x0d: s += "\\r"; break;
      case 0x09: s += "\\t"; break;
      case 0x0b: s += "\\v"; break;
      default:
        if (c < 0x20 || c === 0x7f) s += "\\x" + c.toString(16).padStart(2, "0");
        else s += v[i];
    }
  }
  return s + '"';
}

/** canonicalStream returns `{a="b",...}` for tags (sorted here by name; empty values skipped). */
export function canonicalStream(tags: readonly LogField[]): string {
  const t = tags.filter((x) => x.value !== "").sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let s = "{";
  for (let i = 0; i < t.length; i++) {
    if (i > 0) s += ",";
    s += t[i]!.name + "=" + quoteValue(t[i]!.value);
  }
  return s + "}";
}

/**
 * streamOfRow returns the canonical stream of a row: the values of the
 * fields named by streamFields (the first occurrence of each), sorted by name.
 */
export function streamOfRow(fields: readonly LogField[], streamFields: readonly string[]): string {
  if (streamFields.length === 0) return "{}";
  const tags: LogField[] = [];
  for (const name of streamFields) {
    if (tags.some((t) => t.name === name)) continue;
    for (const f of fields) {
      if (f.name === name) {
        if (f.value !== "") tags.push({ name, value: f.value });
        break;
      }
    }
  }
  return canonicalStream(tags);
}

/** streamIDOf returns the 32-hex-digit id of a canonical stream. */
export function streamIDOf(stream: string): string {
  return hash("md5", stream, "hex");
}

function unquoteValue(s: string, i: number, where: string): [string, number] {
  // s[i] is the opening quote; returns the value and the index after the closing quote.
  let out = "";
  i++;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') return [out, i + 1];
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1];
    i += 2;
    switch (e) {
      case '"': out += '"'; break;
      case "\\": out += "\\"; break;
      case "a": out += "\x07"; break;
      case "b": out += "\b"; break;
      case "f": out += "\f"; break;
      case "n": out += "\n"; break;
      case "r": out += "\r"; break;
      case "t": out += "\t"; break;
      case "v": out += "\v"; break;
      case "x": {
        const h = Number.parseInt(s.slice(i, i + 2), 16);
        if (!Number.isFinite(h)) throw new Error(`cannot parse stream ${where}: got a bad \\x escape; want \\xNN`);
        out += String.fromCharCode(h);
        i += 2;
        break;
      }
      default:
        throw new Error(`cannot parse stream ${where}: got escape \\${e}; want one of \\" \\\\ \\a \\b \\f \\n \\r \\t \\v \\xNN`);
    }
  }
  throw new Error(`cannot parse stream ${where}: got an unterminated value; want a closing quote`);
}

/** parseCanonicalStream returns the tags of a canonical stream (the inverse of canonicalStream). */
export function parseCanonicalStream(s: string): LogField[] {
  if (s.length < 2 || s[0] !== "{" || s[s.length - 1] !== "}") throw new Error(`cannot parse stream ${JSON.stringify(s)}: want {name="value",...}`);
  const out: LogField[] = [];
  let i = 1;
  while (i < s.length - 1) {
    const eq = s.indexOf('="', i);
    if (eq < 0 || s[eq + 1] !== '"') throw new Error(`cannot parse stream ${JSON.stringify(s)}: got no name="value" at offset ${i}`);
    const name = s.slice(i, eq);
    const [value, next] = unquoteValue(s, eq + 1, JSON.stringify(s));
    out.push({ name, value });
    i = next;
    if (s[i] === ",") i++;
  }
  return out;
}
