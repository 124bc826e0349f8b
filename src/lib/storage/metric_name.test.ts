import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalLabels, marshalMetricName, unmarshalMetricName, makeTSID, metricIDOf, type Label } from "./metric_name.ts";

test("canonicalLabels", () => {
  const f = (input: Label[], want: Label[]) => assert.deepEqual(canonicalLabels(input), want, JSON.stringify(input));
  f([], []);
  f([["job", "a"], ["__name__", "up"]], [["__name__", "up"], ["job", "a"]]);
  f([["b", "1"], ["a", "2"], ["c", ""]], [["a", "2"], ["b", "1"]]);
  f([["a", "1"], ["a", "2"]], [["a", "2"]]);
  f([["__name__", ""], ["x", "y"]], [["x", "y"]]);
});

test("marshalMetricName round trip, with separator bytes escaped", () => {
  const f = (labels: Label[]) => {
    const c = canonicalLabels(labels);
    assert.deepEqual(unmarshalMetricName(marshalMetricName(c)), c, JSON.stringify(labels));
  };
  f([["__name__", "up"]]);
  f([["__name__", "a\x01b\x02c\x00d"], ["k\x01", "v\x02\x00"]]);
  f([["only", "labels"]]);
  fc.assert(fc.property(fc.array(fc.tuple(fc.string(), fc.string({ minLength: 1 })), { maxLength: 6 }), (ls) => {
    const c = canonicalLabels(ls as Label[]);
    assert.deepEqual(unmarshalMetricName(marshalMetricName(c)), c);
  }));
  assert.throws(() => unmarshalMetricName("no separator"), /cannot unmarshal metric name/);
});

test("TSID keeps a metric's series together and carries the metricID", () => {
  const a = makeTSID("up", 5), b = makeTSID("up", 900), c = makeTSID("other", 6);
  assert.equal(metricIDOf(a), 5);
  assert.equal(metricIDOf(b), 900);
  assert.ok(Number.isSafeInteger(makeTSID("x", 2 ** 32 - 1)));
  assert.ok(Math.floor(a / 2 ** 32) === Math.floor(b / 2 ** 32));
  assert.notEqual(Math.floor(a / 2 ** 32), Math.floor(c / 2 ** 32));
});
