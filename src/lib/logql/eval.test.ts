import { test } from "node:test";
import assert from "node:assert/strict";
import { evalMetric, parseLogQL, parseRFC3339Ms, parseStreamLabels, type MetricExpr, type Rows, type StatsRunner } from "./index.ts";

// A fake LogsQL engine for stats queries: it buckets the given entries by
// the `_time:Gms offset Oms` of the query and groups by `_stream` (and
// `level` when asked), as the real engine would.
function fakeRunner(entries: { stream: string; t: number; msg: string; level?: string; lat?: number }[], seen: string[]): StatsRunner {
  return async (q, minNs, maxNs) => {
    seen.push(q);
    const m = /_time:(\d+)ms(?: offset (\d+)ms)?/.exec(q)!;
    const G = Number(m[1]);
    const O = Number(m[2] ?? 0);
    const byLevel = /by \(_stream, level,/.test(q);
    const groups = new Map<string, { stream: string; level: string; t: number; c: number; b: number; s: number; mn: number; mx: number; cu: number }>();
    const only = /^\{app="(\w+)"\}/.exec(q)?.[1];
    for (const e of entries) {
      if (only !== undefined && e.stream !== `{app="${only}"}`) continue;
      const ns = BigInt(e.t) * 1_000_000n;
      if (ns < minNs || ns > maxNs) continue;
      const b = Math.floor((e.t - O) / G) * G + O;
      const key = `${e.stream}|${byLevel ? e.level : ""}|${b}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { stream: e.stream, level: byLevel ? e.level ?? "" : "", t: b, c: 0, b: 0, s: 0, mn: Infinity, mx: -Infinity, cu: 0 }));
      g.c++;
      g.b += e.msg.length;
      if (e.lat !== undefined) {
        g.s += e.lat;
        g.mn = Math.min(g.mn, e.lat);
        g.mx = Math.max(g.mx, e.lat);
        g.cu++;
      }
    }
    const gs = [...groups.values()];
    const cols: Rows["columns"] = [
      { name: "_stream", values: gs.map((g) => g.stream) },
      ...(byLevel ? [{ name: "level", values: gs.map((g) => g.level) }] : []),
      { name: "_time", values: gs.map((g) => new Date(g.t).toISOString().replace(".000Z", "Z")) },
      { name: "c", values: gs.map((g) => String(g.c)) },
      { name: "b", values: gs.map((g) => String(g.b)) },
      { name: "s", values: gs.map((g) => String(g.s)) },
      { name: "mn", values: gs.map((g) => String(g.mn)) },
      { name: "mx", values: gs.map((g) => String(g.mx)) },
      { name: "cu", values: gs.map((g) => String(g.cu)) },
    ];
    return [{ rowsCount: gs.length, columns: cols }];
  };
}

const T0 = Date.UTC(2026, 0, 1);
const entries = [
  { stream: `{app="a"}`, t: T0 + 1_000, msg: "one", level: "info", lat: 10 },
  { stream: `{app="a"}`, t: T0 + 61_000, msg: "three", level: "error", lat: 30 },
  { stream: `{app="a"}`, t: T0 + 62_000, msg: "x", level: "info", lat: 20 },
  { stream: `{app="b"}`, t: T0 + 119_999, msg: "ab", level: "info", lat: 5 },
];

async function run(logql: string, start: number, end: number, step: number) {
  const seen: string[] = [];
  const r = await evalMetric(parseLogQL(logql) as MetricExpr, { start: T0 + start, end: T0 + end, step }, fakeRunner(entries, seen));
  const series = r.kind === "vector" ? r.series.map((s) => ({ labels: s.labels, points: s.timestamps.map((t, i) => [t - T0, s.values[i]]) })) : r.value;
  return { series, seen };
}

test("range aggregations over buckets", async () => {
  const f = async (logql: string, [start, end, step]: number[], want: unknown) => {
    const { series } = await run(logql, start!, end!, step!);
    assert.deepEqual(series, want, logql);
  };
  await f(`count_over_time({app=~".+"}[1m])`, [60_000, 120_000, 60_000], [
    { labels: { app: "a" }, points: [[60_000, 1], [120_000, 2]] },
    { labels: { app: "b" }, points: [[120_000, 1]] },
  ]);
  await f(`count_over_time({app=~".+"}[2m])`, [120_000, 120_000, 60_000], [
    { labels: { app: "a" }, points: [[120_000, 3]] },
    { labels: { app: "b" }, points: [[120_000, 1]] },
  ]);
  await f(`rate({app="a"}[1m])`, [120_000, 120_000, 1], [{ labels: { app: "a" }, points: [[120_000, 2 / 60]] }]);
  await f(`bytes_over_time({app="a"}[1m])`, [120_000, 120_000, 15_000], [{ labels: { app: "a" }, points: [[120_000, 6]] }]);
  await f(`sum(count_over_time({app=~".+"}[1m]))`, [60_000, 120_000, 60_000], [{ labels: {}, points: [[60_000, 1], [120_000, 3]] }]);
  await f(`sum by (level) (count_over_time({app=~".+"}[2m]))`, [120_000, 120_000, 60_000], [
    { labels: { level: "info" }, points: [[120_000, 3]] },
    { labels: { level: "error" }, points: [[120_000, 1]] },
  ]);
  await f(`max_over_time({app="a"} | unwrap lat [2m])`, [120_000, 120_000, 60_000], [{ labels: { app: "a" }, points: [[120_000, 30]] }]);
  await f(`avg_over_time({app="a"} | unwrap lat [2m])`, [120_000, 120_000, 60_000], [{ labels: { app: "a" }, points: [[120_000, 20]] }]);
  await f(`topk(1, count_over_time({app=~".+"}[2m]))`, [120_000, 120_000, 60_000], [{ labels: { app: "a" }, points: [[120_000, 3]] }]);
  await f(`count_over_time({app=~".+"}[1m]) > 1`, [60_000, 120_000, 60_000], [{ labels: { app: "a" }, points: [[120_000, 2]] }]);
  await f(`count_over_time({app=~".+"}[1m]) > bool 1`, [120_000, 120_000, 60_000], [{ labels: { app: "a" }, points: [[120_000, 1]] }, { labels: { app: "b" }, points: [[120_000, 0]] }]);
  await f(`2 * sum(count_over_time({app=~".+"}[2m])) / sum(count_over_time({app=~".+"}[2m]))`, [120_000, 120_000, 60_000], [{ labels: {}, points: [[120_000, 2]] }]);
  await f(`vector(1) + vector(1)`, [0, 0, 1000], [{ labels: {}, points: [[0, 2]] }]);
  await f(`1 + 2`, [0, 0, 1000], 3);
  await f(`count_over_time({app="a"}[1m] offset 1m)`, [120_000, 120_000, 60_000], [{ labels: { app: "a" }, points: [[120_000, 1]] }]);
});

test("the LogsQL sent aligns buckets with the windows", async () => {
  const { seen } = await run(`count_over_time({app="a"} |= "x" [1m])`, 90_000, 150_000, 30_000);
  assert.deepEqual(seen, [`{app="a"} ~"x" | stats by (_stream, _time:30000ms) count() as c, sum_len(_msg) as b`]);
  const { seen: s2 } = await run(`sum by (level) (rate({app="a"} | unwrap lat [45s]))`, 7_000, 97_000, 30_000);
  assert.deepEqual(s2, [`{app="a"} | stats by (_stream, level, _time:15000ms offset 7000ms) count() as c, sum_len(_msg) as b, sum(lat) as s, min(lat) as mn, max(lat) as mx, count(lat) as cu`]);
});

test("stream labels and timestamps parse", () => {
  assert.deepEqual(parseStreamLabels(`{a="b",c="d\\"e",f=""}`), { a: "b", c: 'd"e', f: "" });
  assert.deepEqual(parseStreamLabels(`{}`), {});
  assert.equal(parseRFC3339Ms("2026-01-01T00:00:01.123456789Z"), Date.UTC(2026, 0, 1, 0, 0, 1, 123) + 0.456789);
  assert.equal(parseRFC3339Ms("2026-01-01T00:00:01Z"), Date.UTC(2026, 0, 1, 0, 0, 1));
  assert.ok(Number.isNaN(parseRFC3339Ms("yesterday")));
});
