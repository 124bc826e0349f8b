// block_source: a storage LogBlock seen as a ColumnSource for filters, and turned into a RowBatch.

import type { LogBlock, LogField } from "../logstorage/index.ts";
import { parseStreamTags, type ColumnSource } from "./filter_eval.ts";
import { batchTimestamps } from "./pipes.ts";
import type { RowBatch } from "./row_batch.ts";
import { formatTimestamp, formatTimestampsAt } from "./time_format.ts";

const streamTagsCache = new Map<string, LogField[]>();

function streamTagsOf(stream: string): LogField[] {
  let t = streamTagsCache.get(stream);
  if (t === undefined) {
    t = parseStreamTags(stream);
    if (streamTagsCache.size > 10000) streamTagsCache.clear();
    streamTagsCache.set(stream, t);
  }
  return t;
}

/** blockSource lets filters read a storage block, with its cheap checks (const values, bloom filters, numeric ranges). */
export function blockSource(block: LogBlock): ColumnSource {
  let times: string[] | undefined;
  const consts = new Map<string, string[]>();
  const constArr = (name: string, v: string): string[] => {
    let a = consts.get(name);
    if (a === undefined) consts.set(name, (a = new Array<string>(block.rowsCount).fill(v)));
    return a;
  };
  return {
    rowsCount: block.rowsCount,
    values(name) {
      switch (name) {
        case "_time":
          if (times === undefined) times = formatTimes(block.timestamps());
          return times;
        case "_stream":
          return constArr(name, block.stream);
        case "_stream_id":
          return constArr(name, block.streamID);
        default:
          return block.columnValues(name);
      }
    },
    constValue(name) {
      if (name === "_stream") return block.stream;
      if (name === "_stream_id") return block.streamID;
      if (name === "_time") return undefined;
      return block.constValue(name);
    },
    mayContainTokens(name, tokens) {
      if (name === "_time" || name === "_stream" || name === "_stream_id") return true;
      return block.mayContainTokens(name, tokens);
    },
    numericRange(name) {
      if (name === "_time" || name === "_stream" || name === "_stream_id") return undefined;
      return block.numericRange(name);
    },
    timestamps: () => block.timestamps(),
    timeBounds: () => [block.minTimestamp, block.maxTimestamp],
    stringColumnBytes(name) {
      if (name === "_time" || name === "_stream" || name === "_stream_id" || block.stringColumnBytes === undefined) return undefined;
      return block.stringColumnBytes(name);
    },
    dictColumn(name) {
      if (name === "_time" || name === "_stream" || name === "_stream_id" || block.dictColumn === undefined) return undefined;
      return block.dictColumn(name);
    },
    streamTags: () => streamTagsOf(block.stream),
    streamID: () => block.streamID,
  };
}

// timesOf returns the _time strings of the rows idx selects and registers their timestamps;
// with skipFormat the strings are left empty (for readers that use the timestamps).
function timesOf(block: LogBlock, idx: Uint32Array, skipFormat = false): string[] {
  const n = idx.length;
  const allTs = block.timestamps();
  const ts = new BigInt64Array(n);
  const times = skipFormat ? new Array<string>(n).fill("") : formatTimestampsAt(allTs, idx);
  for (let j = 0; j < n; j++) ts[j] = allTs[idx[j]];
  batchTimestamps.set(times, ts);
  return times;
}

function formatTimes(ts: BigInt64Array): string[] {
  const out = new Array<string>(ts.length);
  for (let i = 0; i < ts.length; i++) out[i] = formatTimestamp(ts[i]);
  return out;
}

// valuesAt returns the values of rows idx of a column of block.
function valuesAt(block: LogBlock, name: string, idx: Uint32Array): string[] {
  if (block.columnValuesAt !== undefined) return block.columnValuesAt(name, idx);
  const all = block.columnValues(name);
  const v = new Array<string>(idx.length);
  for (let j = 0; j < idx.length; j++) v[j] = all[idx[j]];
  return v;
}

