// InfluxDB line protocol -> columnar rows, as VictoriaMetrics parses it
// (lib/protoparser/influx/parser.go and app/vminsert/influx at b7ef6cc3ed35).
// See README.md beside this file for the rules and the departures.
import { counter } from "../../metrics/index.ts";
import { goQuote, startEndString } from "../util/index.ts";
import type { ImportRows, Label } from "../vmimport/index.ts";
import { parseFloatBestEffort, parseInt64, parsePlainNumber, parseUint64 } from "./fastfloat.ts";
import { SeriesCache } from "./series_cache.ts";
import { type Precision, timestampDigitsToMs, timestampToMs } from "./timestamp.ts";

const invalidLines = counter(`vm_rows_invalid_total{type="influx"}`);

/** A bad line is quoted in its error message up to this many characters from each end. */
const QUOTED_LINE_HALF = 128;

/** InfluxOptions says how lines become series (VictoriaMetrics' -influx* flags and query args). */
export interface InfluxOptions {
  /** separator goes between measurement and field key (-influxMeasurementFieldSeparator, default "_"). */
  separator: string;
  /** skipSingleField names a line's only field `{measurement}` (-influxSkipSingleField). */
  skipSingleField: boolean;
  /** skipMeasurement names fields `{field}` (-influxSkipMeasurement). */
  skipMeasurement: boolean;
  /** dbLabel is the label that gets `db` (-influxDBLabel, default "db"). */
  dbLabel: string;
  /** db is the `db` query arg; "" adds no label. A tag named dbLabel wins over it. */
  db: string;
  /** extraLabels are added to every series (extra_label query args), before the metric name. */
  extraLabels: ReadonlyArray<readonly [string, string]>;
  /** precision is how timestamps are read (see precisionFromArg). */
  precision: Precision;
  /** trimMs rounds timestamps down to a multiple of it when > 1 (-influxTrimTimestamp). */
  trimMs: number;
  /** nowMs is the timestamp of lines without one. */
  nowMs: number;
}

/** defaultInfluxOptions returns VictoriaMetrics' defaults with nowMs = Date.now(). */
export function defaultInfluxOptions(): InfluxOptions {
  return {
    separator: "_", skipSingleField: false, skipMeasurement: false, dbLabel: "db", db: "",
    extraLabels: [], precision: 0, trimMs: 1, nowMs: Date.now(),
  };
}

// The row being parsed. One line at a time, so module-level scratch is safe.
let measurement = "";
const tagKeys: string[] = [];
const tagValues: string[] = [];
let nTags = 0;
const fieldKeys: string[] = [];
let fieldValues = new Float64Array(64);
let nFields = 0;
let tsToken = "";
let hasEscapes = false;
let hasQuotes = false;

