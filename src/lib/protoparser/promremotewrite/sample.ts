// The Sample message, the same in Remote Write 1.0 and 2.0:
// `double value = 1; int64 timestamp = 2;`.

import { WIRE_I64, type FieldReader } from "../../protobuf/index.ts";
import type { WriteRows } from "./write_rows.ts";

/**
 * readSample decodes the Sample message buf[start:end) into sample slot s of
 * rows (growing it when needed), using sr as a scratch reader. The value's
 * float64 bits are copied as they are, so a staleness marker stays one.
 */
export function readSample(rows: WriteRows, s: number, buf: Uint8Array, start: number, end: number, sr: FieldReader): void {
  if (s >= rows.values.length) {
    rows.samples = s;
    rows.growSamples(s + 1);
  }
  sr.reset(buf, start, end);
  let ts = 0;
  let hasValue = false;
  while (sr.next()) {
    if (sr.fieldNum === 1) {
      if (sr.wireType !== WIRE_I64) sr.double(); // throws the wire type error
      const vb = rows.valueBytes;
      const o = s * 8;
      const p = sr.dataStart;
      vb[o] = buf[p]!; vb[o + 1] = buf[p + 1]!; vb[o + 2] = buf[p + 2]!; vb[o + 3] = buf[p + 3]!;
      vb[o + 4] = buf[p + 4]!; vb[o + 5] = buf[p + 5]!; vb[o + 6] = buf[p + 6]!; vb[o + 7] = buf[p + 7]!;
      hasValue = true;
    } else if (sr.fieldNum === 2) {
      ts = sr.int64();
    }
  }
  if (!hasValue) rows.values[s] = 0;
  rows.timestamps[s] = ts;
}
