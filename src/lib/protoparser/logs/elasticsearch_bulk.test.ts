import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FakeIngester } from "./_test_ingester.ts";
import { defaultCommonParams, type CommonParams } from "./common_params.ts";
import { bulkParams, bulkResponse, parseElasticsearchTimestamp, processBulk } from "./elasticsearch_bulk.ts";
import { LogParseError } from "./parse_error.ts";
import { LogRowProcessor } from "./row_processor.ts";

async function run(body: string, params: Partial<CommonParams> = {}) {
  const ing = new FakeIngester();
  const p = new LogRowProcessor({ ingester: ing, params: bulkParams({ ...defaultCommonParams(), ...params }), type: "test", defaultMsgValue: "", maxFieldsPerLine: 1000 });
  const bad: number[] = [];
  const res = await processBulk((async function* () { yield Buffer.from(body); })(), p, 1 << 20, (n) => bad.push(n));
  p.close();
  return { rows: ing.rows, res, bad };
}

test("processBulk: create/index pairs with the ES defaults", async () => {
  const body = [
    '{"create":{"_index":"logs"}}',
    '{"@timestamp":"2024-01-02T03:04:05.000Z","message":"one","host":{"name":"h"}}',
    '{"index":{}}',
    '{"@timestamp":"2024-01-02","message":"two"}',
    "",
    '{"delete":{"_id":"1"}}',
    '{"create":{}}',
    "{broken",
    '{"create":{}}',
    '{"message":"three","@timestamp":1704164645000}',
  ].join("\n") + "\n";
  const { rows, res, bad } = await run(body);
  assert.deepEqual(rows.map((r) => [r.ts, r.fields]), [
    [1704164645_000000000n, { _msg: "one", "host.name": "h" }],
    [1704153600_000000000n, { _msg: "two" }],
    [1704164645_000000000n, { _msg: "three" }],
  ]);
  assert.equal(res.lines, 3);
  assert.equal(res.invalid, 2);
  assert.deepEqual(bad, [6, 8]);
});

test("processBulk: _msg_field and _time_field override the defaults", async () => {
  const { rows } = await run('{"index":{}}\n{"log":"L","t":"1700000000","message":"M"}\n', { msgFields: ["log"], timeFields: ["t"], isTimeFieldSet: true });
  assert.deepEqual(rows.map((r) => [r.ts, r.fields]), [[1700000000_000000000n, { _msg: "L", message: "M" }]]);
});

test("bulkResponse", () => {
  const f = (n: number, want: string) => assert.equal(bulkResponse(n, 5), want, `n=${n}`);
  f(0, '{"took":5,"errors":false,"items":[]}');
  f(2, '{"took":5,"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}');
  assert.deepEqual(JSON.parse(bulkResponse(3, 1)).items.length, 3);
});

test("parseElasticsearchTimestamp", () => {
  const f = (s: string, want: bigint) => assert.equal(parseElasticsearchTimestamp(s), want, s);
  f("", 0n);
  f("0", 0n);
  f("2024-02-29", 1709164800_000000000n);
  f("1704164645", 1704164645_000000000n);
  assert.throws(() => parseElasticsearchTimestamp("2024-02-30"), LogParseError);
  assert.throws(() => parseElasticsearchTimestamp("soon"), LogParseError);
});

test("processBulk: random bodies never throw", async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.json(), fc.constant('{"create":{}}'), fc.string()), { maxLength: 10 }), async (lines) => {
    const { res } = await run(lines.join("\n"));
    assert.ok(res.lines >= 0);
  }), { numRuns: 300 });
});
