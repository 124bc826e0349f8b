// The exact reader of one JSON line: a port of the behaviour (not the code) of the
// fastjson parser and Row.unmarshal of VictoriaMetrics 1.79.5, down to the wording of
// the errors. It builds a small value tree, so it is used only when the fast reader
// (line_fast.ts) meets something it does not handle: an error, escaped or repeated
// keys, extra keys, non-string label values, string sample values.
import { goQuote, startEndString } from "../util/index.ts";
import { parseFloatToken, parseInt64Token, TokenError } from "./fastfloat.ts";
import { type ImportRows, type Label, detachString } from "./import_rows.ts";
import { rawStringEnd, unescapeBestEffort } from "./json_string.ts";

const KIND_NULL = 0;
const KIND_OBJECT = 1;
const KIND_ARRAY = 2;
const KIND_STRING = 3; // s holds the raw (still escaped) content
const KIND_NUMBER = 4; // s holds the token
const KIND_TRUE = 5;
const KIND_FALSE = 6;

const kindNames = ["null", "object", "array", "string", "number", "true", "false"];

interface KV {
  rawKey: string;
  v: JValue;
}

interface JValue {
  kind: number;
  s: string;
  kvs: KV[] | null;
  items: JValue[] | null;
}

/** MAX_DEPTH is fastjson's limit on nesting. */
const MAX_DEPTH = 300;

class JsonError {
  msg: string;
  tail: number;
  constructor(msg: string, tail: number) {
    this.msg = msg;
    this.tail = tail;
  }
}

function isWS(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 101 || c === 69 || c === 43;
}

class Reader {
  s: string;
  pos: number;
  end: number;
  constructor(s: string, pos: number, end: number) {
    this.s = s;
    this.pos = pos;
    this.end = end;
  }

  skipWS(): void {
    while (this.pos < this.end && isWS(this.s.charCodeAt(this.pos))) this.pos++;
  }

  rest(): string {
    return this.s.slice(this.pos, this.end);
  }

  value(depth: number): JValue {
    const s = this.s;
    if (this.pos >= this.end) throw new JsonError("cannot parse empty string", this.pos);
    depth++;
    if (depth > MAX_DEPTH) throw new JsonError(`too big depth for the nested JSON; it exceeds ${MAX_DEPTH}`, this.pos);
    const c = s.charCodeAt(this.pos);
    if (c === 123) {
      this.pos++;
      try {
        return this.object(depth);
      } catch (e) {
        if (e instanceof JsonError) e.msg = "cannot parse object: " + e.msg;
        throw e;
      }
    }
    if (c === 91) {
      this.pos++;
      try {
        return this.array(depth);
      } catch (e) {
        if (e instanceof JsonError) e.msg = "cannot parse array: " + e.msg;
        throw e;
      }
    }
    if (c === 34) {
      const q = rawStringEnd(s, this.pos + 1, this.end);
      if (q < 0) throw new JsonError(`cannot parse string: missing closing '"'`, this.end);
      const v = { kind: KIND_STRING, s: s.slice(this.pos + 1, q), kvs: null, items: null };
      this.pos = q + 1;
      return v;
    }
    if (c === 116 || c === 102) {
      const word = c === 116 ? "true" : "false";
      if (this.end - this.pos < word.length || !s.startsWith(word, this.pos)) {
        throw new JsonError(`unexpected value found: ${goQuote(startEndString(this.rest()))}`, this.pos);
      }
      this.pos += word.length;
      return { kind: c === 116 ? KIND_TRUE : KIND_FALSE, s: "", kvs: null, items: null };
    }
    if (c === 110) {
      if (this.end - this.pos >= 4 && s.startsWith("null", this.pos)) {
        this.pos += 4;
        return { kind: KIND_NULL, s: "", kvs: null, items: null };
      }
      if (this.end - this.pos >= 3 && s.slice(this.pos, this.pos + 3).toLowerCase() === "nan") {
        this.pos += 3;
        return { kind: KIND_NUMBER, s: s.slice(this.pos - 3, this.pos), kvs: null, items: null };
      }
      throw new JsonError(`unexpected value found: ${goQuote(startEndString(this.rest()))}`, this.pos);
    }
    return { kind: KIND_NUMBER, s: this.rawNumber(), kvs: null, items: null };
  }

