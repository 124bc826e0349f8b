// filter_eval: evaluates LogsQL filters over a block or a batch of rows into a selection bitmap.

import type { Filter, StreamTagFilter } from "./ast.ts";
import type { LogField } from "../logstorage/index.ts";
import { compileAnchored } from "../regexutil/index.ts";
import { compileRegexp } from "./regexp.ts";
import { parseFloatValue } from "./numbers.ts";
import { parseIPv4 } from "./ipv4.ts";
import { isTokenChar, tokenize } from "../logstorage/index.ts";
import { parseTimestamp } from "./time_format.ts";
import { bytesMatchRows, bytesPhraseFilter, bytesSubstringFilter, isASCII, type StringColumnBytes } from "./byte_scan.ts";
import { requiredLiterals, wholeTokens } from "./regexp_literals.ts";

/**
 * ColumnSource is what filters read: a block of the storage or a batch of rows
 * inside the pipes. The optional members are cheap checks that let a filter
 * decide for the whole source without reading values.
 */
export interface ColumnSource {
  readonly rowsCount: number;
  /** Every row's value of the field ("" when missing), including _time (RFC3339), _stream and _stream_id. */
  values(name: string): readonly string[];
  /** The value of every row, or undefined when unknown or when rows differ. */
  constValue?(name: string): string | undefined;
  /** False when no row can contain all the tokens in the field. */
  mayContainTokens?(name: string, tokens: readonly string[]): boolean;
  numericRange?(name: string): { min: number; max: number } | undefined;
  /** Row timestamps in ns, when known without parsing _time. */
  timestamps?(): BigInt64Array;
  /** The smallest and largest row timestamp (ns), when known without reading them. */
  timeBounds?(): readonly [bigint, bigint];
  /** A column stored as plain strings, as its raw UTF-8 bytes (see LogBlock.stringColumnBytes). */
  stringColumnBytes?(name: string): StringColumnBytes | undefined;
  /** A dict column: row i's value is dict[idx[i]]. */
  dictColumn?(name: string): { dict: readonly string[]; idx: Uint8Array } | undefined;
  /** The stream tags when all rows share one stream. */
  streamTags?(): readonly LogField[] | undefined;
  streamID?(): string | undefined;
}

/**
 * applyFilter narrows the selection bm (1 = selected, one byte per row of src)
 * to the rows that match f. Returns the number of rows still selected.
 */
export function applyFilter(f: Filter, src: ColumnSource, bm: Uint8Array): number {
  applyInto(f, src, bm);
  if (bm.indexOf(1) < 0) return 0;
  let n = 0;
  for (let i = 0; i < bm.length; i++) n += bm[i];
  return n;
}

/** matchFilterBitmap returns a fresh bitmap of the rows of src matching f. */
export function matchFilterBitmap(f: Filter, src: ColumnSource): Uint8Array {
  const bm = new Uint8Array(src.rowsCount).fill(1);
  applyInto(f, src, bm);
  return bm;
}

function countSet(bm: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bm.length; i++) n += bm[i]!;
  return n;
}

function anySet(bm: Uint8Array): boolean {
  return bm.indexOf(1) >= 0;
}

