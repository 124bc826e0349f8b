import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStream } from "./stream.ts";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

test("parseStream batches lines, fills missing timestamps and numbers bad lines", async () => {
  const got: string[] = [];
  const errors: string[] = [];
  const body = chunks("a 1\nb 2 1700000000000\nbad\n", "c{x=\"y\"} 3 0\n# c", "omment\nd 4");
  const res = await parseStream(body, { defaultTimestamp: 1234, blockSize: 8 }, (rows) => {
    for (let i = 0; i < rows.lines; i++) got.push(`${rows.labels[i]!.map((l) => l.join("=")).join(",")} ${rows.values[i]} ${rows.timestamps[i]}`);
  }, (n, m) => errors.push(`${n}: ${m}`));
  assert.deepEqual(got, ["__name__=a 1 1234", "__name__=b 2 1700000000000", "__name__=c,x=y 3 1234", "__name__=d 4 1234"]);
  assert.deepEqual(errors, ['3: cannot unmarshal Prometheus line "bad": missing value']);
  assert.deepEqual(res, { rows: 4, invalidLines: 1, lines: 6 });
});

test("parseStream uses the current time without a default timestamp", async () => {
  const before = Date.now();
  let ts = 0;
  await parseStream(chunks("a 1"), {}, (rows) => { ts = rows.timestamps[0]!; }, () => {});
  assert.ok(ts >= before && ts <= Date.now(), `timestamp ${ts}`);
});

test("parseStream rejects a too long line after passing the lines before it", async () => {
  const got: number[] = [];
  await assert.rejects(
    parseStream(chunks("a 1\n", "b " + "1".repeat(100) + "\n"), { maxLineLen: 50, blockSize: 1 }, (rows) => { got.push(rows.lines); }, () => {}),
    /^Error: cannot read Prometheus exposition data: too long line: more than 50 bytes$/,
  );
  assert.deepEqual(got, [1]);
});
