// Streaming Prometheus text import: decompressed body -> blocks of whole lines -> rows.
import { counter } from "../../metrics/index.ts";
import { forEachLinesBlock } from "../util/index.ts";
import { parseLines } from "./parser.ts";
import { PromRows } from "./prom_rows.ts";

/** DEFAULT_MAX_LINE_LEN is the longest line VictoriaMetrics reads from Prometheus text (256 KiB). */
export const DEFAULT_MAX_LINE_LEN = 256 * 1024;

const readCalls = counter(`vm_protoparser_read_calls_total{type="prometheus"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="prometheus"}`);
const counters = { readCalls, readErrors };
const rowsRead = counter(`vm_protoparser_rows_read_total{type="prometheus"}`);

/** ParseStreamOptions tunes parseStream. */
export interface ParseStreamOptions {
  /**
   * defaultTimestamp (ms) replaces a missing or zero timestamp; 0 or absent means the
   * current time, taken for each block.
   */
  defaultTimestamp?: number;
  /** maxLineLen is the longest line accepted, in bytes (default 256 KiB). */
  maxLineLen?: number;
  /** blockSize is how many bytes of whole lines make one batch (default 64 KiB). */
  blockSize?: number;
}

/** ParseStreamResult counts what parseStream read. */
export interface ParseStreamResult {
  /** rows is the number of samples passed to onRows. */
  rows: number;
  /** invalidLines is the number of lines reported to onError. */
  invalidLines: number;
  /** lines is the number of lines read (all kinds). */
  lines: number;
}

/**
 * parseStream reads Prometheus text from body (already decompressed) in blocks of whole
 * lines, parses each block, fills in missing timestamps (VictoriaMetrics' rule: a
 * timestamp of 0 counts as missing) and calls onRows with the block's rows when there
 * are any. The rows object is reused after onRows returns (or after its Promise
 * settles). Bad lines go to onError(lineNumber, message) and are skipped. It rejects
 * with "cannot read Prometheus exposition data: ..." when reading fails or a line is
 * longer than maxLineLen; batches passed before that stay passed. An error thrown by
 * onRows is rethrown unchanged.
 */
export async function parseStream(
  body: AsyncIterable<Uint8Array>,
  opts: ParseStreamOptions,
  onRows: (rows: PromRows) => void | Promise<void>,
  onError: (lineNumber: number, msg: string) => void,
): Promise<ParseStreamResult> {
  const res: ParseStreamResult = { rows: 0, invalidLines: 0, lines: 0 };
  const rows = new PromRows();
  const countErrors = (lineNumber: number, msg: string) => {
    res.invalidLines++;
    onError(lineNumber, msg);
  };
  await forEachLinesBlock(body, opts.maxLineLen ?? DEFAULT_MAX_LINE_LEN, opts.blockSize, "Prometheus exposition data", counters, (text, firstLine, lines) => {
    rows.reset();
    parseLines(rows, text, firstLine, countErrors);
    res.lines += lines;
    if (rows.lines === 0) return;
    const def = opts.defaultTimestamp !== undefined && opts.defaultTimestamp > 0 ? opts.defaultTimestamp : Date.now();
    const ts = rows.timestamps;
    for (let i = 0; i < rows.lines; i++) if (ts[i] === 0) ts[i] = def;
    res.rows += rows.lines;
    rowsRead.add(rows.lines);
    return onRows(rows);
  });
  return res;
}
