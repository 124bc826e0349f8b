import { test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { uncompressedStream } from "./compress_reader.ts";

async function* chunked(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function readAll(src: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of src) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString();
}

const text = Array.from({ length: 300 }, (_, i) => `{"metric":{"a":"${i}"},"values":[${i}],"timestamps":[${i}]}\n`).join("");

test("uncompressedStream decodes every supported encoding", async () => {
  const f = async (encoding: string, body: Uint8Array) => {
    for (const size of [1 << 20, 1000, 7]) {
      assert.equal(await readAll(uncompressedStream(chunked(body, size), encoding)), text, `encoding ${JSON.stringify(encoding)} chunk ${size}`);
    }
  };
  const raw = Buffer.from(text);
  await f("", raw);
  await f("none", raw);
  await f("identity", raw);
  await f("gzip", zlib.gzipSync(raw));
  await f("gzip", Buffer.concat([zlib.gzipSync(raw.subarray(0, 1000)), zlib.gzipSync(raw.subarray(1000))])); // multi-member
  await f("deflate", zlib.deflateSync(raw));
  await f("zstd", zlib.zstdCompressSync(raw));
  // A snappy block made by golang/snappy: "hello hello hello hello hello hello".
  assert.equal(await readAll(uncompressedStream(chunked(Buffer.from("231468656c6c6f20720600", "hex"), 3), "snappy")), "hello hello hello hello hello hello");
});

test("uncompressedStream names the problem with a body it cannot decode", async () => {
  const f = async (encoding: string, body: Uint8Array, msg: RegExp) =>
    await assert.rejects(readAll(uncompressedStream(chunked(body, 100), encoding)), { message: msg }, `encoding ${encoding}`);
  const gz = zlib.gzipSync(Buffer.from(text));
  await f("gzip", Buffer.from("not gzip at all"), /^cannot decompress gzip data: incorrect header check$/);
  await f("gzip", gz.subarray(0, gz.length >> 1), /^cannot decompress gzip data: unexpected end of file$/);
  await f("deflate", Buffer.from("xx"), /^cannot decompress deflate data: /);
  await f("zstd", Buffer.from("not zstd"), /^cannot decompress zstd data: /);
  await f("snappy", Buffer.from("0a", "hex"), /^cannot decode snappy-encoded data block: cannot decode snappy block: corrupt input$/);
  assert.throws(() => uncompressedStream(chunked(gz, 100), "br"), { message: "unsupported contentType: br" });
});

test("uncompressedStream passes the body's own errors through unchanged", async () => {
  const boom = new Error("connection reset");
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield zlib.gzipSync(Buffer.from(text)).subarray(0, 100);
    throw boom;
  }
  await assert.rejects(readAll(uncompressedStream(failing(), "gzip")), (e) => e === boom);
  await assert.rejects(readAll(uncompressedStream(failing(), "")), (e) => e === boom);
});
