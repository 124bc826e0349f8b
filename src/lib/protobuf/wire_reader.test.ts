import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldReader, ProtoError, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT, zigzag64 } from "./wire_reader.ts";
import { ProtoWriter } from "./wire_writer.ts";

const fromHex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ""), "hex"));

test("FieldReader reads scalar fields", () => {
  const f = (h: string, read: (r: FieldReader) => unknown, want: unknown, what: string) => {
    const r = new FieldReader(fromHex(h));
    assert.ok(r.next(), `${what}: a field`);
    assert.deepEqual(read(r), want, `${what} from ${h}`);
    assert.ok(!r.next(), `${what}: one field only`);
  };
  f("089601", (r) => [r.fieldNum, r.wireType, r.uint64()], [1, WIRE_VARINT, 150], "varint 150");
  f("08ffffffffffffffffff01", (r) => r.int64(), -1, "int64 -1");
  f("08ffffffffffffffffff01", (r) => r.int32(), -1, "int32 -1");
  f("08ffffffffffffffffff01", (r) => r.uint64(), 2 ** 64, "uint64 max rounds to 2^64");
  f("0880808080808080f0ff01", (r) => r.int64(), -(2 ** 53), "int64 -2^53");
  f("08ffffffffffffff0f", (r) => r.int64(), 2 ** 53 - 1, "int64 2^53-1");
  f("1080d095ffbc31", (r) => r.int64(), 1700000000000, "int64 ms timestamp");
  f("0803", (r) => r.sint64(), -2, "sint64 -2");
  f("08ffffffffff3f", (r) => r.sint64(), -(2 ** 40), "sint64 -2^40");
  f("08feffffff0f", (r) => r.sint32(), 2147483647, "sint32 max");
  f("08ffffffff0f", (r) => r.sint32(), -2147483648, "sint32 min");
  f("08ffffffff0f", (r) => r.uint32(), 0xffffffff, "uint32 max");
  f("1801", (r) => r.bool(), true, "bool");
  f("09000000000000f83f", (r) => [r.wireType, r.double()], [WIRE_I64, 1.5], "double");
  f("090500000001000000", (r) => r.fixed64(), 2 ** 32 + 5, "fixed64");
  f("0d0000c03f", (r) => [r.wireType, r.float()], [WIRE_I32, 1.5], "float");
  f("0d04030201", (r) => r.fixed32(), 0x01020304, "fixed32");
  f("120774657374696e67", (r) => [r.wireType, r.string()], [WIRE_LEN, "testing"], "string");
  f("1203612062", (r) => Buffer.from(r.bytes()).toString(), "a b", "bytes");
  f("1203c3a962", (r) => r.string(), "éb", "UTF-8 string");
  f("1202ff61", (r) => r.string(), "\ufffda", "invalid UTF-8 becomes U+FFFD");
  f("800101", (r) => [r.fieldNum, r.int64()], [16, 1], "two-byte tag");
  f("f8ffffff0f01", (r) => [r.fieldNum, r.int64()], [536870911, 1], "largest field number");
  f("2206038e029ea705", (r) => r.appendUint32s([]), [3, 270, 86942], "packed varints");
  f("2003", (r) => r.appendUint32s([]), [3], "an unpacked repeated varint");
  f("4a03020100", (r) => r.appendSint64s([]), [1, -1, 0], "packed sint64");
  f("5210000000000000f03f0000000000000040", (r) => r.appendDoubles([]), [1, 2], "packed doubles");
  f("51000000000000f03f", (r) => r.appendDoubles([]), [1], "an unpacked repeated double");
});

test("FieldReader keeps the staleness marker's bits", () => {
  const r = new FieldReader(fromHex("090200000000 00f07f"));
  r.next();
  const a = new Float64Array(1);
  a[0] = r.double();
  assert.equal(Buffer.from(a.buffer).toString("hex"), "020000000000f07f");
});

test("FieldReader rejects malformed data with ProtoError", () => {
  const f = (h: string, want: RegExp, read: (r: FieldReader) => unknown = () => undefined) => {
    assert.throws(() => {
      const r = new FieldReader(fromHex(h));
      while (r.next()) read(r);
    }, (e: unknown) => e instanceof ProtoError && want.test(e.message), h);
  };
  f("08", /cannot read varint field 1: unexpected end of data/);
  f("0880", /unexpected end of data/);
  f("08ffffffffffffffffff02", /too long varint/);
  f("08ffffffffffffffffffff01", /too long varint/);
  f("0a05616263", /cannot read field 1: got length 5; want at most 3/);
  f("0a", /cannot read the length of field 1/);
  f("09000000", /cannot read field 1 \(i64\): unexpected end of data/);
  f("0d0000", /cannot read field 1 \(i32\): unexpected end of data/);
  f("0b", /got wire type sgroup/);
  f("0c", /got wire type egroup/);
  f("0e", /got wire type 6/);
  f("0001", /field number 0/);
  f("80", /cannot read field tag/);
  f("ffffffffff01", /too big tag/);
  f("0801", /cannot read field 1 as double: got wire type varint; want i64/, (r) => r.double());
  f("0a00", /cannot read field 1 as int64: got wire type len; want varint/, (r) => r.int64());
  f("0a0108", /cannot read varint field 1: unexpected end of data/, (r) => new FieldReader(r.bytes()).next());
  f("0a0180", /cannot read varint field 1: unexpected end of data/, (r) => r.appendUint32s([]));
  f("0a03000000", /got 3 bytes; want a multiple of 8/, (r) => r.appendDoubles([]));
});

