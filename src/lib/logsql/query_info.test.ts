import { test } from "node:test";
import assert from "node:assert/strict";
import { parseQuery } from "./parser.ts";
import { printFilter, printQuery } from "./printer.ts";
import { addExtraFilters, canLiveTail, hits, parseExtraFilters, statsQueryInfo, withStatsTimeStep } from "./query_info.ts";
import { queryTimeRange } from "./execute.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";
import { formatRowBatchJSONLines } from "./json_lines.ts";
import { LogsQLParseError } from "./logsql_parse_error.ts";

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
const ALL = { tenants: [{ accountID: 0, projectID: 0 }], minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n };

test("parseExtraFilters: JSON objects and LogsQL", () => {
  const f = (arg: string, stream: boolean, want: string): void => {
    const got = parseExtraFilters(arg, stream, T0);
    assert.equal(got === undefined ? "" : printFilter(got), want, `parseExtraFilters(${JSON.stringify(arg)}, ${stream})`);
  };
  f("", false, "");
  f('{"app":"nginx"}', false, "app:=nginx");
  f('{"app":["a","b c"],"x":"1"}', false, 'app:in(a, "b c") x:=1');
  f('{"app":[]}', false, "");
  f("level:error -foo", false, "level:error !foo");
  f('{"app":"nginx"}', true, '{app="nginx"}');
  f('{"app":["a.b","c"]}', true, '{app=~"a\\\\.b|c"}');
  f('{app="x"}', true, '{app="x"}');
  assert.throws(() => parseExtraFilters('{"a":1}', false), LogsQLParseError);
  assert.throws(() => parseExtraFilters("a:(", false), LogsQLParseError);
});

test("addExtraFilters ANDs to the query", () => {
  const q = parseQuery("error | stats count()", T0);
  assert.equal(printQuery(addExtraFilters(q, ['{"app":"x"}'], ['{"host":"h"}'], T0)), 'error app:=x {host="h"} | stats count(*)');
  assert.equal(printQuery(addExtraFilters(parseQuery("*", T0), ["a"], [], T0)), "a");
});

test("statsQueryInfo and withStatsTimeStep", () => {
  assert.deepEqual(statsQueryInfo(parseQuery("* | stats by (a, _time:1h) count() c, sum(x)", T0)), { byFields: ["a", "_time"], resultNames: ["c", "sum(x)"] });
  assert.throws(() => statsQueryInfo(parseQuery("* | stats count() | sort", T0)), /must be stats/);
  assert.throws(() => statsQueryInfo(parseQuery("*", T0)), LogsQLParseError);
  assert.equal(printQuery(withStatsTimeStep(parseQuery("* | stats by (a) count()", T0), "5m")), "* | stats by (a, _time:5m) count(*)");
  assert.equal(printQuery(withStatsTimeStep(parseQuery("* | stats by (_time:1h, a) count()", T0), "5m", "1h")), "* | stats by (a, _time:5m offset 1h) count(*)");
});

test("queryTimeRange", () => {
  const f = (q: string, min: bigint, max: bigint): void => assert.deepEqual(queryTimeRange(parseQuery(q, T0)), { min, max }, q);
  const MIN = -(2n ** 63n);
  const MAX = 2n ** 63n - 1n;
  f("error", MIN, MAX);
  f("_time:1m", T0 - 60_000_000_000n, T0 - 1n);
  f("_time:>2023-11-14 error", T0 - 22n * 3600n * 1_000_000_000n - 13n * 60_000_000_000n - 20_000_000_000n + 1n, MAX);
  f("_time:[1700000000, 1700000010) _time:[1700000005, 1700000020)", T0 + 5_000_000_000n, T0 + 10_000_000_000n - 1n);
  f("_time:[1700000000, 1700000010) or _time:[1700000005, 1700000020)", T0, T0 + 20_000_000_000n - 1n);
  f("_time:[1700000000, 1700000010) or error", MIN, MAX);
});

test("hits: counts per step, per field, fields_limit", async () => {
  const rows: MemoryRow[] = [];
  const apps = ["a", "a", "b", "c", "a", "b"];
  apps.forEach((app, i) => rows.push({ timestampNs: T0 + BigInt(i) * 30_000_000_000n, fields: [{ name: "_msg", value: "x" }, { name: "app", value: app }] }));
  const src = new MemoryLogSource(rows);
  const q = parseQuery("x | sort by (app)", T0);
  assert.deepEqual(await hits(q, src, ALL, { step: "1m" }), [
    { fields: {}, timestamps: ["2023-11-14T22:13:00Z", "2023-11-14T22:14:00Z", "2023-11-14T22:15:00Z"], values: [2, 2, 2], total: 6 },
  ]);
  assert.deepEqual(await hits(q, src, ALL, { step: "1h", offset: "30m", fields: ["app"] }), [
    { fields: { app: "a" }, timestamps: ["2023-11-14T21:30:00Z"], values: [3], total: 3 },
    { fields: { app: "b" }, timestamps: ["2023-11-14T21:30:00Z"], values: [2], total: 2 },
    { fields: { app: "c" }, timestamps: ["2023-11-14T21:30:00Z"], values: [1], total: 1 },
  ]);
  assert.deepEqual(await hits(q, src, ALL, { step: "1h", fields: ["app"], fieldsLimit: 1 }), [
    { fields: { app: "a" }, timestamps: ["2023-11-14T22:00:00Z"], values: [3], total: 3 },
    { fields: {}, timestamps: ["2023-11-14T22:00:00Z"], values: [3], total: 3 },
  ]);
  await assert.rejects(hits(q, src, ALL, { step: "0s" }), LogsQLParseError);
});

test("formatRowBatchJSONLines", () => {
  assert.equal(formatRowBatchJSONLines({ rowsCount: 0, columns: [] }), "");
  assert.equal(
    formatRowBatchJSONLines({ rowsCount: 2, columns: [{ name: "_msg", values: ["a\"b", "é\n"] }, { name: "x", values: ["1", ""] }] }),
    '{"_msg":"a\\"b","x":"1"}\n{"_msg":"é\\n","x":""}\n',
  );
});

test("canLiveTail", () => {
  const f = (q: string, want: boolean): void => assert.equal(canLiveTail(parseQuery(q, T0)), want, q);
  f("error", true);
  f("error | fields a | extract \"<a> <b>\" | filter a:x", true);
  f("* | stats count()", false);
  f("* | sort by (a)", false);
  f("* | limit 5", false);
  f("* | uniq by (a)", false);
});
