import { test } from "node:test";
import assert from "node:assert/strict";
import { parseQuery } from "./parser.ts";
import { executeQuery } from "./execute.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";
import { formatRowBatchJSONLines } from "./json_lines.ts";

const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
const SEC = 1_000_000_000n;
const ALL = { tenants: [{ accountID: 0, projectID: 0 }], minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n };

function row(i: number, fields: Record<string, string>): MemoryRow {
  return { timestampNs: T0 + BigInt(i) * SEC, fields: Object.entries(fields).map(([name, value]) => ({ name, value })), streamFields: ["app"] };
}

const ROWS: MemoryRow[] = [
  row(0, { _msg: "error: disk full", app: "nginx", n: "5", ip: "10.0.0.1", j: '{"a":{"b":1},"c":"x","d":[1,2]}' }),
  row(1, { _msg: "errors happened", app: "nginx", n: "15", ip: "10.0.1.7", kv: 'level=warn msg="hello world" flag' }),
  row(2, { _msg: "warn: slow request 123 ms", app: "api", n: "7", ip: "10.0.0.9", tags: '["x","y"]' }),
  row(3, { _msg: "\x1b[31mred\x1b[0m text", app: "api", n: "-2", ip: "192.168.1.1" }),
];
const src = new MemoryLogSource(ROWS, 2);

async function run(q: string, limit?: number): Promise<string> {
  let out = "";
  await executeQuery(parseQuery(q, T0 + 3600n * SEC), src, { ...ALL, limit }, (b) => (out += formatRowBatchJSONLines(b)));
  return out.trimEnd();
}

