// Conformance of /api/v1/query and /api/v1/query_range with the real
// VictoriaMetrics 1.79.5: the same series (counters with a reset, gauges with
// a gap, staleness markers, `le` and `vmrange` histograms, an info metric)
// are imported into both, then every query below is run against both with
// nocache=1 (instant and range) and the JSON answers are compared: the same
// series (by labels; in order for sort()), the same timestamps, values within
// 1e-9 relative tolerance.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { startServer, tempDir, which, freePort } from "./harness.ts";

const vmBin = which("victoria-metrics");
const skip = vmBin === undefined ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false;

const sec = 1000;
const min = 60 * sec;

// mulberry32: deterministic data every run.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeData(t0: number): string {
  const rnd = prng(579);
  const lines: string[] = [];
  // Labels are written sorted, as Prometheus remote write sends them:
  // VictoriaMetrics keeps them in ingestion order, and limitk() hashes them in that order.
  const add = (metric: Record<string, string>, ts: number[], vs: number[]) => {
    const sorted = Object.fromEntries(Object.entries(metric).sort((a, b) => (a[0] === "__name__" ? -1 : b[0] === "__name__" ? 1 : a[0] < b[0] ? -1 : 1)));
    lines.push(JSON.stringify({ metric: sorted, values: vs, timestamps: ts }));
  };
  // Counters scraped every 15s, one with a reset at 25m.
  for (const job of ["api", "web"]) {
    for (const instance of ["h1", "h2", "h3"]) {
      for (const code of ["200", "500"]) {
        const ts: number[] = [], vs: number[] = [];
        let v = Math.floor(rnd() * 100);
        for (let t = t0; t < t0 + 60 * min; t += 15 * sec) {
          if (job === "web" && instance === "h2" && code === "200" && t === t0 + 25 * min) v = 0;
          v += Math.floor(rnd() * (code === "200" ? 50 : 5));
          ts.push(t);
          vs.push(v);
        }
        add({ __name__: "http_requests_total", job, instance, code }, ts, vs);
      }
    }
  }
  // Gauges every 30s with a 6-minute gap in one of them.
  for (const room of ["a", "b", "c", "d"]) {
    const ts: number[] = [], vs: number[] = [];
    for (let t = t0; t < t0 + 60 * min; t += 30 * sec) {
      if (room === "b" && t >= t0 + 20 * min && t < t0 + 26 * min) continue;
      ts.push(t);
      // Each room has its own base, so that minima and maxima of two rooms never tie
      // (VictoriaMetrics breaks ties in topk_* with Go's unstable sort).
      vs.push(Math.round((20 + 0.37 * (room.charCodeAt(0) - 97) + 10 * Math.sin(t / 600000 + room.charCodeAt(0)) + rnd()) * 100) / 100);
    }
    add({ __name__: "temperature", room, floor: room < "c" ? "1" : "2" }, ts, vs);
  }
  // Prometheus histogram buckets.
  const les = ["0.1", "0.5", "1", "5", "+Inf"];
  for (const job of ["api", "web"]) {
    const counts = les.map(() => 0);
    const series = les.map(() => ({ ts: [] as number[], vs: [] as number[] }));
    for (let t = t0; t < t0 + 60 * min; t += 15 * sec) {
      let inc = 0;
      for (let i = 0; i < les.length; i++) {
        inc += Math.floor(rnd() * 10);
        counts[i]! += inc;
        series[i]!.ts.push(t);
        series[i]!.vs.push(counts[i]!);
      }
    }
    les.forEach((le, i) => add({ __name__: "latency_seconds_bucket", job, le }, series[i]!.ts, series[i]!.vs));
  }
  // VictoriaMetrics histogram buckets.
  const ranges = ["1.000e-01...1.136e-01", "4.642e-01...5.275e-01", "1.000e+00...1.136e+00", "2.154e+00...2.448e+00"];
  for (const r of ranges) {
    const ts: number[] = [], vs: number[] = [];
    let v = 0;
    for (let t = t0; t < t0 + 60 * min; t += 15 * sec) {
      v += Math.floor(rnd() * 7);
      ts.push(t);
      vs.push(v);
    }
    add({ __name__: "size_bucket", vmrange: r }, ts, vs);
  }
  // An info metric.
  for (const instance of ["h1", "h2", "h3"]) {
    const ts: number[] = [], vs: number[] = [];
    for (let t = t0; t < t0 + 60 * min; t += 60 * sec) {
      ts.push(t);
      vs.push(1);
    }
    add({ __name__: "build_info", instance, version: instance === "h3" ? "2.0" : "1.0" }, ts, vs);
  }
  return lines.join("\n") + "\n";
}

