// OpenTSDB telnet `put` lines -> columnar rows, as VictoriaMetrics parses them
// (lib/protoparser/opentsdb at b7ef6cc3ed35): `put <metric> <timestamp> <value> [<tagk=tagv>...]`.
// See README.md beside this file for the rules and the departures.
import { counter } from "../../metrics/index.ts";
import { parseFloat } from "../influx/index.ts";
import { goQuote, startEndString, forEachLine } from "../util/index.ts";
import type { ImportRows, Label } from "../vmimport/index.ts";

const invalidLines = counter(`vm_rows_invalid_total{type="opentsdb"}`);

/** A bad line is quoted in its error message up to this many characters from each end. */
const QUOTED_LINE_HALF = 128;

/** OpentsdbOptions are the knobs of VictoriaMetrics' OpenTSDB telnet ingestion. */
export interface OpentsdbOptions {
  /** nowSec is the current Unix time in seconds, used for timestamp 0. */
  nowSec: number;
  /** trimMs rounds timestamps down to a multiple of it when > 1000 (-opentsdbTrimTimestamp, default 1s). */
  trimMs: number;
}

/** defaultOpentsdbOptions returns VictoriaMetrics' defaults with nowSec = now. */
export function defaultOpentsdbOptions(): OpentsdbOptions {
  return { nowSec: Math.floor(Date.now() / 1000), trimMs: 1000 };
}

/**
 * opentsdbTimestampMs converts an OpenTSDB timestamp to milliseconds as
 * VictoriaMetrics does: values in [0, 2^32) are seconds (OpenTSDB's
 * SECOND_MASK test, http://opentsdb.net/docs/javadoc/net/opentsdb/core/Const.html#SECOND_MASK),
 * anything else is milliseconds; 0 means nowSec. trimMs > minTrimMs rounds
 * the result toward zero to a multiple of trimMs.
 */
export function opentsdbTimestampMs(ts: number, nowSec: number, trimMs: number, minTrimMs: number): number {
  if (ts === 0) ts = nowSec;
  if (ts >= 0 && ts < 4294967296) ts *= 1000;
  if (trimMs > minTrimMs) ts -= ts % trimMs;
  return ts + 0;
}

// V8 keeps a slice of 13+ characters as a view of its parent (the whole
// block of lines); label strings may live on in the storage's caches.
function detach(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i;
}

/**
 * parseLine parses one `put` line (no '\n' inside; a trailing '\r' and an
 * empty line are ignored) and appends one series with one sample to rows:
 * `__name__` first, then the tags in order (a tag with an empty key or value
 * is dropped). Fields are separated by spaces; tags are optional. It returns
 * null on success or VictoriaMetrics' reason why the line is invalid (rows
 * unchanged).
 */
export function parseLine(rows: ImportRows, line: string, opts: OpentsdbOptions): string | null {
  let s = line;
  if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  if (s.length === 0) return null;
  let i = skipSpaces(s, 0);
  if (!s.startsWith("put ", i)) return `missing \`put \` prefix in ${goQuote(s.slice(i))}`;
  s = s.slice(skipSpaces(s, i + 4));
  let n = s.indexOf(" ");
  if (n < 0) return `cannot find whitespace between metric and timestamp in ${goQuote(s)}`;
  const metric = s.slice(0, n);
  if (metric === "") return "metric cannot be empty";
  i = skipSpaces(s, n + 1);
  n = s.indexOf(" ", i);
  if (n < 0) return `cannot find whitespace between timestamp and value in ${goQuote(s)}`;
  const tsStr = s.slice(i, n);
  let ts: number;
  try {
    ts = parseFloat(tsStr);
  } catch (e) {
    return `cannot parse timestamp from ${goQuote(tsStr)}: ${(e as Error).message}`;
  }
  if (!Number.isFinite(ts)) return `cannot parse timestamp from ${goQuote(tsStr)}: want a finite number`;
  i = skipSpaces(s, n + 1);
  n = s.indexOf(" ", i);
  // Tags are optional, although OpenTSDB requires one:
  // https://github.com/VictoriaMetrics/VictoriaMetrics/issues/3290
  const valueStr = n < 0 ? s.slice(i) : s.slice(i, n);
  let v: number;
  try {
    v = parseFloat(valueStr);
  } catch (e) {
    return `cannot parse value from ${goQuote(valueStr)}: ${(e as Error).message}`;
  }
  const labels: Label[] = [["__name__", detach(metric)]];
  if (n >= 0) {
    i = n + 1;
    for (;;) {
      i = skipSpaces(s, i);
      if (i >= s.length) break;
      let end = s.indexOf(" ", i);
      if (end < 0) end = s.length;
      const tag = s.slice(i, end);
      const eq = tag.indexOf("=");
      if (eq < 0) return `cannot unmarshal tags in ${goQuote(s)}: missing tag value for ${goQuote(tag)}`;
      if (eq > 0 && eq < tag.length - 1) labels.push([detach(tag.slice(0, eq)), detach(tag.slice(eq + 1))]);
      i = end + 1;
    }
  }
  rows.growSamples(rows.samples + 1);
  rows.timestamps[rows.samples] = opentsdbTimestampMs(Math.trunc(ts), opts.nowSec, opts.trimMs, 1000);
  rows.values[rows.samples] = v;
  rows.commitLine(labels, 1);
  return null;
}

/**
 * parseLines parses a block of complete lines separated by '\n' into rows
 * (appending; see parseLine). For each bad line it counts
 * vm_rows_invalid_total{type="opentsdb"}, calls onError(lineNumber, message)
 * and skips the line; the other lines are kept. The first line of text has
 * number firstLineNumber. It returns the number of valid lines.
 */
export function parseLines(
  rows: ImportRows,
  text: string,
  firstLineNumber: number,
  opts: OpentsdbOptions,
  onError: (lineNumber: number, msg: string) => void,
): number {
  let valid = 0;
  forEachLine(text, firstLineNumber, (line, lineNumber) => {
    const before = rows.lines;
    const err = parseLine(rows, line, opts);
    if (err !== null) {
      invalidLines.inc();
      onError(lineNumber, `cannot unmarshal OpenTSDB line ${goQuote(startEndString(line, QUOTED_LINE_HALF))}: ${err}`);
    } else if (rows.lines > before) {
      valid++;
    }
  });
  return valid;
}