test("pipes over the in-memory source", async () => {
  const bad: string[] = [];
  const f = async (q: string, want: string[]): Promise<void> => {
    let got: string;
    try {
      got = await run(q);
    } catch (e) {
      got = "ERROR " + String(e);
    }
    const w = want.join("\n");
    if (got !== w) bad.push(`${q}\n  got:  ${got.split("\n").join("\n        ")}\n  want: ${want.join("\n        ")}`);
  };
  await f("error | fields _time, n", ['{"_time":"2023-11-14T22:13:20Z","n":"5"}']);
  await f("error | keep n, missing", ['{"n":"5","missing":""}']);
  await f("error | fields _stream, i*", ['{"_stream":"{app=\\"nginx\\"}","ip":"10.0.0.1"}']);
  await f("error | delete _stream*, _time, j, _msg", ['{"app":"nginx","n":"5","ip":"10.0.0.1"}']);
  await f("error | rename n as m | fields m, n", ['{"m":"5","n":""}']);
  await f("error | mv i* as x* | fields xp", ['{"xp":"10.0.0.1"}']);
  await f("error | copy n as m | fields n, m", ['{"n":"5","m":"5"}']);
  await f("* | sort by (n) | fields n", ['{"n":"-2"}', '{"n":"5"}', '{"n":"7"}', '{"n":"15"}']);
  await f("* | sort by (n) desc limit 2 | fields n", ['{"n":"15"}', '{"n":"7"}']);
  await f("* | sort by (app, n desc) offset 1 | fields app, n", ['{"app":"api","n":"-2"}', '{"app":"nginx","n":"15"}', '{"app":"nginx","n":"5"}']);
  await f("* | sort by (n) partition by (app) limit 1 rank as r | fields app, n, r", ['{"app":"api","n":"-2","r":"1"}', '{"app":"nginx","n":"5","r":"1"}']);
  await f("* | sort by (_time desc) | limit 1 | fields _time", ['{"_time":"2023-11-14T22:13:23Z"}']);
  await f("n:>0 | math n / 2 as t | format \"2023-11-14T22:13:0<t>Z\" as t | sort by (t desc) | fields t | limit 2", ['{"t":"2023-11-14T22:13:07.5Z"}', '{"t":"2023-11-14T22:13:03.5Z"}']);
  await f("* | head 2 | fields n", ['{"n":"5"}', '{"n":"15"}']);
  await f("* | offset 3 | fields n", ['{"n":"-2"}']);
  await f("* | first 1 by (n) | fields n", ['{"n":"-2"}']);
  await f("* | last 2 by (n) | fields n", ['{"n":"15"}', '{"n":"7"}']);
  await f("* | stats count() c", ['{"c":"4"}']);
  await f("nothing | stats count() c, sum(n) s", ['{"c":"0","s":"NaN"}']);
  await f("* | stats by (app) count() c, sum(n) s, avg(n) a, min(n) mi, max(n) ma", ['{"app":"nginx","c":"2","s":"20","a":"10","mi":"5","ma":"15"}', '{"app":"api","c":"2","s":"5","a":"2.5","mi":"-2","ma":"7"}']);
  await f("* | stats count(j) cj, count_empty(j) ce, count_uniq(app) cu, count_uniq_hash(app, n) cuh", ['{"cj":"1","ce":"3","cu":"2","cuh":"4"}']);
  await f("* | stats median(n) m, quantile(0.9, n) q, quantile(0, n) q0, sum_len(app) sl", ['{"m":"7","q":"15","q0":"-2","sl":"16"}']);
  await f("* | stats uniq_values(app) u, values(app) limit 3 v", ['{"u":"[\\"api\\",\\"nginx\\"]","v":"[\\"nginx\\",\\"nginx\\",\\"api\\"]"}']);
  await f("* | stats row_min(n, app) rmin, row_max(n, app, ip) rmax, row_any(app) ra", ['{"rmin":"{\\"app\\":\\"api\\"}","rmax":"{\\"app\\":\\"nginx\\",\\"ip\\":\\"10.0.1.7\\"}","ra":"{\\"app\\":\\"nginx\\"}"}']);
  await f("* | stats field_min(n, ip) a, field_max(n, ip) b", ['{"a":"192.168.1.1","b":"10.0.1.7"}']);
  await f("* | stats json_values(app, n) limit 1 jv", ['{"jv":"[{\\"app\\":\\"nginx\\",\\"n\\":\\"5\\"}]"}']);
  await f("* | stats count() if (error) e, count() if (app:api) a", ['{"e":"1","a":"2"}']);
  await f("* | stats by (_time:2s) count() c", ['{"_time":"2023-11-14T22:13:20Z","c":"2"}', '{"_time":"2023-11-14T22:13:22Z","c":"2"}']);
  await f("* | stats by (_time:1h offset 30m) count() c", ['{"_time":"2023-11-14T21:30:00Z","c":"4"}']);
  await f("* | stats by (_time:1d offset 2h) count() c", ['{"_time":"2023-11-14T22:00:00Z","c":"4"}']);
  await f("* | stats by (_time:day) count() c", ['{"_time":"2023-11-14T00:00:00Z","c":"4"}']);
  await f("* | stats by (_time:week) count() c", ['{"_time":"2023-11-13T00:00:00Z","c":"4"}']);
  await f("* | stats by (_time:month) count() c", ['{"_time":"2023-11-01T00:00:00Z","c":"4"}']);
  await f("* | stats by (_time:year offset 2h) count() c", ['{"_time":"2022-12-31T22:00:00Z","c":"4"}']);
  await f("* | stats by (n:10 offset 5) count() c | sort by (n)", ['{"n":"-5","c":"1"}', '{"n":"5","c":"2"}', '{"n":"15","c":"1"}']);
  await f("* | stats by (n:10) count() c | sort by (n)", ['{"n":"-10","c":"1"}', '{"n":"0","c":"2"}', '{"n":"10","c":"1"}']);
  await f("* | stats by (ip:/16) count() c | sort by (ip)", ['{"ip":"10.0.0.0","c":"3"}', '{"ip":"192.168.0.0","c":"1"}']);
  await f("_time:[2023-11-14T22:13:20Z, 2023-11-14T22:13:30Z) | stats rate() r, rate_sum(n) rs", ['{"r":"0.4","rs":"2.5"}']);
  await f("* | stats by (_time:2s) rate() r", ['{"_time":"2023-11-14T22:13:20Z","r":"1"}', '{"_time":"2023-11-14T22:13:22Z","r":"1"}']);
  await f("* | stats histogram(n) h", ['{"h":"[{\\"vmrange\\":\\"4.642e+00...5.275e+00\\",\\"hits\\":1},{\\"vmrange\\":\\"6.813e+00...7.743e+00\\",\\"hits\\":1},{\\"vmrange\\":\\"1.468e+01...1.668e+01\\",\\"hits\\":1}]"}']);
  await f("* | stats any(j) a, stddev(n) sd", ['{"a":"{\\"a\\":{\\"b\\":1},\\"c\\":\\"x\\",\\"d\\":[1,2]}","sd":"6.057020719792859"}']);
  await f("* | uniq by (app)", ['{"app":"nginx"}', '{"app":"api"}']);
  await f("* | uniq by (app) with hits limit 1", ['{"app":"nginx","hits":"2"}']);
  await f("* | top 1 by (app)", ['{"app":"api","hits":"2"}']);
  await f("* | top by (app) hits as h rank as r", ['{"app":"api","h":"2","r":"1"}', '{"app":"nginx","h":"2","r":"2"}']);
  await f("* | filter n:>5 | fields n", ['{"n":"15"}', '{"n":"7"}']);
  await f("* | where app:api -text | fields n", ['{"n":"7"}']);
  await f("app:api | field_names", ['{"name":"_msg","hits":"2"}', '{"name":"_stream","hits":"2"}', '{"name":"_stream_id","hits":"2"}', '{"name":"_time","hits":"2"}', '{"name":"app","hits":"2"}', '{"name":"ip","hits":"2"}', '{"name":"n","hits":"2"}', '{"name":"tags","hits":"1"}']);
  await f("* | field_values app", ['{"app":"nginx","hits":"2"}', '{"app":"api","hits":"2"}']);
  await f("* | fields app, n | facets 1", ['{"field_name":"app","field_value":"api","hits":"2"}', '{"field_name":"n","field_value":"-2","hits":"1"}']);
  await f("app:api | fields app, n | facets", ['{"field_name":"n","field_value":"-2","hits":"1"}', '{"field_name":"n","field_value":"7","hits":"1"}']);
  await f("app:api | fields app | facets keep_const_fields", ['{"field_name":"app","field_value":"api","hits":"2"}']);
  await f('* | extract "<level>: <what> " | fields level, what', ['{"level":"error","what":"disk"}', '{"level":"","what":""}', '{"level":"warn","what":"slow"}', '{"level":"","what":""}']);
  await f('error | extract "ip=<ip>" from kv | fields ip', ['{"ip":""}']);
  await f('error | extract "<a>.<_>.<b>.<c>" from ip keep_original_fields | fields a, b, c, ip', ['{"a":"10","b":"0","c":"1","ip":"10.0.0.1"}']);
  await f('* | extract if (app:api) "<level>:" skip_empty_results | fields level', ['{"level":""}', '{"level":""}', '{"level":"warn"}', '{"level":""}']);
  await f('errors | extract "msg=<m> " from kv | fields m', ['{"m":"hello world"}']);
  await f('* | extract_regexp "(?P<num>\\\\d+) ms" | fields num', ['{"num":""}', '{"num":""}', '{"num":"123"}', '{"num":""}']);
  await f('error | format "<app>/<n>: <q:_msg>" as x | fields x', ['{"x":"nginx/5: \\"error: disk full\\""}']);
  await f('error | format "<uc:app>" | fields _msg', ['{"_msg":"NGINX"}']);
  await f("error | unpack_json from j | fields a.b, c, d", ['{"a.b":"1","c":"x","d":"[1,2]"}']);
  await f("error | unpack_json from j fields (c) result_prefix p_ | fields p_c, c", ['{"p_c":"x","c":""}']);
  await f("errors | unpack_logfmt from kv | fields level, msg, flag", ['{"level":"warn","msg":"hello world","flag":""}']);
  await f("error | pack_json fields (app, n) as p | fields p", ['{"p":"{\\"app\\":\\"nginx\\",\\"n\\":\\"5\\"}"}']);
  await f("error | pack_logfmt fields (app, _msg) as p | fields p", ['{"p":"_msg=\\"error: disk full\\" app=nginx"}']);
  await f("error | math n * 2 + 1 as a, a / 4 as b, round(b, 0.5) as c, n % 3 as d, 2 ^ 10 as e, max(n, 9) as m | fields a, b, c, d, e, m", ['{"a":"11","b":"2.75","c":"3","d":"2","e":"1024","m":"9"}']);
  await f("error | math missing default 7 as a, 6 & 3 as b, 6 or 3 as c, 6 xor 3 as d, abs(-n) as e, -n as g | fields a, b, c, d, e, g", ['{"a":"7","b":"2","c":"7","d":"5","e":"5","g":"-5"}']);
  await f("error | math ip & 255 as last | fields last", ['{"last":"1"}']);
  await f('* | replace ("err", "ERR") | fields _msg | limit 2', ['{"_msg":"ERRor: disk full"}', '{"_msg":"ERRors happened"}']);
  await f('error | replace ("0", "X") at ip limit 2 | fields ip', ['{"ip":"1X.X.0.1"}']);
  await f('errors | replace_regexp ("(\\\\w+) (\\\\w+)", "$2 ${1}") | fields _msg', ['{"_msg":"happened errors"}']);
  await f('error | len(_msg) | len(app) as l | fields "len(_msg)", l', ['{"len(_msg)":"16","l":"5"}']);
  await f("warn | json_array_len(tags) as n | fields n", ['{"n":"2"}']);
  await f("error | hash(app) as h | fields h", ['{"h":"1769177643113429964"}']);
  await f("* | fields j, n | drop_empty_fields | limit 2", ['{"j":"{\\"a\\":{\\"b\\":1},\\"c\\":\\"x\\",\\"d\\":[1,2]}","n":"5"}', '{"n":"15"}']);
  await f("text | decolorize | fields _msg", ['{"_msg":"red text"}']);
  await f("warn | collapse_nums | fields _msg", ['{"_msg":"warn: slow request <N> ms"}']);
  await f("error | collapse_nums at ip prettify | fields ip", ['{"ip":"<IP4>"}']);
  await f('error | format "2024-01-02T10:20:30.123Z id=0x1f2e user42 v2 took 15ms cafe add be 550e8400-e29b-41d4-a716-446655440000 at 2024-01-02 10:20:30" as t | collapse_nums at t prettify | fields t', ['{"t":"<DATETIME> id=0x<N> user42 v<N> took <N>ms <N> add be <UUID> at <DATETIME>"}']);
  await f("warn | unroll by (tags) | fields tags", ['{"tags":"x"}', '{"tags":"y"}']);
  await f("error | unpack_words as w | fields w", ['{"w":"[\\"error\\",\\"disk\\",\\"full\\"]"}']);
  await f("* | sample 1 | stats count() c", ['{"c":"4"}']);
  await f("error | fields n | union (warn | fields n)", ['{"n":"5"}', '{"n":"7"}']);
  await f("app:api | fields app, n | join by (app) (* | stats by (app) count() c) | fields app, n, c", ['{"app":"api","n":"7","c":"2"}', '{"app":"api","n":"-2","c":"2"}']);
  await f("* | fields app | join by (app) (app:nginx | stats by (app) sum(n) s) inner prefix x_", ['{"app":"nginx","x_s":"20"}', '{"app":"nginx","x_s":"20"}']);
  await f("* | blocks_count", ['{"blocks_count":"2"}']);
  await f("options(time_offset=1h) _time:[2023-11-14T23:13:21Z, 2023-11-14T23:13:22Z] | fields n", ['{"n":"15"}', '{"n":"7"}']);
  assert.deepEqual(bad, [], bad.join("\n"));
});

