import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { ByteBuffer } from "../encoding/index.ts";
import { decodeColumnsHeader, encodeColumnsHeader, type ColumnHeader } from "./columns_header.ts";
import { maxBlockBytes } from "./part_writer.ts";
import { StoredBlock } from "./stored_block.ts";
import { type TRow, canon, readPart, tmpDir, writePart } from "./testutil.ts";
import { decodeTimestamps, encodeTimestamps } from "./timestamps_codec.ts";
import { tokenize } from "./tokenizer.ts";
import { ValueType } from "./values_encoder.ts";

test("timestamps codec", () => {
  const f = (ts: bigint[], wantHex: string) => {
    const b = new ByteBuffer();
    encodeTimestamps(b, BigInt64Array.from(ts), ts.length);
    assert.equal(b.bytes().toString("hex"), wantHex, `encode ${ts}`);
    assert.deepEqual([...decodeTimestamps(b.bytes(), ts.length)], ts, `decode ${ts}`);
  };
  // scale 10^9 as planes (0x89), first = 1e9, deltas 1, 2.
  f([1_000_000_000n, 2_000_000_000n, 4_000_000_000n], "89" + "00ca9a3b00000000" + "0102" + "0000" + "0000" + "0000");
  f([5n], "89" + "0500000000000000");
  // a delta of 2^32 ms-scaled does not fit the planes: varints at scale 10^6.
  f([0n, 4294967296_000_000n], "06" + "0000000000000000" + "8080808010");
  f([-3n, -3n, 7n], "80" + "fdffffffffffffff" + "000a" + "0000" + "0000" + "0000");
  // spanning more than 2^53 ns: raw int64s.
  f([0n, 2n ** 60n], "40" + "0000000000000000" + "0000000000000010");
  assert.throws(() => decodeTimestamps(Buffer.from("0a0000000000000000", "hex"), 1), /got scale 10/);
  assert.throws(() => decodeTimestamps(Buffer.from("8000000000000000000102", "hex"), 3), /want 17/);
});

test("columns header round trip", () => {
  const chs: ColumnHeader[] = [
    { name: "_msg", type: ValueType.string, constValue: "", dict: [], min: 0, max: 0, valuesOffset: 10, valuesSize: 20, bloomOffset: 30, bloomSize: 40 },
    { name: "host", type: ValueType.const, constValue: "h1", dict: [], min: 0, max: 0, valuesOffset: 0, valuesSize: 0, bloomOffset: 0, bloomSize: 0 },
    { name: "m", type: ValueType.dict, constValue: "", dict: ["GET", "POST"], min: 0, max: 0, valuesOffset: 1, valuesSize: 2, bloomOffset: 0, bloomSize: 0 },
    { name: "n", type: ValueType.float64, constValue: "", dict: [], min: -1.5, max: 1e300, valuesOffset: 3, valuesSize: 4, bloomOffset: 0, bloomSize: 0 },
  ];
  const b = new ByteBuffer();
  encodeColumnsHeader(b, chs);
  assert.deepEqual(decodeColumnsHeader(b.bytes()), chs);
  assert.throws(() => decodeColumnsHeader(b.bytes().subarray(0, 10)), /cannot parse columns header/);
});

test("part write and read", () => {
  const dir = tmpDir();
  try {
    const rows: TRow[] = [];
    for (let i = 0; i < 3000; i++) {
      rows.push({ s: i % 3, t: BigInt(1e18) + BigInt(i) * 1_000_000n, f: { _msg: `line ${i} of stream ${i % 3}`, level: i % 10 === 0 ? "error" : "info", n: String(i), ip: `10.0.${i % 256}.1`, trace: i % 7 === 0 ? `t${i}` : "" } });
    }
    const p = writePart(path.join(dir, "p"), rows);
    assert.equal(p.meta.rowsCount, 3000);
    assert.equal(p.streams.length, 3);
    assert.equal(p.blocksCount, 3);
    assert.deepEqual(canon(readPart(p)), canon(rows));
    const b = new StoredBlock(p, 0, { accountID: 0, projectID: 0 });
    assert.equal(b.stream, '{s="0"}');
    assert.deepEqual([...b.columnNames()].sort(), ["_msg", "ip", "level", "n", "trace"]);
    assert.deepEqual(b.numericRange("n"), { min: 0, max: 2997 });
    assert.equal(b.numericRange("_msg"), undefined);
    assert.equal(b.numericRange("missing"), undefined);
    assert.deepEqual(b.numericRange("level"), undefined);
    assert.equal(b.constValue("level"), undefined);
    assert.equal(b.constValue("missing"), "");
    assert.equal(b.mayContainTokens("_msg", tokenize("line 3")), true);
    assert.equal(b.mayContainTokens("_msg", ["nosuchword"]), false);
    assert.equal(b.mayContainTokens("level", ["error"]), true);
    assert.equal(b.mayContainTokens("level", ["warn"]), false);
    assert.equal(b.mayContainTokens("n", ["2997"]), true);
    assert.equal(b.mayContainTokens("n", ["9999"]), false);
    assert.equal(b.mayContainTokens("n", ["abc"]), false);
    assert.equal(b.mayContainTokens("ip", ["10", "0"]), true);
    assert.equal(b.mayContainTokens("ip", ["x"]), false);
    assert.equal(b.mayContainTokens("missing", ["x"]), false);
    assert.equal(b.mayContainTokens("missing", []), true);
    assert.deepEqual(b.columnValues("missing"), new Array(1000).fill(""));
    p.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("part: blocks are cut at 2 MiB and stay time-ordered", () => {
  const dir = tmpDir();
  try {
    const big = "x".repeat(1000);
    const rows: TRow[] = [];
    for (let i = 0; i < 5000; i++) rows.push({ s: 1, t: BigInt(i), f: { _msg: `${i} ${big}` } });
    const p = writePart(path.join(dir, "p"), rows);
    assert.ok(p.blocksCount >= 3, `blocks: ${p.blocksCount}`);
    for (let i = 0; i < p.blocksCount; i++) {
      assert.ok(p.blockUncompressed[i]! <= maxBlockBytes + 1100, `block ${i} holds ${p.blockUncompressed[i]} bytes`);
      if (i > 0) assert.ok(p.blockMinTs[i]! > p.blockMaxTs[i - 1]!);
    }
    assert.deepEqual(canon(readPart(p)), canon(rows));
    p.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("part round trip (property)", () => {
  const dir = tmpDir();
  let k = 0;
  try {
    const row = fc.record({
      s: fc.integer({ min: 0, max: 3 }),
      t: fc.bigInt({ min: 0n, max: 10n ** 18n }),
      f: fc.dictionary(fc.constantFrom("_msg", "a", "b", "c", "é"), fc.oneof(fc.string(), fc.nat().map(String), fc.constantFrom("x", "y")), { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const p = writePart(path.join(dir, `p${k++}`), rows);
        try {
          assert.deepEqual(canon(readPart(p)), canon(rows.filter(() => true)));
        } finally {
          p.close();
        }
      }),
      { numRuns: 40 },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
