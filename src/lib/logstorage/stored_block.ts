// LogBlock implementations: StoredBlock reads a block of a part lazily
// (columns header on the first cheap check, each column's values on first
// use); MemBlock wraps rows not yet in a part (decoded from the rows
// records), so that they are searchable before the flush.

import { bloomMayContainAll } from "./bloom_filter.ts";
import { type ColumnHeader, decodeColumnsHeader } from "./columns_header.ts";
import { unpack } from "./compress.ts";
import * as fn from "./filenames.ts";
import type { Part } from "./part.ts";
import type { RecordReader } from "./rows_record.ts";
import { decodeTimestamps } from "./timestamps_codec.ts";
import { tokenize } from "./tokenizer.ts";
import type { LogBlock, TenantID } from "./types.ts";
import { ValueType, decodeColumn, decodeColumnRows, isNumericType, splitStrings } from "./values_encoder.ts";

/** valueHasAllTokens reports whether every token is a token of v. */
export function valueHasAllTokens(v: string, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  if (v.length === 0) return false;
  for (const t of tokens) if (!v.includes(t)) return false;
  const have = new Set(tokenize(v));
  for (const t of tokens) if (!have.has(t)) return false;
  return true;
}

function numericConst(v: string): number | undefined {
  if (v === "") return undefined;
  const c = v.charCodeAt(0);
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}

/** StoredBlock is block i of a part. */
export class StoredBlock implements LogBlock {
  readonly rowsCount: number;
  readonly tenant: TenantID;
  readonly streamID: string;
  readonly stream: string;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
  private readonly part: Part;
  private readonly idx: number;
  private chs: ColumnHeader[] | undefined;
  private byName: Map<string, ColumnHeader> | undefined;
  private ts: BigInt64Array | undefined;
  private values = new Map<string, readonly string[]>();
  private raw = new Map<string, { data: Buffer; offs: Uint32Array }>();

  constructor(part: Part, idx: number, tenant: TenantID) {
    this.part = part;
    this.idx = idx;
    const s = part.streams[part.blockStream[idx]!]!;
    this.tenant = tenant;
    this.streamID = s.streamID;
    this.stream = s.stream;
    this.rowsCount = part.blockRows[idx]!;
    this.minTimestamp = part.blockMinTs[idx]!;
    this.maxTimestamp = part.blockMaxTs[idx]!;
  }

  /** columnsHeader returns the headers of the stored columns (read once). */
  columnsHeader(): ColumnHeader[] {
    if (this.chs === undefined) {
      this.chs = decodeColumnsHeader(this.part.readColumnsHeaderData(this.idx));
      this.byName = new Map(this.chs.map((c) => [c.name, c]));
    }
    return this.chs;
  }

  private header(name: string): ColumnHeader | undefined {
    this.columnsHeader();
    return this.byName!.get(name);
  }

  timestamps(): BigInt64Array {
    if (this.ts === undefined) this.ts = decodeTimestamps(this.part.readTimestampsData(this.idx), this.rowsCount);
    return this.ts;
  }

  columnNames(): readonly string[] {
    return this.columnsHeader().map((c) => c.name);
  }

  columnValues(name: string): readonly string[] {
    let v = this.values.get(name);
    if (v !== undefined) return v;
    const ch = this.header(name);
    if (ch === undefined) {
      v = new Array<string>(this.rowsCount).fill("");
    } else if (ch.type === ValueType.const) {
      v = new Array<string>(this.rowsCount).fill(ch.constValue);
    } else if (this.raw.has(name)) {
      const { data, offs } = this.raw.get(name)!;
      const out = new Array<string>(this.rowsCount);
      for (let i = 0; i < out.length; i++) out[i] = offs[i] === offs[i + 1] ? "" : data.toString("utf8", offs[i], offs[i + 1]);
      v = out;
    } else {
      const file = name === fn.msgColumn ? fn.messageValuesFilename : fn.valuesFilename;
      const data = unpack(this.part.read(file, ch.valuesOffset, ch.valuesSize));
      v = decodeColumn(ch.type, data, this.rowsCount, ch.dict, ch.constValue);
    }
    this.values.set(name, v);
    return v;
  }

