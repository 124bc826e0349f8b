// Encoding columnar rows as a remote write 1.0 WriteRequest (for senders and tests).
import { ProtoWriter } from "../../protobuf/index.ts";
import type { Label } from "./write_rows.ts";

/** SeriesRows is the columnar shape marshalWriteRequest reads (storage's Rows). */
export interface SeriesRows {
  lines: number;
  labels: ReadonlyArray<ReadonlyArray<Label>>;
  timestamps: Float64Array;
  values: Float64Array;
  offsets: Uint32Array;
}

/**
 * marshalWriteRequest encodes rows as a prometheus.WriteRequest (not compressed): one
 * TimeSeries per series, labels in their given order, values bit for bit. The result is
 * a view into w's buffer (w is reset first), valid until w is used again.
 */
export function marshalWriteRequest(rows: SeriesRows, w: ProtoWriter = new ProtoWriter(4096)): Uint8Array {
  w.reset();
  const vb = new Uint8Array(rows.values.buffer, rows.values.byteOffset, rows.values.byteLength);
  for (let i = 0; i < rows.lines; i++) {
    w.beginMessage(1);
    for (const [name, value] of rows.labels[i]!) {
      w.beginMessage(1);
      w.string(1, name);
      w.string(2, value);
      w.endMessage();
    }
    for (let j = rows.offsets[i]!; j < rows.offsets[i + 1]!; j++) {
      w.beginMessage(2);
      w.doubleBits(1, vb, j * 8);
      w.int64(2, rows.timestamps[j]!);
      w.endMessage();
    }
    w.endMessage();
  }
  return w.finish();
}
