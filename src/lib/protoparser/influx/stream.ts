// Streaming InfluxDB line protocol bodies: blocks of whole lines, parsed and
// handed over batch by batch, so that a request is never held in memory whole.
import { counter } from "../../metrics/index.ts";
import { forEachLinesBlock } from "../util/index.ts";
import { ImportRows } from "../vmimport/index.ts";
import { type InfluxOptions, parseLines } from "./parser.ts";

const readCalls = counter(`vm_protoparser_read_calls_total{type="influx"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="influx"}`);
const counters = { readCalls, readErrors };
const rowsRead = counter(`vm_protoparser_rows_read_total{type="influx"}`);

/** DEFAULT_MAX_LINE_SIZE is VictoriaMetrics' default -influx.maxLineSize (256 KiB). */
export const DEFAULT_MAX_LINE_SIZE = 256 * 1024;

/** InfluxStreamOptions tunes parseStream. */
export interface InfluxStreamOptions {
  /** options are the naming and timestamp options; nowMs is refreshed for every block. */
  options: InfluxOptions;
  /** maxLineLen is the longest accepted line in bytes (default 256 KiB). */
  maxLineLen?: number;
  /** blockSize is how many bytes of whole lines are parsed at a time (default 64 KiB). */
  blockSize?: number;
  /**
   * batchSamples, when above 0, makes the rows of consecutive blocks one
   * batch, handed to onRows once it holds at least this many samples and at
   * the end; by default every block is a batch.
   */
  batchSamples?: number;
}

/** InfluxStreamResult counts what parseStream read. */
export interface InfluxStreamResult {
  /** lines is the number of valid non-empty lines. */
  lines: number;
  /** samples is the number of samples (one per field) passed to onRows. */
  samples: number;
  /** invalidLines is the number of lines reported to onError. */
  invalidLines: number;
}

// Rows objects of finished streams, for the next ones (their typed arrays
// have grown to the size of a batch).
const spareRows: ImportRows[] = [];
const MAX_SPARE_ROWS = 8;

/**
 * parseStream reads InfluxDB lines from body (already decompressed), splits
 * it into blocks of whole lines, parses each block and calls onRows with a
 * batch of rows when it has any: each block's rows, or with
 * opts.batchSamples those of several blocks. The rows object is reused after
 * onRows returns (or after its Promise settles). Bad lines go to
 * onError(lineNumber, message) (line numbers start at 1) and are skipped.
 * It rejects with "cannot read influx line protocol data: ..." when reading
 * body fails or a line exceeds maxLineLen; the rows parsed before are handed
 * to onRows first. Errors thrown by onRows are rethrown unchanged.
 */
export async function parseStream(
  body: AsyncIterable<Uint8Array>,
  opts: InfluxStreamOptions,
  onRows: (rows: ImportRows) => void | Promise<void>,
  onError: (lineNumber: number, msg: string) => void,
): Promise<InfluxStreamResult> {
  const res: InfluxStreamResult = { lines: 0, samples: 0, invalidLines: 0 };
  const rows = spareRows.pop() ?? new ImportRows();
  rows.reset();
  const batch = opts.batchSamples ?? 0;
  const o: InfluxOptions = { ...opts.options };
  const countErrors = (lineNumber: number, msg: string) => {
    res.invalidLines++;
    onError(lineNumber, msg);
  };
  // handOver passes the pending rows (if any) to onRows.
  const handOver = (): void | Promise<void> => {
    if (rows.lines === 0) return;
    res.samples += rows.samples;
    rowsRead.add(rows.samples);
    const p = onRows(rows);
    if (p === undefined) {
      rows.reset();
      return;
    }
    return p.then(() => rows.reset());
  };
  let handing = false;
  try {
    await forEachLinesBlock(body, opts.maxLineLen ?? DEFAULT_MAX_LINE_SIZE, opts.blockSize, "influx line protocol data", counters, (text, firstLine) => {
      o.nowMs = Date.now();
      res.lines += parseLines(rows, text, firstLine, o, countErrors);
      if (rows.samples < batch) return;
      handing = true;
      const p = handOver();
      if (p === undefined) {
        handing = false;
        return;
      }
      return p.then(() => { handing = false; });
    });
  } catch (e) {
    // Rows parsed before a read error are kept, as block by block; nothing
    // more goes to an onRows that failed.
    if (!handing) await handOver();
    throw e;
  }
  await handOver();
  if (spareRows.length < MAX_SPARE_ROWS) spareRows.push(rows);
  return res;
}