  columnValuesAt(name: string, idx: Uint32Array): string[] {
    const m = idx.length;
    const out = new Array<string>(m);
    const cached = this.values.get(name);
    const raw = this.raw.get(name);
    if (cached !== undefined) {
      for (let j = 0; j < m; j++) out[j] = cached[idx[j]!]!;
    } else if (raw !== undefined) {
      const { data, offs } = raw;
      for (let j = 0; j < m; j++) {
        const i = idx[j]!;
        out[j] = offs[i] === offs[i + 1] ? "" : data.toString("utf8", offs[i], offs[i + 1]);
      }
    } else if (2 * m >= this.rowsCount) {
      // Most rows: decode the column once (and keep it).
      const all = this.columnValues(name);
      for (let j = 0; j < m; j++) out[j] = all[idx[j]!]!;
    } else {
      const ch = this.header(name);
      if (ch === undefined) return out.fill("");
      if (ch.type === ValueType.const) return out.fill(ch.constValue);
      return decodeColumnRows(ch.type, unpack(this.readValues(name, ch)), this.rowsCount, idx, ch.dict, ch.constValue);
    }
    return out;
  }

  stringColumnBytes(name: string): { data: Buffer; offs: Uint32Array } | undefined {
    let r = this.raw.get(name);
    if (r !== undefined) return r;
    const ch = this.header(name);
    if (ch === undefined || ch.type !== ValueType.string) return undefined;
    const u = unpack(this.readValues(name, ch));
    const data = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    r = { data, offs: splitStrings(data, this.rowsCount) };
    this.raw.set(name, r);
    return r;
  }

  dictColumn(name: string): { dict: readonly string[]; idx: Uint8Array } | undefined {
    const ch = this.header(name);
    if (ch === undefined || ch.type !== ValueType.dict) return undefined;
    const idx = unpack(this.readValues(name, ch));
    if (idx.length !== this.rowsCount) throw new Error(`cannot decode dict column of ${this.rowsCount} rows: got ${idx.length} bytes`);
    const n = ch.dict.length;
    for (let i = 0; i < idx.length; i++) if (idx[i]! >= n) throw new Error(`cannot decode dict column: got index ${idx[i]}; want < ${n}`);
    return { dict: ch.dict, idx };
  }

  private readValues(name: string, ch: ColumnHeader): Buffer {
    return this.part.read(name === fn.msgColumn ? fn.messageValuesFilename : fn.valuesFilename, ch.valuesOffset, ch.valuesSize);
  }

  constValue(name: string): string | undefined {
    const ch = this.header(name);
    if (ch === undefined) return "";
    if (ch.type === ValueType.const) return ch.constValue;
    if (ch.type === ValueType.dict && ch.dict.length === 1) return ch.dict[0];
    return undefined;
  }

  mayContainTokens(name: string, tokens: readonly string[]): boolean {
    if (tokens.length === 0) return true;
    const ch = this.header(name);
    if (ch === undefined) return false;
    switch (ch.type) {
      case ValueType.const:
        return valueHasAllTokens(ch.constValue, tokens);
      case ValueType.dict:
        return ch.dict.some((v) => valueHasAllTokens(v, tokens));
      case ValueType.string: {
        if (ch.bloomSize === 0) return false;
        const file = name === fn.msgColumn ? fn.messageBloomFilename : fn.bloomFilename;
        return bloomMayContainAll(this.part.read(file, ch.bloomOffset, ch.bloomSize), tokens);
      }
      case ValueType.uint8:
      case ValueType.uint16:
      case ValueType.uint32:
      case ValueType.uint64: {
        // A canonical unsigned number is a single token.
        if (tokens.length !== 1) return false;
        const t = tokens[0]!;
        if (!/^(0|[1-9][0-9]*)$/.test(t)) return false;
        const x = Number(t);
        return x >= ch.min && x <= ch.max;
      }
      case ValueType.int64: {
        if (tokens.length !== 1) return false;
        const t = tokens[0]!;
        if (!/^(0|[1-9][0-9]*)$/.test(t)) return false;
        const x = Number(t);
        return (x >= ch.min && x <= ch.max) || (-x >= ch.min && -x <= ch.max);
      }
      case ValueType.ipv4: {
        if (tokens.length > 4) return false;
        for (const t of tokens) if (!/^(0|[1-9][0-9]{0,2})$/.test(t) || Number(t) > 255) return false;
        return true;
      }
      default:
        // float64 and timestamps: tokens of their text; check the values.
        return true;
    }
  }

