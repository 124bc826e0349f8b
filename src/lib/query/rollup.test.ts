// The windowing loop and the public API: scrape interval and staleness limits,
// implicit and widened windows, lookbackDelta, the fetch range, argument
// errors, and the list of functions.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  evalRollup,
  getMaxPrevInterval,
  getRollupFunc,
  getRollupTimeRange,
  getScrapeInterval,
  rollupFuncNames,
} from "./rollup.ts";
import type { RollupArg, RollupConfig } from "./rollup.ts";

const sec = 1000;
const N = NaN;

function one(name: string, args: RollupArg[], cfg: RollupConfig, ts: Float64Array, vs: Float64Array): number[] {
  const rows = evalRollup(getRollupFunc(name)!, args, cfg, ts, vs, ts.length);
  assert.equal(rows.length, 1, `${name}: ${rows.length} rows`);
  return [...rows[0]!.values];
}

const secs = (...a: number[]) => Float64Array.from(a, (s) => s * sec);

test("getScrapeInterval", () => {
  const f = (ts: number[], want: number) => {
    const got = getScrapeInterval(Float64Array.from(ts), ts.length, 777);
    assert.equal(got, want, `getScrapeInterval([${ts}])`);
  };
  f([], 777);
  f([5000], 777);
  f([0, 10000, 20000], 10000);
  // Gaps 5 10 15 20 100 (s): the 0.6 quantile interpolates 15 and 20 -> 17.
  f([0, 5000, 15000, 30000, 50000, 150000], 17000);
  // Only the first 20 gaps count.
  f([...Array.from({ length: 21 }, (_, k) => k * 1000), 1e9], 1000);
  // Truncated to whole milliseconds.
  f([0, 1, 3, 4], 1);
  f([0, 1, 3, 5, 6, 8], 2);
  // Duplicate timestamps only: no estimate.
  f([1000, 1000, 1000], 777);
});

test("getMaxPrevInterval", () => {
  const f = (si: number, want: number) => assert.equal(getMaxPrevInterval(si), want, `getMaxPrevInterval(${si})`);
  f(1000, 5000);
  f(2000, 10000);
  f(3000, 9000);
  f(4000, 12000);
  f(5000, 10000);
  f(8000, 16000);
  f(10000, 15000);
  f(15001, 22501);
  f(16000, 24000);
  f(20000, 25000);
  f(33333, 37499);
  f(60000, 67500);
});

// Samples every 10s from 10s to 60s with values 1..6; maxPrevInterval 15s.
const ts10 = secs(10, 20, 30, 40, 50, 60);
const vs10 = Float64Array.from([1, 2, 3, 4, 5, 6]);

test("windows: implicit, widened, capped by lookbackDelta", () => {
  const f = (name: string, cfg: Partial<RollupConfig>, want: number[]) => {
    const full: RollupConfig = { start: 65 * sec, end: 65 * sec, step: 20 * sec, window: 0, lookbackDelta: 0, ...cfg };
    assert.deepEqual(one(name, [], full, ts10, vs10), want, `${name} ${JSON.stringify(cfg)}`);
  };
  // The implicit window is the step: (45,65] holds 50 and 60.
  f("count_over_time", {}, [2]);
  f("count_over_time", { step: 30 * sec }, [3]);
  // An explicit window wins.
  f("count_over_time", { window: 40 * sec }, [4]);
  // rate widens a 5s window to maxPrevInterval (15s): (50,65] has 60,
  // prevValue 5 at 50 -> (6-5)/10s.
  f("rate", { window: 5 * sec }, [0.1]);
  f("count_over_time", { window: 5 * sec }, [N]);
  // default_rollup's implicit window is capped by lookbackDelta: (61,65] is empty.
  f("default_rollup", { step: 60 * sec }, [6]);
  f("default_rollup", { step: 60 * sec, lookbackDelta: 4 * sec }, [N]);
  // ... but not an explicit window.
  f("default_rollup", { step: 60 * sec, window: 10 * sec, lookbackDelta: 4 * sec }, [6]);
  // The cap applies to default_rollup only.
  f("last_over_time", { step: 60 * sec, lookbackDelta: 4 * sec }, [6]);
});

