import { test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import type { ImportRows } from "../vmimport/index.ts";
import { parseColumnDescriptors } from "./column_descriptor.ts";
import { parseStream } from "./stream.ts";

async function* chunked(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

// run parses body and returns "rows | errors | result or failure".
async function run(body: Uint8Array, opts: { encoding?: string; maxLineLen?: number; blockSize?: number }, chunk = 7): Promise<string> {
  const rows: string[] = [];
  const errors: string[] = [];
  let end: string;
  try {
    const r = await parseStream(chunked(body, chunk), parseColumnDescriptors("1:label:a,2:metric:m"), { ...opts, now: () => 42 }, (rs: ImportRows) => {
      for (let i = 0; i < rs.lines; i++) rows.push(`${rs.labels[i]![1]![1]}=${rs.values[i]}@${rs.timestamps[i]}`);
    }, (n, msg) => errors.push(`${n}:${msg.slice(0, 20)}`));
    end = `rows=${r.rows} invalid=${r.invalidLines}`;
  } catch (e) {
    end = `failed: ${(e as Error).message}`;
  }
  return `${rows.join(" ")} | ${errors.join(" ")} | ${end}`;
}

test("parseStream splits, decompresses and numbers lines across blocks", async () => {
  const text = "a,1\nb,x\nc,3\r\n\nd,4\ne";
  const want = "a=1@42 c=3@42 d=4@42 | 2:cannot parse csv lin 6:cannot parse csv lin | rows=3 invalid=2";
  const f = async (body: Uint8Array, opts: { encoding?: string; blockSize?: number }, msg: string) => assert.equal(await run(body, opts), want, msg);
  await f(Buffer.from(text), {}, "plain");
  await f(Buffer.from(text), { blockSize: 1 }, "a block per line");
  await f(zlib.gzipSync(text), { encoding: "gzip" }, "gzip");
  await f(zlib.zstdCompressSync(Buffer.from(text)), { encoding: "zstd" }, "zstd");
});

test("parseStream rejects too long lines, bad encodings and bad bodies after passing earlier rows", async () => {
  const f = async (body: Uint8Array, opts: { encoding?: string; maxLineLen?: number; blockSize?: number }, want: string) => assert.equal(await run(body, opts), want);
  await f(Buffer.from("a,1\nbbbbbbbbbbbbbbbbbbbb,2\n"), { maxLineLen: 10, blockSize: 1 }, "a=1@42 |  | failed: cannot read csv data: too long line: more than 10 bytes");
  await f(Buffer.from("a,1"), { encoding: "br" }, " |  | failed: cannot decode csv data: unsupported contentType: br");
  await f(Buffer.from("not gzip"), { encoding: "gzip" }, " |  | failed: cannot read csv data: cannot decompress gzip data: incorrect header check");
});