  rawNumber(): string {
    const s = this.s;
    const start = this.pos;
    let i = start;
    for (; i < this.end; i++) {
      const ch = s.charCodeAt(i);
      if (isNumberChar(ch)) continue;
      if (i === start || (i === start + 1 && (s.charCodeAt(start) === 45 || s.charCodeAt(start) === 43))) {
        if (this.end - i >= 3) {
          const xs = s.slice(i, i + 3).toLowerCase();
          if (xs === "inf" || xs === "nan") {
            this.pos = i + 3;
            return s.slice(start, i + 3);
          }
        }
        throw new JsonError(`cannot parse number: unexpected char: ${goQuote(s.slice(start, start + 1))}`, start);
      }
      break;
    }
    this.pos = i;
    return s.slice(start, i);
  }

  array(depth: number): JValue {
    this.skipWS();
    if (this.pos >= this.end) throw new JsonError("missing ']'", this.pos);
    const items: JValue[] = [];
    const a = { kind: KIND_ARRAY, s: "", kvs: null, items };
    if (this.s.charCodeAt(this.pos) === 93) {
      this.pos++;
      return a;
    }
    for (;;) {
      this.skipWS();
      try {
        items.push(this.value(depth));
      } catch (e) {
        if (e instanceof JsonError) e.msg = "cannot parse array value: " + e.msg;
        throw e;
      }
      this.skipWS();
      if (this.pos >= this.end) throw new JsonError("unexpected end of array", this.pos);
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        return a;
      }
      throw new JsonError("missing ',' after array value", this.pos);
    }
  }

  object(depth: number): JValue {
    this.skipWS();
    if (this.pos >= this.end) throw new JsonError("missing '}'", this.pos);
    const kvs: KV[] = [];
    const o = { kind: KIND_OBJECT, s: "", kvs, items: null };
    if (this.s.charCodeAt(this.pos) === 125) {
      this.pos++;
      return o;
    }
    for (;;) {
      this.skipWS();
      if (this.pos >= this.end || this.s.charCodeAt(this.pos) !== 34) {
        throw new JsonError(`cannot find opening '"" for object key`, this.pos);
      }
      const q = rawStringEnd(this.s, this.pos + 1, this.end);
      if (q < 0) throw new JsonError(`cannot parse object key: missing closing '"'`, this.end);
      const rawKey = this.s.slice(this.pos + 1, q);
      this.pos = q + 1;
      this.skipWS();
      if (this.pos >= this.end || this.s.charCodeAt(this.pos) !== 58) {
        throw new JsonError("missing ':' after object key", this.pos);
      }
      this.pos++;
      this.skipWS();
      let v: JValue;
      try {
        v = this.value(depth);
      } catch (e) {
        if (e instanceof JsonError) e.msg = "cannot parse object value: " + e.msg;
        throw e;
      }
      kvs.push({ rawKey, v });
      this.skipWS();
      if (this.pos >= this.end) throw new JsonError("unexpected end of object", this.pos);
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        return o;
      }
      throw new JsonError("missing ',' after object value", this.pos);
    }
  }
}

// fastjson's Object.Get: first a match on the raw keys (unless the keys were already
// unescaped by an earlier lookup), then on the unescaped keys.
class Lookup {
  kvs: KV[];
  unescaped = false;
  constructor(kvs: KV[]) {
    this.kvs = kvs;
  }
  get(key: string): JValue | undefined {
    if (!this.unescaped) {
      for (const kv of this.kvs) if (kv.rawKey === key) return kv.v;
    }
    this.unescaped = true;
    for (const kv of this.kvs) if (unescapeBestEffort(kv.rawKey) === key) return kv.v;
    return undefined;
  }
}

/**
 * specialValue reads the string spellings of special values that later VictoriaMetrics
 * versions accept (and 1.79.5 rejects): an optional '-', then infinity / Infinity / Inf /
 * inf, or null / Null / nan / NaN. Returns undefined for any other string.
 */
