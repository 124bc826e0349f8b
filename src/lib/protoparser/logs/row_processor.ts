// The row processor every log ingestion protocol feeds: it applies the
// common ingestion parameters (time field, message field, ignored, extra and
// decolorized fields, the default message), enforces the per-row limits,
// and adds the rows to storage batches of bounded size, committing them.
import type { LogField, LogIngester, LogRowsBatch, TenantID } from "./storage_types.ts";
import * as logger from "../../logger/index.ts";
import { type Counter, counter } from "../../metrics/index.ts";
import type { CommonParams } from "./common_params.ts";
import { dropColorSequences } from "./decolorize.ts";
import { FieldFilter } from "./field_filter.ts";
import { FieldList } from "./field_list.ts";
import { MAX_FIELD_NAME_LEN } from "./json_fields.ts";
import { LogParseError } from "./parse_error.ts";
import { parseLogTimestamp } from "./timestamp.ts";

const rowsDroppedDebug = counter(`vl_rows_dropped_total{reason="debug"}`);
const rowsDroppedTooManyFields = counter(`vl_rows_dropped_total{reason="too_many_fields"}`);
const rowsDroppedTooLongFieldName = counter(`vl_rows_dropped_total{reason="too_long_field_name"}`);
const rowsDroppedTooBig = counter(`vl_rows_dropped_total{reason="too_big_row"}`);

/** MAX_ROW_SIZE is the largest row VictoriaLogs stores (its estimated JSON size), as its maxUncompressedBlockSize. */
export const MAX_ROW_SIZE = 2 * 1024 * 1024;

/** RowProcessorOptions configures a LogRowProcessor. */
export interface RowProcessorOptions {
  ingester: LogIngester;
  params: CommonParams;
  /** type is the protocol name in `vl_rows_ingested_total{type="..."}`. */
  type: string;
  /** defaultMsgValue is the `_msg` of rows without one (-defaultMsgValue); "" adds none. */
  defaultMsgValue: string;
  /** maxFieldsPerLine drops rows with more fields (-insert.maxFieldsPerLine). */
  maxFieldsPerLine: number;
  /** maxBatchRows and maxBatchBytes bound a batch before it is committed (defaults 65536 and 4 MiB). */
  maxBatchRows?: number;
  maxBatchBytes?: number;
  /** now returns the current time in ns (for rows without a timestamp); default the clock. */
  now?: () => bigint;
  /** debugLog receives rows in debug mode; default logger.info. */
  debugLog?: (line: string) => void;
}

/** nowNs returns the current time in nanoseconds since the epoch. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * LogRowProcessor turns parsed rows into stored rows. Call addRow (time
 * known) or addParsedRow (time and message taken from the fields by the
 * `_time_field` and `_msg_field` parameters) for every row, then close()
 * once: it commits the rest. Batches are committed whenever they reach the
 * size bounds, so memory stays bounded for streamed requests. Rows breaking
 * a limit are dropped, logged (rate limited) and counted in
 * `vl_rows_dropped_total{reason="..."}`; the others are kept.
 */
export class LogRowProcessor {
  /** rowsAdded counts the rows handed to storage batches (dropped rows excluded). */
  rowsAdded = 0;
  /** rowsStored counts the rows the storage reported as stored on commit. */
  rowsStored = 0;
  private readonly o: RowProcessorOptions;
  private readonly tenant: TenantID;
  private readonly ignore: FieldFilter;
  private readonly decolorize: FieldFilter;
  private readonly out = new FieldList();
  private readonly streamFields: readonly string[];
  private readonly rowsIngested: Counter;
  private readonly bytesIngested: Counter;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly now: () => bigint;
  private batch: LogRowsBatch | undefined;
  private batchBytes = 0;

