// json_lines: the JSON lines answer of /select/logsql/query.

import type { RowBatch } from "./row_batch.ts";

/**
 * formatRowBatchJSONLines prints each row of b as one JSON object per line, with
 * the fields in the batch's column order (for a plain query: _msg, _stream,
 * _stream_id, _time, then the stored fields; after a fields pipe, its order).
 * Returns "" for an empty batch.
 */
export function formatRowBatchJSONLines(b: RowBatch): string {
  if (b.rowsCount === 0) return "";
  const keys = b.columns.map((c) => JSON.stringify(c.name) + ":");
  const cols = b.columns.map((c) => c.values);
  let out = "";
  for (let i = 0; i < b.rowsCount; i++) {
    let line = "{";
    for (let j = 0; j < cols.length; j++) {
      if (j > 0) line += ",";
      line += keys[j] + JSON.stringify(cols[j][i]);
    }
    out += line + "}\n";
  }
  return out;
}
