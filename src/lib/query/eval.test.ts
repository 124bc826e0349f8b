import { test } from "node:test";
import assert from "node:assert/strict";
import { exec, QueryError, QueryTimeoutError, type EvalConfig, type SeriesSource, type SourceFilter } from "./index.ts";

interface MemSeries {
  labels: Array<[string, string]>;
  ts: number[];
  vs: number[];
}

// memorySource serves series from memory; regexps are anchored as in the storage.
function memorySource(data: MemSeries[]): SeriesSource {
  const match = (s: MemSeries, f: SourceFilter) => {
    const v = s.labels.find((l) => l[0] === f.label)?.[1] ?? "";
    const ok = f.isRegex ? new RegExp(`^(?:${f.value})$`).test(v) : v === f.value;
    return ok !== f.isNegative;
  };
  return {
    *search(filters, minT, maxT, maxSeries) {
      const found = data.filter((s) => filters.every((f) => match(s, f)));
      if (maxSeries > 0 && found.length > maxSeries) throw new Error(`too many series: ${found.length}`);
      for (const s of found) {
        const idx = s.ts.map((_, i) => i).filter((i) => s.ts[i]! >= minT && s.ts[i]! <= maxT);
        if (idx.length === 0) continue;
        yield { labels: s.labels, timestamps: Float64Array.from(idx, (i) => s.ts[i]!), values: Float64Array.from(idx, (i) => s.vs[i]!), n: idx.length };
      }
    },
  };
}

const every15s = (n: number, f: (i: number) => number) => ({ ts: Array.from({ length: n }, (_, i) => i * 15_000), vs: Array.from({ length: n }, (_, i) => f(i)) });

const data: MemSeries[] = [
  { labels: [["__name__", "m"], ["job", "a"], ["instance", "x"]], ...every15s(20, (i) => i + 1) },
  { labels: [["__name__", "m"], ["job", "b"], ["instance", "x"]], ...every15s(20, (i) => 10 * (i + 1)) },
  { labels: [["__name__", "info"], ["instance", "x"], ["version", "v1"]], ...every15s(20, () => 1) },
  { labels: [["__name__", "h_bucket"], ["le", "1"]], ...every15s(20, (i) => i) },
  { labels: [["__name__", "h_bucket"], ["le", "2"]], ...every15s(20, (i) => 2 * i) },
  { labels: [["__name__", "h_bucket"], ["le", "+Inf"]], ...every15s(20, (i) => 4 * i) },
  { labels: [["__name__", "stale"]], ts: [0, 15_000, 30_000, 45_000], vs: [1, 2, NaN, 4] },
];

function config(start: number, end: number, step: number, over: Partial<EvalConfig> = {}): EvalConfig {
  return { start, end, step, lookbackDelta: 0, maxSeries: 0, maxPointsPerSeries: 30_000, deadline: Infinity, source: memorySource(data), ...over };
}

// show renders a result as `name{k="v"} v1 v2 ...; ...` (tags sorted).
function show(q: string, ec: EvalConfig, firstPointOnly = false): string {
  return exec(ec, q, firstPointOnly)
    .map((ts) => `${ts.name}{${[...ts.tags].sort().map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}} ${[...ts.values].join(" ")}`)
    .join("; ");
}

