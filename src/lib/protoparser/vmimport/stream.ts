// Streaming /api/v1/import: decompression, line blocks, parsing, batches to a callback.
import * as flagutil from "../../flagutil/index.ts";
import { counter } from "../../metrics/index.ts";
import { forEachLinesBlock, uncompressedStream } from "../util/index.ts";
import { ImportRows } from "./import_rows.ts";
import { parseLines } from "./parser.ts";

/** DEFAULT_MAX_LINE_LEN is VictoriaMetrics 1.79.5's default -import.maxLineLen (100 MiB; later versions use 10 MiB). */
export const DEFAULT_MAX_LINE_LEN = 100 * 1024 * 1024;

const maxLineLenFlag = flagutil.bytes(
  "import.maxLineLen",
  DEFAULT_MAX_LINE_LEN,
  "The maximum length in bytes of a single line accepted by /api/v1/import; the line length can be limited with 'max_rows_per_line' query arg passed to /api/v1/export",
);

const readCalls = counter(`vm_protoparser_read_calls_total{type="vmimport"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="vmimport"}`);
const counters = { readCalls, readErrors };
const rowsRead = counter(`vm_protoparser_rows_read_total{type="vmimport"}`);

/** ParseStreamOptions tunes parseStream. */
export interface ParseStreamOptions {
  /** encoding is the Content-Encoding: "gzip", "deflate", "zstd", "snappy", "" / "none" / "identity". */
  encoding?: string;
  /** maxLineLen is the longest line accepted, in bytes; default -import.maxLineLen. */
  maxLineLen?: number;
  /** blockSize is how many bytes of whole lines make one batch (default 64 KiB; a batch holds at least one line). */
  blockSize?: number;
}

/** ParseStreamResult counts what parseStream read. */
export interface ParseStreamResult {
  /** lines is the number of valid lines passed to onRows. */
  lines: number;
  /** samples is the number of samples in those lines. */
  samples: number;
  /** invalidLines is the number of lines reported to onError. */
  invalidLines: number;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * parseStream reads an /api/v1/import request body, decompressing it by opts.encoding,
 * splits it into blocks of whole lines without holding the whole body in memory, parses
 * each block and calls onRows with it when it has valid lines. The rows object is reused
 * after onRows returns (or after the Promise it returns settles, which gives
 * back-pressure). Bad lines go to onError(lineNumber, message) (line numbers start at 1)
 * and are skipped.
 *
 * It rejects with "cannot decode vmimport data: unsupported contentType: X" for an
 * unknown encoding, and with "cannot read vmimport data: ..." when the body cannot be
 * decompressed (bad or truncated gzip, ...), when reading it fails, or when a line is
 * longer than maxLineLen ("too long line: more than N bytes"); batches passed to onRows
 * before that stay passed. An error thrown by onRows is rethrown unchanged.
 */
export async function parseStream(
  body: AsyncIterable<Uint8Array>,
  opts: ParseStreamOptions,
  onRows: (rows: ImportRows) => void | Promise<void>,
  onError: (lineNumber: number, msg: string) => void,
): Promise<ParseStreamResult> {
  let src: AsyncIterable<Uint8Array>;
  try {
    src = uncompressedStream(body, opts.encoding ?? "");
  } catch (e) {
    throw new Error(`cannot decode vmimport data: ${errorMessage(e)}`, { cause: e });
  }
  const res: ParseStreamResult = { lines: 0, samples: 0, invalidLines: 0 };
  const rows = new ImportRows();
  const countErrors = (lineNumber: number, msg: string) => {
    res.invalidLines++;
    onError(lineNumber, msg);
  };
  await forEachLinesBlock(src, opts.maxLineLen ?? maxLineLenFlag.value, opts.blockSize, "vmimport data", counters, (text, firstLine) => {
    rows.reset();
    parseLines(rows, text, firstLine, countErrors);
    if (rows.lines === 0) return;
    res.lines += rows.lines;
    res.samples += rows.samples;
    rowsRead.add(rows.samples);
    return onRows(rows);
  });
  return res;
}