  constructor(o: RowProcessorOptions) {
    this.o = o;
    this.tenant = o.params.tenant;
    this.ignore = new FieldFilter(o.params.ignoreFields);
    // Extra fields override the fields of the same name the client sends.
    for (const f of o.params.extraFields) this.ignore.add(f.name);
    this.decolorize = new FieldFilter(o.params.decolorizeFields);
    this.streamFields = o.params.streamFields.filter((f) => !this.ignore.matches(f) || o.params.extraFields.some((e) => e.name === f));
    this.rowsIngested = counter(`vl_rows_ingested_total{type=${JSON.stringify(o.type)}}`);
    this.bytesIngested = counter(`vl_bytes_ingested_total{type=${JSON.stringify(o.type)}}`);
    this.maxRows = o.maxBatchRows ?? 65536;
    this.maxBytes = o.maxBatchBytes ?? 4 * 1024 * 1024;
    this.now = o.now ?? nowNs;
  }

  /** params are the request's common parameters. */
  get params(): CommonParams {
    return this.o.params;
  }

  /**
   * addParsedRow takes the timestamp from the first of the `_time_field`
   * fields present (dropping that field; now when none is present), renames
   * the first non-empty `_msg_field` field to `_msg`, and adds the row. It
   * throws LogParseError for a timestamp that cannot be parsed (the row is
   * then not added). The fields' objects may be modified.
   */
  addParsedRow(fields: LogField[], streamFields?: readonly string[]): void {
    const ts = extractTimestamp(fields, this.o.params.timeFields, this.now);
    renameMsgField(fields, this.o.params.msgFields);
    this.addRow(ts, fields, streamFields);
  }

  /**
   * addRow adds a row with timestamp ts (ns). streamFields, when given,
   * replaces the `_stream_fields` parameter for this row (Loki labels, OTLP
   * resource attributes). fields are not retained.
   */
  addRow(ts: bigint, fields: readonly LogField[], streamFields?: readonly string[]): void {
    const o = this.o;
    if (fields.length > o.maxFieldsPerLine) {
      rowsDroppedTooManyFields.inc();
      logger.warnRateLimited("vlinsert:too_many_fields", `dropping log line with ${fields.length} fields; it exceeds -insert.maxFieldsPerLine=${o.maxFieldsPerLine}; ${rowText(fields)}`);
      return;
    }
    const out = this.out;
    out.reset();
    let hasMsg = false;
    let size = 40;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = f.value;
      if (v === "") continue;
      const name = f.name;
      // The limit is in bytes; a UTF-16 length over a third of it may be over.
      if (name.length > MAX_FIELD_NAME_LEN / 3 && (name.length > MAX_FIELD_NAME_LEN || Buffer.byteLength(name) > MAX_FIELD_NAME_LEN)) {
        rowsDroppedTooLongFieldName.inc();
        logger.warnRateLimited("vlinsert:too_long_field_name", `ignoring log entry with too long field name ${JSON.stringify(name)}, since its length (${Buffer.byteLength(name)}) exceeds the limit ${MAX_FIELD_NAME_LEN} bytes; log entry: ${rowText(fields)}`);
        return;
      }
      if (!this.ignore.isEmpty && this.ignore.matches(name)) continue;
      if (name === "_msg") hasMsg = true;
      out.add(name, !this.decolorize.isEmpty && this.decolorize.matches(name) ? dropColorSequences(v) : v);
      size += name.length + v.length + 6;
    }
    for (const f of o.params.extraFields) {
      if (f.name === "_msg") hasMsg = true;
      out.add(f.name, f.value);
      size += f.name.length + f.value.length + 6;
    }
    if (!hasMsg && o.defaultMsgValue !== "") {
      out.add("_msg", o.defaultMsgValue);
      size += o.defaultMsgValue.length + 10;
    }
    dedupe(out);
    if (size > MAX_ROW_SIZE) {
      rowsDroppedTooBig.inc();
      logger.warnRateLimited("vlinsert:too_big_row", `ignoring too long log entry with the estimated length of ${size} bytes, since it exceeds the limit ${MAX_ROW_SIZE} bytes; log entry: ${rowText(fields)}`);
      return;
    }
    this.rowsIngested.inc();
    this.bytesIngested.add(size);
    const sf = streamFields ?? this.streamFields;
    if (o.params.debug) {
      rowsDroppedDebug.inc();
      const shown = out.items.map((f) => ({ name: f.name, value: f.value }));
      shown.push({ name: "_time", value: formatTimeNs(ts) }, { name: "_stream", value: streamText(out.items, sf) });
      (o.debugLog ?? logger.info)(`ignoring log entry because of \`debug\` arg: ${rowText(shown, Infinity)}`);
      return;
    }
    const b = (this.batch ??= o.ingester.newBatch());
    b.addRow(this.tenant, ts, out.items, sf);
    this.rowsAdded++;
    this.batchBytes += size;
    if (b.rowsCount >= this.maxRows || this.batchBytes >= this.maxBytes) this.flush();
  }

  /** flush commits the current batch, if it holds rows. */
  flush(): void {
    const b = this.batch;
    if (b === undefined || b.rowsCount === 0) return;
    this.batch = undefined;
    this.batchBytes = 0;
    this.rowsStored += this.o.ingester.commit(b);
  }

  /** close commits the rest; it returns rowsStored. */
  close(): number {
    this.flush();
    return this.rowsStored;
  }
}

