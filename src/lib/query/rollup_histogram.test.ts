import { test } from "node:test";
import assert from "node:assert/strict";
import { formatExp3, vmrangeBucketIdx, vmrangeLabel, vmrangeLowerIdx, vmrangeUpperIdx } from "./rollup_histogram.ts";

test("vmrange bucket of a value", () => {
  const f = (v: number, want: string | undefined) => {
    const idx = vmrangeBucketIdx(v);
    assert.equal(idx === -2 ? undefined : vmrangeLabel(idx), want, `bucket of ${v}`);
  };
  f(NaN, undefined);
  f(-1, undefined);
  f(0, "0...1.000e-09");
  f(1e-10, "0...1.000e-09");
  // The lower bound of the first bucket is exclusive in name only: 1e-9 is in it.
  f(1e-9, "1.000e-09...1.136e-09");
  // Upper bounds are inclusive: powers of ten go down a bucket.
  f(1, "8.799e-01...1.000e+00");
  f(10, "8.799e+00...1.000e+01");
  f(1000, "8.799e+02...1.000e+03");
  f(0.001, "8.799e-04...1.000e-03");
  f(1.0000001, "1.000e+00...1.136e+00");
  f(2.5, "2.448e+00...2.783e+00");
  f(3, "2.783e+00...3.162e+00");
  f(9.99e17, "8.799e+17...1.000e+18");
  f(1e18, "1.000e+18...+Inf");
  f(Infinity, "1.000e+18...+Inf");
});

test("vmrange labels", () => {
  assert.equal(vmrangeLabel(vmrangeLowerIdx), "0...1.000e-09");
  assert.equal(vmrangeLabel(vmrangeUpperIdx), "1.000e+18...+Inf");
  assert.equal(vmrangeLabel(0), "1.000e-09...1.136e-09");
  assert.equal(vmrangeLabel(485), "8.799e+17...1.000e+18");
  // Consecutive buckets share their bound.
  for (let k = 1; k < 486; k++) {
    assert.equal(vmrangeLabel(k - 1).split("...")[1], vmrangeLabel(k).split("...")[0], `bucket ${k}`);
  }
  assert.throws(() => vmrangeLabel(487), /^Error: BUG: vmrange bucket index out of range: 487$/);
  assert.throws(() => vmrangeLabel(-2), /^Error: BUG: vmrange bucket index out of range: -2$/);
});

test("formatExp3", () => {
  const f = (v: number, want: string) => assert.equal(formatExp3(v), want, `formatExp3(${v})`);
  f(1e-9, "1.000e-09");
  f(1e18, "1.000e+18");
  f(1.13646, "1.136e+00");
  f(123456, "1.235e+05");
  f(1e100, "1.000e+100");
});
