// The Prometheus text exposition format (and the sample lines of OpenMetrics) as
// VictoriaMetrics' lib/protoparser/prometheus reads it:
//
//   metric_name{label="value",...} value [timestamp]
//
// See README.md beside this file for the exact rules.
import { counter } from "../../metrics/index.ts";
import { goQuote } from "../util/index.ts";
import { FloatTokenError, parseFloatToken } from "./parse_float.ts";
import type { PromRows, Label } from "./prom_rows.ts";

const invalidLines = counter(`vm_rows_invalid_total{type="prometheus"}`);

/** LineError is a line that cannot be parsed; the message is VictoriaMetrics' reason. */
class LineError extends Error {}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function skipLeading(s: string, i: number, end: number): number {
  while (i < end && isBlank(s.charCodeAt(i))) i++;
  return i;
}

function skipTrailing(s: string, start: number, end: number): number {
  while (end > start && isBlank(s.charCodeAt(end - 1))) end--;
  return end;
}

// nextBlank returns the index of the first ' ' or '\t' in s[i, end), or -1.
function nextBlank(s: string, i: number, end: number): number {
  for (; i < end; i++) if (isBlank(s.charCodeAt(i))) return i;
  return -1;
}

// unescapeValue decodes \\, \" and \n; other backslash pairs (and a final lone
// backslash) are kept as they are.
function unescapeValue(s: string): string {
  let n = s.indexOf("\\");
  if (n < 0) return s;
  let out = "";
  let from = 0;
  while (n >= 0) {
    out += s.slice(from, n);
    if (n + 1 >= s.length) {
      out += "\\";
      from = s.length;
      break;
    }
    const c = s.charCodeAt(n + 1);
    out += c === 92 ? "\\" : c === 34 ? '"' : c === 110 ? "\n" : s.slice(n, n + 2);
    from = n + 2;
    n = s.indexOf("\\", from);
  }
  return out + s.slice(from);
}

// findClosingQuote returns the index of the '"' that closes the string opening at
// s[i] === '"', skipping quotes escaped by an odd number of backslashes; -1 if none.
function findClosingQuote(s: string, i: number, end: number): number {
  let p = i + 1;
  for (;;) {
    const q = s.indexOf('"', p);
    if (q < 0 || q >= end) return -1;
    let bs = 0;
    for (let k = q - 1; k > i && s.charCodeAt(k) === 92; k--) bs++;
    if (bs % 2 === 0) return q;
    p = q + 1;
  }
}

// Names and values repeat from line to line: keep one detached copy of each (bounded).
const interned = new Map<string, string>();

/**
 * intern returns a string equal to s that does not keep alive the block string s was
 * sliced from (V8 represents slices of 13 or more characters as views into the
 * parent), shared with earlier equal strings.
 */