// V8 keeps a slice of 13+ characters as a view of its parent (the whole
// block of lines); label strings may live on in the storage's caches.
function detach(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

// find returns the index of ch in s[from, to), or -1, without scanning past
// to (a slice of a flat string is a cheap view in V8).
function find(s: string, ch: string, from: number, to: number): number {
  if (from >= to) return -1;
  return (to === s.length ? s : s.slice(0, to)).indexOf(ch, from);
}

// nextUnescapedChar returns the index of the first ch in s[from, to) that is
// not escaped by an odd number of backslashes (counted back to from or to
// the previous match), or -1.
function nextUnescapedChar(s: string, ch: string, from: number, to: number): number {
  if (!hasEscapes) return find(s, ch, from, to);
  if (from >= to) return -1;
  const b = to === s.length ? s : s.slice(0, to);
  let i = from;
  for (;;) {
    const n = b.indexOf(ch, i);
    if (n < 0) return -1;
    let k = n;
    while (k > i && s.charCodeAt(k - 1) === 92) k--;
    if (((n - k) & 1) === 0) return n;
    i = n + 1;
  }
}

// isInQuote tells whether s[from, to) has an odd number of unescaped quotes.
function isInQuote(s: string, from: number, to: number): boolean {
  let q = false;
  for (;;) {
    const n = nextUnescapedChar(s, '"', from, to);
    if (n < 0) return q;
    q = !q;
    from = n + 1;
  }
}

// nextUnquotedChar is nextUnescapedChar that skips ch inside double quotes.
function nextUnquotedChar(s: string, ch: string, from: number, to: number): number {
  if (!hasQuotes) return nextUnescapedChar(s, ch, from, to);
  for (;;) {
    const n = nextUnescapedChar(s, ch, from, to);
    if (n < 0) return -1;
    if (!isInQuote(s, from, n)) return n;
    const q = nextUnescapedChar(s, '"', n + 1, to);
    if (q < 0) return -1;
    from = q + 1;
  }
}

// unescape removes the backslash before ' ', ',', '=' and '\'; other
// backslashes stay, and so does a trailing one.
function unescape(s: string, from: number, to: number): string {
  if (!hasEscapes) return s.slice(from, to);
  let n = find(s, "\\", from, to);
  if (n < 0) return s.slice(from, to);
  let out = "";
  for (;;) {
    out += s.slice(from, n);
    from = n + 1;
    if (from >= to) return out + "\\";
    const c = s.charCodeAt(from);
    if (c !== 32 && c !== 44 && c !== 61 && c !== 92) out += "\\";
    out += s[from]!;
    from++;
    n = find(s, "\\", from, to);
    if (n < 0) return out + s.slice(from, to);
  }
}

function skipSpaces(s: string, i: number, to: number): number {
  while (i < to && s.charCodeAt(i) === 32) i++;
  return i;
}

const switchToHTTP = "please switch from tcp to http protocol for data ingestion; " +
  "do not set `-influxListenAddr` command-line flag, since it is needed for tcp protocol only";

function parseTags(s: string, from: number, to: number): string | null {
  for (;;) {
    let n = nextUnescapedChar(s, ",", from, to);
    const end = n < 0 ? to : n;
    const eq = nextUnescapedChar(s, "=", from, end);
    if (eq < 0) return `missing tag value for ${goQuote(s.slice(from, end))}`;
    const k = unescape(s, from, eq);
    const v = unescape(s, eq + 1, end);
    if (k !== "" && v !== "") {
      tagKeys[nTags] = k;
      tagValues[nTags] = v;
      nTags++;
    }
    if (n < 0) return null;
    from = n + 1;
  }
}

function parseFieldValue(s: string, from: number, to: number): number | string {
  if (from >= to) return "field value cannot be empty";
  if (hasQuotes && s.charCodeAt(from) === 34) {
    if (to - from < 2 || s.charCodeAt(to - 1) !== 34) {
      // See https://github.com/VictoriaMetrics/VictoriaMetrics/issues/10067
      return `missing closing quote for quoted field value ${s.slice(from, to)}; ` +
        "this may be caused by a raw newline (`\\n`) inside the quoted field value";
    }
    // Agents sometimes send numbers as strings; anything else reads as 0.
    return parseFloatBestEffort(s.slice(from + 1, to - 1));
  }
  const last = s.charCodeAt(to - 1);
  try {
    if (last === 105) return parseInt64(s.slice(from, to - 1)); // 'i'
    if (last === 117) return parseUint64(s.slice(from, to - 1)); // 'u'
  } catch (e) {
    return (e as Error).message;
  }
  const v = s.slice(from, to);
  switch (v) {
    case "t": case "T": case "true": case "True": case "TRUE": return 1;
    case "f": case "F": case "false": case "False": case "FALSE": return 0;
  }
  return parseFloatBestEffort(v);
}

function parseFields(s: string, from: number, to: number): string | null {
  for (;;) {
    const n = nextUnquotedChar(s, ",", from, to);
    const end = n < 0 ? to : n;
    const eq = nextUnescapedChar(s, "=", from, end);
    if (eq < 0) return `missing field value for ${goQuote(s.slice(from, end))}`;
    const k = unescape(s, from, eq);
    if (k === "") return "field key cannot be empty";
    const v = parseFieldValue(s, eq + 1, end);
    if (typeof v === "string") return `cannot parse field value for ${goQuote(k)}: ${v}`;
    if (nFields >= fieldValues.length) {
      const a = new Float64Array(2 * fieldValues.length);
      a.set(fieldValues);
      fieldValues = a;
    }
    fieldKeys[nFields] = k;
    fieldValues[nFields] = v;
    nFields++;
    if (n < 0) return null;
    from = n + 1;
  }
}

// rowTs is the timestamp (ms) of the row parsed by parseRowAndTimestamp.
let rowTs = 0;

// parseRowAndTimestamp is parseRow followed by the timestamp's conversion
// into rowTs; it returns VictoriaMetrics' error or null.
function parseRowAndTimestamp(s: string, opts: InfluxOptions): string | null {
  const err = parseRow(s);
  if (err !== null) return err;
  if (tsToken !== "" && tsToken.startsWith("HTTP/")) return switchToHTTP;
  try {
    rowTs = timestampToMs(tsToken, opts.precision, opts.nowMs, opts.trimMs);
  } catch (e) {
    return `cannot parse timestamp ${goQuote(tsToken)}: ${(e as Error).message}`;
  }
  return null;
}

// parseRow parses one line (no '\n', no trailing '\r', not empty, not a
// comment) into the scratch row; it returns VictoriaMetrics' error or null.
function parseRow(s: string): string | null {
  measurement = "";
  nTags = 0;
  nFields = 0;
  tsToken = "";
  hasEscapes = s.indexOf("\\") >= 0;
  const len = s.length;
  const sp = nextUnescapedChar(s, " ", 0, len);
  if (sp < 0) return `cannot find Whitespace I in ${goQuote(s)}`;
  const comma = nextUnescapedChar(s, ",", 0, sp);
  if (comma >= 0) {
    const err = parseTags(s, comma + 1, sp);
    if (err !== null) return err;
  }
  // An empty measurement is allowed: the metric names are then the field keys.
  measurement = unescape(s, 0, comma >= 0 ? comma : sp);
  const from = skipSpaces(s, sp + 1, len);
  hasQuotes = nextUnescapedChar(s, '"', from, len) >= 0;
  const sp2 = nextUnquotedChar(s, " ", from, len);
  if (sp2 < 0) return parseFields(s, from, len);
  const err = parseFields(s, from, sp2);
  if (err !== null) {
    if (s.startsWith("HTTP/", sp2 + 1)) return switchToHTTP;
    return err;
  }
  // The timestamp is optional, and so is the whitespace before it:
  // https://github.com/VictoriaMetrics/VictoriaMetrics/issues/10049
  const ts = skipSpaces(s, sp2 + 1, len);
  tsToken = s.slice(ts);
  return null;
}

// baseLabels returns the labels of the scratch row's series other than
// __name__: the tags, then the db label, then the extra labels.
function baseLabels(opts: InfluxOptions): Label[] {
  const base: Label[] = [];
  let hasDB = false;
  for (let i = 0; i < nTags; i++) {
    const k = tagKeys[i]!;
    if (k === opts.dbLabel) hasDB = true;
    base.push([detach(k), detach(tagValues[i]!)]);
  }
  if (!hasDB && opts.db !== "" && opts.dbLabel !== "") base.push([opts.dbLabel, opts.db]);
  for (const l of opts.extraLabels) base.push([l[0], l[1]]);
  return base;
}

// metricName returns the name of field key of a line of nFields fields.
function metricName(measurement: string, key: string, nFields: number, opts: InfluxOptions): string {
  // See https://github.com/VictoriaMetrics/VictoriaMetrics/issues/1139
  if (measurement !== "" && nFields === 1 && opts.skipSingleField) return opts.skipMeasurement ? "" : measurement;
  if (opts.skipMeasurement || measurement === "") return key;
  return measurement + opts.separator + key;
}

/**
 * parseLine parses one InfluxDB line (no '\n' inside; a trailing '\r', an
 * empty line and a '#' comment are ignored) and appends one series per field
 * to rows, each with one sample. Labels are the line's tags (in line order;
 * empty keys or values dropped), then `opts.dbLabel=opts.db` unless a tag has
 * that key, then opts.extraLabels, then `__name__` last (so it wins over a
 * `__name__` tag, as in VictoriaMetrics). It returns null on success or
 * VictoriaMetrics' reason why the line is invalid (rows unchanged).
 */
export function parseLine(rows: ImportRows, line: string, opts: InfluxOptions): string | null {
  let s = line;
  if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  if (s.length === 0 || s.charCodeAt(0) === 35) return null;
  const err = parseRowAndTimestamp(s, opts);
  if (err !== null) return err;
  const ts = rowTs;
  const base = baseLabels(opts);
  rows.growSamples(rows.samples + nFields);
  for (let i = 0; i < nFields; i++) {
    const labels = i === nFields - 1 ? base : base.slice();
    labels.push(["__name__", detach(metricName(measurement, fieldKeys[i]!, nFields, opts))]);
    rows.timestamps[rows.samples] = ts;
    rows.values[rows.samples] = fieldValues[i]!;
    rows.commitLine(labels, 1);
  }
  return null;
}


// SeriesEntry is what the cache knows of a series text (measurement and tags).
interface SeriesEntry {
  measurement: string;
  /** the labels other than __name__ (see baseLabels) */
  base: Label[];
  /** the field keys of the line last seen, and their labels (a guess for the next line) */
  keys: string[];
  labels: Label[][];
  /** the labels of every field key seen */
  byKey: Map<string, Label[]>;
  /** the labels of a line with a single field under opts.skipSingleField */
  single: Label[] | undefined;
}

const MAX_KEYS_PER_SERIES = 1024;

// sameText tells whether g equals s[from, to) (field keys are short: a loop
// beats startsWith on a slice of a block).
function sameText(g: string, s: string, from: number, to: number): boolean {
  if (g.length !== to - from) return false;
  for (let j = 0; j < g.length; j++) if (g.charCodeAt(j) !== s.charCodeAt(from + j)) return false;
  return true;
}

// fieldLabels returns the labels of field key s[ks, ke), the i-th of nf, of
// the line of series e: the same array every time, so that the storage can
// recognise a series it has seen by the array alone.
function fieldLabels(e: SeriesEntry, s: string, ks: number, ke: number, i: number, nf: number, opts: InfluxOptions): Label[] {
  if (nf === 1 && opts.skipSingleField && e.measurement !== "") {
    if (e.single === undefined) {
      e.single = e.base.slice();
      e.single.push(["__name__", detach(metricName(e.measurement, "", 1, opts))]);
    }
    return e.single;
  }
  const g = e.keys[i];
  if (g !== undefined && sameText(g, s, ks, ke)) return e.labels[i]!;
  const key = detach(s.slice(ks, ke));
  let l = e.byKey.get(key);
  if (l === undefined) {
    l = e.base.slice();
    l.push(["__name__", detach(metricName(e.measurement, key, nf, opts))]);
    if (e.byKey.size >= MAX_KEYS_PER_SERIES) e.byKey.clear();
    e.byKey.set(key, l);
  }
  e.keys[i] = key;
  e.labels[i] = l;
  return l;
}

// The caches of series texts, one per set of naming options.
const caches = new Map<string, SeriesCache<SeriesEntry>>();
const MAX_CACHES = 64;
// Per generation (two are kept): a series text takes some hundred bytes plus its labels.
const SERIES_CACHE_ENTRIES = 50_000;

function cacheFor(opts: InfluxOptions): SeriesCache<SeriesEntry> {
  let k = `${opts.separator}\u0000${opts.skipSingleField ? 1 : 0}${opts.skipMeasurement ? 1 : 0}\u0000${opts.dbLabel}\u0000${opts.db}`;
  for (const l of opts.extraLabels) k += `\u0000${l[0]}\u0000${l[1]}`;
  let c = caches.get(k);
  if (c === undefined) {
    if (caches.size >= MAX_CACHES) caches.clear();
    c = new SeriesCache<SeriesEntry>(SERIES_CACHE_ENTRIES);
    caches.set(k, c);
  }
  return c;
}

// Field ranges and values of the line parsed by parsePlainFields.
let plainKeyStart = new Int32Array(64);
let plainKeyEnd = new Int32Array(64);
let plainValues = new Float64Array(64);
let plainCount = 0;
let plainTs = 0;

// parsePlainFields parses the fields and timestamp of line s (no backslash,
// no double quote) after its series text ending at sp, into the plain*
// scratch. It returns false when anything is unusual (errors included):
// the caller then parses the line with the general parser.
function parsePlainFields(s: string, sp: number, opts: InfluxOptions): boolean {
  const len = s.length;
  let pos = skipSpaces(s, sp + 1, len);
  let fieldsEnd = s.indexOf(" ", pos);
  if (fieldsEnd < 0) fieldsEnd = len;
  let n = 0;
  for (;;) {
    let fe = s.indexOf(",", pos);
    if (fe < 0 || fe > fieldsEnd) fe = fieldsEnd;
    const eq = s.indexOf("=", pos);
    if (eq <= pos || eq >= fe) return false;
    let v = parsePlainNumber(s, eq + 1, fe);
    if (v !== v) {
      hasQuotes = false;
      const r = parseFieldValue(s, eq + 1, fe);
      if (typeof r === "string") return false;
      v = r;
    }
    if (n === plainValues.length) {
      const kS = new Int32Array(2 * n), kE = new Int32Array(2 * n), vs = new Float64Array(2 * n);
      kS.set(plainKeyStart);
      kE.set(plainKeyEnd);
      vs.set(plainValues);
      plainKeyStart = kS;
      plainKeyEnd = kE;
      plainValues = vs;
    }
    plainKeyStart[n] = pos;
    plainKeyEnd[n] = eq;
    plainValues[n] = v;
    n++;
    if (fe === fieldsEnd) break;
    pos = fe + 1;
  }
  if (fieldsEnd === len) {
    plainTs = timestampToMs("", opts.precision, opts.nowMs, opts.trimMs);
  } else {
    const from = skipSpaces(s, fieldsEnd + 1, len);
    plainTs = from === len
      ? timestampToMs("", opts.precision, opts.nowMs, opts.trimMs)
      : timestampDigitsToMs(s, from, len, opts.precision, opts.nowMs, opts.trimMs);
    if (plainTs !== plainTs) return false;
  }
  plainCount = n;
  return true;
}

// parseLineCached is parseLine for lines of parseLines (no '\n', no trailing
// '\r', not empty, not a comment): a line without backslashes takes the
// labels of its series text from cache (parsed once), and a line without
// double quotes either is read without making strings of its tokens.
function parseLineCached(rows: ImportRows, s: string, opts: InfluxOptions, cache: SeriesCache<SeriesEntry>, mayEscape: boolean, mayQuote: boolean): string | null {
  // A second '\r' (parseLine drops one more) and escapes take the general path.
  if (s.charCodeAt(s.length - 1) === 13 || (mayEscape && s.indexOf("\\") >= 0)) return parseLine(rows, s, opts);
  const sp = s.indexOf(" ");
  if (sp <= 0) return parseLine(rows, s, opts);
  const key = s.slice(0, sp);
  let e = cache.get(key);
  if (e !== undefined && !(mayQuote && s.indexOf('"', sp) >= 0) && parsePlainFields(s, sp, opts)) {
    const n = plainCount;
    rows.growSamples(rows.samples + n);
    for (let i = 0; i < n; i++) {
      const labels = fieldLabels(e, s, plainKeyStart[i]!, plainKeyEnd[i]!, i, n, opts);
      rows.timestamps[rows.samples] = plainTs;
      rows.values[rows.samples] = plainValues[i]!;
      rows.commitLine(labels, 1);
    }
    return null;
  }
  const err = parseRowAndTimestamp(s, opts);
  if (err !== null) return err;
  if (e === undefined) {
    e = { measurement: detach(measurement), base: baseLabels(opts), keys: [], labels: [], byKey: new Map(), single: undefined };
    cache.set(detach(key), e);
  }
  rows.growSamples(rows.samples + nFields);
  for (let i = 0; i < nFields; i++) {
    const k = fieldKeys[i]!;
    const labels = fieldLabels(e, k, 0, k.length, i, nFields, opts);
    rows.timestamps[rows.samples] = rowTs;
    rows.values[rows.samples] = fieldValues[i]!;
    rows.commitLine(labels, 1);
  }
  return null;
}

/**
 * parseLines parses a block of complete lines separated by '\n' into rows
 * (appending; see parseLine, whose labels it gives). For each bad line it
 * counts vm_rows_invalid_total{type="influx"}, calls onError(lineNumber,
 * message) and skips the line; the other lines are kept. The first line of
 * text has number firstLineNumber. It returns the number of valid lines (not
 * counting empty lines and comments). Series seen before (in this or an
 * earlier call, with the same naming options) get the very label arrays they
 * got then: callers must not modify rows.labels' arrays, only replace them.
 */
export function parseLines(
  rows: ImportRows,
  text: string,
  firstLineNumber: number,
  opts: InfluxOptions,
  onError: (lineNumber: number, msg: string) => void,
): number {
  const n = text.length;
  const cache = cacheFor(opts);
  const mayEscape = text.indexOf("\\") >= 0;
  const mayQuote = text.indexOf('"') >= 0;
  let start = 0;
  let lineNumber = firstLineNumber;
  let valid = 0;
  for (;;) {
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end > start && text.charCodeAt(start) !== 35) {
      const line = text.slice(start, end);
      const err = parseLineCached(rows, line, opts, cache, mayEscape, mayQuote);
      if (err === null) {
        valid++;
      } else {
        invalidLines.inc();
        onError(lineNumber, `cannot parse InfluxDB line ${goQuote(startEndString(line, QUOTED_LINE_HALF))}: ${err}`);
      }
    }
    if (nl >= n) return valid;
    start = nl + 1;
    lineNumber++;
  }
}