/**
 * blockToBatch copies the rows of block selected by bm (count of them: n) into a
 * RowBatch. With need, only those fields are copied (timeStringsUnused: the
 * _time strings are left empty, only its timestamps are registered). Without,
 * the columns are _msg, _stream, _stream_id, _time, then the block's other
 * columns in stored order; columns empty in every selected row are left out.
 */
export function blockToBatch(block: LogBlock, bm: Uint8Array, n: number, need?: ReadonlySet<string>, timeStringsUnused = false): RowBatch {
  const idx = new Uint32Array(n);
  for (let i = 0, j = 0; i < bm.length; i++) if (bm[i]) idx[j++] = i;
  return blockRowsToBatch(block, bm, idx, true, need, timeStringsUnused);
}

/**
 * blockRowsToBatch returns the rows rows (ascending, all selected by bm) of
 * the batch blockToBatch(block, bm, ...) would make: the same columns, only
 * these rows. allRows says that rows are all the rows bm selects.
 */
export function blockRowsToBatch(block: LogBlock, bm: Uint8Array, rows: Uint32Array, allRows: boolean, need?: ReadonlySet<string>, timeStringsUnused = false): RowBatch {
  const n = rows.length;
  const columns: { name: string; values: readonly string[] }[] = [];
  if (need !== undefined) {
    // Only the fields the pipes read.
    for (const name of need) {
      if (name === "_stream" || name === "_stream_id") columns.push({ name, values: new Array<string>(n).fill(name === "_stream" ? block.stream : block.streamID) });
      else if (name === "_time") columns.push({ name, values: timesOf(block, rows, timeStringsUnused) });
      else columns.push({ name, values: valuesAt(block, name, rows) });
    }
    return { rowsCount: n, columns };
  }
  const times = timesOf(block, rows);
  const names = block.columnNames();
  let selected: Uint32Array | undefined;
  const pick = (name: string): void => {
    const cv = block.constValue(name);
    if (cv !== undefined) {
      if (cv !== "") columns.push({ name, values: new Array<string>(n).fill(cv) });
      return;
    }
    const v = valuesAt(block, name, rows);
    let nonEmpty = false;
    for (let j = 0; j < n; j++) {
      if (v[j] !== "") {
        nonEmpty = true;
        break;
      }
    }
    if (!nonEmpty && !allRows) {
      // Another selected row may have a value.
      if (selected === undefined) {
        selected = new Uint32Array(bm.length);
        let k = 0;
        for (let i = 0; i < bm.length; i++) if (bm[i]) selected[k++] = i;
        selected = selected.subarray(0, k);
      }
      nonEmpty = anyNonEmpty(block, name, selected);
    }
    if (nonEmpty) columns.push({ name, values: v });
  };
  if (names.includes("_msg")) pick("_msg");
  columns.push({ name: "_stream", values: new Array<string>(n).fill(block.stream) });
  columns.push({ name: "_stream_id", values: new Array<string>(n).fill(block.streamID) });
  columns.push({ name: "_time", values: times });
  for (const name of names) if (name !== "_msg" && name !== "_time" && name !== "_stream" && name !== "_stream_id") pick(name);
  return { rowsCount: n, columns };
}

// anyNonEmpty reports whether one of the rows selected has a non-empty value in the column.
function anyNonEmpty(block: LogBlock, name: string, selected: Uint32Array): boolean {
  const raw = block.stringColumnBytes?.(name);
  if (raw !== undefined) {
    for (const i of selected) if (raw.offs[i] !== raw.offs[i + 1]) return true;
    return false;
  }
  const dc = block.dictColumn?.(name);
  if (dc !== undefined) {
    for (const i of selected) if (dc.dict[dc.idx[i]!] !== "") return true;
    return false;
  }
  const v = valuesAt(block, name, selected);
  for (const x of v) if (x !== "") return true;
  return false;
}
