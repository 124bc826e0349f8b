// row_batch: rows in columns, as pipes pass them on and executeQuery returns them.

import type { ColumnSource } from "./filter_eval.ts";

/** RowBatch is a group of rows stored by column: every column has rowsCount values ("" where a row lacks the field). */
export interface RowBatch {
  rowsCount: number;
  columns: { name: string; values: readonly string[] }[];
}

/** getColumn returns the values of the named column of b, or undefined. */
export function getColumn(b: RowBatch, name: string): readonly string[] | undefined {
  for (const c of b.columns) if (c.name === name) return c.values;
  return undefined;
}

/** setColumn replaces (keeping its place) or appends the named column of b. */
export function setColumn(b: RowBatch, name: string, values: readonly string[]): void {
  for (const c of b.columns) {
    if (c.name === name) {
      c.values = values;
      return;
    }
  }
  b.columns.push({ name, values });
}

/** selectRows returns a batch with only the rows of b whose bm byte is 1. */
export function selectRows(b: RowBatch, bm: Uint8Array, count?: number): RowBatch {
  let n = count ?? 0;
  if (count === undefined) for (let i = 0; i < bm.length; i++) n += bm[i];
  if (n === b.rowsCount) return b;
  const idx = new Uint32Array(n);
  for (let i = 0, j = 0; i < bm.length; i++) if (bm[i]) idx[j++] = i;
  return {
    rowsCount: n,
    columns: b.columns.map((c) => {
      const v = new Array<string>(n);
      for (let j = 0; j < n; j++) v[j] = c.values[idx[j]];
      return { name: c.name, values: v };
    }),
  };
}

/** sliceRows returns rows [start, end) of b. */
export function sliceRows(b: RowBatch, start: number, end: number): RowBatch {
  if (start === 0 && end >= b.rowsCount) return b;
  return { rowsCount: Math.max(0, Math.min(end, b.rowsCount) - start), columns: b.columns.map((c) => ({ name: c.name, values: c.values.slice(start, end) })) };
}

/** Row is one row as [name, value] pairs in column order. */
export type Row = [string, string][];

/** batchRows splits b into rows; empty values are kept. */
export function batchRows(b: RowBatch): Row[] {
  const out: Row[] = new Array(b.rowsCount);
  for (let i = 0; i < b.rowsCount; i++) {
    const r: Row = new Array(b.columns.length);
    for (let j = 0; j < b.columns.length; j++) r[j] = [b.columns[j].name, b.columns[j].values[i]];
    out[i] = r;
  }
  return out;
}

/** rowsToBatches groups consecutive rows with the same field names into batches (fields in first-seen order). */
export function rowsToBatches(rows: readonly Row[]): RowBatch[] {
  const out: RowBatch[] = [];
  let i = 0;
  while (i < rows.length) {
    const sig = rows[i].map((p) => p[0]).join("\u0000");
    let j = i + 1;
    while (j < rows.length && rows[j].length === rows[i].length && rows[j].map((p) => p[0]).join("\u0000") === sig) j++;
    const cols = rows[i].map((p, k) => ({ name: p[0], values: rows.slice(i, j).map((r) => r[k][1]) }));
    out.push({ rowsCount: j - i, columns: cols });
    i = j;
  }
  return out;
}

/** rowsToBatch puts rows into one batch with the union of their fields (first-seen order), "" where a row lacks one. */
export function rowsToBatch(rows: readonly Row[]): RowBatch {
  const names: string[] = [];
  const pos = new Map<string, number>();
  for (const r of rows) {
    for (const [n] of r) {
      if (!pos.has(n)) {
        pos.set(n, names.length);
        names.push(n);
      }
    }
  }
  const cols = names.map(() => new Array<string>(rows.length).fill(""));
  rows.forEach((r, i) => {
    for (const [n, v] of r) cols[pos.get(n)!][i] = v;
  });
  return { rowsCount: rows.length, columns: names.map((name, k) => ({ name, values: cols[k] })) };
}

/** batchSource lets filters read a batch. */
export function batchSource(b: RowBatch): ColumnSource {
  let empty: string[] | undefined;
  return {
    rowsCount: b.rowsCount,
    values(name: string): readonly string[] {
      const v = getColumn(b, name);
      if (v !== undefined) return v;
      if (empty === undefined) empty = new Array<string>(b.rowsCount).fill("");
      return empty;
    },
  };
}

/** rowGet returns the value of the named field of a row ("" when missing). */
export function rowGet(r: Row, name: string): string {
  for (const p of r) if (p[0] === name) return p[1];
  return "";
}

/** rowSet replaces or appends a field of a row. */
export function rowSet(r: Row, name: string, value: string): void {
  for (const p of r) {
    if (p[0] === name) {
      p[1] = value;
      return;
    }
  }
  r.push([name, value]);
}
