import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatFloat } from "./format_float.ts";

// Expected strings were printed by quicktemplate 1.7 `{%f= v %}` (Go 1.19, amd64), which
// VictoriaMetrics 1.79.5 uses for exported values. The comment shows JS's String(v)
// where it differs.
test("formatFloat writes what VictoriaMetrics 1.79.5 writes", () => {
  const f = (v: number, expected: string) => assert.equal(formatFloat(v), expected, `formatFloat(${v})`);
  f(0, "0");
  f(-0, "0"); // JS "0" too, but the sign is lost: -0 exports as 0
  f(1, "1");
  f(-1, "-1");
  f(0.1, "0.1");
  f(1.5, "1.5");
  f(-2.25, "-2.25");
  f(1e6, "1000000");
  f(1e20, "100000000000000000000");
  f(1e21, "1000000000000000000000"); // JS "1e+21"
  f(-1e21, "-1000000000000000000000"); // JS "-1e+21"
  f(1e22, "10000000000000000000000"); // JS "1e+22"
  f(1.5e300, "15" + "0".repeat(299)); // JS "1.5e+300"
  f(1.7976931348623157e308, "17976931348623157" + "0".repeat(292)); // JS "1.7976931348623157e+308"
  f(1e-6, "0.000001");
  f(1e-7, "0.0000001"); // JS "1e-7"
  f(5e-7, "0.0000005"); // JS "5e-7"
  f(1.2345e-7, "0.00000012345"); // JS "1.2345e-7"
  f(5e-324, "0." + "0".repeat(323) + "5"); // JS "5e-324"
  f(2.2250738585072014e-308, "0." + "0".repeat(307) + "22250738585072014"); // JS "2.2250738585072014e-308"
  f(2 ** 53, "9007199254740992");
  f(2 ** 53 + 2, "9007199254740994");
  f(2 ** 60 + 256, "1152921504606847232"); // JS "1152921504606847200": Go prints int64 values exactly
  f(-(2 ** 62) - 1024, "-4611686018427388928"); // JS "-4611686018427389000"
  f(2 ** 63 - 1024, "9223372036854774784"); // JS "9223372036854775000"
  f(-(2 ** 63), "-9223372036854775808"); // JS "-9223372036854776000"
  f(2 ** 63, "9223372036854776000"); // outside int64: shortest digits, as JS
  f(2 ** 64, "18446744073709552000");
  f(0.30000000000000004, "0.30000000000000004");
  f(123456789.123, "123456789.123");
  f(1e15 + 0.3, "1000000000000000.2");
  f(NaN, "NaN");
  f(Infinity, "+Inf"); // JS "Infinity"
  f(-Infinity, "-Inf"); // JS "-Infinity"
});

test("formatFloat output reads back to the same double and has no exponent", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const s = formatFloat(v);
      assert.ok(!/[eE]/.test(s), `no exponent in ${s}`);
      assert.ok(Object.is(Number(s), v === 0 ? 0 : v), `${s} reads back as ${v}`);
    }),
    { numRuns: 3000 },
  );
});
