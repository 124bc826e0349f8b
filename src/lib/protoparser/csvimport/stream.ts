// Streaming /api/v1/import/csv: decompression, line blocks, parsing, batches to a callback.
import * as flagutil from "../../flagutil/index.ts";
import { counter } from "../../metrics/index.ts";
import { ImportRows } from "../vmimport/index.ts";
import { forEachLinesBlock, uncompressedStream } from "../util/index.ts";
import type { ColumnDescriptor } from "./column_descriptor.ts";
import { parseLines } from "./parser.ts";

/** MAX_LINE_LEN is VictoriaMetrics 1.79.5's fixed limit on a CSV line (256 KiB). */
export const MAX_LINE_LEN = 256 * 1024;

const trimTimestamp = flagutil.duration(
  "csvTrimTimestamp",
  "1ms",
  "Trim timestamps when importing csv data to this duration. Minimum practical duration is 1ms. Higher duration (i.e. 1s) may be used for reducing disk space usage for timestamp data",
);

const readCalls = counter(`vm_protoparser_read_calls_total{type="csvimport"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="csvimport"}`);
const counters = { readCalls, readErrors };
const rowsRead = counter(`vm_protoparser_rows_read_total{type="csvimport"}`);
const invalidLines = counter(`vm_rows_invalid_total{type="csvimport"}`);

/** ParseStreamOptions tunes parseStream. */
export interface ParseStreamOptions {
  /** encoding is the Content-Encoding: "gzip", "deflate", "zstd", "snappy", "" / "none" / "identity". */
  encoding?: string;
  /** maxLineLen is the longest line accepted, in bytes; default MAX_LINE_LEN. */
  maxLineLen?: number;
  /** blockSize is how many bytes of whole lines make one batch (default 64 KiB). */
  blockSize?: number;
  /** now returns the time for lines without timestamp (default Date.now). */
  now?: () => number;
}

/** ParseStreamResult counts what parseStream read. */
export interface ParseStreamResult {
  /** rows is the number of rows (one per metric column of each valid line) passed to onRows. */
  rows: number;
  /** invalidLines is the number of lines reported to onError. */
  invalidLines: number;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * parseStream reads an /api/v1/import/csv body, decompressing it by opts.encoding, splits
 * it into blocks of whole lines without holding the whole body in memory, parses each
 * block by cds (see parseLines; -csvTrimTimestamp applies) and calls onRows with the rows
 * of a block that has valid lines. rows is reused after onRows returns (or after the
 * Promise it returns settles). Bad lines are counted in
 * vm_rows_invalid_total{type="csvimport"}, go to onError(lineNumber, message) (line
 * numbers start at 1) and are skipped.
 *
 * It rejects with "cannot decode csv data: ..." for an unknown encoding and with
 * "cannot read csv data: ..." when the body cannot be read or decompressed or a line is
 * longer than maxLineLen; batches passed to onRows before that stay passed. An error
 * thrown by onRows is rethrown unchanged.
 */
export async function parseStream(
  body: AsyncIterable<Uint8Array>,
  cds: readonly ColumnDescriptor[],
  opts: ParseStreamOptions,
  onRows: (rows: ImportRows) => void | Promise<void>,
  onError: (lineNumber: number, msg: string) => void,
): Promise<ParseStreamResult> {
  let src: AsyncIterable<Uint8Array>;
  try {
    src = uncompressedStream(body, opts.encoding ?? "");
  } catch (e) {
    throw new Error(`cannot decode csv data: ${errorMessage(e)}`, { cause: e });
  }
  const res: ParseStreamResult = { rows: 0, invalidLines: 0 };
  const rows = new ImportRows();
  const now = opts.now ?? Date.now;
  const countErrors = (lineNumber: number, msg: string) => {
    res.invalidLines++;
    invalidLines.inc();
    onError(lineNumber, msg);
  };
  await forEachLinesBlock(src, opts.maxLineLen ?? MAX_LINE_LEN, opts.blockSize, "csv data", counters, (text, firstLine) => {
    rows.reset();
    parseLines(rows, text, cds, firstLine, { nowMs: now(), trimMs: trimTimestamp.value }, countErrors);
    if (rows.lines === 0) return;
    res.rows += rows.lines;
    rowsRead.add(rows.lines);
    return onRows(rows);
  });
  return res;
}
