import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatGoE3, formatVmrange } from "./vmrange.ts";

test("formatGoE3 formats as Go's FormatFloat(v, 'e', 3, 64)", () => {
  const f = (v: number, want: string) => assert.equal(formatGoE3(v), want, `v=${v}`);
  f(1, "1.000e+00");
  f(0.5, "5.000e-01");
  f(-2, "-2.000e+00");
  f(0, "0.000e+00");
  f(-0, "-0.000e+00");
  f(1e-5, "1.000e-05");
  f(1e-128, "1.000e-128");
  f(1e21, "1.000e+21");
  f(Math.SQRT2, "1.414e+00");
  f(Math.SQRT1_2, "7.071e-01");
  f(123456789, "1.235e+08");
  f(Infinity, "+Inf");
  f(-Infinity, "-Inf");
  f(NaN, "NaN");
  // Exact ties round half to even, as Go does (JavaScript's toExponential rounds them up).
  f(0.015625, "1.562e-02");
  f(1.0625, "1.062e+00");
  f(1.0375, "1.038e+00"); // not an exact tie in binary
  f(1234.5, "1.234e+03");
  f(1235.5, "1.236e+03");
  f(12345, "1.234e+04");
  f(5e-324, "4.941e-324");
});

test("formatGoE3 reads back within rounding", () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    const s = formatGoE3(v);
    assert.match(s, /^-?\d\.\d{3}e[+-]\d{2,3}$/);
    const back = Number(s);
    if (v !== 0 && Math.abs(v) > 1e-300 && Number.isFinite(back)) assert.ok(Math.abs(back - v) <= Math.abs(v) * 5.0001e-4, `${v} -> ${s}`);
  }));
});

test("formatVmrange", () => {
  assert.equal(formatVmrange(-1e-5, 1e-5), "-1.000e-05...1.000e-05");
  assert.equal(formatVmrange(2, Infinity), "2.000e+00...+Inf");
});
