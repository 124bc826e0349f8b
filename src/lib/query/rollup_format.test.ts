import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatG } from "./rollup_format.ts";

test("formatG matches Go's %g", () => {
  // Expected strings printed by Go's fmt.Sprintf("%g", v).
  const f = (v: number, want: string) => assert.equal(formatG(v), want, `formatG(${v})`);
  f(0, "0");
  f(-0, "-0");
  f(0.5, "0.5");
  f(0.1, "0.1");
  f(1e-5, "1e-05");
  f(0.0001, "0.0001");
  f(0.000123, "0.000123");
  f(1e6, "1e+06");
  f(123456, "123456");
  f(999999, "999999");
  f(100000, "100000");
  f(1234567, "1.234567e+06");
  f(123456789, "1.23456789e+08");
  f(1e20, "1e+20");
  f(1e21, "1e+21");
  f(0.25, "0.25");
  f(1 / 3, "0.3333333333333333");
  f(100, "100");
  f(2.5e-7, "2.5e-07");
  f(-3.25, "-3.25");
  f(5e-324, "5e-324");
  f(1.7976931348623157e308, "1.7976931348623157e+308");
  f(NaN, "NaN");
  f(Infinity, "+Inf");
  f(-Infinity, "-Inf");
});

test("property: formatG round-trips", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const s = formatG(v);
      assert.ok(Object.is(Number(s), v), `formatG(${v}) = ${s}`);
    }),
    { numRuns: 2000 },
  );
});