function intern(s: string): string {
  const v = interned.get(s);
  if (v !== undefined) return v;
  const d = detach(s);
  if (interned.size >= 100_000) interned.clear();
  interned.set(d, d);
  return d;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * plainDecimal returns the value of s[i, end) when it is `-?digits(.digits?)?` with
 * fewer than 16 significant digits, NaN otherwise. Then the digits as an integer and
 * 10^fraction digits are both exact doubles, so one division is correctly rounded:
 * the same value as parseFloatToken gives.
 */
function plainDecimal(s: string, i: number, end: number): number {
  let neg = false;
  if (i < end && s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  const start = i;
  let m = 0;
  let c = 0;
  for (; i < end; i++) {
    c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    m = m * 10 + c;
  }
  let digits = i - start;
  if (digits === 0) return NaN;
  let frac = 0;
  if (i < end) {
    if (c !== -2) return NaN; // '.'
    i++;
    const f0 = i;
    for (; i < end; i++) {
      c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return NaN;
      m = m * 10 + c;
    }
    frac = i - f0;
    digits += frac;
  }
  if (digits > 15) return NaN;
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

/**
 * Line is the parse state of one line: metric name, labels (with a slot for __name__
 * first), value, timestamp (0 when absent). The series part (name and labels) and the
 * sample part (value, timestamp) are parsed separately so that a series seen before
 * can skip the first.
 */
class Line {
  metric = "";
  labels: Label[] = [];
  value = 0;
  timestamp = 0;
  private pos = 0;
  private s = "";
  private end = 0;
  private noEscapes = true;

  /**
   * parseSeries reads the metric name and labels of s[start, end) (a fresh labels
   * array) and returns where the sample part starts. The result depends only on
   * s[start, returned position) and on whether s[start, end) has a '{' (see
   * seriesEnd), which is what makes caching by that text safe.
   */
  parseSeries(s: string, start: number, end: number, noEscapes: boolean): number {
    this.s = s;
    this.end = end;
    this.noEscapes = noEscapes;
    this.metric = "";
    this.labels = [["__name__", ""]];
    let i = skipLeading(s, start, end);
    const brace = s.indexOf("{", i);
    if (brace >= 0 && brace < end) {
      this.metric = s.slice(i, skipTrailing(s, i, brace));
      this.pos = brace + 1;
      try {
        this.parseLabels();
      } catch (e) {
        if (e instanceof LineError) throw new LineError(`cannot unmarshal tags: ${e.message}`);
        throw e;
      }
      i = this.pos;
    } else {
      const b = nextBlank(s, i, end);
      if (b < 0) throw new LineError("missing value");
      this.metric = s.slice(i, b);
      i = b;
    }
    if (this.metric === "") throw new LineError("metric cannot be empty");
    this.labels[0] = ["__name__", intern(this.metric)];
    return i;
  }

  /** parseSample reads the value and the optional timestamp from s[i, end), i being where the series part ended. */
  parseSample(s: string, i: number, end: number): void {
    this.value = 0;
    this.timestamp = 0;
    i = skipLeading(s, i, end);
    // A '#' starts a trailing comment (OpenMetrics exemplars are dropped with it).
    let e = i;
    while (e < end && s.charCodeAt(e) !== 35) e++;
    if (i >= e) throw new LineError("value cannot be empty");
    const b = nextBlank(s, i, e);
    if (b < 0) {
      this.value = this.number(s, i, e, "value");
      return;
    }
    this.value = this.number(s, i, b, "value");
    i = skipLeading(s, b + 1, e);
    if (i >= e) return;
    e = skipTrailing(s, i, e);
    let ts = this.number(s, i, e, "timestamp");
    if (ts >= -(2 ** 31) && ts < 2 ** 31) {
      // An OpenMetrics timestamp in seconds: make it milliseconds.
      ts *= 1000;
    }
    // Go's int64(float64): truncation; NaN and out-of-range values become the smallest int64.
    this.timestamp = ts >= -(2 ** 63) && ts < 2 ** 63 ? Math.trunc(ts) + 0 : -(2 ** 63);
  }

  // number parses the token s[i, end): plain decimals directly, anything else with
  // parseFloatToken (which also names what is wrong).
  private number(s: string, i: number, end: number, what: string): number {
    const v = plainDecimal(s, i, end);
    if (v === v) return v;
    const tok = s.slice(i, end);
    try {
      return parseFloatToken(tok);
    } catch (e) {
      if (e instanceof FloatTokenError) throw new LineError(`cannot parse ${what} ${goQuote(tok)}: ${e.message}`);
      throw e;
    }
  }

  // quoted reads the quoted string at pos; pos moves past its closing quote.
  private quoted(): string {
    const s = this.s;
    const i = this.pos;
    if (i >= this.end || s.charCodeAt(i) !== 34) throw new LineError(`missing starting double quote in string: ${goQuote(s.slice(i, this.end))}`);
    if (this.noEscapes) {
      const q = s.indexOf('"', i + 1);
      if (q < 0 || q >= this.end) throw new LineError(`missing closing double quote in string: ${goQuote(s.slice(i, this.end))}`);
      this.pos = q + 1;
      return s.slice(i + 1, q);
    }
    const q = findClosingQuote(s, i, this.end);
    if (q < 0) throw new LineError(`missing closing double quote in string: ${goQuote(s.slice(i, this.end))}`);
    this.pos = q + 1;
    return unescapeValue(s.slice(i + 1, q));
  }

  // parseLabels reads `name="value", ...}` (also `"quoted name"="value"` and a quoted
  // metric name `{"metric"}`) from pos; pos ends after the '}'.
  private parseLabels(): void {
    const s = this.s;
    const end = this.end;
    for (;;) {
      this.pos = skipLeading(s, this.pos, end);
      // The closing brace is checked first, so that nothing after it (an exemplar's
      // quotes, say) changes how the labels read.
      if (this.pos < end && s.charCodeAt(this.pos) === 125) {
        this.pos++;
        return;
      }
      const q = s.indexOf('"', this.pos);
      if (q < 0 || q >= end) throw new LineError(`missing value for tag ${goQuote(s.slice(this.pos, end))}`);
      const keyEnd = skipTrailing(s, this.pos, q);
      let key: string;
      if (keyEnd === this.pos) {
        // A quoted label name, or a quoted metric name.
        key = this.quoted();
        this.pos = skipLeading(s, this.pos, end);
        if (this.pos < end) {
          const c = s.charCodeAt(this.pos);
          if (c === 44 || c === 125) {
            if (this.metric !== "") throw new LineError(`metric name ${goQuote(this.metric)} already set, duplicate metric name  ${goQuote(key)}`);
            this.metric = key;
            if (c === 44 && this.pos + 1 < end) this.pos++;
            continue;
          }
          if (c !== 61) throw new LineError(`missing value for quoted tag ${goQuote(key)}`);
          this.pos = skipLeading(s, this.pos + 1, end);
        }
      } else {
        if (s.charCodeAt(keyEnd - 1) !== 61) throw new LineError(`missing value for unquoted tag ${goQuote(s.slice(this.pos, end))}`);
        key = s.slice(this.pos, skipTrailing(s, this.pos, keyEnd - 1));
        this.pos = skipLeading(s, keyEnd, end);
      }
      const value = this.quoted();
      // A label with an empty name is dropped; an empty value is kept (and dropped on insert).
      if (key !== "") this.labels.push([intern(key), intern(value)]);
      this.pos = skipLeading(s, this.pos, end);
      if (this.pos < end && s.charCodeAt(this.pos) === 125) {
        this.pos++;
        return;
      }
      if (this.pos >= end || s.charCodeAt(this.pos) !== 44) throw new LineError(`missing comma after tag ${key}=${goQuote(value)}`);
      this.pos++;
    }
  }
}

const line = new Line();

/** detach returns a copy of s that does not keep alive the string s was sliced from. */
function detach(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

// seriesEnd returns where the series part of the line s[i, e) ends as Line.parseSeries
// would find it when it succeeds: after the first '}' outside quotes that follows the
// line's first '{', or (for a line without '{') at the first blank; -1 when there is
// none (the line then goes to the full parser, which names the problem).
function seriesEnd(s: string, i: number, e: number, noEscapes: boolean): number {
  const brace = s.indexOf("{", i);
  if (brace < 0 || brace >= e) return nextBlank(s, i, e);
  if (noEscapes) {
    // No backslashes: quoted strings end at the next quote, so native searches do.
    let k = brace + 1;
    let c = s.indexOf("}", k);
    for (;;) {
      if (c < 0 || c >= e) return -1;
      const q = s.indexOf('"', k);
      if (q < 0 || q > c) return c + 1;
      const q2 = s.indexOf('"', q + 1);
      if (q2 < 0 || q2 >= e) return -1;
      k = q2 + 1;
      if (c < k) c = s.indexOf("}", k);
    }
  }
  let inQuote = false;
  for (let k = brace + 1; k < e; k++) {
    const c = s.charCodeAt(k);
    if (inQuote) {
      if (c === 92) k++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) {
      inQuote = true;
    } else if (c === 125) {
      return k + 1;
    }
  }
  return -1;
}

/** SeriesEntry is a cached series: its text, its labels, and the series that followed it last time. */
interface SeriesEntry {
  key: string;
  labels: Label[];
  /** the entry of the line after this one last time */
  next: SeriesEntry | undefined;
  /** the generation the entry was last put in */
  gen: number;
}

/**
 * SeriesCache maps the series text of a line (name and labels, as written) to its
 * parsed labels. Two generations of at most maxEntries: when the current one is full
 * it replaces the previous one, and a hit in the previous one moves to the current.
 * A key is only ever stored for text that Line.parseSeries read successfully and
 * whole, and that parse depends on nothing after it, so any line starting with that
 * text parses to the same labels.
 *
 * Clients send their series in the same order request after request, so each entry
 * remembers the entry that came after it; checking that guess with one string
 * comparison is cheaper than a hash lookup in a large map.
 */
class SeriesCache {
  private cur = new Map<string, SeriesEntry>();
  private prev = new Map<string, SeriesEntry>();
  private readonly maxEntries: number;
  /** the entry of the previous line */
  last: SeriesEntry | undefined;
  private gen = 0;
  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }
  /** get returns the entry cached for the series text key, or undefined. */
  get(key: string): SeriesEntry | undefined {
    const g = this.last?.next;
    if (g !== undefined && g.key === key) {
      if (g.gen !== this.gen) this.put(g);
      return (this.last = g);
    }
    let v = this.cur.get(key);
    if (v === undefined) {
      v = this.prev.get(key);
      if (v === undefined) return undefined;
      this.put(v);
    }
    if (this.last !== undefined) this.last.next = v;
    return (this.last = v);
  }
  /** set caches labels for key (a string of its own, not a slice of a block). */
  set(key: string, labels: Label[]): void {
    const v: SeriesEntry = { key, labels, next: undefined, gen: this.gen };
    this.put(v);
    if (this.last !== undefined) this.last.next = v;
    this.last = v;
  }
  private put(v: SeriesEntry): void {
    if (this.cur.size >= this.maxEntries) {
      // The oldest generation goes: its entries stop pointing anywhere, so that
      // guesses (each entry points to one other) can never chain dropped entries.
      for (const d of this.prev.values()) if (d.gen !== this.gen) d.next = undefined;
      this.prev = this.cur;
      this.cur = new Map();
      this.gen++;
    }
    v.gen = this.gen;
    this.cur.set(v.key, v);
  }
}

let seriesCache = new SeriesCache(50_000);

/** resetSeriesCache empties the cache of parsed series (for tests: every line then takes the full parser once). */
export function resetSeriesCache(): void {
  seriesCache = new SeriesCache(50_000);
}

/** quoteLine quotes a bad line for a message, keeping long ones short. */
function quoteLine(s: string): string {
  return goQuote(s.length > 256 ? s.slice(0, 128) + "..." + s.slice(-128) : s);
}

/**
 * parseLines parses the lines of text (separated by '\n'; a trailing '\r' is dropped)
 * and appends one row per sample line to rows: labels `__name__` first, then the
 * line's labels in order (empty values kept, duplicates kept), the value, and the
 * timestamp in milliseconds (0 when the line has none). Blank lines and lines whose
 * first non-blank character is '#' (comments, HELP, TYPE) are skipped. A bad line is
 * reported as onError(lineNumber, `cannot unmarshal Prometheus line "<line>": <reason>`)
 * with line numbers counted from firstLineNumber, counted in
 * vm_rows_invalid_total{type="prometheus"}, and skipped.
 */
export function parseLines(rows: PromRows, text: string, firstLineNumber: number, onError: (lineNumber: number, msg: string) => void): void {
  const noEscapes = text.indexOf("\\") < 0;
  let start = 0;
  let lineNumber = firstLineNumber;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf("\n", start);
    const next = end < 0 ? n + 1 : end + 1;
    if (end < 0) end = n;
    let e = end;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    const i = skipLeading(text, start, e);
    if (i < e && text.charCodeAt(i) !== 35) {
      try {
        // Lines repeat their series text from request to request: a series seen
        // before takes its labels from the cache (the same array each time, which
        // also lets the storage skip sorting them).
        const se = seriesEnd(text, i, e, noEscapes);
        let labels = se < 0 ? undefined : seriesCache.get(text.slice(i, se))?.labels;
        let from = se;
        if (labels === undefined) {
          // Parse a slice of the line (a view, not a copy) so that every search stays
          // within the line.
          const ln = text.slice(i, e);
          from = line.parseSeries(ln, 0, ln.length, noEscapes);
          labels = line.labels;
          seriesCache.set(detach(ln.slice(0, from)), labels);
          from += i;
        }
        line.parseSample(text, from, e);
        rows.append(labels, line.value, line.timestamp);
      } catch (err) {
        if (!(err instanceof LineError)) throw err;
        invalidLines.inc();
        onError(lineNumber, `cannot unmarshal Prometheus line ${quoteLine(text.slice(i, e))}: ${err.message}`);
      }
    }
    lineNumber++;
    start = next;
    if (end === n) break;
  }
}