export function specialValue(s: string): number | undefined {
  let minus = false;
  if (s.charCodeAt(0) === 45) {
    minus = true;
    s = s.slice(1);
  }
  switch (s) {
    case "infinity":
    case "Infinity":
    case "Inf":
    case "inf":
      return minus ? -Infinity : Infinity;
    case "null":
    case "Null":
    case "nan":
    case "NaN":
      return NaN;
    default:
      return undefined;
  }
}

function typeError(v: JValue): string {
  return `value doesn't contain number; it contains ${kindNames[v.kind]}`;
}

/**
 * parseLineSlow reads the line s[start..end) exactly as VictoriaMetrics 1.79.5 does,
 * with two departures taken from later versions: null and the strings accepted by
 * specialValue read as values (so that 1.79.5's own exports, which write NaN as null,
 * read back), and labels with an empty name are skipped (VictoriaMetrics issue 4962).
 * On success it appends the line to rows and returns null; otherwise it returns VM's
 * reason and leaves rows unchanged.
 */
export function parseLineSlow(rows: ImportRows, s: string, start: number, end: number): string | null {
  const r = new Reader(s, start, end);
  let top: JValue;
  try {
    r.skipWS();
    top = r.value(0);
    r.skipWS();
    if (r.pos < end) return `cannot parse json line: unexpected tail: ${goQuote(startEndString(r.rest()))}`;
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    const tail = s.slice(e.tail, end);
    return `cannot parse json line: cannot parse JSON: ${e.msg}; unparsed tail: ${goQuote(startEndString(tail))}`;
  }
  const lookup = top.kind === KIND_OBJECT ? new Lookup(top.kvs!) : null;
  const metric = lookup?.get("metric");
  if (metric === undefined || metric.kind !== KIND_OBJECT) return "missing `metric` object";
  const labels: Label[] = [];
  let tags = 0;
  for (const kv of metric.kvs!) {
    const name = unescapeBestEffort(kv.rawKey);
    if (name === "") continue;
    tags++;
    // VictoriaMetrics 1.79.5 reads a non-string label value as empty (its error check
    // never fires), and an empty value drops the label.
    const value = kv.v.kind === KIND_STRING ? unescapeBestEffort(kv.v.s) : "";
    if (value !== "") labels.push([detachString(name), detachString(value)]);
  }
  if (tags === 0) return "missing tags";
  const values = lookup!.get("values");
  if (values === undefined || values.kind !== KIND_ARRAY || values.items!.length === 0) return "missing `values` array";
  const n = values.items!.length;
  const base = rows.samples;
  rows.growSamples(base + n);
  const va = rows.values;
  for (let i = 0; i < n; i++) {
    const v = values.items![i]!;
    let f: number | undefined;
    if (v.kind === KIND_NUMBER) {
      try {
        f = parseFloatToken(v.s);
      } catch (e) {
        if (!(e instanceof TokenError)) throw e;
        return `cannot unmarshal value at position ${i}: ${e.message}`;
      }
    } else if (v.kind === KIND_NULL) {
      f = NaN;
    } else if (v.kind === KIND_STRING) {
      f = specialValue(unescapeBestEffort(v.s));
    }
    if (f === undefined) return `cannot unmarshal value at position ${i}: ${typeError(v)}`;
    va[base + i] = f;
  }
  const timestamps = lookup!.get("timestamps");
  if (timestamps === undefined || timestamps.kind !== KIND_ARRAY || timestamps.items!.length === 0) {
    return "missing `timestamps` array";
  }
  const m = timestamps.items!.length;
  const ta = rows.timestamps;
  for (let i = 0; i < m; i++) {
    const v = timestamps.items![i]!;
    if (v.kind !== KIND_NUMBER) return `cannot unmarshal timestamp at position ${i}: ${typeError(v)}`;
    let t: number;
    try {
      t = parseInt64Token(v.s);
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      return `cannot unmarshal timestamp at position ${i}: ${e.message}`;
    }
    if (i < n) ta[base + i] = t;
  }
  if (m !== n) return `\`timestamps\` array size must match \`values\` array size; got ${m}; want ${n}`;
  rows.commitLine(labels, n);
  return null;
}
