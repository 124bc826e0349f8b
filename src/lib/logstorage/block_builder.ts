// BlockBuilder collects the rows of one stream, in time order, and cuts
// them into blocks of at most maxBlockBytes (uncompressed: names + values +
// 8 bytes of timestamp per row), maxBlockRows rows and maxBlockColumns
// columns, which it hands to a PartWriter.

import { maxBlockBytes, maxBlockColumns, maxBlockRows, type PartWriter } from "./part_writer.ts";

/** BlockBuilder is reused for stream after stream (start, rows..., finishStream). */
export class BlockBuilder {
  private readonly w: PartWriter;
  private acc = 0;
  private proj = 0;
  private streamID = "";
  private stream = "";
  private ts = new BigInt64Array(1024);
  private n = 0;
  private bytes = 0;
  private names: string[] = [];
  private values: string[][] = [];
  private colIdx = new Map<string, number>();
  private lastTs = 0n;

  constructor(w: PartWriter) {
    this.w = w;
  }

  /** start begins the rows of a stream. */
  start(acc: number, proj: number, streamID: string, stream: string): void {
    this.acc = acc;
    this.proj = proj;
    this.streamID = streamID;
    this.stream = stream;
  }

  private ensureTs(extra: number): void {
    if (this.n + extra <= this.ts.length) return;
    let cap = this.ts.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const t = new BigInt64Array(cap);
    t.set(this.ts.subarray(0, this.n));
    this.ts = t;
  }

  private column(name: string): string[] {
    let i = this.colIdx.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.colIdx.set(name, i);
      this.names.push(name);
      const a: string[] = [];
      for (let k = 0; k < this.n; k++) a.push("");
      this.values.push(a);
    }
    return this.values[i]!;
  }

  /** beginRow starts a row of fieldsCount fields at ts (not before the previous row's). */
  beginRow(ts: bigint, fieldsCount: number): void {
    if (this.n > 0 && (this.names.length + fieldsCount > maxBlockColumns || this.bytes >= maxBlockBytes || this.n >= maxBlockRows)) this.flush();
    if (this.n > 0 && ts < this.lastTs) throw new Error("BUG: BlockBuilder.beginRow: rows are not in time order");
    this.lastTs = ts;
    this.ensureTs(1);
    this.ts[this.n] = ts;
    this.bytes += 8;
  }

  /** addField adds a field of the current row (empty values are skipped; a repeated name keeps the last value). */
  addField(name: string, value: string): void {
    if (value === "") return;
    const col = this.column(name);
    if (col.length === this.n) col.push(value);
    else col[this.n] = value;
    this.bytes += name.length + value.length;
  }

  /** endRow completes the current row. */
  endRow(): void {
    const n = ++this.n;
    const vals = this.values;
    for (let i = 0; i < vals.length; i++) {
      const a = vals[i]!;
      if (a.length < n) a.push("");
    }
  }

  /**
   * appendRange appends rows [start, end) of decoded columns (each with a
   * value per source row); rowBytes estimates the uncompressed size of a row.
   */
  appendRange(ts: BigInt64Array, names: readonly string[], cols: readonly (readonly string[])[], start: number, end: number, rowBytes: number): void {
    while (start < end) {
      if (this.n > 0 && (this.bytes >= maxBlockBytes || this.n >= maxBlockRows || this.names.length + names.length > maxBlockColumns)) this.flush();
      if (this.n > 0 && ts[start]! < this.lastTs) throw new Error("BUG: BlockBuilder.appendRange: rows are not in time order");
      let k = end - start;
      const room = Math.max(1, Math.ceil((maxBlockBytes - this.bytes) / Math.max(1, rowBytes)));
      if (k > room) k = room;
      if (k > maxBlockRows - this.n) k = maxBlockRows - this.n;
      this.ensureTs(k);
      this.ts.set(ts.subarray(start, start + k), this.n);
      const n0 = this.n;
      for (let c = 0; c < names.length; c++) {
        const src = cols[c]!;
        const dst = this.column(names[c]!);
        for (let i = start; i < start + k; i++) dst.push(src[i]!);
      }
      this.n = n0 + k;
      for (const a of this.values) while (a.length < this.n) a.push("");
      this.bytes += k * rowBytes;
      this.lastTs = ts[start + k - 1]!;
      start += k;
    }
  }

  /** flush writes the buffered rows as a block. */
  flush(): void {
    if (this.n === 0) return;
    this.w.writeBlock(this.acc, this.proj, this.streamID, this.stream, this.ts.subarray(0, this.n), this.n, { names: this.names, values: this.values }, Math.round(this.bytes));
    this.n = 0;
    this.bytes = 0;
    this.names = [];
    this.values = [];
    this.colIdx = new Map();
  }

  /** finishStream writes the rest of the current stream. */
  finishStream(): void {
    this.flush();
  }
}