test("the endpoint limit returns the newest rows, newest first", async () => {
  assert.equal(await run("* | fields n", 2), ['{"n":"-2"}', '{"n":"7"}'].join("\n"));
  assert.match(await run("*", 1), /^\{"_msg":"\\u001b\[31mred\\u001b\[0m text","_stream":"\{app=\\"api\\"\}","_stream_id":"[0-9a-f]{32}","_time":"2023-11-14T22:13:23Z","app":"api","n":"-2","ip":"192.168.1.1"\}$/);
  assert.equal(await run("* | filter n:>0 | fields n", 2), ['{"n":"7"}', '{"n":"15"}'].join("\n"));
});

test("a limit pipe stops the search early", async () => {
  const big: MemoryRow[] = [];
  for (let i = 0; i < 5000; i++) big.push(row(i, { _msg: `line ${i}`, app: `a${i % 5}` }));
  const s = new MemoryLogSource(big, 100);
  let n = 0;
  await executeQuery(parseQuery("* | limit 3"), s, ALL, (b) => (n += b.rowsCount));
  assert.equal(n, 3);
  assert.ok(s.stats.blocksVisited <= 2, `visited ${s.stats.blocksVisited} blocks`);
});

test("an aborted signal stops the query", async () => {
  const ac = new AbortController();
  ac.abort(new Error("client went away"));
  await assert.rejects(executeQuery(parseQuery("*"), src, { ...ALL, signal: ac.signal }, () => {}), /client went away/);
});

