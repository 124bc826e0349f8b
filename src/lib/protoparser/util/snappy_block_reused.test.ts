import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeSnappyBlock, decodeSnappyBlockReused } from "./snappy_block.ts";

// Op is one element of a snappy block: literal bytes, or a copy of len bytes from off back.
type Op = { lit: Uint8Array } | { off: number; len: number };

function putVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

// encode builds a block from ops, choosing each copy's tag by its size (kinds 1, 2, 3),
// and returns it with the bytes it decodes to.
function encode(ops: Op[]): { block: Uint8Array; want: Uint8Array } {
  const want: number[] = [];
  const body: number[] = [];
  for (const op of ops) {
    if ("lit" in op) {
      const n = op.lit.length - 1;
      if (n < 60) body.push(n << 2);
      else if (n < 256) body.push(60 << 2, n);
      else body.push(61 << 2, n & 0xff, n >> 8);
      body.push(...op.lit);
      want.push(...op.lit);
      continue;
    }
    const { off, len } = op;
    if (len >= 4 && len <= 11 && off < 2048) body.push(1 | ((len - 4) << 2) | ((off >> 8) << 5), off & 0xff);
    else if (off < 65536) body.push(2 | ((len - 1) << 2), off & 0xff, off >> 8);
    else body.push(3 | ((len - 1) << 2), off & 0xff, (off >> 8) & 0xff, (off >> 16) & 0xff, off >>> 24);
    const from = want.length - off;
    for (let i = 0; i < len; i++) want.push(want[from + i]!);
  }
  const head: number[] = [];
  putVarint(head, want.length);
  return { block: Uint8Array.from([...head, ...body]), want: Uint8Array.from(want) };
}

test("decodeSnappyBlockReused decodes golang/snappy blocks", () => {
  const f = (hex: string, want: string) =>
    assert.equal(Buffer.from(decodeSnappyBlockReused(Buffer.from(hex, "hex"), 1 << 20)).toString("latin1"), want, `block ${hex.slice(0, 40)}`);
  f("00", "");
  f("010061", "a");
  f("231468656c6c6f20720600", "hello hello hello hello hello hello");
  const alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
  f("b501906162636465666768696a6b6c6d6e6f707172737475767778797a3031323334353637383961fe24000d24002dfe6d00116d", alnum.repeat(3) + "-" + alnum.repeat(2));
  f("09f00461626364650f05000000", "abcdeabcd");
});

test("decodeSnappyBlockReused rejects what decodeSnappyBlock rejects, with the same message", () => {
  const f = (hex: string, maxSize: number) => {
    const src = Buffer.from(hex, "hex");
    let want = "";
    try {
      decodeSnappyBlock(src, maxSize);
    } catch (e) {
      want = (e as Error).message;
    }
    assert.notEqual(want, "", `decodeSnappyBlock must reject ${hex}`);
    assert.throws(() => decodeSnappyBlockReused(src, maxSize), { message: want }, `block ${hex}`);
  };
  f("", 100);
  f("80", 100);
  f("ffffffffff01", 100);
  f("0a", 100);
  f("0200", 100);
  f("0300610500", 100);
  f("0500610102", 100);
  f("0300610101", 100);
  f("e807", 100);
});

test("decodeSnappyBlockReused: long and overlapping copies, kinds 1-3, reuse of the buffer", () => {
  const lit = (s: string) => ({ lit: Buffer.from(s, "latin1") });
  const f = (ops: Op[]) => {
    const { block, want } = encode(ops);
    assert.equal(Buffer.from(decodeSnappyBlockReused(block, 1 << 24)).toString("hex"), Buffer.from(want).toString("hex"), JSON.stringify(ops).slice(0, 200));
  };
  f([lit("ab"), { off: 2, len: 40 }]); // overlapping, long
  f([lit("x".repeat(100)), { off: 100, len: 64 }]); // long, not overlapping
  f([lit("0123456789abcdefghij"), { off: 20, len: 5 }, { off: 3, len: 17 }]);
  f([lit("y".repeat(35000)), lit("z".repeat(35000)), { off: 69000, len: 64 }]); // kind 3 offset
  const first = decodeSnappyBlockReused(encode([lit("first block")]).block, 100);
  const copy = Buffer.from(first);
  decodeSnappyBlockReused(encode([lit("second")]).block, 100);
  assert.equal(copy.toString(), "first block");
});

test("decodeSnappyBlockReused agrees with decodeSnappyBlock on random valid and mutated blocks", () => {
  const opsArb = fc.array(fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 80 }).map((lit): Op => ({ lit })),
    fc.record({ off: fc.integer({ min: 1, max: 300 }), len: fc.integer({ min: 1, max: 64 }) }),
  ), { maxLength: 40 });
  fc.assert(fc.property(opsArb, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 255 }), (rawOps, at, byte) => {
    // Copies must start inside what was decoded so far.
    const ops: Op[] = [];
    let size = 0;
    for (const op of rawOps) {
      if ("lit" in op) { ops.push(op); size += op.lit.length; } else if (op.off <= size) { ops.push(op); size += op.len; }
    }
    const { block, want } = encode(ops);
    assert.deepEqual(Buffer.from(decodeSnappyBlockReused(block, 1 << 20)), Buffer.from(want));
    const bad = Uint8Array.from(block);
    if (bad.length > 0) bad[at % bad.length] = byte;
    let a: string, b: string;
    try { a = Buffer.from(decodeSnappyBlock(bad, 1 << 20)).toString("hex"); } catch (e) { a = "error: " + (e as Error).message; }
    try { b = Buffer.from(decodeSnappyBlockReused(bad, 1 << 20)).toString("hex"); } catch (e) { b = "error: " + (e as Error).message; }
    assert.equal(b, a);
  }), { numRuns: 500 });
});
