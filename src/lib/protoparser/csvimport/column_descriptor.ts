// The `format` query arg of /api/v1/import/csv: which CSV column holds the time, a
// label or a metric value (VictoriaMetrics' ColumnDescriptor).
import { parseInt64 } from "../influx/index.ts";
import { goQuote } from "../util/index.ts";
import { RFC3339, parseGoTime } from "./go_time.ts";

/** ColumnDescriptor says what one CSV column holds; a column with none of the fields is ignored. */
export interface ColumnDescriptor {
  /** parseTimestamp reads the time column into unix milliseconds; it throws Error on bad input. */
  parseTimestamp?: (s: string) => number;
  /** labelName is the label the column's text is stored in. */
  labelName?: string;
  /** metricName is the metric whose value the column holds. */
  metricName?: string;
}

/** MAX_COLUMNS_PER_ROW is the largest accepted column position. */
export const MAX_COLUMNS_PER_ROW = 64 * 1024;

// Go's %q of a []string, as VM prints a bad entry: ["1" "metric"].
function goQuoteList(a: string[]): string {
  return "[" + a.map(goQuote).join(" ") + "]";
}

// goAtoi parses a column position as Go's strconv.Atoi does (optional sign, decimal digits).
function goAtoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || Math.abs(n) >= 2 ** 63) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return n;
}

// (2^63-1)/1e3, above 2^53: compared as BigInt.
const MAX_SECONDS = 9223372036854775n;

function parseUnixSeconds(s: string): number {
  let n: number;
  try {
    n = parseInt64(s);
  } catch (e) {
    throw new Error(`cannot parse timestamp seconds from ${goQuote(s)}: ${(e as Error).message}`);
  }
  if (n > 9e15 && BigInt(s) > MAX_SECONDS) throw new Error(`too big unix timestamp in seconds: ${s}; must be smaller than 9223372036854775`);
  return n * 1e3;
}

function parseUnixMilliseconds(s: string): number {
  try {
    return parseInt64(s);
  } catch (e) {
    throw new Error(`cannot parse timestamp milliseconds from ${goQuote(s)}: ${(e as Error).message}`);
  }
}

function parseUnixNanoseconds(s: string): number {
  try {
    parseInt64(s);
  } catch (e) {
    throw new Error(`cannot parse timestamp nanoseconds from ${goQuote(s)}: ${(e as Error).message}`);
  }
  // n / 1e6 truncated toward zero, exactly: drop the last 6 digits of `-?\d+`.
  const neg = s[0] === "-";
  const digits = neg ? s.slice(1) : s;
  const ms = digits.length > 6 ? Number(digits.slice(0, digits.length - 6)) : 0;
  return neg && ms !== 0 ? -ms : ms;
}

function parseRFC3339(s: string): number {
  try {
    return parseGoTime(RFC3339, s);
  } catch (e) {
    throw new Error(`cannot parse time in RFC3339 from ${goQuote(s)}: ${(e as Error).message}`);
  }
}

function parseTimeFormat(format: string): (s: string) => number {
  if (format.startsWith("custom:")) {
    const layout = format.slice("custom:".length);
    return (s) => {
      try {
        return parseGoTime(layout, s);
      } catch (e) {
        throw new Error(`cannot parse time in custom format ${goQuote(layout)} from ${goQuote(s)}: ${(e as Error).message}`);
      }
    };
  }
  switch (format) {
    case "unix_s": return parseUnixSeconds;
    case "unix_ms": return parseUnixMilliseconds;
    case "unix_ns": return parseUnixNanoseconds;
    case "rfc3339": return parseRFC3339;
  }
  throw new Error(`unknown format for time parsing: ${goQuote(format)}; supported formats: unix_s, unix_ms, unix_ns, rfc3339`);
}

/**
 * parseColumnDescriptors parses a CSV column spec: comma-separated entries
 * `<column_pos>:<column_type>:<extension>`, where column_pos starts at 1 and
 * column_type is `time` (extension unix_s, unix_ms, unix_ns, rfc3339 or
 * custom:<Go layout>), `label` (extension: the label name) or `metric` (extension:
 * the metric name). It returns one descriptor per column up to the highest position
 * (unmentioned columns are empty, i.e. ignored). The spec needs at least one metric
 * column and at most one time column; otherwise, and for any malformed entry, it throws
 * Error with VictoriaMetrics' message.
 */
export function parseColumnDescriptors(s: string): ColumnDescriptor[] {
  const m = new Map<number, ColumnDescriptor>();
  let hasValue = false, hasTime = false, maxPos = 0;
  const cols = s.split(",");
  for (let i = 0; i < cols.length; i++) {
    const col = cols[i]!;
    const entry = `entry #${i + 1} ${goQuote(col)}`;
    // Go's strings.SplitN(col, ":", 3).
    const a: string[] = [];
    let rest = col;
    while (a.length < 2) {
      const k = rest.indexOf(":");
      if (k < 0) break;
      a.push(rest.slice(0, k));
      rest = rest.slice(k + 1);
    }
    a.push(rest);
    if (a.length !== 3) throw new Error(`entry #${i + 1} must have the following form: <column_pos>:<column_type>:<extension>; got ${goQuoteList(a)}`);
    let pos: number;
    try {
      pos = goAtoi(a[0]!);
    } catch (e) {
      throw new Error(`cannot parse <column_pos> part from the ${entry}: ${(e as Error).message}`);
    }
    if (pos <= 0) throw new Error(`<column_pos> cannot be smaller than 1; got ${pos} for ${entry}`);
    if (pos > MAX_COLUMNS_PER_ROW) throw new Error(`<column_pos> cannot be bigger than ${MAX_COLUMNS_PER_ROW}; got ${pos} for ${entry}`);
    if (pos > maxPos) maxPos = pos;
    const cd: ColumnDescriptor = {};
    const typ = a[1]!;
    switch (typ) {
      case "time":
        if (hasTime) throw new Error(`duplicate time column has been found at ${entry} for ${goQuote(s)}`);
        try {
          cd.parseTimestamp = parseTimeFormat(a[2]!);
        } catch (e) {
          throw new Error(`cannot parse time format from the ${entry}: ${(e as Error).message}`);
        }
        hasTime = true;
        break;
      case "label":
        if (a[2] === "") throw new Error(`label name cannot be empty in the ${entry}`);
        cd.labelName = a[2]!;
        break;
      case "metric":
        if (a[2] === "") throw new Error(`metric name cannot be empty in the ${entry}`);
        cd.metricName = a[2]!;
        hasValue = true;
        break;
      default:
        throw new Error(`unknown <column_type>: ${goQuote(typ)}; allowed values: time, metric, label`);
    }
    // VictoriaMetrics reports the 0-based position here.
    if (m.has(pos - 1)) throw new Error(`duplicate <column_pos> ${pos - 1} for the ${entry}`);
    m.set(pos - 1, cd);
  }
  if (!hasValue) throw new Error(`missing 'metric' column in ${goQuote(s)}`);
  const cds: ColumnDescriptor[] = [];
  for (let i = 0; i < maxPos; i++) cds.push(m.get(i) ?? {});
  return cds;
}
