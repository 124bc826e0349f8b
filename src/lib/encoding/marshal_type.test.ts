import { test } from "node:test";
import assert from "node:assert/strict";
import { MarshalType, worthCompressing } from "./marshal_type.ts";

test("MarshalType numbers match VictoriaMetrics and add the float64 fallback", () => {
  assert.deepEqual(
    { ...MarshalType },
    { ZstdNearestDelta2: 1, DeltaConst: 2, Const: 3, ZstdNearestDelta: 4, NearestDelta2: 5, NearestDelta: 6, Float64: 7, ZstdFloat64: 8 },
  );
});

test("worthCompressing keeps zstd only when it saves at least 10%", () => {
  const f = (raw: number, compressed: number, expected: boolean) =>
    assert.equal(worthCompressing(raw, compressed), expected, `raw=${raw} compressed=${compressed}`);
  f(1000, 900, true);
  f(1000, 901, false);
  f(128, 115, true);
  f(128, 116, false);
  f(128, 200, false);
});
