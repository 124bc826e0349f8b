// Graphite plaintext protocol -> columnar rows, as VictoriaMetrics parses it
// (lib/protoparser/graphite at b7ef6cc3ed35): `name[;tag=value...] value [timestamp]`.
// See README.md beside this file for the rules and the departures.
import { counter } from "../../metrics/index.ts";
import { parseFloat } from "../influx/index.ts";
import { goQuote, startEndString, forEachLine } from "../util/index.ts";
import type { ImportRows, Label } from "../vmimport/index.ts";

const invalidLines = counter(`vm_rows_invalid_total{type="graphite"}`);

/** MAX_SECONDS bounds timestamps so that they fit int64 milliseconds. */
const MAX_SECONDS = 9e15;

/** A bad line is quoted in its error message up to this many characters from each end. */
const QUOTED_LINE_HALF = 128;

/** GraphiteOptions are the knobs of VictoriaMetrics' Graphite ingestion. */
export interface GraphiteOptions {
  /** nowSec is the current Unix time in seconds, used for lines without a timestamp (or with 0 or -1). */
  nowSec: number;
  /** trimMs rounds timestamps down to a multiple of it when > 1000 (-graphiteTrimTimestamp, default 1s). */
  trimMs: number;
  /** sanitize applies -graphite.sanitizeMetricName to names and tag keys. */
  sanitize: boolean;
}

/** defaultGraphiteOptions returns VictoriaMetrics' defaults with nowSec = now. */
export function defaultGraphiteOptions(): GraphiteOptions {
  return { nowSec: Math.floor(Date.now() / 1000), trimMs: 1000, sanitize: false };
}

/**
 * sanitizeMetricName is -graphite.sanitizeMetricName's rule: runs of dots
 * become one dot, then every character other than [a-zA-Z0-9:_.] becomes '_'
 * (one '_' per code point).
 */