/** The queries run against both; each as instant and as range query. */
const queries: string[] = [
  // selectors
  "http_requests_total",
  'http_requests_total{job="api",code!="500"}',
  'http_requests_total{instance=~"h[12]"}',
  'temperature{room!~"a|b"}',
  'temperature{room="b"}',
  "{__name__=~\"temp.*\"}",
  "temperature offset 5m",
  "temperature @ end()",
  // rollups
  "rate(http_requests_total[5m])",
  "irate(http_requests_total[1m])",
  "increase(http_requests_total[10m])",
  "delta(temperature[5m])",
  "deriv(temperature[10m])",
  "avg_over_time(temperature[10m])",
  "max_over_time(temperature[3m])",
  "min_over_time(temperature[7m] offset 1m)",
  "count_over_time(temperature[4m])",
  "last_over_time(temperature[2m])",
  "quantile_over_time(0.9, temperature[10m])",
  "stddev_over_time(temperature[10m])",
  "changes(http_requests_total[10m])",
  "resets(http_requests_total[30m])",
  "rate(http_requests_total)",
  "predict_linear(temperature[10m], 600)",
  "absent_over_time(temperature[1m])",
  'absent_over_time(nonexistent{job="x"}[5m])',
  // subqueries
  "max_over_time(rate(http_requests_total[5m])[10m:1m])",
  "avg_over_time(temperature[5m:30s])",
  "rate(sum(http_requests_total)[5m:1m])",
  // aggregations
  "sum(rate(http_requests_total[5m]))",
  "sum by (job) (rate(http_requests_total[5m]))",
  "sum without (instance) (rate(http_requests_total[5m]))",
  "avg(temperature) by (floor)",
  "min(temperature)",
  "max by (floor) (temperature)",
  "count(http_requests_total) by (code)",
  "stddev(temperature)",
  "stdvar(temperature) by (floor)",
  "group(http_requests_total) by (job)",
  "topk(2, temperature)",
  // Ties are broken by Go's unstable sort in VictoriaMetrics: data without ties only.
  "bottomk(1, temperature) by (floor)",
  "topk(1, temperature * 1.5) by (floor)",
  "quantile(0.75, temperature)",
  "count_values(\"value\", build_info)",
  "sum(http_requests_total) by (job) limit 1",
  "max(temperature) by (__name__)",
  "distinct(round(temperature))",
  "mode(round(temperature)) by (floor)",
  "mad(temperature)",
  "zscore(temperature) by (floor)",
  "outliers_mad(0.5, temperature)",
  "outliersk(1, temperature)",
  'quantiles("q", 0.25, 0.75, temperature)',
  "median(temperature)",
  "limitk(2, http_requests_total)",
  "limitk(1, http_requests_total) by (job)",
  "sum2(temperature)",
  "geomean(temperature)",
  "any(temperature) by (floor)",
  "topk_max(2, temperature)",
  "topk_min(1, temperature) by (floor)",
  "topk_avg(2, temperature, \"other\")",
  "topk_median(1, temperature, \"rest=others\")",
  "topk_last(1, temperature)",
  "bottomk_max(1, temperature)",
  "bottomk_min(2, temperature)",
  "bottomk_avg(1, temperature) by (floor)",
  "bottomk_median(1, temperature)",
  "bottomk_last(1, temperature)",
  // binary operators
  "rate(http_requests_total[5m]) * 60",
  "2 * temperature - 1",
  "temperature > 22",
  "temperature > bool 22",
  "22 < temperature",
  "temperature == temperature",
  'http_requests_total{code="500"} / ignoring(code) http_requests_total{code="200"}',
  'sum by (job, instance) (http_requests_total{code="500"}) / on(job, instance) sum by (job, instance) (http_requests_total)',
  "rate(http_requests_total[5m]) * on(instance) group_left(version) build_info",
  "build_info * on(instance) group_right(version) sum by (instance) (rate(http_requests_total[5m]))",
  'http_requests_total{job="api"} and http_requests_total{code="200"}',
  'http_requests_total{job="api"} or http_requests_total{code="200"}',
  'http_requests_total unless http_requests_total{instance="h1"}',
  'temperature{room="b"} default 0',
  "temperature if temperature > 22",
  "temperature ifnot temperature > 22",
  "temperature % 3",
  "temperature ^ 0.5",
  "-temperature",
  // transforms
  "abs(temperature - 25)",
  "ceil(temperature)",
  "floor(temperature)",
  "round(temperature)",
  "round(temperature, 0.5)",
  "clamp(temperature, 18, 25)",
  "clamp_min(temperature, 21)",
  "clamp_max(temperature, 21)",
  "ln(temperature)",
  "log2(temperature)",
  "log10(temperature)",
  "exp(temperature / 10)",
  "sqrt(temperature)",
  "histogram_quantile(0.9, rate(latency_seconds_bucket[5m]))",
  "histogram_quantile(0.5, sum by (le) (rate(latency_seconds_bucket[5m])))",
  "histogram_quantile(0.99, rate(size_bucket[5m]))",
  'label_replace(temperature, "r", "room-$1", "room", "(.*)")',
  'label_join(http_requests_total, "id", "/", "job", "instance")',
  'label_set(temperature, "unit", "C")',
  'label_del(http_requests_total, "code")',
  'label_keep(http_requests_total, "instance")',
  "vector(1)",
  "scalar(sum(temperature))",
  "time()",
  "timestamp(temperature)",
  "absent(nonexistent)",
  'absent(temperature{room="a"})',
  "sort(temperature)",
  "sort_desc(rate(http_requests_total[5m]))",
  'keep_last_value(temperature{room="b"})',
  'interpolate(temperature{room="b"})',
  "union(temperature{room=\"a\"}, temperature{room=\"c\"})",
  "ceil(temperature) keep_metric_names",
  "hour(timestamp(temperature))",
  "minute()",
  "histogram_quantiles(\"phi\", 0.5, 0.9, rate(latency_seconds_bucket[5m]))",
  "histogram_quantile(0.9, rate(latency_seconds_bucket[5m]), \"bounds\")",
  "histogram_share(0.7, rate(latency_seconds_bucket[5m]))",
  "histogram_share(1, rate(size_bucket[5m]), \"b\")",
  "histogram_avg(rate(latency_seconds_bucket[5m]))",
  "histogram_stddev(rate(size_bucket[5m]))",
  "histogram_stdvar(rate(latency_seconds_bucket[5m]))",
  "prometheus_buckets(rate(size_bucket[5m]))",
  "buckets_limit(3, rate(latency_seconds_bucket[5m]))",
  "histogram(temperature)",
  "sum(histogram(rate(http_requests_total[5m]))) by (vmrange)",
  'label_graphite_group(label_set(temperature, "__name__", "a.b.c"), 2, 0)',
  'timezone_offset("Europe/Berlin")',
  'timezone_offset("America/New_York")',
  "range_avg(temperature)",
  "range_max(temperature)",
  "range_min(temperature)",
  "range_sum(temperature)",
  "range_first(temperature)",
  "range_last(temperature)",
  "range_quantile(0.5, temperature)",
  "running_avg(temperature)",
  "running_max(temperature)",
  "running_min(temperature)",
  "running_sum(temperature)",
  "remove_resets(http_requests_total)",
  "smooth_exponential(temperature, 0.3)",
  'label_map(temperature, "room", "a", "A", "b", "B")',
  'label_match(temperature, "room", "a|c")',
  'label_mismatch(temperature, "room", "a|c")',
  'label_value(build_info, "version")',
  'label_transform(http_requests_total, "instance", "h", "host-")',
  'sort_by_label(temperature, "floor", "room")',
  'sort_by_label_desc(temperature, "room")',
  "drop_common_labels(http_requests_total{job=\"api\",code=\"200\"})",
  // The order of series from storage is internal: sort them first.
  'limit_offset(2, 1, sort_by_label(temperature, "room"))',
  "bitmap_and(round(temperature), 6)",
  "bitmap_or(round(temperature), 1)",
  "bitmap_xor(round(temperature), 3)",
  'label_copy(temperature, "room", "r2")',
  'label_move(temperature, "room", "r2")',
  'label_lowercase(label_set(temperature, "x", "AbC"), "x")',
  'label_uppercase(temperature, "room")',
  "keep_next_value(temperature{room=\"b\"})",
  "sgn(temperature - 22)",
  "deg(temperature)",
  "sin(temperature)",
  "day_of_week()",
  "days_in_month()",
  "month(timestamp(temperature))",
  "year()",
  "pi()",
  "step()",
  "start()",
  "end()",
  // more rollups through the evaluator
  "sum_over_time(temperature[5m])",
  "first_over_time(temperature[5m])",
  "tfirst_over_time(temperature[5m])",
  "tlast_over_time(temperature[5m])",
  "range_over_time(temperature[5m])",
  "lag(temperature[5m])",
  "lifetime(temperature[10m])",
  "scrape_interval(temperature[10m])",
  "idelta(temperature[5m])",
  "ideriv(temperature[5m])",
  "increase_pure(http_requests_total[5m])",
  "rollup(temperature[5m])",
  "rollup_rate(http_requests_total[5m])",
  "rollup_candlestick(temperature[5m])",
  "quantiles_over_time(\"phi\", 0.1, 0.9, temperature[10m])",
  "histogram_over_time(temperature[10m])",
  "mode_over_time(round(temperature)[10m:1m])",
  "share_gt_over_time(temperature[10m], 22)",
  "count_gt_over_time(temperature[10m], 22)",
  "holt_winters(temperature[10m], 0.5, 0.5)",
  "zscore_over_time(temperature[10m])",
  "distinct_over_time(round(temperature)[10m:1m])",
  "integrate(temperature[5m])",
  "present_over_time(temperature[1m])",
  "ascent_over_time(temperature[5m])",
  "aggr_over_time((\"min_over_time\", \"max_over_time\"), temperature[5m])",
  "timestamp_with_name(temperature)",
  "default_rollup(temperature[1m])",
  // combinations
  "rate(http_requests_total[5m] offset 10m)",
  "sum by (job) (rate(http_requests_total[5m])) > 1",
  "sum by (job) (rate(http_requests_total[5m])) > bool 1",
  "max_over_time(max_over_time(temperature[2m])[6m:1m])",
  "avg_over_time(rate(http_requests_total[2m])[10m:])",
  "temperature @ start()",
  "rate(http_requests_total[5m] @ end())",
  "temperature offset -5m",
  "scalar(sum(temperature)) * temperature",
  "time() - timestamp(temperature)",
  "topk(2, sum by (instance) (rate(http_requests_total[5m])))",
  "count by (job) (http_requests_total > 500)",
  "sum(rate(http_requests_total[5m])) / sum(rate(http_requests_total[5m] offset 5m))",
  "(temperature > 20) * 0 + 1",
  "temperature and on(floor) (temperature > 25)",
  "1 - (temperature / on(room) group_left max by (room) (max_over_time(temperature[30m])))",
  "sum without (code) (increase(http_requests_total[10m])) / ignoring(x) group_left sum by (job) (increase(http_requests_total[10m]))",
  'sum(rate({__name__=~"http_.*", job!="web"}[5m])) by (__name__)',
  'http_requests_total{job=~"a.*"}',
  'http_requests_total{instance!~"h1|h3"}',
  'temperature{room=~""}',
  'temperature{room!=""}',
  "min_over_time(temperature[90s])",
  "rate(http_requests_total[15s])",
  "rate(http_requests_total[1i])",
  "sum_over_time(temperature[5i])",
  "increase(http_requests_total[1h])",
  "last_over_time(temperature[30m])",
  "absent(temperature{room=\"z\"})",
  "sort(label_replace(temperature, \"x\", \"$1\", \"room\", \"(a|b)\"))",
  "quantile(0.9, rate(http_requests_total[5m])) by (job)",
  "stddev_over_time(rate(http_requests_total[1m])[10m:1m])",
  "holt_winters(sum(rate(http_requests_total[1m]))[10m:1m], 0.3, 0.7)",
  // literals
  "1",
  "1 + 2 * 3",
  '"hello"',
];


