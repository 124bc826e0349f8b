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
  const d = s.length < 13 ? s : (" " + s).slice(1);
  if (interned.size >= 100_000) interned.clear();
  interned.set(d, d);
  return d;
}

/**
 * Line is the parse state of one line: metric name, labels (a fresh array per line,
 * with a slot for __name__ first), value, timestamp (0 when absent).
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

  parse(s: string, start: number, end: number, noEscapes: boolean): void {
    this.s = s;
    this.end = end;
    this.noEscapes = noEscapes;
    this.metric = "";
    this.labels = [["__name__", ""]];
    this.value = 0;
    this.timestamp = 0;
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
      if (i < end && s.charCodeAt(i) === 32) i++;
    } else {
      const b = nextBlank(s, i, end);
      if (b < 0) throw new LineError("missing value");
      this.metric = s.slice(i, b);
      i = b + 1;
    }
    if (this.metric === "") throw new LineError("metric cannot be empty");
    this.labels[0] = ["__name__", intern(this.metric)];
    i = skipLeading(s, i, end);
    // A '#' starts a trailing comment (OpenMetrics exemplars are dropped with it).
    const hash = s.indexOf("#", i);
    let e = hash >= 0 && hash < end ? hash : end;
    if (i >= e) throw new LineError("value cannot be empty");
    const b = nextBlank(s, i, e);
    if (b < 0) {
      this.value = this.number(s.slice(i, e), "value");
      return;
    }
    this.value = this.number(s.slice(i, b), "value");
    i = skipLeading(s, b + 1, e);
    if (i >= e) return;
    e = skipTrailing(s, i, e);
    let ts = this.number(s.slice(i, e), "timestamp");
    if (ts >= -(2 ** 31) && ts < 2 ** 31) {
      // An OpenMetrics timestamp in seconds: make it milliseconds.
      ts *= 1000;
    }
    // Go's int64(float64): truncation; NaN and out-of-range values become the smallest int64.
    this.timestamp = ts >= -(2 ** 63) && ts < 2 ** 63 ? Math.trunc(ts) + 0 : -(2 ** 63);
  }

  private number(tok: string, what: string): number {
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
      const q = s.indexOf('"', this.pos);
      if (q < 0 || q >= end) {
        if (this.pos < end && s.charCodeAt(this.pos) === 125) {
          this.pos++;
          return;
        }
        throw new LineError(`missing value for tag ${goQuote(s.slice(this.pos, end))}`);
      }
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
        // Parse a slice of the line (a view, not a copy) so that every search stays
        // within the line.
        const ln = text.slice(i, e);
        line.parse(ln, 0, ln.length, noEscapes);
        rows.append(line.labels, line.value, line.timestamp);
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