export function sanitizeMetricName(s: string): string {
  return s.replace(/\.{2,}/g, ".").replace(/[^a-zA-Z0-9:_.]/gu, "_");
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function trimEnd(s: string, from: number, to: number): number {
  while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
  return to;
}

function trimStart(s: string, from: number, to: number): number {
  while (from < to && isSpace(s.charCodeAt(from))) from++;
  return from;
}

function lastSpace(s: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (isSpace(s.charCodeAt(i))) return i;
  return -1;
}

// V8 keeps a slice of 13+ characters as a view of its parent (the whole
// block of lines); label strings may live on in the storage's caches.
function detach(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

/**
 * parseMetricAndTags splits `name;k1=v1;k2=v2` into labels: `__name__` first,
 * then the tags in order. A tag without '=' or with an empty key or value is
 * dropped. With sanitize, the name and the tag keys are sanitized. It returns
 * the labels, or an error message when the name is empty.
 */
export function parseMetricAndTags(s: string, sanitize: boolean): Label[] | string {
  const semi = s.indexOf(";");
  let name = semi < 0 ? s : s.slice(0, semi);
  if (sanitize) name = sanitizeMetricName(name);
  if (name === "") return "metric cannot be empty";
  const labels: Label[] = [["__name__", detach(name)]];
  if (semi < 0) return labels;
  let from = semi + 1;
  for (;;) {
    let end = s.indexOf(";", from);
    const last = end < 0;
    if (last) end = s.length;
    const tag = s.slice(from, end);
    const eq = tag.indexOf("=");
    if (eq >= 0) {
      let k = tag.slice(0, eq);
      if (sanitize) k = sanitizeMetricName(k);
      const v = tag.slice(eq + 1);
      if (k !== "" && v !== "") labels.push([detach(k), detach(v)]);
    }
    if (last) return labels;
    from = end + 1;
  }
}

/**
 * parseLine parses one Graphite line (no '\n' inside; a trailing '\r' and
 * leading spaces or tabs are ignored, as is an empty line) and appends one
 * series with one sample to rows. Value and timestamp are the last two
 * whitespace-separated tokens (the timestamp may be missing), so names may
 * contain spaces. The timestamp is in seconds (fractions are cut); 0, -1 or a
 * missing one mean opts.nowSec. It returns null on success or
 * VictoriaMetrics' reason why the line is invalid (rows unchanged).
 */
export function parseLine(rows: ImportRows, line: string, opts: GraphiteOptions): string | null {
  let to = line.length;
  if (to > 0 && line.charCodeAt(to - 1) === 13) to--;
  const from = trimStart(line, 0, to);
  if (from >= to) return null;
  const orig = line.slice(from, to);
  to = trimEnd(line, from, to);
  let n = lastSpace(line, from, to);
  if (n < 0) return `cannot find separator between value and timestamp in ${goQuote(line.slice(from, to))}`;
  let tsStr = line.slice(n + 1, to);
  let valueStr: string;
  let mtFrom: number, mtTo: number;
  to = trimEnd(line, from, n);
  n = lastSpace(line, from, to);
  if (n < 0) {
    // No timestamp.
    mtFrom = trimStart(line, from, to);
    mtTo = to;
    valueStr = tsStr;
    tsStr = "";
  } else {
    mtFrom = trimStart(line, from, n);
    mtTo = n;
    valueStr = line.slice(n + 1, to);
  }
  const mt = line.slice(mtFrom, trimEnd(line, mtFrom, mtTo));
  const labels = parseMetricAndTags(mt, opts.sanitize);
  if (typeof labels === "string") {
    return `cannot parse metric and tags from ${goQuote(mt)}: ${labels}; original line: ${goQuote(orig)}`;
  }
  let ts = 0;
  if (tsStr !== "") {
    let t: number;
    try {
      t = parseFloat(tsStr);
    } catch (e) {
      return `cannot unmarshal timestamp from ${goQuote(tsStr)}: ${(e as Error).message}; original line: ${goQuote(orig)}`;
    }
    // In milliseconds it must fit int64 (VictoriaMetrics' int64 arithmetic would wrap around).
    if (!(Math.abs(t) < MAX_SECONDS)) {
      return `cannot unmarshal timestamp from ${goQuote(tsStr)}: want a number of seconds within ±9e15; original line: ${goQuote(orig)}`;
    }
    ts = Math.trunc(t);
  }
  let v: number;
  try {
    v = parseFloat(valueStr);
  } catch (e) {
    return `cannot unmarshal metric value from ${goQuote(valueStr)}: ${(e as Error).message}; original line: ${goQuote(orig)}`;
  }
  if (ts === 0 || ts === -1) ts = opts.nowSec;
  ts *= 1000;
  if (opts.trimMs > 1000) ts -= ts % opts.trimMs;
  rows.growSamples(rows.samples + 1);
  rows.timestamps[rows.samples] = ts + 0;
  rows.values[rows.samples] = v;
  rows.commitLine(labels, 1);
  return null;
}

/**
 * parseLines parses a block of complete lines separated by '\n' into rows
 * (appending; see parseLine). For each bad line it counts
 * vm_rows_invalid_total{type="graphite"}, calls onError(lineNumber, message)
 * and skips the line; the other lines are kept. The first line of text has
 * number firstLineNumber. It returns the number of valid lines.
 */
export function parseLines(
  rows: ImportRows,
  text: string,
  firstLineNumber: number,
  opts: GraphiteOptions,
  onError: (lineNumber: number, msg: string) => void,
): number {
  let valid = 0;
  forEachLine(text, firstLineNumber, (line, lineNumber) => {
    const before = rows.lines;
    const err = parseLine(rows, line, opts);
    if (err !== null) {
      invalidLines.inc();
      onError(lineNumber, `cannot unmarshal Graphite line ${goQuote(startEndString(line, QUOTED_LINE_HALF))}: ${err}`);
    } else if (rows.lines > before) {
      valid++;
    }
  });
  return valid;
}
