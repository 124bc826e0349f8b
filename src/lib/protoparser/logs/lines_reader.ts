// Splitting a streamed body into lines with a line-size limit, decoding
// whole runs of lines as one UTF-8 string (a '\n' byte never occurs inside a
// multi-byte UTF-8 sequence, so splitting at it is safe).
import { counter } from "../../metrics/index.ts";
import * as logger from "../../logger/index.ts";

const tooLongLinesSkipped = counter("vl_too_long_lines_skipped_total");

/**
 * OnLine gets one line as text.slice(start, end) (without '\n' or a trailing
 * '\r'); lineNumber counts from 1. Empty lines are passed too.
 */
export type OnLine = (text: string, start: number, end: number, lineNumber: number) => void;

/**
 * LinesReader splits pushed chunks into lines and calls onLine for each
 * complete one, synchronously during push() and end(). A line longer than
 * maxLineSize bytes is skipped, logged and counted in
 * `vl_too_long_lines_skipped_total`; the lines after it are read on. Only the
 * unfinished last line is buffered (at most maxLineSize bytes).
 */
export class LinesReader {
  /** linesRead counts the lines passed to onLine. */
  linesRead = 0;
  /** tooLongLines counts the skipped lines. */
  tooLongLines = 0;
  private readonly maxLineSize: number;
  private readonly onLine: OnLine;
  private readonly name: string;
  private tail: Buffer | undefined;
  private skipping = false;
  private lineNumber = 0;

  constructor(maxLineSize: number, onLine: OnLine, name = "") {
    this.maxLineSize = maxLineSize;
    this.onLine = onLine;
    this.name = name;
  }

  /** push adds a chunk of the body. */
  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.skipping) {
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      this.skipping = false;
      this.lineNumber++;
      buf = buf.subarray(nl + 1);
    }
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      this.keep(buf);
      return;
    }
    let head = buf.subarray(0, last);
    if (this.tail !== undefined) {
      head = Buffer.concat([this.tail, head]);
      this.tail = undefined;
    }
    this.emit(head);
    this.keep(buf.subarray(last + 1));
  }

  /** end passes the last line when the body does not end with '\n'. */
  end(): void {
    if (this.tail !== undefined && !this.skipping) {
      const t = this.tail;
      this.tail = undefined;
      this.emit(t);
    }
    this.tail = undefined;
    this.skipping = false;
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    const n = (this.tail?.length ?? 0) + rest.length;
    if (n > this.maxLineSize) {
      this.tail = undefined;
      this.skipping = true;
      this.skipped(n);
      return;
    }
    this.tail = this.tail === undefined ? Buffer.from(rest) : Buffer.concat([this.tail, rest]);
  }

  private skipped(n: number): void {
    this.tooLongLines++;
    tooLongLinesSkipped.inc();
    logger.warnRateLimited("vlinsert:too_long_line", `${this.name}: the line length exceeds -insert.maxLineSizeBytes=${this.maxLineSize}; skipping it (at least ${n} bytes)`);
  }

  // emit passes the lines of region, which holds whole lines.
  private emit(region: Buffer): void {
    const text = region.toString("utf8");
    const maxChars = this.maxLineSize;
    let start = 0;
    for (;;) {
      let nl = text.indexOf("\n", start);
      const last = nl < 0;
      if (last) nl = text.length;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      this.lineNumber++;
      // A string's length is at most its UTF-8 size; compute the size only when it may be over.
      if (end - start > maxChars / 3 && Buffer.byteLength(text.slice(start, end)) > maxChars) {
        this.skipped(Buffer.byteLength(text.slice(start, end)));
      } else {
        this.linesRead++;
        this.onLine(text, start, end, this.lineNumber);
      }
      if (last) return;
      start = nl + 1;
    }
  }
}
