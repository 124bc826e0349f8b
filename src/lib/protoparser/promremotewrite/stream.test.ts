import { test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { ProtoWriter } from "../../protobuf/index.ts";
import { UnsupportedMediaTypeError, decompressRequestBody, parseRequestBody, remoteWriteVersion } from "./stream.ts";
import { WriteRows } from "./write_rows.ts";
import { snappyLiteral, writeLabel, writeSample } from "./_test_builders.ts";

test("remoteWriteVersion reads Content-Type", () => {
  const f = (ct: string, want: 1 | 2) => assert.equal(remoteWriteVersion(ct), want, ct);
  f("", 1);
  f("application/x-protobuf", 1);
  f("application/x-protobuf;proto=prometheus.WriteRequest", 1);
  f("application/x-protobuf;proto=io.prometheus.write.v2.Request", 2);
  f("application/x-protobuf; charset=utf-8; Proto=\"io.prometheus.write.v2.Request\"", 2);
  assert.throws(() => remoteWriteVersion("application/x-protobuf;proto=foo.Bar"), UnsupportedMediaTypeError);
});

test("decompressRequestBody handles snappy, zstd and VictoriaMetrics' fallbacks", () => {
  const data = Buffer.from("hello remote write ".repeat(50));
  const sn = snappyLiteral(data);
  const zs = zlib.zstdCompressSync(data);
  const f = (body: Uint8Array, enc: string, what: string) => assert.deepEqual(decompressRequestBody(body, enc, 1 << 20), data, what);
  f(sn, "snappy", "snappy");
  f(sn, "", "no Content-Encoding means snappy");
  f(zs, "zstd", "zstd");
  f(zs, "snappy", "zstd sent as snappy (vmagent's persistent queue)");
  f(sn, "zstd", "snappy sent as zstd");
  f(sn, "Snappy", "encoding names are case-insensitive");
  assert.throws(() => decompressRequestBody(data, "gzip", 1 << 20), UnsupportedMediaTypeError);
  assert.throws(() => decompressRequestBody(Buffer.from("not compressed"), "snappy", 1 << 20), /^Error: cannot decompress snappy-encoded request with length 14: cannot decode snappy block/);
  assert.throws(() => decompressRequestBody(Buffer.from("not compressed"), "zstd", 1 << 20), /^Error: cannot decompress zstd-encoded request with length 14/);
  assert.throws(() => decompressRequestBody(sn, "snappy", 100), /exceeds the limit of 100 bytes/);
  assert.throws(() => decompressRequestBody(zs, "zstd", 100), /too big unpacked request; mustn't exceed 100 bytes/);
});

test("parseRequestBody decodes or names what is wrong", () => {
  const w = new ProtoWriter();
  w.beginMessage(1);
  writeLabel(w, "__name__", "m");
  writeSample(w, 2, 3000);
  w.endMessage();
  const body = w.finish().slice();
  const rows = new WriteRows();
  parseRequestBody(snappyLiteral(body), { encoding: "snappy", version: 1, maxSize: 1 << 20 }, rows);
  assert.equal(rows.lines, 1);
  assert.equal(rows.values[0], 2);
  parseRequestBody(zlib.zstdCompressSync(body), { encoding: "zstd", version: 1, maxSize: 1 << 20 }, rows);
  assert.equal(rows.lines, 1, "rows are reset before each body");
  const bad = snappyLiteral(body.subarray(0, body.length - 3));
  assert.throws(() => parseRequestBody(bad, { encoding: "snappy", version: 1, maxSize: 1 << 20 }, rows),
    /^Error: cannot unmarshal prompb\.WriteRequest with size 28 bytes: cannot read field 1: got length 29; want at most 26 \(the rest of the message\)$/);
  assert.equal(rows.lines, 0, "a rejected body leaves no rows");
  // A 1.0 body read as 2.0: its field 1 is reserved in 2.0, so nothing is read.
  parseRequestBody(snappyLiteral(body), { encoding: "snappy", version: 2, maxSize: 1 << 20 }, rows);
  assert.equal(rows.lines, 0);
  assert.throws(() => parseRequestBody(snappyLiteral(Uint8Array.of(0x22, 0x05)), { encoding: "snappy", version: 2, maxSize: 1 << 20 }, rows),
    /^Error: cannot unmarshal io\.prometheus\.write\.v2\.Request with size 2 bytes: cannot read field 4/);
});