  numericRange(name: string): { min: number; max: number } | undefined {
    const ch = this.header(name);
    if (ch === undefined) return undefined;
    if (isNumericType(ch.type)) return { min: ch.min, max: ch.max };
    if (ch.type === ValueType.dict) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of ch.dict) {
        const x = numericConst(v);
        if (x === undefined || String(x) !== v) return undefined;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      return { min, max };
    }
    if (ch.type === ValueType.const) {
      const x = numericConst(ch.constValue);
      return x === undefined || String(x) !== ch.constValue ? undefined : { min: x, max: x };
    }
    return undefined;
  }
}

/** MemBlock is the rows of one stream in one rows record (not yet in a part); columns are decoded on first use. */
export class MemBlock implements LogBlock {
  readonly rowsCount: number;
  readonly tenant: TenantID;
  readonly streamID: string;
  readonly stream: string;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
  private readonly ts: BigInt64Array;
  private readonly rd: RecordReader;
  private readonly off: Float64Array;
  private readonly cnt: Uint32Array;
  private names: string[] | undefined;
  private readonly cols = new Map<string, string[]>();

  /** The rows are (off[i], cnt[i]) of record rd, at ts[i] ascending. */
  constructor(tenant: TenantID, streamID: string, stream: string, ts: BigInt64Array, rd: RecordReader, off: Float64Array, cnt: Uint32Array) {
    this.tenant = tenant;
    this.streamID = streamID;
    this.stream = stream;
    this.ts = ts;
    this.rd = rd;
    this.off = off;
    this.cnt = cnt;
    this.rowsCount = ts.length;
    this.minTimestamp = ts[0]!;
    this.maxTimestamp = ts[ts.length - 1]!;
  }

  timestamps(): BigInt64Array {
    return this.ts;
  }

  columnNames(): readonly string[] {
    if (this.names === undefined) {
      const seen = new Uint8Array(this.rd.names.length);
      for (let i = 0; i < this.rowsCount; i++) this.rd.fieldNamesAt(this.off[i]!, this.cnt[i]!, (ni) => void (seen[ni] = 1));
      this.names = this.rd.names.filter((_, i) => seen[i] === 1);
    }
    return this.names;
  }

  columnValues(name: string): readonly string[] {
    let v = this.cols.get(name);
    if (v === undefined) {
      v = new Array<string>(this.rowsCount);
      const ni = this.rd.names.indexOf(name);
      if (ni < 0) v.fill("");
      else for (let i = 0; i < this.rowsCount; i++) v[i] = this.rd.valueAt(this.off[i]!, this.cnt[i]!, ni);
      this.cols.set(name, v);
    }
    return v;
  }

  constValue(name: string): string | undefined {
    const v = this.columnValues(name);
    const v0 = v[0]!;
    for (let i = 1; i < v.length; i++) if (v[i] !== v0) return undefined;
    return v0;
  }

  mayContainTokens(name: string, tokens: readonly string[]): boolean {
    if (tokens.length === 0) return true;
    return this.columnNames().includes(name);
  }

  numericRange(name: string): { min: number; max: number } | undefined {
    if (!this.columnNames().includes(name)) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const s of this.columnValues(name)) {
      const x = numericConst(s);
      if (x === undefined || String(x) !== s) return undefined;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return { min, max };
  }
}
