import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeSnappyBlock } from "./snappy_block.ts";

const jsonLines = Array.from({ length: 4 }, (_, i) => `{"metric":{"__name__":"up","job":"j${i}"},"values":[${i * 7}],"timestamps":[${1000 + i}]}\n`).join("");

// Encoded blocks were produced by github.com/golang/snappy (as vendored by VictoriaMetrics 1.79.5).
test("decodeSnappyBlock decodes golang/snappy blocks", () => {
  const f = (hex: string, expected: string) =>
    assert.equal(decodeSnappyBlock(Buffer.from(hex, "hex"), 1 << 20).toString("latin1"), expected, `block ${hex.slice(0, 40)}`);
  f("00", "");
  f("010061", "a");
  f("231468656c6c6f20720600", "hello hello hello hello hello hello"); // overlapping copy
  const alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
  f("b501906162636465666768696a6b6c6d6e6f707172737475767778797a3031323334353637383961fe24000d24002dfe6d00116d", alnum.repeat(3) + "-" + alnum.repeat(2));
  f(
    "a602f0497b226d6574726963223a7b225f5f6e616d655f5f223a227570222c226a6f62223a226a30227d2c2276616c756573223a5b305d2c2274696d657374616d7073223a5b313030305d7d0a7b8649000431222e490004375d46490004315d92490000323249000431344a4a000032964a000033324a000432314a4a000c335d7d0a",
    jsonLines,
  );
  // Hand-made: a literal with a 1-byte length (tag 60), then a copy with a 4-byte offset.
  f("09f00461626364650f05000000", "abcdeabcd");
});

test("decodeSnappyBlock rejects corrupt blocks and oversized lengths", () => {
  const f = (hex: string, maxSize: number, msg: RegExp) =>
    assert.throws(() => decodeSnappyBlock(Buffer.from(hex, "hex"), maxSize), msg, `block ${hex}`);
  f("", 100, /corrupt length header/);
  f("80", 100, /corrupt length header/);
  f("ffffffffff01", 100, /corrupt length header/);
  f("0a", 100, /corrupt input/); // declared 10 bytes, got none
  f("0200", 100, /corrupt input/); // literal runs past the input
  f("0300610500", 100, /corrupt input/); // copy with offset 0
  f("0500610102", 100, /corrupt input/); // copy from before the start
  f("0300610101", 100, /corrupt input/); // copy past the declared length
  f("e807", 100, /decoded length 1000 exceeds the limit of 100 bytes/);
});