test("stream_context returns the surrounding rows of each stream", async () => {
  const rows: MemoryRow[] = [];
  for (let i = 0; i < 10; i++) rows.push({ timestampNs: T0 + BigInt(i) * SEC, fields: [{ name: "_msg", value: `a${i}${i === 3 || i === 7 ? " error" : ""}` }, { name: "app", value: "a" }], streamFields: ["app"] });
  for (let i = 0; i < 10; i++) rows.push({ timestampNs: T0 + BigInt(i) * SEC + 500n, fields: [{ name: "_msg", value: `b${i}${i === 5 ? " error" : ""}` }, { name: "app", value: "b" }], streamFields: ["app"] });
  const s = new MemoryLogSource(rows, 4);
  const f = async (q: string, want: string[]): Promise<void> => {
    const got: string[] = [];
    await executeQuery(parseQuery(q), s, ALL, (b) => got.push(...b.columns.find((c) => c.name === "_msg")!.values));
    assert.deepEqual(got, want, q);
  };
  await f("error | stream_context before 1 after 1", ["a2", "a3 error", "a4", "---", "a6", "a7 error", "a8", "---", "b4", "b5 error", "b6", "---"]);
  await f("app:a error | stream_context before 2 after 2", ["a1", "a2", "a3 error", "a4", "a5", "a6", "a7 error", "a8", "a9"]);
  await f("a3 | stream_context after 1", ["a3 error", "a4"]);
  await f("a3 | stream_context before 5 time_window 2s", ["a1", "a2", "a3 error"]);
  await f("error | stream_context after 1 | filter -error", ["a4", "---", "a8", "---", "b6", "---"]);
});