test("range evaluation over 30s..90s step 30s", () => {
  const f = (q: string, want: string) => assert.equal(show(q, config(30_000, 90_000, 30_000)), want, `query ${q}`);
  // selectors and default_rollup
  f("m", 'm{instance="x",job="a"} 3 5 7; m{instance="x",job="b"} 30 50 70');
  f('m{job="b"}', 'm{instance="x",job="b"} 30 50 70');
  f('m{job=~"a|c"}', 'm{instance="x",job="a"} 3 5 7');
  f("nosuch", "");
  // rollups, offset, @, subqueries
  f('rate(m{job="a"}[1m])', '{instance="x",job="a"} 0.06666666666666667 0.06666666666666667 0.06666666666666667');
  f('m{job="a"} offset 30s', 'm{instance="x",job="a"} 1 3 5');
  f('m{job="a"} @ 60', 'm{instance="x",job="a"} 5 5 5');
  f('max_over_time(m{job="a"}[1m:15s])', 'm{instance="x",job="a"} 3 5 7');
  f('min_over_time(rate(m{job="b"}[30s])[1m:30s])', '{instance="x",job="b"} 0.6666666666666666 0.6666666666666666 0.6666666666666666');
  f('absent_over_time(nosuch{a="b"}[1m])', '{a="b"} 1 1 1');
  // numbers, strings, time
  f("1 + 2", "{} 3 3 3");
  f("time()", "{} 30 60 90");
  f("-m{job=\"a\"}", '{instance="x",job="a"} -3 -5 -7');
  // aggregations
  f("sum(m)", "{} 33 55 77");
  f("sum(m) by (job)", '{job="a"} 3 5 7; {job="b"} 30 50 70');
  f("max(m) without (job)", '{instance="x"} 30 50 70');
  f("count(m)", "{} 2 2 2");
  f("avg(m) by (__name__)", "m{} 16.5 27.5 38.5");
  f("stddev(m)", "{} 13.5 22.5 31.5");
  f("topk(1, m)", 'm{instance="x",job="b"} 30 50 70');
  f("bottomk(1, m)", 'm{instance="x",job="a"} 3 5 7');
  f("quantile(0.5, m)", "{} 16.5 27.5 38.5");
  f('count_values("v", m{job="a"})', '{v="3"} 1 NaN NaN; {v="5"} NaN 1 NaN; {v="7"} NaN NaN 1');
  f("group(m) by (instance)", '{instance="x"} 1 1 1');
  f("sum(m) by (job) limit 1", '{job="a"} 3 5 7');
  // binary operators
  f("m * 2", '{instance="x",job="a"} 6 10 14; {instance="x",job="b"} 60 100 140');
  f("m > 5", 'm{instance="x",job="a"} NaN NaN 7; m{instance="x",job="b"} 30 50 70');
  f("5 < m", 'm{instance="x",job="a"} NaN NaN 7; m{instance="x",job="b"} 30 50 70');
  f('m{job="a"} > bool 4', '{instance="x",job="a"} 0 1 1');
  f('m{job="b"} / ignoring(job) m{job="a"}', '{instance="x"} 10 10 10');
  f("m * on(instance) group_left(version) info", '{instance="x",job="a",version="v1"} 3 5 7; {instance="x",job="b",version="v1"} 30 50 70');
  f('m and m{job="a"}', 'm{instance="x",job="a"} 3 5 7');
  f('m unless m{job="a"}', 'm{instance="x",job="b"} 30 50 70');
  f('m{job="a"} or m{job="b"}', 'm{instance="x",job="a"} 3 5 7; m{instance="x",job="b"} 30 50 70');
  f('(m{job="a"} > 4) default 0', 'm{instance="x",job="a"} 0 5 7');
  f('m{job="a"} if m{job="a"} > 4', 'm{instance="x",job="a"} NaN 5 7');
  f('m{job="a"} ifnot m{job="a"} > 4', 'm{instance="x",job="a"} 3 NaN NaN');
  // transforms
  f('abs(-m{job="a"})', '{instance="x",job="a"} 3 5 7');
  f('ceil(m{job="a"} / 2)', '{instance="x",job="a"} 2 3 4');
  f('round(m{job="a"} / 3, 0.1)', '{instance="x",job="a"} 1 1.7 2.3');
  f('clamp(m{job="a"}, 4, 6)', 'm{instance="x",job="a"} 4 5 6');
  f('sqrt(m{job="a"}) keep_metric_names', 'm{instance="x",job="a"} 1.7320508075688772 2.23606797749979 2.6457513110645907');
  f('label_replace(m{job="a"}, "x", "$1-y", "job", "(.*)")', 'm{instance="x",job="a",x="a-y"} 3 5 7');
  f('label_join(m{job="a"}, "id", "/", "job", "instance")', 'm{id="a/x",instance="x",job="a"} 3 5 7');
  f('label_set(m{job="a"}, "k", "v")', 'm{instance="x",job="a",k="v"} 3 5 7');
  f('label_del(m{job="a"}, "instance")', 'm{job="a"} 3 5 7');
  f('label_keep(m{job="a"}, "job")', '{job="a"} 3 5 7');
  f("absent(nosuch)", "{} 1 1 1");
  f('absent(m{job="a"})', "");
  f("scalar(m)", "");
  f('scalar(m{job="a"})', "{} 3 5 7");
  f("vector(2)", "{} 2 2 2");
  f("sort_desc(m)", 'm{instance="x",job="b"} 30 50 70; m{instance="x",job="a"} 3 5 7');
  f("histogram_quantile(0.5, h_bucket)", "{} 2 2 2");
  f("histogram_quantile(0.25, h_bucket)", "{} 1 1 1");
  f("union(m{job=\"a\"}, m{job=\"b\"})", 'm{instance="x",job="a"} 3 5 7; m{instance="x",job="b"} 30 50 70');
  f("timestamp(m{job=\"a\"})", '{instance="x",job="a"} 30 60 90');
});

