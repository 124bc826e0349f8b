import fc from "fast-check";
import { test } from "node:test";
import { parseQuery } from "./parser.ts";
import { executeQuery } from "./execute.ts";
import { LogsQLParseError } from "./logsql_parse_error.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";
const T0 = 1700000000000000000n;
const rows: MemoryRow[] = [];
const msgs = ["error: disk full", "GET /x 200 5ms", '{"a":1,"b":{"c":"x"}}', "k=v x=\"y z\"", "", "Привет", "[1,2,3]", "10.0.0.1"];
for (let i = 0; i < 50; i++) rows.push({ timestampNs: T0 + BigInt(i) * 1_000_000_000n, fields: [{ name: "_msg", value: msgs[i % msgs.length] }, { name: "app", value: "a" + (i % 3) }, { name: "n", value: String((i * 7) % 13 - 3) }, { name: "ip", value: `10.0.${i % 4}.${i}` }], streamFields: ["app"] });
const src = new MemoryLogSource(rows, 7);
const pieces = ["*", "error", "n:>2", "app:a1", '~"d+"', "i(get)", "_time:1h", "-x", "ip:ipv4_range(10.0.0.0/16)", "n:range[0,5)", "len_range(1,10)", '"GET /x"', "seq(GET, ms)", "app:in(a0,a2)"];
const pipes = ["fields _msg, n", "delete app", "rename n as m", "copy n as m", "limit 3", "offset 2", "sort by (n desc)", "sort by (n) partition by (app) limit 1 rank as r", "stats by (app) count() c, sum(n) s, avg(n), min(n), max(n), median(n), quantile(0.1, n), count_uniq(ip), uniq_values(app), values(n) limit 2, row_min(n), row_max(n, app), histogram(n), json_values(n) limit 3, sum_len(_msg), rate(), rate_sum(n), any(app), stddev(n), count_empty(x), row_any(app)", "stats by (_time:5s, n:2, ip:/24) count()", "uniq by (app) with hits", "top 2 by (n)", "filter n:<5", "field_names", "field_values app", "facets", 'extract "<a>: <b>"', 'extract_regexp "(?P<x>\\\\d+)"', 'format "<app>-<n>" as f', "unpack_json", "unpack_logfmt", "pack_json", "pack_logfmt", "math n * 2 + ip as z, z / 0 as w", 'replace ("0", "o")', 'replace_regexp ("\\\\d", "#")', "len(_msg)", "hash(_msg)", "json_array_len(_msg)", "first 2 by (n)", "last 2 by (n)", "drop_empty_fields", "decolorize", "collapse_nums prettify", "unroll by (_msg)", "sample 2", "unpack_words drop_duplicates", "union (app:a0 | limit 1)", "join by (app) (* | stats by (app) count() c)", "blocks_count", "unpack_syslog"];
test("fast-check: random valid queries with every pipe execute without internal errors", async () => {
await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom(...pipes), { maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 5 })), async (fs, ps, limit) => {
  const q = [fs.join(" "), ...ps].join(" | ");
  try {
    await executeQuery(parseQuery(q, T0 + 3600n * 1_000_000_000n), src, { tenants: [{ accountID: 0, projectID: 0 }], minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n, limit: limit ?? undefined }, (b) => {
      for (const c of b.columns) if (c.values.length !== b.rowsCount || c.values.some((v) => typeof v !== "string")) throw new Error(`bad column ${c.name} in ${q}`);
    });
  } catch (e) {
    if (e instanceof LogsQLParseError) return;
    throw new Error(`query ${q}: ${(e as Error).stack}`);
  }
}), { numRuns: 400 });
});