/**
 * extractTimestamp returns the timestamp of the first of timeFields present
 * in fields and empties that field's value (so it is not stored); now() when
 * none is present or the value means "now". It throws LogParseError for a
 * value that is not a timestamp.
 */
export function extractTimestamp(fields: LogField[], timeFields: readonly string[], now: () => bigint): bigint {
  for (const tf of timeFields) {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.name !== tf) continue;
      let ts: bigint;
      try {
        ts = parseLogTimestamp(f.value, 0n);
      } catch (e) {
        throw new LogParseError(`cannot parse timestamp from field ${JSON.stringify(tf)}: ${(e as Error).message}`);
      }
      f.value = "";
      return ts === 0n ? now() : ts;
    }
  }
  return now();
}

/** renameMsgField renames the first field of msgFields with a non-empty value to `_msg` (dropping another `_msg`). */
export function renameMsgField(fields: LogField[], msgFields: readonly string[]): void {
  for (const m of msgFields) {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.name !== m || f.value === "") continue;
      if (m === "_msg") return;
      for (const g of fields) if (g.name === "_msg") g.value = "";
      f.name = "_msg";
      return;
    }
  }
}

function rowText(fields: readonly LogField[], max = 500): string {
  const o: Record<string, string> = {};
  for (const f of fields) o[f.name] = f.value;
  const s = JSON.stringify(o);
  return s.length > max ? s.slice(0, max) + "..." : s;
}

function streamText(fields: readonly LogField[], sf: readonly string[]): string {
  const parts: string[] = [];
  for (const name of [...sf].sort()) {
    const f = fields.find((x) => x.name === name);
    if (f !== undefined) parts.push(`${name}=${JSON.stringify(f.value)}`);
  }
  return `{${parts.join(",")}}`;
}

// formatTimeNs renders ns since the epoch as RFC3339 with nanoseconds, as VictoriaLogs shows `_time`.
function formatTimeNs(ts: bigint): string {
  const ms = ts / 1_000_000n - (ts % 1_000_000n < 0n ? 1n : 0n);
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return String(ts);
  const ns = ts - ms * 1_000_000n + BigInt(d.getUTCMilliseconds()) * 1_000_000n;
  return d.toISOString().slice(0, 19) + "." + ns.toString().padStart(9, "0") + "Z";
}

/**
 * dedupe keeps the last of fields with the same name (as JSON.parse does
 * with repeated keys; flattening can also produce them: `{"a.b":1,"a":{"b":2}}`).
 */
function dedupe(out: FieldList): void {
  const a = out.items;
  const n = a.length;
  let dups = false;
  if (n <= 32) {
    for (let i = 0; i < n && !dups; i++) {
      const name = a[i]!.name;
      for (let j = i + 1; j < n; j++) if (a[j]!.name === name) { dups = true; break; }
    }
  } else {
    dups = new Set(a.map((f) => f.name)).size !== n;
  }
  if (!dups) return;
  const last = new Map<string, number>();
  for (let i = 0; i < n; i++) last.set(a[i]!.name, i);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (last.get(a[i]!.name) !== i) continue;
    const f = a[i]!;
    if (k !== i) {
      // Swap the objects so the list keeps owning every pooled object exactly once.
      a[i] = a[k]!;
      a[k] = f;
    }
    k++;
  }
  out.truncate(k);
}
