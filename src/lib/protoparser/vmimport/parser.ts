// Parsing of /api/v1/import request text: one JSON object per line.
import { counter } from "../../metrics/index.ts";
import { goQuote, startEndString } from "../util/index.ts";
import type { ImportRows } from "./import_rows.ts";
import { parseLineFast } from "./line_fast.ts";
import { parseLineSlow } from "./line_slow.ts";

const invalidLines = counter(`vm_rows_invalid_total{type="vmimport"}`);

/** A bad line is quoted in its error message up to this many characters from each end. */
const QUOTED_LINE_HALF = 128;

/**
 * parseLine parses the line s[start..end) (no '\n' inside; a trailing '\r' already cut)
 * and appends it to rows. It returns null on success, or VictoriaMetrics' reason why the
 * line is invalid (rows unchanged).
 */
export function parseLine(rows: ImportRows, s: string, start: number, end: number): string | null {
  if (parseLineFast(rows, s, start, end)) return null;
  return parseLineSlow(rows, s, start, end);
}

/**
 * parseLines parses a chunk of complete lines into rows (appending). Lines are separated
 * by '\n'; a trailing '\r' is dropped; empty lines are ignored. For each bad line it
 * counts vm_rows_invalid_total{type="vmimport"}, calls onError(lineNumber, message) with
 * a message like VictoriaMetrics logs ("cannot unmarshal json line \"...\": reason",
 * where a long line is shortened to its ends) and skips that line; the other lines are
 * kept. The first line of text has number firstLineNumber.
 */
export function parseLines(
  rows: ImportRows,
  text: string,
  firstLineNumber: number,
  onError: (lineNumber: number, msg: string) => void,
): void {
  const n = text.length;
  let start = 0;
  let lineNumber = firstLineNumber;
  for (;;) {
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end > start) {
      const err = parseLine(rows, text, start, end);
      if (err !== null) {
        invalidLines.inc();
        const line = startEndString(text.slice(start, end), QUOTED_LINE_HALF);
        onError(lineNumber, `cannot unmarshal json line ${goQuote(line)}: ${err}`);
      }
    }
    if (nl >= n) return;
    start = nl + 1;
    lineNumber++;
  }
}