function applyInto(f: Filter, src: ColumnSource, bm: Uint8Array): void {
  switch (f.t) {
    case "any":
      return;
    case "none":
      bm.fill(0);
      return;
    case "and":
      for (const c of f.fs) {
        if (!anySet(bm)) return;
        applyInto(c, src, bm);
      }
      return;
    case "or": {
      const acc = new Uint8Array(bm.length);
      const tmp = new Uint8Array(bm.length);
      for (const c of f.fs) {
        // Only rows selected but not yet matched need checking.
        let left = false;
        for (let i = 0; i < bm.length; i++) {
          const v = bm[i] & (acc[i] ^ 1);
          tmp[i] = v;
          if (v) left = true;
        }
        if (!left) break;
        applyInto(c, src, tmp);
        for (let i = 0; i < bm.length; i++) acc[i] |= tmp[i];
      }
      bm.set(acc);
      return;
    }
    case "not": {
      const tmp = bm.slice();
      applyInto(f.f, src, tmp);
      for (let i = 0; i < bm.length; i++) bm[i] &= tmp[i] ^ 1;
      return;
    }
    case "time": {
      const tb = src.timeBounds?.();
      if (tb !== undefined) {
        if (tb[0] >= f.min && tb[1] <= f.max) return;
        if (tb[1] < f.min || tb[0] > f.max) {
          bm.fill(0);
          return;
        }
        // A storage block: its timestamps ascend.
        keepTimeRange(timestampsOf(src), f.min, f.max, bm);
        return;
      }
      const ts = timestampsOf(src);
      for (let i = 0; i < bm.length; i++) if (bm[i] && !(ts[i] >= f.min && ts[i] <= f.max)) bm[i] = 0;
      return;
    }
    case "day_range": {
      const ts = timestampsOf(src);
      const day = 86_400_000_000_000n;
      for (let i = 0; i < bm.length; i++) {
        if (!bm[i]) continue;
        let d = (ts[i] + f.offset) % day;
        if (d < 0n) d += day;
        if (d < f.start || d > f.end) bm[i] = 0;
      }
      return;
    }
    case "week_range": {
      const ts = timestampsOf(src);
      const day = 86_400_000_000_000n;
      for (let i = 0; i < bm.length; i++) {
        if (!bm[i]) continue;
        let days = (ts[i] + f.offset) / day;
        if ((ts[i] + f.offset) % day < 0n) days--;
        // 1970-01-01 was a Thursday (4).
        const wd = Number((((days + 4n) % 7n) + 7n) % 7n);
        if (wd < f.start || wd > f.end) bm[i] = 0;
      }
      return;
    }
    case "stream": {
      const tags = src.streamTags?.();
      if (tags !== undefined) {
        if (!matchStream(f.groups, tags)) bm.fill(0);
        return;
      }
      const vals = src.values("_stream");
      const cache = new Map<string, boolean>();
      for (let i = 0; i < bm.length; i++) {
        if (!bm[i]) continue;
        let m = cache.get(vals[i]);
        if (m === undefined) {
          m = matchStream(f.groups, parseStreamTags(vals[i]));
          cache.set(vals[i], m);
        }
        if (!m) bm[i] = 0;
      }
      return;
    }
    case "stream_id": {
      const ids = new Set(f.ids);
      const id = src.streamID?.();
      if (id !== undefined) {
        if (!ids.has(id)) bm.fill(0);
        return;
      }
      const vals = src.values("_stream_id");
      for (let i = 0; i < bm.length; i++) if (bm[i] && !ids.has(vals[i])) bm[i] = 0;
      return;
    }
    case "field_cmp": {
      const a = src.values(f.field);
      const b = src.values(f.other);
      for (let i = 0; i < bm.length; i++) {
        if (!bm[i]) continue;
        let ok: boolean;
        if (f.op === "eq_field") ok = a[i] === b[i];
        else {
          const x = parseFloatValue(a[i]);
          const y = parseFloatValue(b[i]);
          const c = !Number.isNaN(x) && !Number.isNaN(y) ? (x < y ? -1 : x > y ? 1 : 0) : a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
          ok = f.op === "le_field" ? c <= 0 : c < 0;
        }
        if (!ok) bm[i] = 0;
      }
      return;
    }
    default:
      applyLeaf(f, src, bm);
  }
}

/** keepTimeRange clears bm outside the rows whose timestamps (ascending) are in [min, max]. */
export function keepTimeRange(ts: BigInt64Array, min: bigint, max: bigint, bm: Uint8Array): void {
  // The first row at or after min, and the first row after max.
  let a = 0;
  let b = ts.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (ts[m]! < min) a = m + 1;
    else b = m;
  }
  const start = a;
  b = ts.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (ts[m]! <= max) a = m + 1;
    else b = m;
  }
  bm.fill(0, 0, start);
  bm.fill(0, a);
}

function timestampsOf(src: ColumnSource): BigInt64Array {
  const t = src.timestamps?.();
  if (t !== undefined) return t;
  const vals = src.values("_time");
  const out = new BigInt64Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i] === "" ? undefined : parseTimestamp(vals[i], 0n);
    out[i] = v === undefined ? -(2n ** 63n) : v;
  }
  return out;
}

type Leaf = Exclude<Filter, { t: "any" | "none" | "and" | "or" | "not" | "time" | "day_range" | "week_range" | "stream" | "stream_id" | "field_cmp" }>;

// leafCache keeps the compiled matcher of each leaf filter object.
interface CompiledLeaf {
  match: (s: string) => boolean;
  /** Tokens every matching value contains. */
  tokens: readonly string[];
  /** For in(): the tokens of each value (a block without any of them is skipped); undefined when not usable. */
  anyTokens: (readonly string[])[] | undefined;
  emptyMatches: boolean;
  /** Decides the rows from a string column's raw bytes (for filters that can). */
  bytes: ((col: StringColumnBytes, bm: Uint8Array) => void) | undefined;
}