test("the sample before the window: maxPrevInterval, lookbackDelta, minStalenessInterval", () => {
  // One point at 75s with a 10s window (65,75]: empty, prevValue 6 at 60 is
  // 5s before the window start.
  const f = (cfg: Partial<RollupConfig>, want: number[]) => {
    const full: RollupConfig = { start: 75 * sec, end: 75 * sec, step: 10 * sec, window: 10 * sec, lookbackDelta: 0, ...cfg };
    // A sample after the window makes prevValue eligible.
    const ts = secs(10, 20, 30, 40, 50, 60, 90);
    const vs = Float64Array.from([1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(one("lag", [], full, ts, vs), want, `lag ${JSON.stringify(cfg)}`);
  };
  f({}, [15]);
  // lookbackDelta 4s < 5s: prevValue is too old.
  f({ lookbackDelta: 4 * sec }, [N]);
  f({ lookbackDelta: 6 * sec }, [15]);
  // At 105s, (95,105] is empty and 90 is newer than 95-15, but no sample
  // follows the window start, so the original ignores it.
  f({ start: 105 * sec, end: 105 * sec }, [N]);
  // At 85s, (75,85] is empty and 60 is 15s before 75: not newer than 75-15.
  f({ start: 85 * sec, end: 85 * sec }, [N]);
  // minStalenessInterval raises the limit.
  f({ start: 85 * sec, end: 85 * sec, minStalenessInterval: 16 * sec }, [25]);
});

test("counter resets are removed for rate-like functions only", () => {
  // 10 20 5 15: a full reset (5 is less than 20*7/8), then 10 20 18 28: a
  // partial one (a drop of 2 is below 20/8).
  const cfg: RollupConfig = { start: 40 * sec, end: 40 * sec, step: 10 * sec, window: 40 * sec, lookbackDelta: 0 };
  const f = (name: string, vs: number[], want: number) =>
    assert.deepEqual(one(name, [], cfg, secs(10, 20, 30, 40), Float64Array.from(vs)), [want], `${name}(${vs})`);
  f("increase", [10, 20, 5, 15], 35);
  f("increase", [10, 20, 18, 28], 30);
  f("increase_prometheus", [10, 20, 5, 15], 25);
  f("delta", [10, 20, 5, 15], 15);
  f("resets", [10, 20, 5, 15], 1);
  f("max_over_time", [10, 20, 5, 15], 20);
});

test("staleness markers", () => {
  // A NaN value is a staleness marker: dropped, except where it is the point.
  const cfg: RollupConfig = { start: 30 * sec, end: 30 * sec, step: 10 * sec, window: 30 * sec, lookbackDelta: 0 };
  const ts = secs(10, 20, 30);
  const vs = Float64Array.from([1, 2, NaN]);
  assert.deepEqual(one("count_over_time", [], cfg, ts, vs), [2]);
  assert.deepEqual(one("stale_samples_over_time", [], cfg, ts, vs), [1]);
  assert.deepEqual(one("default_rollup", [], cfg, ts, vs), [N]);
  assert.deepEqual(one("last_over_time", [], cfg, ts, vs), [2]);
  assert.deepEqual(one("increase", [], cfg, ts, vs), [2]);
});

test("getRollupTimeRange", () => {
  const f = (name: string, cfg: Partial<RollupConfig>, want: [number, number]) => {
    const full: RollupConfig = { start: 1_000_000, end: 2_000_000, step: 60_000, window: 0, lookbackDelta: 0, ...cfg };
    const r = getRollupTimeRange(getRollupFunc(name)!, full);
    assert.deepEqual([r.minTimestamp, r.maxTimestamp], want, `${name} ${JSON.stringify(cfg)}`);
  };
  f("rate", {}, [1_000_000 - 300_000 - 60_000, 2_000_000]);
  f("rate", { window: 600_000 }, [1_000_000 - 300_000 - 600_000, 2_000_000]);
  f("rate", { window: 30_000 }, [1_000_000 - 300_000 - 60_000, 2_000_000]);
  // Candles are computed one step later.
  f("rollup_candlestick", {}, [1_060_000 - 300_000 - 60_000, 2_060_000]);
});

test("inputs are left alone; samples past n are ignored", () => {
  const ts = secs(10, 20, 30, 40, 50, 60, 70, 80);
  const vs = Float64Array.from([5, 1, NaN, 3, 0, 9, 99, 99]);
  const tsCopy = ts.slice();
  const vsCopy = vs.slice();
  const cfg: RollupConfig = { start: 20 * sec, end: 80 * sec, step: 20 * sec, window: 30 * sec, lookbackDelta: 0 };
  for (const name of ["rate", "rollup_rate", "rollup_scrape_interval", "mode_over_time", "median_over_time"]) {
    const rows = evalRollup(getRollupFunc(name)!, [], cfg, ts, vs, 6);
    const exact = evalRollup(getRollupFunc(name)!, [], cfg, ts.slice(0, 6), vs.slice(0, 6), 6);
    assert.deepEqual(rows, exact, `${name} with n=6`);
    assert.deepEqual(ts, tsCopy, `${name} timestamps`);
    assert.deepEqual(vs, vsCopy, `${name} values`);
  }
});

test("argument errors", () => {
  const cfg: RollupConfig = { start: 0, end: 10_000, step: 5_000, window: 0, lookbackDelta: 0 };
  const f = (name: string, args: RollupArg[], want: RegExp) => {
    assert.throws(() => evalRollup(getRollupFunc(name)!, args, cfg, secs(1), Float64Array.from([1]), 1), want, `${name}(${args})`);
  };
  f("rate", [1], /^Error: cannot evaluate rate\(\): unexpected number of args; got 2; want 1$/);
  f("quantile_over_time", [], /cannot evaluate quantile_over_time\(\): unexpected number of args; got 1; want 2/);
  f("quantile_over_time", ["x"], /got "x"; want a number/);
  f("quantile_over_time", [Float64Array.from([0.5])], /per-point argument has 1 values; want 3/);
  f("quantiles_over_time", ["phi"], /want at least 3 args/);
  f("quantiles_over_time", [0.5, 0.9], /got 0.5; want a quoted string/);
  f("holt_winters", [0.5], /got 2; want 3/);
  f("aggr_over_time", [], /at least a single aggregate function name/);
  f("aggr_over_time", ["quantile_over_time"], /"quantile_over_time" cannot be used in aggr_over_time/);
  f("rollup", ["median"], /unexpected second arg: "median"; want "min", "max" or "avg"/);
  f("rollup", [""], /rollup tag cannot be empty/);
  f("rollup_candlestick", ["min"], /want "open", "close", "low" or "high"/);
  f("rollup", ["min", "max"], /got 3; want 1 or 2/);
  f("count_values_over_time", [], /got 1; want 2/);
  const info = getRollupFunc("rate")!;
  assert.throws(() => evalRollup(info, [], { ...cfg, step: 0 }, secs(1), Float64Array.from([1]), 1), /^Error: BUG: step must be bigger than 0/);
  assert.throws(() => evalRollup(info, [], { ...cfg, end: -1 }, secs(1), Float64Array.from([1]), 1), /^Error: BUG: start cannot exceed end/);
  assert.throws(() => evalRollup(info, [], cfg, secs(1), Float64Array.from([1]), 2), /^Error: BUG: n=2 exceeds/);
  assert.throws(() => evalRollup({ ...info, name: "nope" }, [], cfg, secs(1), Float64Array.from([1]), 1), /BUG: unknown rollup function nope/);
});

test("getRollupFunc and function properties", () => {
  assert.equal(getRollupFunc("RATE")?.name, "rate");
  assert.equal(getRollupFunc("sum"), undefined);
  assert.equal(getRollupFunc("abs"), undefined);
  const f = (name: string, props: Record<string, unknown>) => {
    const info = getRollupFunc(name)!;
    for (const [k, v] of Object.entries(props)) assert.equal((info as unknown as Record<string, unknown>)[k], v, `${name}.${k}`);
  };
  f("rate", { keepMetricName: false, removeCounterResets: true, mayAdjustWindow: true, keepStaleNaNs: false, outputs: "one", seriesArgIdx: 0, minArgs: 1, maxArgs: 1, since: "1.79.5", samplesScannedPerCall: 2 });
  f("avg_over_time", { keepMetricName: true, removeCounterResets: false, mayAdjustWindow: false, samplesScannedPerCall: 0 });
  f("default_rollup", { keepMetricName: true, mayAdjustWindow: true, keepStaleNaNs: true });
  f("stale_samples_over_time", { keepStaleNaNs: true });
  f("quantile_over_time", { seriesArgIdx: 1, minArgs: 2, maxArgs: 2, keepMetricName: true });
  f("quantiles_over_time", { seriesArgIdx: -1, minArgs: 3, maxArgs: Infinity, outputs: "argLabel" });
  f("aggr_over_time", { seriesArgIdx: 1, outputs: "rollup" });
  f("histogram_over_time", { outputs: "vmrange", keepMetricName: false });
  f("holt_winters", { minArgs: 3, maxArgs: 3, keepMetricName: true });
  f("rollup", { minArgs: 1, maxArgs: 2, outputs: "rollup", mayAdjustWindow: true, keepMetricName: true });
  f("rollup_increase", { removeCounterResets: true, mayAdjustWindow: false, keepMetricName: false });
  f("timestamp_with_name", { keepMetricName: true });
  f("timestamp", { keepMetricName: false, mayAdjustWindow: true });
  f("median_over_time", { since: "1.79.5", keepMetricName: true });
  f("rate_prometheus", { since: "newer", removeCounterResets: true, mayAdjustWindow: false });
  f("count_values_over_time", { since: "newer", seriesArgIdx: 1, outputs: "argLabel" });
});

test("rollupFuncNames is the documented list", () => {
  // The rollup functions section of the MetricsQL docs (docs/victoriametrics/MetricsQL.md).
  const documented = `absent_over_time aggr_over_time ascent_over_time avg_over_time changes changes_prometheus
    count_eq_over_time count_gt_over_time count_le_over_time count_ne_over_time count_over_time count_values_over_time
    decreases_over_time default_rollup delta delta_prometheus deriv deriv_fast descent_over_time distinct_over_time
    duration_over_time first_over_time geomean_over_time histogram_over_time hoeffding_bound_lower hoeffding_bound_upper
    holt_winters idelta ideriv increase increase_prometheus increase_pure increases_over_time integrate irate lag
    last_over_time lifetime mad_over_time max_over_time median_over_time min_over_time mode_over_time
    outlier_iqr_over_time predict_linear present_over_time quantile_over_time quantiles_over_time range_over_time rate
    rate_prometheus rate_over_sum resets rollup rollup_candlestick rollup_delta rollup_deriv rollup_increase rollup_rate
    rollup_scrape_interval scrape_interval share_gt_over_time share_le_over_time share_eq_over_time
    stale_samples_over_time stddev_over_time stdvar_over_time sum_eq_over_time sum_gt_over_time sum_le_over_time
    sum_over_time sum2_over_time timestamp timestamp_with_name tfirst_over_time tlast_change_over_time tlast_over_time
    tmax_over_time tmin_over_time zscore_over_time`.split(/\s+/);
  assert.deepEqual([...rollupFuncNames], [...documented].sort());
  const newer = rollupFuncNames.filter((n) => getRollupFunc(n)!.since === "newer");
  assert.deepEqual(newer, [
    "count_values_over_time", "mad_over_time", "outlier_iqr_over_time", "rate_prometheus", "share_eq_over_time",
    "sum_eq_over_time", "sum_gt_over_time", "sum_le_over_time",
  ]);
});

// A naive reference for the loop: scan every sample for every point.
function naive(name: string, cfg: RollupConfig, ts: number[], vs: number[]): number[] {
  const window = cfg.window > 0 ? cfg.window : cfg.step;
  const gaps = ts.slice(1, 21).map((t, k) => t - ts[k]!).sort((a, b) => a - b);
  let si = cfg.step;
  if (gaps.length > 0) {
    const rank = 0.6 * (gaps.length - 1);
    const lo = Math.floor(rank);
    const q = Math.trunc(gaps[lo]! * (1 - (rank - lo)) + gaps[Math.min(lo + 1, gaps.length - 1)]! * (rank - lo));
    if (q > 0) si = q;
  }
  const maxPrev = getMaxPrevInterval(si);
  const out: number[] = [];
  for (let t = cfg.start; t <= cfg.end; t += cfg.step) {
    const inWin = ts.map((x, k) => k).filter((k) => ts[k]! > t - window && ts[k]! <= t);
    const before = ts.map((x, k) => k).filter((k) => ts[k]! <= t - window);
    const after = ts.some((x) => x > t - window);
    const p = before.length > 0 && after && ts[before.at(-1)!]! > t - window - maxPrev ? before.at(-1)! : -1;
    const w = inWin.map((k) => vs[k]!);
    switch (name) {
      case "count_over_time":
        out.push(w.length === 0 ? NaN : w.length);
        break;
      case "sum_over_time":
        out.push(w.length === 0 ? NaN : w.reduce((a, b) => a + b, 0));
        break;
      case "min_over_time":
        out.push(w.length === 0 ? NaN : Math.min(...w));
        break;
      case "last_over_time":
        out.push(w.length === 0 ? NaN : w.at(-1)!);
        break;
      case "lag":
        out.push(w.length > 0 ? (t - ts[inWin.at(-1)!]!) / 1e3 : p >= 0 ? (t - ts[p]!) / 1e3 : NaN);
        break;
      default:
        throw new Error(`BUG: no naive ${name}`);
    }
  }
  return out;
}

test("property: the loop agrees with a naive scan", () => {
  const series = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 40_000 }), fc.integer({ min: -50, max: 50 })), { minLength: 0, maxLength: 60 })
    .map((steps) => {
      let t = 0;
      return { ts: steps.map(([d]) => (t += d)), vs: steps.map(([, v]) => v) };
    });
  const config = fc.record({
    start: fc.integer({ min: -50_000, max: 600_000 }),
    points: fc.integer({ min: 1, max: 40 }),
    step: fc.integer({ min: 1, max: 90_000 }),
    window: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200_000 })),
  });
  fc.assert(
    fc.property(series, config, fc.constantFrom("count_over_time", "sum_over_time", "min_over_time", "last_over_time", "lag"), (s, c, name) => {
      const cfg: RollupConfig = { start: c.start, end: c.start + (c.points - 1) * c.step, step: c.step, window: c.window, lookbackDelta: 0 };
      const got = one(name, [], cfg, Float64Array.from(s.ts), Float64Array.from(s.vs));
      assert.deepEqual(got, naive(name, cfg, s.ts, s.vs), `${name} ${JSON.stringify(cfg)} over ${JSON.stringify(s)}`);
    }),
    { numRuns: 500 },
  );
});
