// text_funcs: value transformations of the unpack_*, pack_*, unroll, unpack_words, collapse_nums and hash pipes.

import { readJSONString } from "./extract_format.ts";
import { isTokenChar } from "../logstorage/index.ts";
import { xxhash64 } from "../encoding/index.ts";

/** unpackJSON flattens a JSON object into fields ("a.b" for nested objects; arrays, numbers, booleans and null as JSON text). Anything else gives no fields. */
export function unpackJSON(s: string): Map<string, string> {
  const m = new Map<string, string>();
  if (s === "" || s[0] !== "{") return m;
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch {
    return m;
  }
  const walk = (prefix: string, v: unknown): void => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix === "" ? k : `${prefix}.${k}`, x);
      return;
    }
    m.set(prefix, typeof v === "string" ? v : JSON.stringify(v));
  };
  if (o !== null && typeof o === "object" && !Array.isArray(o)) walk("", o);
  return m;
}

/** unpackLogfmt parses `k=v k2="quoted v" flag` into fields. */
export function unpackLogfmt(s: string): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0;
  while (i < s.length) {
    while (i < s.length && s[i] === " ") i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && s[j] !== "=" && s[j] !== " ") j++;
    const key = s.slice(i, j);
    if (j >= s.length || s[j] === " ") {
      if (key !== "") m.set(key, "");
      i = j;
      continue;
    }
    j++;
    if (s[j] === '"') {
      const q = readJSONString(s, j);
      if (q !== undefined) {
        m.set(key, q[0]);
        i = q[1];
        continue;
      }
    }
    let e = s.indexOf(" ", j);
    if (e < 0) e = s.length;
    m.set(key, s.slice(j, e));
    i = e;
  }
  return m;
}

/** logfmtValue quotes a logfmt value when it needs quotes. */
export function logfmtValue(v: string): string {
  return /[\s"=]/.test(v) || v === "" ? JSON.stringify(v) : v;
}

/** jsonArrayItems returns the items of a JSON array as strings (JSON text for non-strings), [] for anything else. */
export function jsonArrayItems(v: string): string[] {
  if (v === "" || v[0] !== "[") return [];
  try {
    const a: unknown = JSON.parse(v);
    if (!Array.isArray(a)) return [];
    return a.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
  } catch {
    return [];
  }
}

/** wordsOf returns the word tokens of s in order, with repeats. */
export function wordsOf(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= s.length; ) {
    const c = i < s.length ? s.codePointAt(i)! : 0x20;
    const w = c > 0xffff ? 2 : 1;
    if (i < s.length && isTokenChar(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(s.slice(start, i));
      start = -1;
    }
    i += w;
  }
  return out;
}

function isHexOrDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

// Letters that may glue to a number and still leave it a number: "v1", "x0ff", "T10", "10ms", "5s".
const NUM_START_GLUE = new Set(["_", "T", "X", "x", "v", "s", "h", "m"]);
const NUM_END_GLUE = new Set(["_", "T", "Z", "s", "m", "h", "u", "n"]);

// looksLikeNumber: decimal runs always; runs with hex letters only from 4 chars and of even length
// (so that words such as "be", "add" or "cafe1" stay).
function looksLikeNumber(run: string): boolean {
  if (run === "") return false;
  if (/^[0-9]+$/.test(run)) return true;
  return run.length >= 4 && run.length % 2 === 0;
}

/** collapseNums replaces decimal and hex numbers in s with <N> (and, with prettify, the shapes of UUIDs, IPv4 addresses, times and dates with <UUID>, <IP4>, <TIME>, <DATE>, <DATETIME>), as VictoriaLogs' collapse_nums pipe. */
export function collapseNums(s: string, prettify: boolean): string {
  let out = "";
  let i = 0;
  while (i < s.length) {
    // The next run of hex/decimal chars that starts a token (or follows a glue letter).
    let n = i;
    while (n < s.length) {
      const c = s.charCodeAt(n);
      if (isHexOrDigit(c) && (n === 0 || !isTokenChar(s.charCodeAt(n - 1)) || NUM_START_GLUE.has(s[n - 1]))) break;
      n++;
    }
    out += s.slice(i, n);
    if (n >= s.length) break;
    let e = n;
    while (e < s.length && isHexOrDigit(s.charCodeAt(e))) e++;
    const run = s.slice(n, e);
    const endOk = e >= s.length || !isTokenChar(s.charCodeAt(e)) || NUM_END_GLUE.has(s[e]);
    out += endOk && looksLikeNumber(run) ? "<N>" : run;
    i = e;
  }
  return prettify ? prettifyNums(out) : out;
}

function replaceAllSkipping(s: string, old: string, repl: string, skip?: (tail: string) => number): string {
  let out = "";
  let pos = 0;
  for (;;) {
    const n = s.indexOf(old, pos);
    if (n < 0) break;
    out += s.slice(pos, n) + repl;
    pos = n + old.length;
    if (skip !== undefined) pos += skip(s.slice(pos));
  }
  return out + s.slice(pos);
}

function prettifyNums(s: string): string {
  const subsecs = (t: string): number => (t.startsWith(".<N>") || t.startsWith(",<N>") ? 4 : 0);
  const zone = (t: string): number => (t.startsWith("Z") ? 1 : t.startsWith("-<N>:<N>") || t.startsWith("+<N>:<N>") ? 8 : 0);
  s = replaceAllSkipping(s, "<N>-<N>-<N>-<N>-<N>", "<UUID>");
  s = replaceAllSkipping(s, "<N>.<N>.<N>.<N>", "<IP4>");
  s = replaceAllSkipping(s, "<N>:<N>:<N>", "<TIME>", subsecs);
  s = replaceAllSkipping(s, "<N>-<N>-<N>", "<DATE>");
  s = replaceAllSkipping(s, "<N>/<N>/<N>", "<DATE>");
  s = replaceAllSkipping(s, "<DATE>T<TIME>", "<DATETIME>", zone);
  s = replaceAllSkipping(s, "<DATE> <TIME>", "<DATETIME>", zone);
  return s;
}

/** hash64 is XXH64 over the UTF-8 bytes, printed as a decimal uint64 (as VictoriaLogs' hash pipe). */
export function hash64(s: string): string {
  return xxhash64(Buffer.from(s)).toString();
}