const leafCache = new WeakMap<object, CompiledLeaf>();

function compiledLeaf(f: Leaf): CompiledLeaf {
  let c = leafCache.get(f);
  if (c === undefined) {
    const match = leafMatcher(f);
    let anyTokens: (readonly string[])[] | undefined;
    if (f.t === "in" && f.op !== "contains_all" && f.values.length <= 100 && !(f.values.length === 1 && f.values[0] === "*")) {
      anyTokens = f.values.map((v) => tokenize(v));
      if (anyTokens.some((t) => t.length === 0)) anyTokens = undefined;
    }
    c = { match, tokens: leafTokens(f), anyTokens, emptyMatches: match(""), bytes: bytesMatcher(f, match) };
    leafCache.set(f, c);
  }
  return c;
}

function applyLeaf(f: Leaf, src: ColumnSource, bm: Uint8Array): void {
  const c = compiledLeaf(f);
  const field = f.field;
  const cv = src.constValue?.(field);
  if (cv !== undefined) {
    if (!c.match(cv)) bm.fill(0);
    return;
  }
  if (!c.emptyMatches && c.tokens.length > 0 && src.mayContainTokens !== undefined && !src.mayContainTokens(field, c.tokens)) {
    bm.fill(0);
    return;
  }
  if (c.anyTokens !== undefined && !c.emptyMatches && src.mayContainTokens !== undefined) {
    // Any of the values: the block is skipped when none of them can be there.
    if (!c.anyTokens.some((t) => src.mayContainTokens!(field, t))) {
      bm.fill(0);
      return;
    }
  }
  if (f.t === "range" && src.numericRange !== undefined) {
    const r = src.numericRange(field);
    if (r !== undefined) {
      if (r.max < f.min || r.min > f.max) {
        bm.fill(0);
        return;
      }
      if (r.min >= f.min && r.max <= f.max) return;
    }
  }
  const dc = src.dictColumn?.(field);
  if (dc !== undefined) {
    // Each dictionary value is checked once.
    const ok = new Uint8Array(256);
    for (let j = 0; j < dc.dict.length; j++) ok[j] = c.match(dc.dict[j]!) ? 1 : 0;
    const idx = dc.idx;
    for (let i = 0; i < bm.length; i++) bm[i] &= ok[idx[i]!]!;
    return;
  }
  if (c.bytes !== undefined && src.stringColumnBytes !== undefined) {
    const col = src.stringColumnBytes(field);
    if (col !== undefined) {
      c.bytes(col, bm);
      return;
    }
  }
  const vals = src.values(field);
  const match = c.match;
  if (f.t === "phrase" && f.phrase !== "") {
    // Hot path: the word/phrase filter.
    const phrase = f.phrase;
    const first = phrase.codePointAt(0)!;
    const last = lastCodePoint(phrase);
    const sw = isTokenChar(first);
    const ew = isTokenChar(last);
    for (let i = 0; i < bm.length; i++) {
      if (bm[i] && !phrasePos(vals[i], phrase, sw, ew)) bm[i] = 0;
    }
    return;
  }
  let prev: string | undefined;
  let prevOk = false;
  for (let i = 0; i < bm.length; i++) {
    if (!bm[i]) continue;
    const v = vals[i];
    // Runs of equal values (common in logs) are checked once.
    if (v !== prev) {
      prev = v;
      prevOk = match(v);
    }
    if (!prevOk) bm[i] = 0;
  }
}

function lastCodePoint(s: string): number {
  const c = s.charCodeAt(s.length - 1);
  if (c >= 0xdc00 && c <= 0xdfff && s.length > 1) return s.codePointAt(s.length - 2)!;
  return c;
}

function charBefore(s: string, i: number): number {
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i > 1) return s.codePointAt(i - 2)!;
  return c;
}

// phrasePos reports whether phrase occurs in s not glued to token characters on its
// word-character ends (sw/ew: the phrase starts/ends with a token character).
function phrasePos(s: string, phrase: string, sw: boolean, ew: boolean): boolean {
  let pos = 0;
  for (;;) {
    const n = s.indexOf(phrase, pos);
    if (n < 0) return false;
    const end = n + phrase.length;
    if ((!sw || n === 0 || !isTokenChar(charBefore(s, n))) && (!ew || end === s.length || !isTokenChar(s.codePointAt(end)!))) return true;
    pos = n + 1;
  }
}

/** matchPhrase reports whether s contains phrase as whole words (VictoriaLogs' word/phrase filter); "" matches only "". */
export function matchPhrase(s: string, phrase: string): boolean {
  if (phrase === "") return s === "";
  return phrasePos(s, phrase, isTokenChar(phrase.codePointAt(0)!), isTokenChar(lastCodePoint(phrase)));
}

