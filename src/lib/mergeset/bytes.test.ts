import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { commonPrefixLen, compareBytes, compareRange } from "./bytes.ts";

const h = (s: string) => Buffer.from(s, "hex");

test("compareBytes", () => {
  const f = (a: string, b: string, want: number) =>
    assert.equal(Math.sign(compareBytes(h(a), h(b))), want, `a=${a} b=${b}`);
  f("", "", 0);
  f("", "00", -1);
  f("00", "", 1);
  f("01", "0100", -1);
  f("7f", "80", -1); // unsigned
  f("ff", "00ff", 1);
  f("0102", "0102", 0);
});

test("compareRange agrees with Buffer.compare", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
    const pa = Buffer.concat([h("aa"), a, h("bb")]);
    const pb = Buffer.concat([h("cccc"), b]);
    const got = Math.sign(compareRange(pa, 1, 1 + a.length, pb, 2, 2 + b.length));
    assert.equal(got, Buffer.compare(Buffer.from(a), Buffer.from(b)), `a=${Buffer.from(a).toString("hex")} b=${Buffer.from(b).toString("hex")}`);
  }));
});

test("commonPrefixLen", () => {
  const f = (a: string, b: string, want: number) =>
    assert.equal(commonPrefixLen(h(a), 0, a.length / 2, h(b), 0, b.length / 2), want, `a=${a} b=${b}`);
  f("", "", 0);
  f("01", "", 0);
  f("0102", "0103", 1);
  f("0102", "010203", 2);
  f("ff", "00", 0);
});
