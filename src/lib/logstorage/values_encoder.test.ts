import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { fromPlanes, toPlanes } from "./byte_planes.ts";
import { ValueType, decodeColumn, decodeColumnRows, encodeColumn, formatIPv4 } from "./values_encoder.ts";

const typeName = (t: number) => Object.entries(ValueType).find(([, v]) => v === t)?.[0];

function roundTrip(values: string[]): void {
  const enc = encodeColumn(values);
  const got = decodeColumn(enc.type, enc.data, values.length, enc.dict, enc.constValue);
  assert.deepEqual(got, values, `round trip of ${JSON.stringify(values).slice(0, 200)} as ${typeName(enc.type)}`);
}

test("encodeColumn picks the type", () => {
  const f = (values: string[], want: keyof typeof ValueType, min?: number, max?: number) => {
    const enc = encodeColumn(values);
    assert.equal(typeName(enc.type), want, `type of ${JSON.stringify(values)}`);
    if (min !== undefined) assert.deepEqual([enc.min, enc.max], [min, max], `min/max of ${JSON.stringify(values)}`);
    roundTrip(values);
  };
  f(["a", "a", "a"], "const");
  f(["", ""], "const");
  f(["x".repeat(300), "x".repeat(300)], "string"); // too long for a const and for a dict
  f(["GET", "POST", "GET", "PUT"], "dict");
  f(["1", "2", "3", "4", "5", "6", "7", "8"], "dict");
  f(["1", "2", "3", "4", "5", "6", "7", "8", "9"], "uint8", 1, 9);
  f(["0", "255", "1", "2", "3", "4", "5", "6", "7"], "uint8", 0, 255);
  f(["0", "256", "1", "2", "3", "4", "5", "6", "7"], "uint16", 0, 256);
  f(["0", "65536", "1", "2", "3", "4", "5", "6", "7"], "uint32", 0, 65536);
  f(["0", "4294967296", "1", "2", "3", "4", "5", "6", "7"], "uint64", 0, 4294967296);
  f(["9007199254740991", "1", "2", "3", "4", "5", "6", "7", "8"], "uint64", 1, 9007199254740991);
  f(["-1", "2", "3", "4", "5", "6", "7", "8", "9"], "int64", -1, 9);
  f(["1.5", "2", "-3.25", "4", "5", "6", "7", "8", "9"], "float64", -3.25, 9);
  f(["10.0.0.1", "192.168.1.254", "1.2.3.4", "0.0.0.0", "255.255.255.255", "8.8.8.8", "8.8.4.4", "1.1.1.1", "9.9.9.9"], "ipv4", 0, 0xffffffff);
  const iso = Array.from({ length: 9 }, (_, i) => new Date(1700000000000 + i * 1234).toISOString());
  f(iso, "timestampISO8601", 1700000000000, 1700000000000 + 8 * 1234);
  // Not canonical: stays a string.
  f(["01", "2", "3", "4", "5", "6", "7", "8", "9"], "string");
  f(["-0", "2", "3", "4", "5", "6", "7", "8", "9"], "string");
  f(["1.50", "2", "3", "4", "5", "6", "7", "8", "9"], "string");
  f(["1e21", "2", "3", "4", "5", "6", "7", "8", "9"], "string");
  f(["NaN", "Infinity", "3", "4", "5", "6", "7", "8", "9"], "string");
  f(["10.0.0.01", "1.2.3.4", "3", "4", "5", "6", "7", "8", "9"], "string");
  f(["9007199254740992", "1", "2", "3", "4", "5", "6", "7", "8"], "float64"); // 2^53 round-trips as a double
  f(["9007199254740993", "1", "2", "3", "4", "5", "6", "7", "8"], "string");
  f(["2024-01-01T00:00:00Z", "a", "b", "c", "d", "e", "f", "g", "h"], "string");
  f(["2024-02-30T00:00:00.000Z", "2024-01-01T00:00:00.000Z", "1", "2", "3", "4", "5", "6", "7"], "string");
  f(["", "1", "2", "3", "4", "5", "6", "7", "8"], "string");
  f(["привет", "мир", "日本", "a", "b", "c", "d", "e", "f"], "string");
});

test("encodeColumn bytes", () => {
  const f = (values: string[], wantHex: string) => {
    const enc = encodeColumn(values);
    assert.equal(Buffer.from(enc.data).toString("hex"), wantHex, `data of ${JSON.stringify(values)}`);
  };
  f(["GET", "POST", "GET"], "000100");
  // uint16 as little-endian byte planes: low bytes, then high bytes.
  f(["1", "258", "3", "4", "5", "6", "7", "8", "9"], "010203040506070809" + "000100000000000000");
  // strings: varuint byte lengths, then the UTF-8 bytes.
  f(["ab", "", "é", "x", "y", "z", "u", "v", "w"], "020002010101010101" + "6162" + "c3a9" + "78797a757677");
});

test("decodeColumn rejects bad data", () => {
  const f = (type: number, hex: string, n: number, want: RegExp) =>
    assert.throws(() => decodeColumn(type, Buffer.from(hex, "hex"), n, ["a"], ""), want, `decode type ${type} of ${hex}`);
  f(ValueType.dict, "0001", 2, /cannot decode dict column: got index 1/);
  f(ValueType.dict, "00", 2, /cannot decode dict column of 2 rows: got 1 bytes/);
  f(ValueType.uint16, "000102", 2, /cannot decode fixed-width column/);
  f(ValueType.string, "05", 1, /value 0 is cut short/);
  f(ValueType.string, "0061", 1, /trailing bytes/);
  f(ValueType.string, "80", 1, /cut short at row 0/);
  f(99, "", 0, /got value type 99/);
});

test("formatIPv4", () => {
  const f = (v: number, want: string) => assert.equal(formatIPv4(v), want, `formatIPv4(${v})`);
  f(0, "0.0.0.0");
  f(0x0a000001, "10.0.0.1");
  f(0xffffffff, "255.255.255.255");
});

test("byte planes round trip", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(2, 4, 8), (a, w) => {
    const src = a.subarray(0, a.length - (a.length % w));
    assert.deepEqual(fromPlanes(toPlanes(src, w), w), src);
  }));
});

test("encodeColumn round trip (property)", () => {
  const value = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.nat().map(String),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.ipV4(),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom("GET", "POST", ""),
  );
  fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (vals) => roundTrip(vals)));
  // Columns of one kind each, so that every typed encoder is exercised.
  for (const gen of [fc.nat().map(String), fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.ipV4(), fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString())]) {
    fc.assert(fc.property(fc.array(gen, { minLength: 9, maxLength: 40 }), (vals) => roundTrip(vals)));
  }
});

test("decodeColumnRows decodes the chosen rows as decodeColumn (property)", () => {
  const kinds = [
    fc.string({ unit: "grapheme" }),
    fc.constantFrom("GET", "POST", ""),
    fc.nat().map(String),
    fc.integer({ min: 0, max: 300 }).map(String),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.ipV4(),
    fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    fc.constant("same"),
  ];
  for (const gen of kinds) {
    fc.assert(
      fc.property(fc.array(gen, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), (vals, picks) => {
        const enc = encodeColumn(vals);
        const idx = Uint32Array.from(picks.map((p) => p % vals.length));
        const all = decodeColumn(enc.type, enc.data, vals.length, enc.dict, enc.constValue);
        const got = decodeColumnRows(enc.type, enc.data, vals.length, idx, enc.dict, enc.constValue);
        assert.deepEqual(got, [...idx].map((i) => all[i]), `type ${enc.type} rows ${[...idx]} of ${JSON.stringify(vals)}`);
      }),
    );
  }
});