/** matchPrefix reports whether s contains a word starting with prefix ("" matches any non-empty s). */
export function matchPrefix(s: string, prefix: string): boolean {
  if (prefix === "") return s !== "";
  const sw = isTokenChar(prefix.codePointAt(0)!);
  let pos = 0;
  for (;;) {
    const n = s.indexOf(prefix, pos);
    if (n < 0) return false;
    if (!sw || n === 0 || !isTokenChar(charBefore(s, n))) return true;
    pos = n + 1;
  }
}

function matchSeq(s: string, phrases: readonly string[]): boolean {
  let rest = s;
  for (const p of phrases) {
    if (p === "") continue;
    const sw = isTokenChar(p.codePointAt(0)!);
    const ew = isTokenChar(lastCodePoint(p));
    let pos = 0;
    let found = -1;
    for (;;) {
      const n = rest.indexOf(p, pos);
      if (n < 0) break;
      const end = n + p.length;
      if ((!sw || n === 0 || !isTokenChar(charBefore(rest, n))) && (!ew || end === rest.length || !isTokenChar(rest.codePointAt(end)!))) {
        found = end;
        break;
      }
      pos = n + 1;
    }
    if (found < 0) return false;
    rest = rest.slice(found);
  }
  return true;
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** inferValueType names the VictoriaLogs column type a single value would be stored as (uint64, int64, float64, ipv4, iso8601 or string). */
export function inferValueType(v: string): string {
  if (/^\d{1,20}$/.test(v) && BigInt(v) < 2n ** 64n) {
    const n = Number(v);
    return n < 256 ? "uint8" : n < 65536 ? "uint16" : n < 2 ** 32 ? "uint32" : "uint64";
  }
  if (/^-\d{1,19}$/.test(v)) return "int64";
  if (/^-?\d+\.\d+$/.test(v)) return "float64";
  if (parseIPv4(v) !== undefined) return "ipv4";
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)) return "iso8601";
  return "string";
}

function leafMatcher(f: Leaf): (s: string) => boolean {
  switch (f.t) {
    case "phrase":
      return (s) => matchPhrase(s, f.phrase);
    case "prefix":
      return (s) => matchPrefix(s, f.prefix);
    case "substring":
      return f.s === "" ? (s) => s !== "" : (s) => s.includes(f.s);
    case "exact":
      return f.prefix ? (s) => s.startsWith(f.value) : (s) => s === f.value;
    case "in": {
      if (f.op === "in") {
        if (f.values.length === 1 && f.values[0] === "*") return () => true;
        const set = new Set(f.values);
        return (s) => set.has(s);
      }
      const vals = f.values;
      if (f.op === "contains_all") return (s) => vals.every((p) => matchPhrase(s, p));
      if (vals.length === 1 && vals[0] === "*") return () => true;
      return (s) => vals.some((p) => matchPhrase(s, p));
    }
    case "anycase": {
      const p = f.phrase.toLowerCase();
      return f.prefix ? (s) => matchPrefix(s.toLowerCase(), p) : (s) => matchPhrase(s.toLowerCase(), p);
    }
    case "seq":
      return (s) => matchSeq(s, f.phrases);
    case "regexp": {
      const m = compileRegexp(f.re);
      return (s) => m.matches(s);
    }
    case "range":
      return (s) => {
        const v = parseFloatValue(s);
        return v >= f.min && v <= f.max;
      };
    case "string_range":
      return (s) => s >= f.min && s < f.max;
    case "ipv4_range":
      return (s) => {
        const v = parseIPv4(s);
        return v !== undefined && v >= f.min && v <= f.max;
      };
    case "len_range":
      return (s) => {
        const n = codePointLength(s);
        return n >= f.min && n <= f.max;
      };
    case "value_type":
      return (s) => {
        const t = inferValueType(s);
        if (f.type === "string" || f.type === "dict" || f.type === "const") return t === "string";
        return t === f.type;
      };
  }
}

