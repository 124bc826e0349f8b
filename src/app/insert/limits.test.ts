import { test } from "node:test";
import assert from "node:assert/strict";
import { counter } from "../../lib/metrics/index.ts";
import { dropSeriesOverLabelLimits, exceedsLabelLimits, labelLimits, type MutableRows } from "./limits.ts";

type L = [string, string];
const limits = { maxLabelsPerTimeseries: 3, maxLabelNameLen: 8, maxLabelValueLen: 6 };

test("the defaults are VictoriaMetrics'", () => {
  assert.deepEqual(labelLimits(), { maxLabelsPerTimeseries: 40, maxLabelNameLen: 256, maxLabelValueLen: 4096 });
});

test("exceedsLabelLimits", () => {
  const f = (labels: L[], want: string | undefined, what: string) => {
    const reasons = ["too_many_labels", "too_long_label_name", "too_long_label_value"];
    const before = reasons.map((r) => counter(`vm_rows_ignored_total{reason="${r}"}`).get());
    assert.equal(exceedsLabelLimits(labels, limits), want !== undefined, what);
    const after = reasons.map((r) => counter(`vm_rows_ignored_total{reason="${r}"}`).get());
    assert.deepEqual(after.map((a, i) => a - before[i]!), reasons.map((r) => (r === want ? 1 : 0)), `${what}: counters`);
  };
  f([["__name__", "m"], ["a", "b"], ["c", "d"]], undefined, "3 labels");
  f([["__name__", "m"], ["a", "b"], ["c", "d"], ["e", "f"]], "too_many_labels", "4 labels");
  f([["__name__", "m"], ["a", "b"], ["c", "d"], ["e", ""]], undefined, "an empty value does not count");
  f([["abcdefgh", "m"]], undefined, "an 8-byte name");
  f([["abcdefghi", "m"]], "too_long_label_name", "a 9-byte name");
  f([["abcdefghi", ""]], undefined, "a long name with an empty value is dropped anyway");
  f([["a", "123456"]], undefined, "a 6-byte value");
  f([["a", "1234567"]], "too_long_label_value", "a 7-byte value");
  f([["a", "ééé"]], undefined, "a 6-byte UTF-8 value of 3 characters");
  f([["a", "éééé"]], "too_long_label_value", "an 8-byte UTF-8 value of 4 characters");
  f([["éééé", "x"]], undefined, "an 8-byte UTF-8 name of 4 characters");
  f([["ééééé", "x"]], "too_long_label_name", "a 10-byte UTF-8 name of 5 characters");
  assert.equal(exceedsLabelLimits([["a".repeat(1000), "b".repeat(10000)]], { maxLabelsPerTimeseries: 0, maxLabelNameLen: 0, maxLabelValueLen: 0 }), false, "0 disables");
});

test("dropSeriesOverLabelLimits compacts a batch in place", () => {
  const series: [L[], number[]][] = [
    [[["__name__", "keep1"]], [1, 2]],
    [[["__name__", "toolongvalue"]], [3]],
    [[["__name__", "keep2"]], [4]],
    [[["__name__", "x"], ["a", "1"], ["b", "2"], ["c", "3"]], [5, 6]],
    [[["__name__", "keep3"]], [7, 8, 9]],
  ];
  const rows: MutableRows = { lines: 0, labels: [], timestamps: new Float64Array(16), values: new Float64Array(16), offsets: new Uint32Array(8) };
  let n = 0;
  for (const [labels, vs] of series) {
    for (const v of vs) { rows.timestamps[n] = v * 1000; rows.values[n] = v; n++; }
    rows.labels.push(labels);
    rows.lines++;
    rows.offsets[rows.lines] = n;
  }
  // A NaN payload moves bit for bit.
  new DataView(rows.values.buffer).setBigUint64(8 * 8, 0x7ff0000000000002n, true);
  assert.equal(dropSeriesOverLabelLimits(rows, { ...limits, maxLabelValueLen: 8 }), 3);
  assert.equal(rows.lines, 3);
  assert.deepEqual(rows.labels.map((l) => l[0]![1]), ["keep1", "keep2", "keep3"]);
  assert.deepEqual([...rows.offsets.subarray(0, 4)], [0, 2, 3, 6]);
  assert.deepEqual([...rows.values.subarray(0, 5)], [1, 2, 4, 7, 8]);
  assert.deepEqual([...rows.timestamps.subarray(0, 6)], [1000, 2000, 4000, 7000, 8000, 9000]);
  assert.equal(new DataView(rows.values.buffer).getBigUint64(5 * 8, true), 0x7ff0000000000002n);
  assert.equal(dropSeriesOverLabelLimits(rows, limits), 0, "nothing more to drop");
  assert.equal(rows.lines, 3);
});
