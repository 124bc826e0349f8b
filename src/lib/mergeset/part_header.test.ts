import { test } from "node:test";
import assert from "node:assert/strict";
import { marshalPartHeader, unmarshalPartHeader } from "./part_header.ts";

test("part header round trip", () => {
  const h = { itemsCount: 10, blocksCount: 2, firstItem: Buffer.from("0001", "hex"), lastItem: Buffer.from("ff", "hex") };
  const text = marshalPartHeader(h);
  assert.equal(text, '{"itemsCount":10,"blocksCount":2,"firstItem":"0001","lastItem":"ff"}\n');
  assert.deepEqual(unmarshalPartHeader(text, "x"), h);
});

test("unmarshalPartHeader rejects bad input", () => {
  const f = (text: string, want: RegExp) => assert.throws(() => unmarshalPartHeader(text, "metadata.json"), want, `text=${text}`);
  f("", /cannot parse metadata.json/);
  f("[]", /got blocksCount=undefined|want a non-negative integer/);
  f("5", /want a JSON object/);
  f('{"itemsCount":-1,"blocksCount":0,"firstItem":"","lastItem":""}', /itemsCount=-1/);
  f('{"itemsCount":1,"blocksCount":1,"firstItem":"0","lastItem":""}', /firstItem="0"; want a hex string/);
  f('{"itemsCount":1,"blocksCount":2,"firstItem":"","lastItem":""}', /want 0 < blocksCount <= itemsCount/);
  f('{"itemsCount":1,"blocksCount":0,"firstItem":"","lastItem":""}', /want 0 < blocksCount <= itemsCount/);
});
