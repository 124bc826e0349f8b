import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FakeIngester } from "./_test_ingester.ts";
import { defaultCommonParams, type CommonParams } from "./common_params.ts";
import { processJsonLines } from "./jsonline.ts";
import { LinesReader } from "./lines_reader.ts";
import { LogRowProcessor } from "./row_processor.ts";

async function* chunksOf(s: string | Buffer, size: number): AsyncGenerator<Uint8Array> {
  const b = typeof s === "string" ? Buffer.from(s) : s;
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function run(body: string, chunk = 7, params: Partial<CommonParams> = {}, maxLine = 1000) {
  const ing = new FakeIngester();
  const p = new LogRowProcessor({ ingester: ing, params: { ...defaultCommonParams(), ...params }, type: "test", defaultMsgValue: "", maxFieldsPerLine: 1000, now: () => 1n });
  const invalid: number[] = [];
  const res = await processJsonLines(chunksOf(body, chunk), p, maxLine, (n) => invalid.push(n));
  p.close();
  return { rows: ing.rows, res, invalid };
}

test("LinesReader: lines across chunks, CRLF, last line without newline, too long lines", () => {
  const f = (input: string, chunk: number, max: number, want: string[], wantTooLong = 0) => {
    const got: string[] = [];
    const lr = new LinesReader(max, (t, s, e) => got.push(t.slice(s, e)));
    const b = Buffer.from(input);
    for (let i = 0; i < b.length; i += chunk) lr.push(b.subarray(i, i + chunk));
    lr.end();
    assert.deepEqual(got, want, `input=${JSON.stringify(input)} chunk=${chunk} max=${max}`);
    assert.equal(lr.tooLongLines, wantTooLong, `too long lines for ${JSON.stringify(input)} chunk=${chunk}`);
  };
  f("a\nb\n", 1, 10, ["a", "b"]);
  f("a\r\nbb\r\n\nccc", 2, 10, ["a", "bb", "", "ccc"]);
  f("héllo\nwörld", 1, 10, ["héllo", "wörld"]);
  f("short\n" + "x".repeat(20) + "\nok\n", 3, 10, ["short", "ok"], 1);
  f("short\n" + "x".repeat(20) + "\nok\n", 100, 10, ["short", "ok"], 1);
  f("x".repeat(20), 100, 10, [], 1);
  f("é".repeat(6) + "\n", 100, 10, [], 1);
});

test("processJsonLines: rows, invalid lines skipped, the rest kept", async () => {
  const body = [
    '{"_time":"2024-01-02T03:04:05Z","_msg":"one","host":"h1"}',
    "",
    "not json",
    '{"_msg":"two","n":{"a":1}}',
    '{"_time":"bad","_msg":"three"}',
    "   ",
    '{"_msg":"four"}',
  ].join("\n");
  for (const chunk of [1, 5, 1000]) {
    const { rows, res, invalid } = await run(body, chunk, { streamFields: ["host"] });
    assert.deepEqual(rows.map((r) => r.fields._msg), ["one", "two", "four"], `chunk=${chunk}`);
    assert.equal(rows[0]!.ts, 1704164645_000000000n);
    assert.deepEqual(rows[0]!.stream, ["host"]);
    assert.deepEqual(rows[1]!.fields, { _msg: "two", "n.a": "1" });
    assert.deepEqual(res, { lines: 5, invalid: 2, lastError: res.lastError });
    assert.deepEqual(invalid, [3, 5]);
    assert.match(res.lastError, /cannot parse timestamp/);
  }
});

test("processJsonLines: _msg_field and _time_field", async () => {
  const { rows } = await run('{"message":"m","ts":"1700000000000"}\n', 4, { msgFields: ["message"], timeFields: ["ts"], isTimeFieldSet: true });
  assert.deepEqual(rows.map((r) => [r.ts, r.fields]), [[1700000000_000000000n, { _msg: "m" }]]);
});

test("processJsonLines: random and mutated bodies never throw", async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.json(), fc.string()), { maxLength: 10 }), fc.integer({ min: 1, max: 50 }), async (lines, chunk) => {
    const { res } = await run(lines.join("\n"), chunk, {}, 64);
    assert.ok(res.invalid <= res.lines);
  }), { numRuns: 300 });
});
