import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BlockEncoder, decodeBlock, marshalTypePlain, marshalTypeZstd } from "./block_codec.ts";

/** pack lays items out as one buffer plus end offsets, as the part writer does. */
function pack(items: Uint8Array[]): { data: Buffer; offs: Uint32Array } {
  const data = Buffer.concat(items);
  const offs = new Uint32Array(items.length + 1);
  for (let i = 0; i < items.length; i++) offs[i + 1] = offs[i]! + items[i]!.length;
  return { data, offs };
}

function itemsOf(data: Buffer, offs: Uint32Array, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(data.subarray(offs[i]!, offs[i + 1]!).toString("hex"));
  return out;
}

function sortedUnique(items: Uint8Array[]): Buffer[] {
  const m = new Map<string, Buffer>();
  for (const it of items) m.set(Buffer.from(it).toString("hex"), Buffer.from(it));
  return [...m.values()].sort(Buffer.compare);
}

test("encode small blocks (hex)", () => {
  const f = (items: string[], cpLen: number, lensLen: number, payloadHex: string) => {
    const bufs = items.map((s) => Buffer.from(s, "latin1"));
    const { data, offs } = pack(bufs);
    const eb = new BlockEncoder().encode(data, offs, bufs.length);
    const what = `items=${JSON.stringify(items)}`;
    assert.equal(eb.marshalType, marshalTypePlain, what);
    assert.equal(eb.cpLen, cpLen, what);
    assert.equal(eb.lensLen, lensLen, what);
    assert.equal(Buffer.from(eb.payload).toString("hex"), payloadHex, what);
    const db = decodeBlock(eb.payload, bufs[0]!, eb.cpLen, bufs.length, eb.lensLen, eb.marshalType);
    assert.deepEqual(itemsOf(db.data, db.offs, db.n), bufs.map((b) => b.toString("hex")), what);
  };
  f(["x"], 0, 0, "");
  f([""], 0, 0, "");
  // common prefix "ab"; then "" -> "c" -> "d": prefixes 0,0; suffix lens 1,1; suffixes "c","d"
  f(["ab", "abc", "abd"], 2, 4, "000001016364");
  // common prefix "foo"; "1" -> "12" (prefix 1, suffix "2") -> "2" (prefix 0, suffix "2")
  f(["foo1", "foo12", "foo2"], 3, 4, "010001013232");
  // the empty item sorts first and forces an empty common prefix
  f(["", "a", "ab"], 0, 4, "00010101" + "6162");
});

test("encode uses zstd only when it pays", () => {
  const enc = new BlockEncoder();
  const rows: Buffer[] = [];
  for (let i = 0; i < 500; i++) rows.push(Buffer.from(`\x01job\x01node_exporter\x01${String(i * 37).padStart(10, "0")}`, "latin1"));
  let { data, offs } = pack(rows);
  assert.equal(enc.encode(data, offs, rows.length).marshalType, marshalTypeZstd, "repetitive rows");
  const rnd: Buffer[] = [];
  let x = 0x9e3779b9;
  const rand = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x & 255; };
  for (let i = 0; i < 200; i++) rnd.push(Buffer.concat([Buffer.from([i]), Buffer.from(Array.from({ length: 20 }, rand))]));
  ({ data, offs } = pack(rnd));
  assert.equal(enc.encode(data, offs, rnd.length).marshalType, marshalTypePlain, "incompressible rows");
});

test("block round trip", () => {
  const enc = new BlockEncoder();
  const item = fc.oneof(
    fc.uint8Array({ maxLength: 20 }),
    fc.tuple(fc.constantFrom("\x01job\x01a\x01", "\x01job\x01b\x01", "\x06\x00\x00name\x01"), fc.uint8Array({ minLength: 0, maxLength: 8 }))
      .map(([p, s]) => Buffer.concat([Buffer.from(p, "latin1"), s])),
  );
  fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 400 }), (raw) => {
    const items = sortedUnique(raw);
    const { data, offs } = pack(items);
    const eb = enc.encode(data, offs, items.length);
    const payload = Buffer.from(eb.payload);
    const db = decodeBlock(payload, items[0]!, eb.cpLen, items.length, eb.lensLen, eb.marshalType);
    assert.deepEqual(itemsOf(db.data, db.offs, db.n), items.map((b) => b.toString("hex")));
  }), { numRuns: 200 });
});

test("decodeBlock rejects corrupted input", () => {
  const items = ["ab", "abc", "abd"].map((s) => Buffer.from(s, "latin1"));
  const first = items[0]!;
  const f = (payloadHex: string, cpLen: number, n: number, lensLen: number, mt: number, want: RegExp) =>
    assert.throws(() => decodeBlock(Buffer.from(payloadHex, "hex"), first, cpLen, n, lensLen, mt), want, `payload=${payloadHex} cpLen=${cpLen} n=${n} lensLen=${lensLen} mt=${mt}`);
  f("000001016364", 3, 3, 4, 0, /commonPrefixLen=3/);
  f("000001016364", 2, 0, 4, 0, /itemsCount=0/);
  f("000001016364", 2, 3, 4, 7, /marshalType=7/);
  f("000001016364", 2, 3, 9, 0, /lensLen=9/);
  f("000001016364", 2, 3, 3, 0, /truncated/);
  f("0000010163", 2, 3, 4, 0, /suffix bytes/);
  f("050001016364", 2, 3, 4, 0, /prefixLen=5/);
  f("00000101636465", 2, 3, 4, 0, /suffix bytes/);
  f("000001016364", 2, 3, 4, 1, /cannot decompress/);
});
