// The systemd journal export format (/insert/journald/upload), as
// systemd-journal-upload sends it: entries separated by an empty line; a
// field is `NAME=value\n`, or, for binary values, `NAME\n` followed by the
// value size as 64-bit little endian, the value and `\n`.
// See https://systemd.io/JOURNAL_EXPORT_FORMATS/#journal-export-format
import * as logger from "../../logger/index.ts";
import type { CommonParams } from "./common_params.ts";
import { FieldList } from "./field_list.ts";
import { LogParseError } from "./parse_error.ts";
import { nowNs, type LogRowProcessor } from "./row_processor.ts";

const MAX_FIELD_NAME_LEN = 64;

/** JournaldOptions are the -journald.* settings. */
export interface JournaldOptions {
  /** includeEntryMetadata keeps the `__`-prefixed fields (-journald.includeEntryMetadata). */
  includeEntryMetadata: boolean;
  /** maxEntrySize bounds one entry in bytes; a bigger one fails the request. */
  maxEntrySize: number;
}

/**
 * journaldParams applies the journald defaults to cp: the time field
 * (`timeField` unless `_time_field` is set), stream fields (`streamFields`
 * unless `_stream_fields` is set), and MESSAGE as the message field.
 */
export function journaldParams(cp: CommonParams, timeField: string, streamFields: readonly string[], ignoreFields: readonly string[]): CommonParams {
  return {
    ...cp,
    timeFields: cp.isTimeFieldSet ? cp.timeFields : [timeField],
    streamFields: cp.isStreamFieldsSet ? cp.streamFields : [...streamFields],
    ignoreFields: cp.ignoreFields.length > 0 ? cp.ignoreFields : [...ignoreFields],
    msgFields: ["MESSAGE"],
  };
}

const priorityLevels = ["emerg", "alert", "critical", "error", "warning", "notice", "info", "debug"];

function isValidFieldName(s: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(s);
}

/**
 * JournaldReader parses the export format from pushed chunks and adds a row
 * per entry to p (`__REALTIME_TIMESTAMP`-like time fields are microseconds;
 * PRIORITY adds `level`). Fields with invalid names are skipped and logged.
 * A malformed binary field throws LogParseError.
 */
export class JournaldReader {
  /** entries counts the rows added. */
  entries = 0;
  private pending: Buffer = Buffer.alloc(0);
  private readonly p: LogRowProcessor;
  private readonly o: JournaldOptions;
  private readonly fields = new FieldList();
  private ts = 0n;

  constructor(p: LogRowProcessor, o: JournaldOptions) {
    this.p = p;
    this.o = o;
  }

  /** push parses the complete fields of chunk; the incomplete rest waits for the next chunk. */
  push(chunk: Uint8Array): void {
    const b = this.pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.pending, chunk]);
    const used = this.parse(b, false);
    this.pending = used === b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(used));
    if (this.pending.length > this.o.maxEntrySize) throw new LogParseError(`cannot parse journald data: a field is longer than ${this.o.maxEntrySize} bytes`);
  }

  /** end parses the rest and adds the last entry when it lacks the closing empty line. */
  end(): void {
    if (this.pending.length > 0) {
      const b = Buffer.concat([this.pending, Buffer.from("\n")]);
      const used = this.parse(b, true);
      if (used !== b.length) throw new LogParseError("cannot parse journald data: unexpected end of data in a binary field");
      this.pending = Buffer.alloc(0);
    }
    this.finishEntry();
  }

  private finishEntry(): void {
    if (this.fields.items.length > 0) {
      this.p.addRow(this.ts === 0n ? nowNs() : this.ts, this.fields.items);
      this.entries++;
    }
    this.fields.reset();
    this.ts = 0n;
  }

  // parse consumes whole fields of b and returns how many bytes it used.
  private parse(b: Buffer, atEnd: boolean): number {
    let pos = 0;
    for (;;) {
      const nl = b.indexOf(10, pos);
      if (nl < 0) return pos;
      if (nl === pos) {
        this.finishEntry();
        pos = nl + 1;
        continue;
      }
      const eq = b.indexOf(61 /* = */, pos);
      let name: string, value: string, next: number;
      if (eq >= 0 && eq < nl) {
        name = b.toString("latin1", pos, eq);
        value = b.toString("utf8", eq + 1, nl);
        next = nl + 1;
      } else {
        name = b.toString("latin1", pos, nl);
        if (nl + 9 > b.length) return atEnd ? b.length + 1 : pos;
        const size = b.readBigUInt64LE(nl + 1);
        if (size > BigInt(this.o.maxEntrySize)) throw new LogParseError(`cannot parse journald field ${JSON.stringify(name)}: its size ${size} exceeds ${this.o.maxEntrySize} bytes`);
        const start = nl + 9, end = start + Number(size);
        if (end + 1 > b.length) return atEnd ? b.length + 1 : pos;
        if (b[end] !== 10) throw new LogParseError(`cannot parse journald field ${JSON.stringify(name)}: want '\\n' after its ${size}-byte value`);
        value = b.toString("utf8", start, end);
        next = end + 1;
      }
      pos = next;
      this.addField(name, value);
    }
  }

  private addField(name: string, value: string): void {
    if (name.length > MAX_FIELD_NAME_LEN || !isValidFieldName(name)) {
      logger.warnRateLimited("vlinsert:journald_field_name", `journald: skipping field with invalid name ${JSON.stringify(name.slice(0, 100))}; it must consist of A-Z0-9_ chars, start with a non-digit and have at most ${MAX_FIELD_NAME_LEN} chars`);
      return;
    }
    const cp = this.p.params;
    if (cp.timeFields.includes(name)) {
      if (/^-?\d{1,19}$/.test(value)) this.ts = BigInt(value) * 1000n;
      else logger.warnRateLimited("vlinsert:journald_time", `journald: cannot parse timestamp from the field ${JSON.stringify(name)}: ${JSON.stringify(value)}; using the current time`);
      return;
    }
    if (cp.msgFields.includes(name)) name = "_msg";
    if (name === "PRIORITY") this.fields.add("level", priorityLevels[Number(value)] !== undefined && /^\d$/.test(value) ? priorityLevels[Number(value)]! : value);
    if (!name.startsWith("__") || this.o.includeEntryMetadata) this.fields.add(name, value);
  }
}
