import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultInfluxOptions } from "./parser.ts";
import { parseStream } from "./stream.ts";

async function* chunks(parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function run(parts: string[], maxLineLen?: number, blockSize?: number) {
  const names: string[] = [];
  const errors: string[] = [];
  const res = await parseStream(chunks(parts), { options: { ...defaultInfluxOptions(), nowMs: 1 }, maxLineLen, blockSize }, (rows) => {
    for (let i = 0; i < rows.lines; i++) names.push(`${rows.labels[i]!.at(-1)![1]}=${rows.values[rows.offsets[i]!]}`);
  }, (n, msg) => errors.push(`${n}: ${msg.slice(0, 40)}`));
  return { names, errors, res };
}

test("parseStream parses lines split anywhere across chunks, in batches, with line numbers", async () => {
  const got = await run(["a v=1\nb v", "=2\nbad\n", "c v=3,w=4\r\n\n# x\nd", " v=5"], undefined, 8);
  assert.deepEqual(got.names, ["a_v=1", "b_v=2", "c_v=3", "c_w=4", "d_v=5"]);
  assert.deepEqual(got.errors, [`3: cannot parse InfluxDB line "bad": cannot`]);
  assert.deepEqual(got.res, { lines: 4, samples: 5, invalidLines: 1 });
});

test("parseStream fails on a too long line after passing the lines before it", async () => {
  const names: string[] = [];
  await assert.rejects(
    parseStream(chunks(["a v=1\n", "b v=" + "1".repeat(100) + "\n"]), { options: defaultInfluxOptions(), maxLineLen: 50, blockSize: 1 }, (rows) => {
      names.push(rows.labels[0]!.at(-1)![1]);
    }, () => {}),
    { message: "cannot read influx line protocol data: too long line: more than 50 bytes" },
  );
  assert.deepEqual(names, ["a_v"]);
});

test("parseStream rethrows an error of onRows unchanged and waits for its promise", async () => {
  const boom = new Error("boom");
  await assert.rejects(parseStream(chunks(["a v=1\n"]), { options: defaultInfluxOptions() }, () => { throw boom; }, () => {}), (e) => e === boom);
  let done = false;
  await parseStream(chunks(["a v=1\n"]), { options: defaultInfluxOptions() }, async () => {
    await new Promise((r) => setTimeout(r, 20));
    done = true;
  }, () => {});
  assert.ok(done);
});

test("parseStream with batchSamples hands over rows of several blocks together, and the rest at the end", async () => {
  const f = async (batchSamples: number | undefined, want: string[]) => {
    const batches: string[] = [];
    const res = await parseStream(chunks(["a v=1\nb v=2,w=3\n", "c v=4\nd v=5\n", "e v=6\n"]), { options: { ...defaultInfluxOptions(), nowMs: 1 }, blockSize: 1, batchSamples }, (rows) => {
      const names: string[] = [];
      for (let i = 0; i < rows.lines; i++) names.push(rows.labels[i]!.at(-1)![1]);
      batches.push(names.join(" "));
    }, () => {});
    assert.deepEqual(batches, want, `batches with batchSamples=${batchSamples}`);
    assert.equal(res.samples, 6);
  };
  await f(undefined, ["a_v", "b_v b_w", "c_v", "d_v", "e_v"]);
  await f(3, ["a_v b_v b_w", "c_v d_v e_v"]);
  await f(4, ["a_v b_v b_w c_v", "d_v e_v"]);
  await f(100, ["a_v b_v b_w c_v d_v e_v"]);
});

test("parseStream with batchSamples hands over the rows parsed before a read error", async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from("a v=1\nb v=2\n");
    throw new Error("connection reset");
  }
  const names: string[] = [];
  await assert.rejects(parseStream(failing(), { options: defaultInfluxOptions(), blockSize: 1, batchSamples: 100 }, (rows) => {
    for (let i = 0; i < rows.lines; i++) names.push(rows.labels[i]!.at(-1)![1]);
  }, () => {}), { message: "cannot read influx line protocol data: connection reset" });
  assert.deepEqual(names, ["a_v", "b_v"]);
});
