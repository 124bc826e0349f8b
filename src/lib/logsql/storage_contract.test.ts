// Runs the same queries over the real log storage and over MemoryLogSource: the
// answers must agree (stream ids aside), before and after the rows are flushed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LogStorage } from "../logstorage/index.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";
import { parseQuery } from "./parser.ts";
import { executeQuery } from "./execute.ts";
import { formatRowBatchJSONLines } from "./json_lines.ts";

test("queries over LogStorage agree with the in-memory source", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logsql-contract-"));
  const T0 = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  const msgs = ["error: disk full", "GET /x 200 5ms", '{"a":1,"b":{"c":"x"}}', 'k=v x="y z"', "warn slow", "Привет мир", "errors happened", "10.0.0.1 connected"];
  const rows: MemoryRow[] = [];
  for (let i = 0; i < 2000; i++) {
    rows.push({
      timestampNs: T0 + BigInt(i) * 1_000_000_000n,
      fields: [
        { name: "_msg", value: msgs[i % msgs.length] },
        { name: "app", value: "a" + (i % 3) },
        { name: "n", value: String(((i * 7) % 13) - 3) },
        { name: "ip", value: `10.0.${i % 4}.${i % 250}` },
        { name: "c", value: "const" },
        ...(i % 5 === 0 ? [{ name: "opt", value: "x" + i }] : []),
      ],
      streamFields: ["app"],
    });
  }
  const st = await LogStorage.open(dir, { useWorkers: false, backgroundMerges: false, flushIntervalMs: 0 });
  try {
    const b = st.newBatch();
    for (const r of rows) b.addRow({ accountID: 0, projectID: 0 }, r.timestampNs, r.fields, r.streamFields!);
    st.commit(b);
    const mem = new MemoryLogSource(rows, 500);
    const ALL = { tenants: [{ accountID: 0, projectID: 0 }], minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n };
    const queries = [
      "error", "err*", "n:>5", "n:range[0, 3)", "c:const", "c:=const", "c:other", "opt:*", "-opt:*", "ip:ipv4_range(10.0.1.0/24)",
      '{app="a1"} warn', '{app=~"a[02]"}', "i(GET)", '~"d.sk"', "Привет", "app:in(a0, a2) error", "opt:x10", "n:<-1",
      "* | stats by (app) count() c, sum(n) s", "* | stats by (_time:10m) count()", "error | fields _msg, _time, app | sort by (_time) | limit 3",
      "* | uniq by (ip) | stats count()", "* | field_names", "* | top 3 by (n)", "_time:30m | stats count()",
    ];
    const norm = (x: string): string => x.replace(/"_stream_id":"[0-9a-f]{32}",?/g, "").split("\n").sort().join("\n");
    const bad: string[] = [];
    for (const phase of ["in memory", "flushed"]) {
      if (phase === "flushed") await st.forceFlush();
      for (const q of queries) {
        let a = "";
        let m = "";
        const pq = parseQuery(q);
        await executeQuery(pq, st, ALL, (x) => (a += formatRowBatchJSONLines(x)));
        await executeQuery(pq, mem, ALL, (x) => (m += formatRowBatchJSONLines(x)));
        if (norm(a) !== norm(m)) bad.push(`[${phase}] ${q}`);
        if (a === "" && !q.startsWith("c:other")) bad.push(`[${phase}] ${q}: no rows`);
      }
    }
    assert.deepEqual(bad, []);
  } finally {
    await st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