// bytesMatcher returns how f decides rows on a string column's raw bytes, or undefined when it cannot.
function bytesMatcher(f: Leaf, match: (s: string) => boolean): CompiledLeaf["bytes"] {
  switch (f.t) {
    case "phrase": {
      const p = f.phrase;
      if (p === "" || !isASCII(p)) return undefined;
      return (col, bm) => bytesPhraseFilter(col, p, bm, match);
    }
    case "substring": {
      const p = f.s;
      if (p === "" || !isASCII(p)) return undefined;
      return (col, bm) => bytesSubstringFilter(col, p, bm);
    }
    case "regexp": {
      // Every required literal is searched for (the longest first; single
      // characters only when nothing longer is known), then the regexp runs
      // on the rows left.
      const all = requiredLiterals(f.re).sort((a, b) => b.length - a.length);
      const lits = all.filter((l) => l.length > 1);
      if (lits.length === 0 && all.length > 0) lits.push(all[0]!);
      if (lits.length === 0) return undefined;
      // The literal that has left the fewest rows so far is searched first.
      const stats = lits.map((lit) => ({ lit, rowsIn: 1, rowsOut: 1 }));
      return (col, bm) => {
        stats.sort((a, b) => a.rowsOut / a.rowsIn - b.rowsOut / b.rowsIn);
        let left = countSet(bm);
        for (const st of stats) {
          if (left === 0) return;
          st.rowsIn += left;
          left = bytesSubstringFilter(col, st.lit, bm);
          st.rowsOut += left;
        }
        if (left > 0) bytesMatchRows(col, bm, match);
      };
    }
    default:
      return undefined;
  }
}

// leafTokens are tokens every matching value must contain (for bloom filter checks).
function leafTokens(f: Leaf): readonly string[] {
  switch (f.t) {
    case "phrase":
      return tokenize(f.phrase);
    case "prefix":
    case "exact":
      if (f.t === "exact" && !f.prefix) return tokenize(f.value);
      return prefixTokens(f.t === "prefix" ? f.prefix : f.value);
    case "seq": {
      const out: string[] = [];
      for (const p of f.phrases) tokenize(p, out);
      return out;
    }
    case "in":
      if (f.op === "contains_all") {
        const out: string[] = [];
        for (const p of f.values) tokenize(p, out);
        return out;
      }
      return [];
    case "regexp": {
      const out: string[] = [];
      for (const l of requiredLiterals(f.re)) out.push(...wholeTokens(l));
      return out;
    }
    case "substring":
      // Tokens at the ends of the substring may be parts of longer tokens.
      if (f.s === "" || isTokenChar(f.s.codePointAt(0)!) || isTokenChar(lastCodePoint(f.s))) return [];
      return tokenize(f.s);
    default:
      return [];
  }
}

function prefixTokens(p: string): string[] {
  if (p === "" || !isTokenChar(lastCodePoint(p))) return tokenize(p);
  // The last token may continue in the value: only the tokens before it are whole.
  let i = p.length;
  while (i > 0) {
    const c = charBefore(p, i);
    if (!isTokenChar(c)) break;
    i -= c > 0xffff ? 2 : 1;
  }
  return tokenize(p.slice(0, i));
}

function matchStream(groups: readonly (readonly StreamTagFilter[])[], tags: readonly LogField[]): boolean {
  outer: for (const g of groups) {
    for (const tf of g) {
      let v = "";
      for (const t of tags) {
        if (t.name === tf.name) {
          v = t.value;
          break;
        }
      }
      let ok: boolean;
      switch (tf.op) {
        case "=": ok = v === tf.value; break;
        case "!=": ok = v !== tf.value; break;
        case "=~": ok = compileAnchored(tf.value).matches(v); break;
        case "!~": ok = !compileAnchored(tf.value).matches(v); break;
      }
      if (!ok) continue outer;
    }
    return true;
  }
  return false;
}

/** streamFilterFunc returns a predicate over stream tags for a stream filter's groups (for SearchOptions.streamFilter). */
export function streamFilterFunc(groups: readonly (readonly StreamTagFilter[])[]): (tags: readonly LogField[]) => boolean {
  return (tags) => matchStream(groups, tags);
}

/** parseStreamTags parses a canonical stream `{a="b",c="d"}` into tags (an empty list for anything else). */
export function parseStreamTags(s: string): LogField[] {
  const out: LogField[] = [];
  if (!s.startsWith("{") || !s.endsWith("}")) return out;
  let i = 1;
  while (i < s.length - 1) {
    const eq = s.indexOf("=", i);
    if (eq < 0 || s[eq + 1] !== '"') break;
    const name = s.slice(i, eq);
    let j = eq + 2;
    let v = "";
    while (j < s.length && s[j] !== '"') {
      if (s[j] === "\\" && j + 1 < s.length) {
        const e = s[j + 1];
        v += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
        j += 2;
        continue;
      }
      v += s[j];
      j++;
    }
    out.push({ name, value: v });
    i = j + 1;
    if (s[i] === ",") i++;
  }
  return out;
}
