import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseQuery } from "./parser.ts";
import { executeQuery } from "./execute.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";
import { getColumn } from "./row_batch.ts";
import { matchPhrase, matchPrefix, applyFilter, keepTimeRange } from "./filter_eval.ts";
import { tokenize } from "../logstorage/index.ts";
import { compileRegexp } from "./regexp.ts";
import { blockSource } from "./block_source.ts";
import type { LogBlock } from "../logstorage/index.ts";

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z, a Tuesday
const SEC = 1_000_000_000n;
const TENANTS = [{ accountID: 0, projectID: 0 }];
const ALL = { tenants: TENANTS, minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n };

function row(id: number, msg: string, fields: Record<string, string>, tsOffsetSec = id): MemoryRow {
  return {
    timestampNs: T0 + BigInt(tsOffsetSec) * SEC,
    fields: [{ name: "_msg", value: msg }, { name: "id", value: String(id) }, ...Object.entries(fields).map(([name, value]) => ({ name, value }))],
    streamFields: ["app"],
  };
}

const ROWS: MemoryRow[] = [
  row(1, "error: disk full", { app: "nginx", level: "error", n: "5", ip: "10.0.0.1", dur: "1.5s" }),
  row(2, "errors happened", { app: "nginx", level: "warn", n: "15", ip: "10.0.1.1", dur: "300ms" }),
  row(3, "warn: slow request ERROR", { app: "api", n: "7", ip: "192.168.1.1", path: "/api/v1", a: "7", b: "7" }),
  row(4, "foo bar baz", { app: "api", n: "-3.5", user: "alice", a: "1", b: "2" }),
  row(5, "bar foo", { app: "db", n: "abc", user: "bob", a: "3", b: "2" }),
  row(6, "Привет мир", { app: "db", tags: '["x","y"]' }),
  row(7, "", { app: "db", x: "1" }),
  row(8, "user_id=42 took 1234ms", { app: "api", n: "18446744073709551615" }, 86400 * 2 + 3600 * 9),
];

const src = new MemoryLogSource(ROWS, 3);

async function ids(q: string, opts: Partial<typeof ALL> = {}): Promise<string[]> {
  const out: string[] = [];
  await executeQuery(parseQuery(q, T0 + 100n * SEC), src, { ...ALL, ...opts }, (b) => {
    const v = getColumn(b, "id");
    if (v !== undefined) out.push(...v);
  });
  return out.map(Number).sort((a, b) => a - b).map(String);
}

