// OpenTSDB HTTP /api/put JSON bodies -> columnar rows, as VictoriaMetrics
// parses them (lib/protoparser/opentsdbhttp at b7ef6cc3ed35). A body is one
// data point object or an array of them:
//   {"metric":"sys.cpu","timestamp":1700000000,"value":1.5,"tags":{"host":"a"}}
// See README.md beside this file for the rules and the departures.
import { counter } from "../../metrics/index.ts";
import { parseFloat } from "../influx/index.ts";
import { opentsdbTimestampMs } from "../opentsdb/index.ts";
import { goQuote, startEndString } from "../util/index.ts";
import type { ImportRows, Label } from "../vmimport/index.ts";

const invalidLines = counter(`vm_rows_invalid_total{type="opentsdbhttp"}`);
const unmarshalErrors = counter(`vm_protoparser_unmarshal_errors_total{type="opentsdbhttp"}`);

/** A bad data point is shown in its error message up to this many characters from each end. */
const SHOWN_HALF = 128;

/** OpentsdbHttpOptions are the knobs of VictoriaMetrics' OpenTSDB HTTP ingestion. */
export interface OpentsdbHttpOptions {
  /** nowSec is the current Unix time in seconds, used for a missing or 0 timestamp. */
  nowSec: number;
  /** trimMs rounds timestamps down to a multiple of it when > 1 (-opentsdbhttpTrimTimestamp, default 1ms). */
  trimMs: number;
  /** extraLabels are added to every series after its tags (extra_label query args). */
  extraLabels: ReadonlyArray<readonly [string, string]>;
}

/** defaultOpentsdbHttpOptions returns VictoriaMetrics' defaults with nowSec = now. */
export function defaultOpentsdbHttpOptions(): OpentsdbHttpOptions {
  return { nowSec: Math.floor(Date.now() / 1000), trimMs: 1, extraLabels: [] };
}

// typeName is fastjson's name of a JSON value's type.
function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v === true) return "true";
  if (v === false) return "false";
  return typeof v === "string" ? "string" : typeof v === "number" ? "number" : "object";
}

function show(v: unknown): string {
  return startEndString(JSON.stringify(v), SHOWN_HALF);
}

// getFloat64 reads a number, or a string holding a number (fastfloat's syntax).
function getFloat64(v: unknown): number | string {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    try {
      return parseFloat(v);
    } catch (e) {
      return `cannot parse value ${goQuote(v)}: ${(e as Error).message}`;
    }
  }
  return `value doesn't contain float64; it contains ${typeName(v)}`;
}

function has(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/**
 * parseDataPoint appends one data point object to rows: `__name__` from
 * `metric` (a non-empty string), then `tags` (an object of strings; empty keys
 * and values are dropped), then opts.extraLabels. `timestamp` (a number or a
 * numeric string; seconds below 2^32, else milliseconds) may be missing or 0
 * for now; `value` is a number or a numeric string. It returns null on
 * success or VictoriaMetrics' reason why the data point is invalid (rows
 * unchanged).
 */
export function parseDataPoint(rows: ImportRows, o: unknown, opts: OpentsdbHttpOptions): string | null {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return `missing \`metric\` in ${show(o)}`;
  const rec = o as Record<string, unknown>;
  const metric = rec["metric"];
  if (typeof metric !== "string" || metric === "" || !has(rec, "metric")) return `missing \`metric\` in ${show(o)}`;
  let ts = 0;
  if (has(rec, "timestamp")) {
    const t = getFloat64(rec["timestamp"]);
    if (typeof t === "string") return `invalid \`timestamp\` in ${show(o)}: ${t}`;
    if (!Number.isFinite(t)) return `invalid \`timestamp\` in ${show(o)}: want a finite number`;
    ts = Math.trunc(t);
  }
  if (!has(rec, "value")) return `missing \`value\` in ${show(o)}`;
  const v = getFloat64(rec["value"]);
  if (typeof v === "string") return `invalid \`value\` in ${show(o)}: ${v}`;
  const labels: Label[] = [["__name__", metric]];
  if (has(rec, "tags")) {
    const tags = rec["tags"];
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
      return `invalid \`tags\` in ${show(o)}: value doesn't contain object; it contains ${typeName(tags)}`;
    }
    for (const k of Object.keys(tags)) {
      const tv = (tags as Record<string, unknown>)[k];
      if (typeof tv !== "string") {
        return `cannot parse tags ${show(tags)}: tag value must be string; got ${typeName(tv)}; value=${show(tv)}`;
      }
      if (k !== "" && tv !== "") labels.push([k, tv]);
    }
  }
  for (const l of opts.extraLabels) labels.push([l[0], l[1]]);
  rows.growSamples(rows.samples + 1);
  rows.timestamps[rows.samples] = opentsdbTimestampMs(ts, opts.nowSec, opts.trimMs, 1);
  rows.values[rows.samples] = v;
  rows.commitLine(labels, 1);
  return null;
}

/**
 * parseBody parses a whole /api/put body (UTF-8 JSON: one data point object or
 * an array of them) into rows (appending). It throws
 * Error("cannot parse HTTP OpenTSDB json: ...") when the body is not JSON
 * (nothing is added then). Each invalid data point, and a body that is
 * neither an object nor an array, counts vm_rows_invalid_total{type="opentsdbhttp"}
 * and goes to onError(index, message) (index is the 1-based position in the
 * array, 1 for a single object); the other data points are kept. It returns
 * the number of valid data points.
 */
export function parseBody(
  rows: ImportRows,
  body: string,
  opts: OpentsdbHttpOptions,
  onError: (index: number, msg: string) => void,
): number {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    unmarshalErrors.inc();
    throw new Error(`cannot parse HTTP OpenTSDB json: ${(e as Error).message}`, { cause: e });
  }
  if (typeof v !== "object" || v === null) {
    invalidLines.inc();
    onError(1, `OpenTSDB JSON must be either object or array; got ${typeName(v)}; body=${show(v)}`);
    return 0;
  }
  const list = Array.isArray(v) ? v : [v];
  let valid = 0;
  for (let i = 0; i < list.length; i++) {
    const err = parseDataPoint(rows, list[i], opts);
    if (err === null) {
      valid++;
    } else {
      invalidLines.inc();
      onError(i + 1, `cannot unmarshal OpenTSDB object ${show(list[i])}: ${err}`);
    }
  }
  return valid;
}
