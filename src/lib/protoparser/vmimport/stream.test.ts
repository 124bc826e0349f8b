import { test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import type { ImportRows } from "./import_rows.ts";
import { parseStream } from "./stream.ts";

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

async function* chunked(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

interface Collected {
  series: string[]; // "labels=values@timestamps" per line
  errors: string[];
  batches: number;
  result?: { lines: number; samples: number; invalidLines: number };
  failure?: string;
}

async function run(body: AsyncIterable<Uint8Array>, opts: { encoding?: string; maxLineLen?: number; blockSize?: number }): Promise<Collected> {
  const c: Collected = { series: [], errors: [], batches: 0 };
  const onRows = (rows: ImportRows) => {
    c.batches++;
    for (let i = 0; i < rows.lines; i++) {
      const s = rows.offsets[i]!;
      const e = rows.offsets[i + 1]!;
      c.series.push(`${JSON.stringify(rows.labels[i])}=${[...rows.values.subarray(s, e)]}@${[...rows.timestamps.subarray(s, e)]}`);
    }
  };
  try {
    c.result = await parseStream(body, opts, onRows, (n, msg) => c.errors.push(`${n}: ${msg}`));
  } catch (e) {
    c.failure = (e as Error).message;
  }
  return c;
}

const body =
  `{"metric":{"__name__":"up","job":"é"},"values":[1,2],"timestamps":[10,20]}\r\n` +
  `\n` +
  `{"metric":{"a":"b"},"values":[x],"timestamps":[1]}\n` +
  `{"metric":{"日本":"😀"},"values":[NaN],"timestamps":[30]}\n` +
  `{"metric":{"a":"c"},"values":[3],"timestamps":[40]}`;
const expected = {
  series: [`[["__name__","up"],["job","é"]]=1,2@10,20`, `[["日本","😀"]]=NaN@30`, `[["a","c"]]=3@40`],
  errors: [
    `3: cannot unmarshal json line "{\\"metric\\":{\\"a\\":\\"b\\"},\\"values\\":[x],\\"timestamps\\":[1]}": cannot parse json line: cannot parse JSON: ` +
      `cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: "x"; unparsed tail: "x],\\"timestamps\\":[1]}"`,
  ],
  result: { lines: 3, samples: 4, invalidLines: 1 },
};

test("parseStream gives the same rows whatever the chunk boundaries", async () => {
  const b = Buffer.from(body);
  for (let i = 0; i <= b.length; i++) {
    for (const blockSize of [1, 1 << 16]) {
      const c = await run(chunks([b.subarray(0, i), b.subarray(i)]), { blockSize });
      assert.deepEqual({ series: c.series, errors: c.errors, result: c.result }, expected, `split at ${i}, blockSize ${blockSize}`);
    }
  }
  const c = await run(chunked(b, 1), { blockSize: 1 });
  assert.deepEqual({ series: c.series, errors: c.errors, result: c.result }, expected, "one byte at a time");
});

test("parseStream decompresses gzip, deflate, zstd and snappy bodies", async () => {
  const f = async (encoding: string, data: Uint8Array) => {
    const c = await run(chunked(data, 5), { encoding });
    assert.deepEqual({ series: c.series, errors: c.errors, result: c.result }, expected, `encoding ${encoding}`);
  };
  await f("gzip", zlib.gzipSync(body));
  await f("deflate", zlib.deflateSync(body));
  await f("zstd", zlib.zstdCompressSync(body));
  const snappy = await run(chunks([Buffer.from("66a87b226d6574726963223a7b2261223a2262227d2c2276616c756573223a5b315d2c2274696d657374616d700911047d0aca3300", "hex")]), { encoding: "snappy" });
  assert.deepEqual(snappy.series, [`[["a","b"]]=1@1`, `[["a","b"]]=1@1`], "snappy");
});

function manyLines(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += `{"metric":{"__name__":"m","i":"${i}"},"values":[${i}],"timestamps":[${i}]}\n`;
  return s;
}

test("parseStream rejects a bad or truncated gzip body, keeping the batches already passed", async () => {
  const bad = await run(chunks([Buffer.from("definitely not gzip")]), { encoding: "gzip" });
  assert.equal(bad.failure, "cannot read vmimport data: cannot decompress gzip data: incorrect header check");
  assert.equal(bad.batches, 0);
  const gz = zlib.gzipSync(manyLines(20000));
  const cut = await run(chunked(gz.subarray(0, gz.length - 100), 4096), { encoding: "gzip" });
  assert.equal(cut.failure, "cannot read vmimport data: cannot decompress gzip data: unexpected end of file");
  assert.ok(cut.batches > 0 && cut.series.length > 1000 && cut.series.length < 20000, `${cut.series.length} lines passed before the error`);
  assert.equal(cut.series[0], `[["__name__","m"],["i","0"]]=0@0`);
});

test("parseStream rejects an unsupported encoding at once", async () => {
  const c = await run(chunks([Buffer.from(body)]), { encoding: "br" });
  assert.equal(c.failure, "cannot decode vmimport data: unsupported contentType: br");
});

test("parseStream rejects a line over maxLineLen after passing the lines before it", async () => {
  const line = `{"metric":{"a":"b"},"values":[1],"timestamps":[1]}\n`;
  const long = `{"metric":{"a":"${"x".repeat(100)}"},"values":[1],"timestamps":[1]}\n`;
  const c = await run(chunked(Buffer.from(line + line + long + line), 16), { maxLineLen: 100, blockSize: 1 });
  assert.equal(c.failure, "cannot read vmimport data: too long line: more than 100 bytes");
  assert.equal(c.series.length, 2);
  const ok = await run(chunks([Buffer.from(line + long)]), { maxLineLen: long.length });
  assert.equal(ok.failure, undefined);
  assert.equal(ok.series.length, 2);
});

test("parseStream waits for onRows' promise, reuses rows, and rethrows onRows' errors", async () => {
  const text = manyLines(3000);
  let pending = false;
  let seen: ImportRows | undefined;
  let batches = 0;
  const res = await parseStream(
    chunks([Buffer.from(text)]),
    { blockSize: 4096 },
    async (rows) => {
      assert.equal(pending, false, "onRows called again before its promise settled");
      if (seen !== undefined) assert.equal(rows, seen, "the rows object is reused");
      seen = rows;
      batches++;
      pending = true;
      await new Promise((r) => setImmediate(r));
      pending = false;
    },
    () => assert.fail("no bad lines expected"),
  );
  assert.deepEqual(res, { lines: 3000, samples: 3000, invalidLines: 0 });
  assert.ok(batches > 10, `${batches} batches`);

  const boom = new Error("storage is full");
  await assert.rejects(
    parseStream(chunks([Buffer.from(text)]), { blockSize: 4096 }, () => {
      throw boom;
    }, () => {}),
    (e) => e === boom,
  );
});