test("functions newer than VictoriaMetrics 1.79.5", () => {
  const f = (q: string, want: string) => assert.equal(show(q, config(30_000, 90_000, 30_000)), want, `query ${q}`);
  f('range_stddev(m{job="a"})', 'm{instance="x",job="a"} 1.632993161855452 1.632993161855452 1.632993161855452');
  f('range_stdvar(m{job="a"})', 'm{instance="x",job="a"} 2.6666666666666665 2.6666666666666665 2.6666666666666665');
  f('range_mad(m{job="a"})', 'm{instance="x",job="a"} 2 2 2');
  f('range_zscore(m{job="a"})', 'm{instance="x",job="a"} -1.224744871391589 0 1.224744871391589');
  f('range_normalize(m{job="a"})', 'm{instance="x",job="a"} 0 0.5 1');
  f('range_linear_regression(m{job="a"})', 'm{instance="x",job="a"} 3 5 7');
  f('range_trim_spikes(0.5, m{job="a"})', 'm{instance="x",job="a"} NaN 5 NaN');
  f('range_trim_zscore(1, m{job="a"})', 'm{instance="x",job="a"} NaN 5 NaN');
  f('range_trim_outliers(0.1, m{job="a"})', 'm{instance="x",job="a"} NaN 5 NaN');
  f('labels_equal(label_set(m, "y", "x"), "instance", "y")', 'm{instance="x",job="a",y="x"} 3 5 7; m{instance="x",job="b",y="x"} 30 50 70');
  f('drop_empty_series(m{job="a"} > 100 or m{job="b"})', 'm{instance="x",job="b"} 30 50 70');
  f('sort_by_label_numeric(label_set(m, "n", "10") or label_set(m{job="a"}, "n", "9", "job", "c"), "n")', 'm{instance="x",job="c",n="9"} 3 5 7; m{instance="x",job="a",n="10"} 3 5 7; m{instance="x",job="b",n="10"} 30 50 70');
  f("share(m)", 'm{instance="x",job="a"} 0.09090909090909091 0.09090909090909091 0.09090909090909091; m{instance="x",job="b"} 0.9090909090909091 0.9090909090909091 0.9090909090909091');
  f("outliers_iqr(m)", "");
  f("histogram_fraction(0, 1, h_bucket)", "{} 0.25 0.25 0.25");
  f("day_of_year(vector(86400 * 40))", "{} 41 41 41");
  f('(m{job="a"} + 1) keep_metric_names', 'm{instance="x",job="a"} 4 6 8');
  f('m{job="a"} * on(instance) group_left(version) prefix "info_" info', '{info_version="v1",instance="x",job="a"} 3 5 7');
});

test("incremental aggregation gives what aggregating the evaluated series gives", () => {
  for (const aggr of ["sum", "min", "max", "avg", "count", "group"]) {
    for (const mod of ["", " by (job)", " without (job)", " by (instance) limit 1"]) {
      for (const inner of ["rate(m[1m])", "m", "m offset 15s", "max_over_time(m[45s])", "stale"]) {
        const ec = () => config(15_000, 240_000, 15_000);
        const q = `${aggr}(${inner})${mod}`;
        assert.equal(show(q, ec()), show(`${aggr}(vector(${inner}))${mod}`, ec()), `query ${q}`);
      }
    }
  }
});

test("the first side of a binary operation narrows the selectors of the other", () => {
  const seen: string[] = [];
  const src = memorySource(data);
  const recording: SeriesSource = {
    search(filters, minT, maxT, maxSeries) {
      seen.push(filters.map((f) => `${f.label}${f.isNegative ? "!" : "="}${f.isRegex ? "~" : ""}${f.value}`).join(","));
      return src.search(filters, minT, maxT, maxSeries);
    },
  };
  const f = (q: string, want: string[]) => {
    seen.length = 0;
    exec(config(30_000, 90_000, 30_000, { source: recording }), q, false);
    assert.deepEqual(seen, want, `query ${q}`);
  };
  f('m{job="a"} + on(instance) info', ["__name__=m,job=a", "__name__=info,instance=x"]);
  f('m{job="b"} / ignoring(job) m{job="a"}', ["__name__=m,job=b", "__name__=m,instance=x,job=a"]);
  f("info and m", ["__name__=m", "__name__=info,instance=x,job=~a|b"]);
  f("m or info", ["__name__=m", "__name__=info"]);
});

test("staleness markers end a series for default_rollup", () => {
  const f = (q: string, want: string) => assert.equal(show(q, config(15_000, 45_000, 15_000)), want, `query ${q}`);
  f("stale", "stale{} 2 NaN 4");
  f("count_over_time(stale[30s])", "{} 2 1 1");
});

test("instant evaluation keeps the first point", () => {
  assert.equal(show("sum(m)", config(60_000, 60_000, 300_000), true), "{} 55");
  assert.equal(show("m > 40", config(60_000, 60_000, 300_000), true), 'm{instance="x",job="b"} 50');
});

test("errors", () => {
  const f = (q: string, re: RegExp, cls: typeof QueryError | typeof QueryTimeoutError = QueryError, over: Partial<EvalConfig> = {}) =>
    assert.throws(() => exec(config(30_000, 90_000, 30_000, over), q, false), (e: Error) => e instanceof cls && re.test(e.message), `query ${q}`);
  f("sum(", /cannot parse query/);
  f("nosuchfunc(m)", /unsupported function/);
  f("label_del(m, \"job\")", /duplicate output timeseries/);
  f("m + on() m", /duplicate time series on the left side/);
  f("quantile(m, m)", /must contain a single timeseries/);
  f("m", /maxQueryDuration/, QueryTimeoutError, { deadline: 0 });
  f("max_over_time(m[1h:1ms])", /maxPointsPerTimeseries/);
  f("m @ scalar(nosuch)", /must be a finite Unix timestamp/);
  f("m @ (1/0)", /must be a finite Unix timestamp/);
});