// Deliberate or unavoidable differences, with the reason.
const knownDifferences: Record<string, string> = {
  "any(temperature) by (floor)": "any() keeps the first series of each group in storage order, which is internal to each database",
  "sum(http_requests_total) by (job) limit 1": "`limit N` keeps the groups of the first series in storage order; VictoriaMetrics reads series in parallel, so its choice varies between runs",
  'sort(label_replace(temperature, "x", "$1", "room", "(a|b)"))':
    "VictoriaMetrics 1.79.5 leaves an empty label x=\"\" on series the regex does not match (and sorts by it); Tidemark drops empty labels, as Prometheus does",
  'label_graphite_group(label_set(temperature, "__name__", "a.b.c"), 2, 0)':
    "VictoriaMetrics 1.79.5 overwrites the name while reading its parts (a.b.c with groups 2, 0 gives c.c); Tidemark gives c.a as documented",
};

interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

function key(m: Record<string, string>): string {
  return JSON.stringify(Object.entries(m).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a), y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

function compare(q: string, got: any, want: any): void {
  assert.equal(got.status, want.status, `${q}: status (got ${JSON.stringify(got).slice(0, 300)}; want ${JSON.stringify(want).slice(0, 300)})`);
  if (want.status !== "success") {
    assert.equal(got.errorType, want.errorType, `${q}: errorType`);
    assert.equal(typeof got.error, "string", `${q}: error`);
    return;
  }
  assert.equal(got.data.resultType, want.data.resultType, `${q}: resultType`);
  const g: PromSeries[] = got.data.result;
  const w: PromSeries[] = want.data.result;
  const keys = (rs: PromSeries[]) => rs.map((r) => key(r.metric));
  // VictoriaMetrics sorts results by name and labels, except for sort*(),
  // topk/bottomk-like functions (their order follows Go map iteration) and raw samples.
  const unordered = /^(topk|bottomk|outliersk)/.test(q) || /\[[0-9a-z]+\]( offset \w+)?$/.test(q);
  if (!unordered) assert.deepEqual(keys(g), keys(w), `${q}: series order: got ${keys(g).join(" ")}; want ${keys(w).join(" ")}`);
  else assert.deepEqual(keys(g).sort(), keys(w).sort(), `${q}: series: got ${keys(g).sort().join(" ")}; want ${keys(w).sort().join(" ")}`);
  const gm = new Map(g.map((r) => [key(r.metric), r]));
  for (const ws of w) {
    const gs = gm.get(key(ws.metric))!;
    const gp = gs.values ?? (gs.value === undefined ? [] : [gs.value]);
    const wp = ws.values ?? (ws.value === undefined ? [] : [ws.value]);
    assert.deepEqual(gp.map((p) => p[0]), wp.map((p) => p[0]), `${q}: timestamps of ${key(ws.metric)}: got ${JSON.stringify(gp).slice(0, 400)}; want ${JSON.stringify(wp).slice(0, 400)}`);
    for (let i = 0; i < wp.length; i++) {
      assert.ok(close(gp[i]![1], wp[i]![1]), `${q}: value of ${key(ws.metric)} at ${wp[i]![0]}: got ${gp[i]![1]}; want ${wp[i]![1]}`);
    }
  }
}

test("/api/v1/query and /api/v1/query_range answer as VictoriaMetrics 1.79.5", { skip, timeout: 120_000 }, async (t) => {
  const vmDir = tempDir("vm-data-");
  const port = await freePort();
  const vm = spawn(vmBin!, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${vmDir}`, "-retentionPeriod=1y"], { stdio: "ignore" });
  const vmExited = new Promise((r) => vm.once("exit", r));
  const vmURL = `http://127.0.0.1:${port}`;
  const tm = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(vmURL + "/health")).status === 200) break;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = Math.floor((Date.now() - 3 * 3600 * 1000) / 3600_000) * 3600_000;
    const body = makeData(t0);
    assert.equal((await fetch(vmURL + "/api/v1/import", { method: "POST", body })).status, 204);
    assert.equal((await tm.post("/api/v1/import", body)).status, 204);
    await fetch(vmURL + "/internal/force_flush");
    await tm.get("/internal/force_flush");
    const s = (ms: number) => String(ms / 1000);
    const cases: Array<{ name: string; path: string }> = [];
    for (const q of queries) {
      const enc = encodeURIComponent(q);
      cases.push({ name: `instant ${q}`, path: `/api/v1/query?nocache=1&query=${enc}&time=${s(t0 + 30 * min + 7 * sec)}` });
      cases.push({ name: `range ${q}`, path: `/api/v1/query_range?nocache=1&query=${enc}&start=${s(t0 + 10 * min)}&end=${s(t0 + 50 * min)}&step=60` });
      cases.push({ name: `range/45s ${q}`, path: `/api/v1/query_range?nocache=1&query=${enc}&start=${s(t0 + 15 * min + 3 * sec)}&end=${s(t0 + 35 * min)}&step=45s` });
    }
    // Without nocache, ranges of 50 points or more are aligned to the step.
    for (const q of ["rate(http_requests_total[5m])", "temperature"]) {
      cases.push({ name: `aligned ${q}`, path: `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${s(t0 + 10 * min + 17 * sec)}&end=${s(t0 + 50 * min + 3 * sec)}&step=30` });
      cases.push({ name: `not aligned ${q}`, path: `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${s(t0 + 10 * min + 17 * sec)}&end=${s(t0 + 20 * min + 3 * sec)}&step=30` });
    }
    cases.push({ name: "extra_label", path: `/api/v1/query?nocache=1&extra_label=job=api&query=${encodeURIComponent("sum(rate(http_requests_total[5m])) by (instance)")}&time=${s(t0 + 20 * min)}` });
    cases.push({ name: "extra_filters", path: `/api/v1/query_range?nocache=1&extra_filters[]=${encodeURIComponent('{code="500"}')}&extra_filters[]=${encodeURIComponent('{instance="h1"}')}&query=${encodeURIComponent("http_requests_total")}&start=${s(t0 + 10 * min)}&end=${s(t0 + 20 * min)}&step=60` });
    cases.push({ name: "extra_filters raw", path: `/api/v1/query?nocache=1&extra_label=room=a&query=${encodeURIComponent("temperature[2m]")}&time=${s(t0 + 20 * min)}` });
    for (const q of ['temperature{room="b"}', "rate(http_requests_total[20s])", "count_over_time(temperature[2m])"]) {
      cases.push({ name: `max_lookback ${q}`, path: `/api/v1/query_range?nocache=1&max_lookback=20s&query=${encodeURIComponent(q)}&start=${s(t0 + 15 * min)}&end=${s(t0 + 30 * min)}&step=45` });
    }
    cases.push({ name: "round_digits rate", path: `/api/v1/query_range?nocache=1&round_digits=2&query=${encodeURIComponent("rate(http_requests_total[5m])")}&start=${s(t0 + 10 * min)}&end=${s(t0 + 20 * min)}&step=60` });
    cases.push({ name: "round_digits negative", path: `/api/v1/query?nocache=1&round_digits=-1&query=${encodeURIComponent("sum(http_requests_total)")}&time=${s(t0 + 20 * min)}` });
    // Raw samples and top-level subqueries of instant queries.
    for (const q of ["temperature[2m]", "http_requests_total{job=\"api\"}[1m] offset 5m", "rate(http_requests_total[5m])[10m:2m]"]) {
      cases.push({ name: `instant ${q}`, path: `/api/v1/query?nocache=1&query=${encodeURIComponent(q)}&time=${s(t0 + 30 * min)}` });
    }
    const failures: string[] = [];
    const empty: string[] = [];
    // Answers that match but not byte for byte (last-digit float differences, error texts).
    const notByteEqual: string[] = [];
    // Errors: status code and shape.
    for (const [name, path] of [
      ["missing query", "/api/v1/query?nocache=1"],
      ["missing range query", "/api/v1/query_range?nocache=1"],
      ["syntax error", `/api/v1/query?nocache=1&query=${encodeURIComponent("sum(")}`],
      ["unknown function", `/api/v1/query?nocache=1&query=${encodeURIComponent("nosuchfunc(temperature)")}`],
      ["too many points", `/api/v1/query_range?nocache=1&query=1&start=0&end=${s(t0)}&step=1`],
      ["bad step", `/api/v1/query_range?nocache=1&query=1&start=0&end=1&step=abc`],
      ["bad time", `/api/v1/query?nocache=1&query=1&time=yesterday`],
      ["vector of scalars", `/api/v1/query?nocache=1&query=${encodeURIComponent("scalar(temperature)")}&time=${s(t0 + 30 * min)}`],
      ["prefix", `/prometheus/api/v1/query?nocache=1&query=temperature&time=${s(t0 + 30 * min)}`],
    ] as const) {
      cases.push({ name: `${name} ${name}`, path });
    }
    // QUERY_FILTER=substring runs only the matching cases (for debugging).
    const filter = process.env["QUERY_FILTER"];
    for (const c of cases) {
      if (filter !== undefined && !c.name.includes(filter)) continue;
      const qname = c.name.replace(/^\S+ /, "");
      const [gr, wr] = await Promise.all([tm.get(c.path), fetch(vmURL + c.path)]);
      const gotText = await gr.text();
      const wantText = await wr.text();
      if (gotText !== wantText) notByteEqual.push(c.name);
      const got: any = JSON.parse(gotText);
      const want: any = JSON.parse(wantText);
      if (want.status === "success" && want.data.result.length === 0) empty.push(c.name);
      try {
        assert.equal(gr.status, wr.status, `${c.name}: HTTP status (got ${JSON.stringify(got).slice(0, 200)}; want ${JSON.stringify(want).slice(0, 200)})`);
        compare(qname, got, want);
      } catch (e) {
        if (knownDifferences[qname] !== undefined) continue;
        failures.push(`${c.name}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    // The POST form gives the same answer as GET.
    for (const q of ["sum by (job) (rate(http_requests_total[5m]))", "temperature > 22"]) {
      const form = `nocache=1&query=${encodeURIComponent(q)}&start=${s(t0 + 10 * min)}&end=${s(t0 + 20 * min)}&step=60`;
      const init = { method: "POST", body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
      const [gr, wr] = await Promise.all([fetch(tm.url + "/api/v1/query_range", init), fetch(vmURL + "/api/v1/query_range", init)]);
      try {
        assert.equal(gr.status, 200, `POST ${q}: HTTP status`);
        compare(q, await gr.json(), await wr.json());
      } catch (e) {
        failures.push(`POST ${q}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    t.diagnostic(`${cases.length - notByteEqual.length} of ${cases.length} answers are byte-identical`);
    if (process.env["QUERY_SHOW_DIFFS"] !== undefined) t.diagnostic(notByteEqual.join("\n"));
    await t.test("the cases are not vacuous", () => {
      assert.ok(empty.length * 10 < cases.length, `too many empty answers: ${empty.join("; ")}`);
    });
    await t.test("every query matches", () => {
      assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases differ`);
    });
  } finally {
    await tm.stop();
    vm.kill("SIGTERM");
    await vmExited;
  }
});

test("/api/v1/query and /api/v1/query_range answer in Prometheus' JSON shape", { timeout: 60_000 }, async () => {
  const tm = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    const t0 = Math.floor((Date.now() - 3600_000) / 60_000) * 60_000;
    const lines = ["a", "b"].map((job, j) =>
      JSON.stringify({ metric: { __name__: "up", job }, values: [1, 2, 3, 4].map((v) => v * (j + 1)), timestamps: [0, 1, 2, 3].map((i) => t0 + i * 15_000) }),
    );
    assert.equal((await tm.post("/api/v1/import", lines.join("\n") + "\n")).status, 204);
    await tm.get("/internal/force_flush");
    const s = (ms: number) => String(ms / 1000);
    const f = async (path: string, status: number, body: string) => {
      const r = await tm.get(path);
      assert.equal(r.status, status, `status of ${path}`);
      assert.equal(r.headers.get("content-type"), "application/json", `content type of ${path}`);
      assert.equal(await r.text(), body, `body of ${path}`);
    };
    await f(
      `/api/v1/query?query=${encodeURIComponent("sum(up) by (job) * 1.5")}&time=${s(t0 + 30_000)}`,
      200,
      `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[${s(t0 + 30_000)},"4.5"]},{"metric":{"job":"b"},"value":[${s(t0 + 30_000)},"9"]}]}}`,
    );
    await f(
      `/prometheus/api/v1/query_range?query=${encodeURIComponent('up{job="b"}')}&start=${s(t0)}&end=${s(t0 + 45_000)}&step=15s`,
      200,
      `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"b"},"values":[[${s(t0)},"2"],[${s(t0 + 15_000)},"4"],[${s(t0 + 30_000)},"6"],[${s(t0 + 45_000)},"8"]]}]}}`,
    );
    await f(`/api/v1/query?query=${encodeURIComponent('up{job="c"}')}&time=${s(t0)}`, 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`);
    const bad = await tm.get("/api/v1/query?query=" + encodeURIComponent("sum("));
    assert.equal(bad.status, 422);
    const e = (await bad.json()) as { status: string; errorType: string; error: string };
    assert.equal(e.status, "error");
    assert.equal(e.errorType, "422");
    assert.match(e.error, /cannot parse/);
    await f("/api/v1/status/buildinfo", 200, `{"status":"success","data":{}}`);
    const traced = (await (await tm.get(`/api/v1/query_range?trace=1&query=up&start=${s(t0)}&end=${s(t0 + 60_000)}&step=30`)).json()) as {
      data: { result: unknown[] };
      trace: { duration_msec: number; message: string; children: Array<{ message: string }> };
    };
    assert.equal(traced.data.result.length, 2);
    assert.match(traced.trace.message, /^\/api\/v1\/query_range: start=\d+, end=\d+, step=30000, query="up": series=2$/);
    assert.match(traced.trace.children[0]!.message, /^eval: query=up, timeRange=\[.*\], step=30000, mayCache=true: series=2, points=6, pointsPerSeries=3$/);
    const top = await tm.get("/api/v1/status/top_queries?topN=1&maxLifetime=1h");
    assert.equal(top.status, 200);
    const tq = (await top.json()) as { topN: string; maxLifetime: string; topByCount: Array<{ query: string; count: number }> };
    assert.equal(tq.topN, "1");
    assert.equal(tq.maxLifetime, "1h0m0s");
    assert.ok(tq.topByCount.length <= 1, JSON.stringify(tq));
    const active = await tm.get("/api/v1/status/active_queries");
    assert.equal(active.status, 200);
    assert.equal(await active.text(), "");
  } finally {
    await tm.stop();
  }
});