test("FieldReader reads what ProtoWriter writes", () => {
  const field = fc.oneof(
    fc.record({ k: fc.constant("int64"), v: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }) }),
    fc.record({ k: fc.constant("sint64"), v: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }) }),
    fc.record({ k: fc.constant("sint32"), v: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
    fc.record({ k: fc.constant("uint32"), v: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }),
    fc.record({ k: fc.constant("double"), v: fc.double() }),
    fc.record({ k: fc.constant("string"), v: fc.string({ unit: "grapheme", maxLength: 300 }) }),
    fc.record({ k: fc.constant("packed"), v: fc.array(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), { maxLength: 20 }) }),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 536870911 }), field), { maxLength: 20 }), fc.boolean(), (fields, nested) => {
      const w = new ProtoWriter(8);
      if (nested) w.beginMessage(7);
      for (const [num, fv] of fields) {
        switch (fv.k) {
          case "int64": w.int64(num, fv.v as number); break;
          case "sint64": w.sint64(num, fv.v as number); break;
          case "sint32": w.sint32(num, fv.v as number); break;
          case "uint32": w.uint32(num, fv.v as number); break;
          case "double": w.double(num, fv.v as number); break;
          case "string": w.string(num, fv.v as string); break;
          case "packed": w.packedSint64s(num, fv.v as number[]); break;
        }
      }
      if (nested) w.endMessage();
      const buf = w.finish();
      const r = new FieldReader(buf);
      if (nested) {
        assert.ok(r.next());
        r.message();
        assert.ok(!r.next() || false, "one outer field");
        r.reset(buf, r.dataStart, r.dataEnd);
      }
      for (const [num, fv] of fields) {
        if (fv.k === "packed" && (fv.v as number[]).length === 0) continue;
        assert.ok(r.next(), "a field");
        assert.equal(r.fieldNum, num);
        switch (fv.k) {
          case "int64": assert.equal(r.int64(), fv.v); break;
          case "sint64": assert.equal(r.sint64(), fv.v); break;
          case "sint32": assert.equal(r.sint32(), fv.v); break;
          case "uint32": assert.equal(r.uint32(), fv.v); break;
          case "double": assert.ok(Object.is(r.double(), fv.v)); break;
          case "string": assert.equal(r.string(), (fv.v as string).toWellFormed()); break;
          case "packed": assert.deepEqual(r.appendSint64s([]), fv.v.map((x) => x + 0)); break;
        }
      }
      assert.ok(!r.next(), "no more fields");
    }),
    { numRuns: 300 },
  );
});

test("zigzag64 matches the definition", () => {
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), (v) => {
    const z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    assert.equal(zigzag64(Number(z & 0xffffffffn), Number(z >> 32n)), Number(v));
  }));
});

test("FieldReader on random and mutated bytes throws only ProtoError and terminates", () => {
  const valid = (() => {
    const w = new ProtoWriter();
    w.int64(1, 5);
    w.string(2, "abc");
    w.beginMessage(3);
    w.double(1, 2.5);
    w.packedSint64s(2, [1, -2, 3]);
    w.endMessage();
    w.fixed32(4, 9);
    return w.finish().slice();
  })();
  const walk = (buf: Uint8Array, depth: number): void => {
    const r = new FieldReader(buf);
    let n = 0;
    while (r.next()) {
      n++;
      assert.ok(n <= buf.length, "each field consumes at least one byte");
      if (r.wireType === WIRE_LEN) {
        if (depth < 3) walk(buf.subarray(r.dataStart, r.dataEnd), depth + 1);
        r.appendUint32s([]);
        r.string();
      } else if (r.wireType === WIRE_VARINT) {
        r.int64(); r.sint64(); r.bool();
      } else if (r.wireType === WIRE_I64) {
        r.double(); r.fixed64();
      } else {
        r.float(); r.fixed32();
      }
    }
  };
  const check = (buf: Uint8Array) => {
    try {
      walk(buf, 0);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => check(b)), { numRuns: 2000 });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: valid.length }), (i, b, cut) => {
      const m = valid.slice();
      m[i] = b;
      check(m);
      check(m.subarray(0, cut));
    }),
    { numRuns: 2000 },
  );
});
