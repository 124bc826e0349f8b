// CSV lines -> rows, as VictoriaMetrics 1.79.5's lib/protoparser/csvimport reads them.
import { parseFloat } from "../influx/index.ts";
import { type ImportRows, type Label } from "../vmimport/index.ts";
import { goQuote } from "../util/index.ts";
import type { ColumnDescriptor } from "./column_descriptor.ts";

class LineError extends Error {}

// readQuotedField reads a field starting with '"' at line[p]; returns [value, position after the field's comma or line.length].
function readQuotedField(line: string, p: number): [string, number] {
  const orig = line.slice(p);
  let i = p + 1;
  let escaped = false;
  for (;;) {
    const q = line.indexOf('"', i);
    if (q < 0) throw new LineError(`missing closing quote for ${goQuote(orig)}`);
    i = q + 1;
    if (i === line.length) {
      const v = line.slice(p + 1, q);
      return [escaped ? v.replaceAll('""', '"') : v, line.length];
    }
    if (line.charCodeAt(i) === 34) {
      // A doubled quote is an escaped quote.
      i++;
      escaped = true;
      continue;
    }
    if (line.charCodeAt(i) !== 44) throw new LineError(`missing comma after quoted field in ${goQuote(orig)}`);
    const v = line.slice(p + 1, q);
    return [escaped ? v.replaceAll('""', '"') : v, i + 1];
  }
}

/** ParseLinesOptions are the settings of parseLines that are not in the data. */
export interface ParseLinesOptions {
  /** nowMs replaces a missing (or zero) timestamp. */
  nowMs: number;
  /** trimMs, when above 1, rounds timestamps down to a multiple of it (-csvTrimTimestamp). */
  trimMs: number;
}

/**
 * parseLines parses CSV lines (separated by '\n'; a trailing '\r' is dropped; empty lines
 * are skipped) by the column descriptors cds and appends one row per metric column of each
 * line to rows: labels [["__name__", metric], ...label columns in column order] and its
 * sample; the samples of lines with the same labels are appended to one row (in line order),
 * and rows come in the order of their first line. Fields are split on ',' and may be quoted ("a,""b""" is `a,"b"`); columns after
 * the described ones are ignored; a line ending in ',' has no trailing empty column.
 * A line with fewer columns than cds, a bad quote, a bad timestamp or a bad value is
 * skipped and reported to onError(lineNumber, message), lineNumber counting from
 * firstLine. Timestamps are unix milliseconds; a line without time column (or with time
 * 0) gets opts.nowMs.
 */
export function parseLines(
  rows: ImportRows,
  text: string,
  cds: readonly ColumnDescriptor[],
  firstLine: number,
  opts: ParseLinesOptions,
  onError: (lineNumber: number, msg: string) => void,
): void {
  const ncds = cds.length;
  const names: string[] = [];
  const values: number[] = [];
  const labels: Label[] = [];
  // Rows of the same series (same metric and label columns) are grouped into one row.
  const groups = new Map<string, { labels: Label[]; ts: number[]; vs: number[] }>();
  let lineNumber = firstLine - 1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    lineNumber++;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length === 0) continue;
    names.length = 0;
    values.length = 0;
    labels.length = 0;
    let ts = 0;
    let col = 0;
    try {
      for (let p = 0; p < line.length;) {
        let field: string;
        if (line.charCodeAt(p) === 34) {
          [field, p] = readQuotedField(line, p);
        } else {
          const c = line.indexOf(",", p);
          if (c < 0) {
            field = line.slice(p);
            p = line.length;
          } else {
            field = line.slice(p, c);
            p = c + 1;
          }
        }
        // Superfluous columns are read (a bad quote there still fails the line) and ignored.
        if (col >= ncds) continue;
        const cd = cds[col]!;
        col++;
        if (cd.parseTimestamp !== undefined) {
          try {
            ts = cd.parseTimestamp(field);
          } catch (e) {
            throw new LineError(`cannot parse timestamp from ${goQuote(field)}: ${(e as Error).message}`);
          }
        } else if (cd.labelName !== undefined) {
          // A copy, so that a stored label does not keep the whole block of lines alive.
          labels.push([cd.labelName, field.length < 13 ? field : (" " + field).slice(1)]);
        } else if (cd.metricName !== undefined) {
          let v: number;
          try {
            v = parseFloat(field);
          } catch (e) {
            throw new LineError(`cannot parse metric value for ${goQuote(cd.metricName)} from ${goQuote(field)}: ${(e as Error).message}`);
          }
          names.push(cd.metricName);
          values.push(v);
        }
      }
      if (col < ncds) throw new LineError(`missing columns in the csv line ${goQuote(line)}; got ${col} columns; want at least ${ncds} columns`);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      onError(lineNumber, `cannot parse csv line ${goQuote(line)}: ${e.message}`);
      continue;
    }
    if (names.length === 0) throw new Error("BUG: column descriptors without a metric column");
    if (ts === 0) ts = opts.nowMs;
    if (opts.trimMs > 1) ts -= ts % opts.trimMs;
    let lkey = "";
    for (const l of labels) lkey += `${l[0].length}:${l[0]}${l[1].length}:${l[1]}`;
    for (let k = 0; k < names.length; k++) {
      const key = `${names[k]!.length}:${names[k]!}${lkey}`;
      let g = groups.get(key);
      if (g === undefined) {
        const ls: Label[] = [["__name__", names[k]!]];
        for (const l of labels) ls.push([l[0], l[1]]);
        g = { labels: ls, ts: [], vs: [] };
        groups.set(key, g);
      }
      g.ts.push(ts);
      g.vs.push(values[k]!);
    }
  }
  // One row per series of the block: the storage's work is per series.
  for (const g of groups.values()) {
    const n = g.ts.length;
    rows.growSamples(rows.samples + n);
    rows.timestamps.set(g.ts, rows.samples);
    rows.values.set(g.vs, rows.samples);
    rows.commitLine(g.labels, n);
  }
}