test("filters select the rows VictoriaLogs selects", async () => {
  const bad: string[] = [];
  const f = async (q: string, want: number[]): Promise<void> => {
    const got = await ids(q);
    if (JSON.stringify(got) !== JSON.stringify(want.map(String))) bad.push(`${q}: got [${got.join(",")}], want [${want.join(",")}]`);
  };
  // word and phrase: whole tokens only
  await f("error", [1]);
  await f("errors", [2]);
  await f("ERROR", [3]);
  await f("err", []);
  await f('"disk full"', [1]);
  await f('"isk full"', []);
  await f('"bar foo"', [5]);
  await f("foo bar", [4, 5]);
  await f("мир", [6]);
  await f("ms", []);
  await f("1234ms", [8]);
  await f('"user_id=42"', [8]);
  await f('id:""', []);
  await f('x:""', [1, 2, 3, 4, 5, 6, 8]);
  await f('""', [7]);
  // prefix and substring
  await f("err*", [1, 2]);
  await f("ERR*", [3]);
  await f('"disk f"*', [1]);
  await f("*isk*", [1]);
  await f("user:*", [4, 5]);
  await f("*", [1, 2, 3, 4, 5, 6, 7, 8]);
  await f("_msg:*", [1, 2, 3, 4, 5, 6, 8]);
  // case-insensitive
  await f("i(error)", [1, 3]);
  await f("i(ERR*)", [1, 2, 3]);
  await f('i("WARN: slow")', [3]);
  // exact and exact prefix
  await f('level:="error"', [1]);
  await f('level:="err"', []);
  await f("level:=err*", [1]);
  await f('_msg:="bar foo"', [5]);
  // in, contains_all, contains_any, seq
  await f("user:in(bob, carol)", [5]);
  await f("level:in(error, warn)", [1, 2]);
  await f("contains_all(foo, bar)", [4, 5]);
  await f("contains_any(disk, baz)", [1, 4]);
  await f('seq(foo, baz)', [4]);
  await f('seq(baz, foo)', []);
  await f('seq("bar", foo)', [5]);
  // regexp (unanchored)
  await f('~"err(or|ors)"', [1, 2]);
  await f('~"^bar"', [5]);
  await f('~"(?i)error$"', [3]);
  await f('path:~"/api/v[0-9]"', [3]);
  await f('re("disk|мир")', [1, 6]);
  // ranges
  await f("n:>5", [2, 3, 8]);
  await f("n:>=5", [1, 2, 3, 8]);
  await f("n:<0", [4]);
  await f("n:<=7", [1, 3, 4]);
  await f("n:range[5, 15)", [1, 3]);
  await f("n:range(5, 15]", [2, 3]);
  await f("dur:>1s", [1]);
  await f("dur:<1s", [2]);
  await f("n:>1e19", [8]);
  await f("user:>b", [5]);
  await f("user:<b", [1, 2, 3, 4, 6, 7, 8]); // empty values are below "b" too
  await f("user:string_range(a, b)", [4]);
  await f("user:len_range(4, 5)", [4]);
  await f("_msg:len_range(0, 0)", [7]);
  await f("ip:ipv4_range(10.0.0.0/16)", [1, 2]);
  await f("ip:ipv4_range(10.0.0.0, 10.0.0.255)", [1]);
  await f("ip:ipv4_range(192.168.1.1)", [3]);
  await f("n:value_type(uint64)", [8]);
  await f("n:value_type(uint8)", [1, 2, 3]);
  await f("n:value_type(float64)", [4]);
  await f("ip:value_type(ipv4)", [1, 2, 3]);
  // field comparisons
  await f("a:eq_field(b)", [1, 2, 3, 6, 7, 8]); // rows lacking both fields have equal (empty) values
  await f("a:lt_field(b)", [4]);
  await f("a:le_field(b)", [1, 2, 3, 4, 6, 7, 8]);
  // time
  await f("_time:[2023-11-14T22:13:21Z, 2023-11-14T22:13:23Z)", [1, 2]);
  await f("_time:[2023-11-14T22:13:21Z, 2023-11-14T22:13:23Z]", [1, 2, 3]);
  await f("_time:(2023-11-14T22:13:21Z, 2023-11-14T22:13:23Z]", [2, 3]);
  await f("_time:2023-11-14T22:13:25Z", [5]);
  await f("_time:2023-11-17", [8]);
  await f("_time:2023-11-16", []);
  await f("_time:>=2023-11-15", [8]);
  await f("_time:<2023-11-14T22:13:22Z", [1]);
  await f("_time:95s", [5, 6, 7]); // now = T0+100s: [T0+5s, T0+100s)
  await f("_time:10s offset 92s", [1, 2, 3, 4, 5, 6, 7].filter((i) => i >= -2 && i < 8));
  await f("_time:[1700000003, 1700000005)", [3, 4]);
  await f("_time:day_range[07:00, 08:00)", [8]);
  await f("_time:day_range[02:00, 03:00) offset -5h", [8]);
  await f("_time:day_range[22:00, 23:00)", [1, 2, 3, 4, 5, 6, 7]);
  await f("_time:day_range[00:00, 01:00) offset 2h", [1, 2, 3, 4, 5, 6, 7]);
  await f("_time:week_range[Tue, Tue]", [1, 2, 3, 4, 5, 6, 7]);
  await f("_time:week_range[Wed, Sat]", [8]);
  // streams
  await f('{app="nginx"}', [1, 2]);
  await f('{app=~"n.*|db"}', [1, 2, 5, 6, 7]);
  await f('{app!="db"}', [1, 2, 3, 4, 8]);
  await f('_stream:{app!~"a.*"}', [1, 2, 5, 6, 7]);
  await f('{app="nginx" or app="db"} bar', [5]);
  await f('error or {app="db"} foo', [1, 5]);
  // logic
  await f("foo -bar", []);
  await f("foo !baz", [5]);
  await f("not foo", [1, 2, 3, 6, 7, 8]);
  await f("(error or warn) -level:warn", [1, 3]);
  await f("foo or error and disk", [1, 4, 5]);
  await f("level:(error or warn)", [1, 2]);
  await f('user:!=bob user:*', [4]);
  await f('path:!~"v1"', [1, 2, 4, 5, 6, 7, 8]);
  // subqueries
  await f("app:in({app=\"db\"} bar | fields app)", [5, 6, 7]);
  await f("app:in(* | uniq by (app))", [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(bad, []);
});

test("_stream_id filters", async () => {
  const out: string[] = [];
  await executeQuery(parseQuery("error"), src, ALL, (b) => out.push(...getColumn(b, "_stream_id")!));
  const id = out[0];
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.deepEqual(await ids(`_stream_id:${id}`), ["1", "2"]);
  assert.deepEqual(await ids(`_stream_id:in(${id}, 00000000000000000000000000000000)`), ["1", "2"]);
  assert.deepEqual(await ids(`_stream_id:in({app="nginx"} | fields _stream_id)`), ["1", "2"]);
});

test("the query's time filter narrows the search; opts bounds apply too", async () => {
  assert.deepEqual(await ids("*", { minTimestamp: T0 + 2n * SEC, maxTimestamp: T0 + 3n * SEC }), ["2", "3"]);
  assert.deepEqual(await ids("_time:[2023-11-14T22:13:22Z, 2023-11-14T22:13:30Z)", { maxTimestamp: T0 + 4n * SEC }), ["2", "3", "4"]);
  const s = new MemoryLogSource(ROWS, 3);
  let minSeen = 0n;
  const spy = { search: (o: Parameters<typeof s.search>[0], cb: Parameters<typeof s.search>[1]) => ((minSeen = o.minTimestamp), s.search(o, cb)), streams: s.streams.bind(s) };
  await executeQuery(parseQuery("_time:[2023-11-14T22:13:22Z, 2023-11-14T22:13:30Z) error"), spy, ALL, () => {});
  assert.equal(minSeen, T0 + 2n * SEC, "the search must get the query's start time");
});

test("tenants are separate", async () => {
  const s = new MemoryLogSource([{ ...ROWS[0], tenant: { accountID: 1, projectID: 2 } }, ROWS[1]]);
  const got: string[] = [];
  await executeQuery(parseQuery("*"), s, { ...ALL, tenants: [{ accountID: 1, projectID: 2 }] }, (b) => got.push(...getColumn(b, "id")!));
  assert.deepEqual(got, ["1"]);
});

test("matchPhrase / matchPrefix word boundaries", () => {
  const f = (s: string, p: string, want: boolean): void => assert.equal(matchPhrase(s, p), want, `matchPhrase(${JSON.stringify(s)}, ${JSON.stringify(p)})`);
  f("error", "error", true);
  f("errors", "error", false);
  f("an error.", "error", true);
  f("xerror", "error", false);
  f("error_x", "error", false);
  f("a-b c", "-b", true);
  f("ошибка!", "ошибка", true);
  f("ошибками", "ошибка", false);
  f("", "", true);
  f("a", "", false);
  f("foo errors error", "error", true);
  const g = (s: string, p: string, want: boolean): void => assert.equal(matchPrefix(s, p), want, `matchPrefix(${JSON.stringify(s)}, ${JSON.stringify(p)})`);
  g("errors", "err", true);
  g("xerr", "err", false);
  g("a xerr err2", "err", true);
  g("", "", false);
  g("x", "", true);
});

test("tokenize", () => {
  const f = (s: string, want: string[]): void => assert.deepEqual(tokenize(s), want, `tokenize(${JSON.stringify(s)})`);
  f("", []);
  f("foo bar foo", ["foo", "bar"]);
  f("a.b-c_d", ["a", "b", "c_d"]);
  f("Привет, мир!", ["Привет", "мир"]);
  f("x😀y", ["x", "y"]);
  f("1.5s", ["1", "5s"]);
});

// A block that counts value reads and answers bloom checks "no".
function fakeBlock(rows: number, value: string, bloomSaysNo: boolean): { block: LogBlock; reads: () => number } {
  let reads = 0;
  const vals = new Array<string>(rows).fill(value);
  const ts = new BigInt64Array(rows);
  const block: LogBlock = {
    rowsCount: rows,
    tenant: TENANTS[0],
    streamID: "0".repeat(32),
    stream: "{}",
    minTimestamp: 0n,
    maxTimestamp: 0n,
    timestamps: () => ts,
    columnNames: () => ["_msg"],
    columnValues: () => (reads++, vals),
    constValue: () => undefined,
    mayContainTokens: () => !bloomSaysNo,
    numericRange: () => undefined,
  };
  return { block, reads: () => reads };
}

test("a bloom miss skips reading values; a numeric range outside the block skips too", () => {
  const { block, reads } = fakeBlock(1_000_000, "some log line with words", true);
  const bm = new Uint8Array(block.rowsCount).fill(1);
  const start = performance.now();
  const n = applyFilter(parseQuery("error").filter, blockSource(block), bm);
  const ms = performance.now() - start;
  assert.equal(n, 0);
  assert.equal(reads(), 0, "values must not be read after a bloom miss");
  assert.ok(ms < 50, `bloom miss over 1M rows took ${ms} ms`);
  const s = new MemoryLogSource(ROWS, 3);
  const before = s.stats.columnValuesCalls;
  return executeQuery(parseQuery("nosuchword"), s, ALL, () => {}).then(() => {
    assert.equal(s.stats.columnValuesCalls - before, 0, "the in-memory source's exact bloom check must avoid value reads");
    return executeQuery(parseQuery("user:in(nobody, noone) | stats count()"), s, ALL, () => {});
  }).then(() => {
    assert.equal(s.stats.columnValuesCalls - before, 0, "in() must skip blocks where none of its values can be");
  });
});

test("word filter speed over 1M string values (micro-benchmark)", () => {
  const words = ["GET", "/api/v1/users", "200", "took", "12ms", "from", "10.0.0.1", "agent", "curl/8.0"];
  const pool: string[] = [];
  for (let i = 0; i < 4096; i++) pool.push(`${words[i % 9]} ${words[(i * 7) % 9]} request ${i} ${words[(i * 3) % 9]} done`);
  const vals: string[] = new Array(1_000_000);
  for (let i = 0; i < vals.length; i++) vals[i] = pool[i & 4095];
  vals[777_777] = "an error happened";
  const ts = new BigInt64Array(vals.length);
  const block: LogBlock = {
    rowsCount: vals.length, tenant: TENANTS[0], streamID: "0".repeat(32), stream: "{}", minTimestamp: 0n, maxTimestamp: 0n,
    timestamps: () => ts, columnNames: () => ["_msg"], columnValues: () => vals, constValue: () => undefined,
    mayContainTokens: () => true, numericRange: () => undefined,
  };
  const f = parseQuery("error").filter;
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const bm = new Uint8Array(vals.length).fill(1);
    const start = performance.now();
    const n = applyFilter(f, blockSource(block), bm);
    best = Math.min(best, performance.now() - start);
    assert.equal(n, 1);
  }
  const rate = vals.length / (best / 1000);
  console.log(`# word filter: ${(rate / 1e6).toFixed(1)}M rows/s (${best.toFixed(1)} ms per 1M rows)`);
  assert.ok(rate > 3e6, `word filter too slow: ${rate} rows/s`);
});

test("regexp filters stay linear on pathological input", () => {
  const f = (re: string, s: string, want: boolean): void => {
    const start = performance.now();
    assert.equal(compileRegexp(re).matches(s), want, `${re} on ${s.length} chars`);
    const ms = performance.now() - start;
    assert.ok(ms < 500, `${re} took ${ms} ms on ${s.length} chars`);
  };
  const a = "a".repeat(30_000);
  f("(a+)+$", a + "b", false);
  f("(a|aa)*c", a, false);
  f("(x+x+)+y", "x".repeat(30_000), false);
  f("(a*)*b", a, false);
  f("(a{1,30}){1,30}b", a, false);
  fc.assert(
    fc.property(fc.constantFrom("(a+)+b", "(a|a)*b", "(.*a){12}b", "^(a?){25}a{25}$"), fc.integer({ min: 1000, max: 20000 }), (re, n) => {
      const start = performance.now();
      compileRegexp(re).matches("a".repeat(n));
      assert.ok(performance.now() - start < 500, `${re} on ${n} chars`);
    }),
    { numRuns: 20 },
  );
});

test("keepTimeRange keeps the rows of ascending timestamps in [min, max] (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.bigInt({ min: -5n, max: 20n }), { maxLength: 30 }), fc.bigInt({ min: -8n, max: 22n }), fc.bigInt({ min: -8n, max: 22n }), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (raw, min, max, sel) => {
      const ts = BigInt64Array.from([...raw].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const bm = Uint8Array.from(ts, (_, i) => (sel[i] ? 1 : 0));
      const want = [...bm].map((v, i) => (v && ts[i]! >= min && ts[i]! <= max ? 1 : 0)).join("");
      keepTimeRange(ts, min, max, bm);
      assert.equal([...bm].join(""), want, `[${ts}] in [${min}, ${max}]`);
    }),
  );
});
