import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatFloatF, quantileSorted } from "./aggr.ts";

test("formatFloatF writes Go's 'f' format with the shortest digits", () => {
  const f = (v: number, want: string) => assert.equal(formatFloatF(v), want, `formatFloatF(${v})`);
  f(0, "0");
  f(1.5, "1.5");
  f(-2, "-2");
  f(1e21, "1000000000000000000000");
  f(1.5e-7, "0.00000015");
  f(-2.5e-10, "-0.00000000025");
  f(123456789.123, "123456789.123");
  f(1.7976931348623157e308, "17976931348623157" + "0".repeat(292));
  f(NaN, "NaN");
  f(Infinity, "+Inf");
  f(-Infinity, "-Inf");
});

test("formatFloatF round-trips", () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    const s = formatFloatF(v);
    return !/e/i.test(s) && Object.is(Number(s), v === 0 ? 0 : v) || (v === 0 && Number(s) === 0);
  }), { numRuns: 2000 });
});

test("quantileSorted interpolates as Prometheus", () => {
  const f = (phi: number, vs: number[], want: number) => assert.equal(quantileSorted(phi, vs), want, `quantile(${phi}, ${vs})`);
  f(0.5, [1, 2, 3, 4], 2.5);
  f(0, [1, 2], 1);
  f(1, [1, 2], 2);
  f(0.5, [], NaN);
  f(-1, [1], -Infinity);
  f(2, [1], Infinity);
  f(NaN, [1], NaN);
});