test("unpack_syslog", async () => {
  const s = new MemoryLogSource([
    { timestampNs: T0, fields: [{ name: "_msg", value: '<165>1 2023-11-14T22:13:20.123Z host1 app 1234 ID47 [ex@1 a="b"] hello world' }] },
  ]);
  let out = "";
  await executeQuery(parseQuery("* | unpack_syslog result_prefix s. | fields s.priority, s.format, s.hostname, s.app_name, s.proc_id, s.msg_id, s.message, s.timestamp"), s, ALL, (b) => (out += formatRowBatchJSONLines(b)));
  assert.equal(out, '{"s.priority":"165","s.format":"rfc5424","s.hostname":"host1","s.app_name":"app","s.proc_id":"1234","s.msg_id":"ID47","s.message":"hello world","s.timestamp":"2023-11-14T22:13:20.123Z"}\n');
});

test("sort with a limit keeps only the best rows and agrees with a full sort", async () => {
  const rows: MemoryRow[] = [];
  for (let i = 0; i < 20000; i++) rows.push({ timestampNs: T0 + BigInt(i) * SEC, fields: [{ name: "_msg", value: "x" }, { name: "v", value: String((i * 7919) % 10007) }] });
  const s = new MemoryLogSource(rows, 1000);
  const get = async (q: string): Promise<string[]> => {
    const out: string[] = [];
    await executeQuery(parseQuery(q), s, ALL, (b) => out.push(...b.columns.find((c) => c.name === "v")!.values));
    return out;
  };
  const full = await get("* | sort by (v desc) | fields v");
  assert.deepEqual(await get("* | sort by (v desc) offset 3 limit 5 | fields v"), full.slice(3, 8));
  assert.deepEqual(await get("* | last 4 by (v) | fields v"), full.slice(0, 4));
});