test("query limits answer 422 naming the flag", { timeout: 60_000 }, async () => {
  const tm = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y", "-search.maxUniqueTimeseries=1", "-search.maxPointsPerTimeseries=10"]);
  try {
    const t0 = Math.floor((Date.now() - 3600_000) / 60_000) * 60_000;
    const lines = ["a", "b"].map((job) => JSON.stringify({ metric: { __name__: "up", job }, values: [1], timestamps: [t0] }));
    assert.equal((await tm.post("/api/v1/import", lines.join("\n") + "\n")).status, 204);
    await tm.get("/internal/force_flush");
    const f = async (path: string, re: RegExp) => {
      const r = await tm.get(path);
      const body = (await r.json()) as { status: string; errorType: string; error: string };
      assert.equal(r.status, 422, `status of ${path}: ${JSON.stringify(body)}`);
      assert.equal(body.status, "error");
      assert.match(body.error, re, `error of ${path}`);
    };
    await f(`/api/v1/query?query=up&time=${t0 / 1000}`, /-search\.maxUniqueTimeseries/);
    await f(`/api/v1/query_range?query=1&start=${t0 / 1000}&end=${t0 / 1000 + 3600}&step=60`, /-search\.maxPointsPerTimeseries=10/);
    const ok = await tm.get(`/api/v1/query?query=${encodeURIComponent('up{job="a"}')}&time=${t0 / 1000}`);
    assert.equal(ok.status, 200);
  } finally {
    await tm.stop();
  }
});
