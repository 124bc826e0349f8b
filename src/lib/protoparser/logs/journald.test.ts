import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FakeIngester } from "./_test_ingester.ts";
import { defaultCommonParams } from "./common_params.ts";
import { JournaldReader, journaldParams } from "./journald.ts";
import { LogParseError } from "./parse_error.ts";
import { LogRowProcessor } from "./row_processor.ts";

function binaryField(name: string, value: Buffer): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(value.length));
  return Buffer.concat([Buffer.from(name + "\n"), len, value, Buffer.from("\n")]);
}

function run(body: Buffer, chunk: number, includeEntryMetadata = false) {
  const ing = new FakeIngester();
  const params = journaldParams(defaultCommonParams(), "__REALTIME_TIMESTAMP", ["_HOSTNAME", "_SYSTEMD_UNIT"], []);
  const p = new LogRowProcessor({ ingester: ing, params, type: "test", defaultMsgValue: "", maxFieldsPerLine: 1000 });
  const r = new JournaldReader(p, { includeEntryMetadata, maxEntrySize: 1 << 16 });
  for (let i = 0; i < body.length; i += chunk) r.push(body.subarray(i, i + chunk));
  r.end();
  p.close();
  return ing.rows;
}

const sample = Buffer.concat([
  Buffer.from("__CURSOR=s=abc\n__REALTIME_TIMESTAMP=1700000000123456\n_HOSTNAME=h1\n_SYSTEMD_UNIT=nginx.service\nPRIORITY=3\nMESSAGE=first\nbad-name=x\n\n"),
  Buffer.from("__REALTIME_TIMESTAMP=1700000001000000\n_HOSTNAME=h1\n"),
  binaryField("MESSAGE", Buffer.from("multi\nline\n\nmessage")),
  Buffer.from("CUSTOM=v\n\n"),
  Buffer.from("_HOSTNAME=h2\nMESSAGE=no time, no final newline"),
]);

test("JournaldReader: text and binary fields, across chunk sizes", () => {
  for (const chunk of [1, 3, 7, 1000]) {
    const rows = run(sample, chunk);
    assert.deepEqual(rows.slice(0, 2).map((r) => [r.ts, r.fields, r.stream]), [
      [1700000000_123456000n, { _HOSTNAME: "h1", _SYSTEMD_UNIT: "nginx.service", level: "error", PRIORITY: "3", _msg: "first" }, ["_HOSTNAME", "_SYSTEMD_UNIT"]],
      [1700000001_000000000n, { _HOSTNAME: "h1", _msg: "multi\nline\n\nmessage", CUSTOM: "v" }, ["_HOSTNAME", "_SYSTEMD_UNIT"]],
    ], `chunk=${chunk}`);
    assert.deepEqual(rows[2]!.fields, { _HOSTNAME: "h2", _msg: "no time, no final newline" });
    assert.equal(rows.length, 3);
  }
});

test("JournaldReader: entry metadata kept on request", () => {
  const rows = run(Buffer.from("__CURSOR=c\nMESSAGE=m\n\n"), 100, true);
  assert.deepEqual(rows[0]!.fields, { __CURSOR: "c", _msg: "m" });
});

test("JournaldReader: malformed binary fields throw LogParseError", () => {
  const f = (b: Buffer) => assert.throws(() => run(b, 5), LogParseError, b.toString("hex"));
  f(Buffer.concat([Buffer.from("MESSAGE\n"), Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("abc")]));
  f(Buffer.concat([Buffer.from("MESSAGE\n"), Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("abcX\n")]));
  f(Buffer.concat([Buffer.from("MESSAGE\n"), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), Buffer.from("\n")]));
});

test("JournaldReader: random data throws only LogParseError", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (b, chunk) => {
    try {
      run(Buffer.from(b), chunk);
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  }), { numRuns: 1000 });
});
