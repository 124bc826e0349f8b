import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { TokenHashes, bloomBitsPerToken, bloomFilterOf, bloomMayContainAll } from "./bloom_filter.ts";
import { tokenize } from "./tokenizer.ts";

test("bloom filter: no false negatives", () => {
  const f = (values: string[]) => {
    const bits = bloomFilterOf(values);
    for (const v of values) {
      const toks = tokenize(v);
      assert.ok(bloomMayContainAll(bits, toks), `tokens ${JSON.stringify(toks)} of ${JSON.stringify(v)}`);
      for (const t of toks) assert.ok(bloomMayContainAll(bits, [t]), `token ${t}`);
    }
  };
  f(["GET /api/v1/items/123 HTTP/1.1 200"]);
  f(["привет мир", "naïve café", "x\u{1D400}y"]);
  f(Array.from({ length: 1000 }, (_, i) => `user ${i} logged in from 10.0.${i % 256}.1`));
  fc.assert(fc.property(fc.array(fc.string({ unit: "grapheme-composite" }), { maxLength: 20 }), (vals) => f(vals)));
});

test("bloom filter: empty filter and empty tokens", () => {
  assert.equal(bloomFilterOf([]).length, 0);
  assert.equal(bloomFilterOf(["", "..."]).length, 0);
  assert.equal(bloomMayContainAll(new Uint8Array(0), ["x"]), false);
  assert.equal(bloomMayContainAll(new Uint8Array(0), []), true);
});

test("bloom filter: size and false-positive rate near the design", () => {
  const n = 20000;
  const th = new TokenHashes();
  const vals: string[] = [];
  for (let i = 0; i < n; i++) vals.push(`tok${i} tok${i}`);
  th.addValues(vals);
  assert.equal(th.count, n, "distinct tokens counted once");
  const bits = th.buildFilter();
  assert.equal(bits.length, Math.ceil((n * bloomBitsPerToken) / 64) * 8);
  let fp = 0;
  const probes = 100000;
  for (let i = 0; i < probes; i++) if (bloomMayContainAll(bits, [`other${i}`])) fp++;
  const rate = fp / probes;
  // 16 bits per token and 6 hashes: about 0.1%.
  assert.ok(rate < 0.003, `false-positive rate ${rate}`);
  assert.ok(rate > 0.0001, `false-positive rate ${rate} is suspiciously low`);
});

test("bloom filter: reset and reuse", () => {
  const th = new TokenHashes();
  th.addValues(Array.from({ length: 5000 }, (_, i) => `a${i}`));
  th.reset();
  th.addValues(["x y"]);
  assert.equal(th.count, 2);
  const bits = th.buildFilter();
  assert.ok(bloomMayContainAll(bits, ["x", "y"]));
  assert.ok(!bloomMayContainAll(bits, ["a1"]) || !bloomMayContainAll(bits, ["a2"]));
});
