// The query test scripts (src/lib/query/querytest/testdata/*.test), whose
// expectations are VictoriaMetrics 1.79.5's answers, run against Prometheus
// 2.42 fed the same data by remote write. Where Prometheus answers
// differently, the difference must be listed in `prometheusDifferences`
// below with the reason (MetricsQL is not PromQL there); a new difference,
// or a listed one that went away, fails the test.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { marshalWriteRequest } from "../src/lib/protoparser/promremotewrite/index.ts";
import { parseScript, runScript, type Backend, type LoadedSeries, type QueryResult } from "../src/lib/query/querytest/index.ts";
import { freePort, repoRoot, tempDir, which } from "./harness.ts";

const prometheus = which("prometheus");
const skip = prometheus === undefined ? "prometheus is not installed (apt-get install prometheus; Prometheus 2.42)" : false;

const scriptsDir = path.join(repoRoot, "src", "lib", "query", "querytest", "testdata");

/**
 * prometheusDifferences lists, per `script:line`, why Prometheus 2.42 answers
 * that eval differently from VictoriaMetrics (and Tidemark).
 */
const prometheusDifferences: Record<string, string> = {
  "basics.test:48": "a bare selector looks back one step (or the detected scrape interval) in MetricsQL, so a 45s gap is a missing point; PromQL looks back a fixed 5m and repeats the last sample",
  "basics.test:52": "MetricsQL keeps the metric name for rollups that keep the value's meaning (avg_over_time, max_over_time, ...); PromQL drops it for every range function",
  "basics.test:67": "label_del() is MetricsQL only",
  "operators.test:45": "MetricsQL's `or` fills the missing points of a left-side series from the matching right-side series; PromQL adds the right-side series as they are",
  "operators.test:49": "the `default` operator is MetricsQL only",
  "operators.test:53": "the `if` operator is MetricsQL only",
  "operators.test:55": "the `ifnot` operator is MetricsQL only",
  "operators.test:59": "the `if` operator is MetricsQL only",
  "operators.test:76": "MetricsQL takes an expression after `@`; PromQL 2.42 only a number, start() or end()",
  "staleness.test:12": "MetricsQL windows are (t-d, t]; Prometheus 2.x windows [t-d, t] also hold a sample exactly at t-d",
  "staleness.test:19": "stale_samples_over_time() is MetricsQL only",
  "staleness.test:27": "MetricsQL keeps the metric name for max_over_time (also over a subquery); PromQL drops it",
  "staleness.test:31": "the MetricsQL window (t-10s, t] holds only a staleness marker, so the series is absent; Prometheus 2.x's closed window [t-10s, t] also holds the sample at t-10s",
};

// snappyLiterals frames data as one snappy block made of literals only
// (valid snappy that any decoder reads; no compression needed for tests).
function snappyLiterals(data: Uint8Array): Buffer {
  const out: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  const chunks: Buffer[] = [Buffer.from(out)];
  for (let off = 0; off < data.length; off += 65536) {
    const len = Math.min(65536, data.length - off) - 1;
    const tag = len < 60 ? [len << 2] : len < 256 ? [60 << 2, len] : [61 << 2, len & 0xff, len >> 8];
    chunks.push(Buffer.from(tag), Buffer.from(data.subarray(off, off + len + 1)));
  }
  return Buffer.concat(chunks);
}

// writeBody encodes loaded series at base ms as a snappy remote write
// request; NaN values become Prometheus' staleness marker.
function writeBody(series: LoadedSeries[], base: number): Buffer {
  let total = 0;
  for (const s of series) total += s.timestamps.length;
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  const bits = new DataView(values.buffer);
  const offsets = new Uint32Array(series.length + 1);
  let k = 0;
  series.forEach((s, i) => {
    offsets[i] = k;
    s.timestamps.forEach((t, j) => {
      timestamps[k] = base + t;
      const v = s.values[j];
      if (v === null || v === undefined || Number.isNaN(v)) bits.setBigUint64(k * 8, 0x7ff0000000000002n, true);
      else values[k] = v;
      k++;
    });
  });
  offsets[series.length] = k;
  const labels = series.map((s) => s.labels.map(([n, v]) => [n, v] as [string, string]));
  return snappyLiterals(marshalWriteRequest({ lines: series.length, labels, timestamps, values, offsets }));
}

// prometheusBackend runs scripts against Prometheus; each clear moves to a
// fresh day, so that earlier data are out of reach of the queries.
function prometheusBackend(url: string): Backend {
  const day = 86_400_000;
  let base = Math.floor((Date.now() - 20 * day) / day) * day + 3 * 3_600_000;
  type PromAnswer = { status: string; error?: string; data?: { resultType: string; result: unknown } };
  const toResult = (a: PromAnswer): QueryResult => {
    if (a.status !== "success") return { error: a.error ?? "error" };
    const d = a.data!;
    // A scalar answer is one series without labels, as VictoriaMetrics gives it.
    const rs = d.resultType === "scalar" ? [{ metric: {}, value: d.result as [number, string] }] : (d.result as Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>);
    return {
      series: rs.map((r) => {
        const points = r.values ?? (r.value === undefined ? [] : [r.value]);
        return {
          labels: Object.entries(r.metric).sort((x, y) => (x[0] < y[0] ? -1 : 1)) as Array<[string, string]>,
          timestamps: points.map((p) => Math.round(p[0] * 1000) - base),
          values: points.map((p) => Number(p[1])),
        };
      }).filter((s) => s.values.some((v) => !Number.isNaN(v))),
    };
  };
  const get = async (p: string) => toResult((await (await fetch(url + p)).json()) as PromAnswer);
  return {
    async load(series) {
      const r = await fetch(url + "/api/v1/write", { method: "POST", body: writeBody(series, base), headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0" } });
      assert.equal(r.status, 204, await r.text());
    },
    async clear() {
      base += day;
    },
    async instant(q, t) {
      return get(`/api/v1/query?query=${encodeURIComponent(q)}&time=${(base + t) / 1000}`);
    },
    async range(q, start, end, step) {
      return get(`/api/v1/query_range?query=${encodeURIComponent(q)}&start=${(base + start) / 1000}&end=${(base + end) / 1000}&step=${step / 1000}`);
    },
  };
}

test("the query scripts against Prometheus 2.42: every difference is explained", { skip, timeout: 60_000 }, async (t) => {
  const dir = tempDir("prometheus-querytest-");
  const port = await freePort();
  // Out-of-order writes are allowed so that a later `load` may write before
  // the newest sample of an earlier one.
  fs.writeFileSync(path.join(dir, "prometheus.yml"), "global: {}\nstorage:\n  tsdb:\n    out_of_order_time_window: 60d\n");
  const p = spawn(prometheus!, [
    `--config.file=${path.join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--web.enable-remote-write-receiver",
    "--storage.tsdb.retention.time=90d",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  p.stderr.setEncoding("utf8").on("data", (d: string) => { log += d; });
  const exited = new Promise((r) => p.once("exit", r));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(url + "/-/ready")).status === 200) break;
      } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    const backend = prometheusBackend(url);
    const found: Record<string, string> = {};
    for (const name of fs.readdirSync(scriptsDir).filter((f) => f.endsWith(".test")).sort()) {
      await backend.clear();
      const diffs = await runScript(parseScript(fs.readFileSync(path.join(scriptsDir, name), "utf8")), backend);
      for (const d of diffs) {
        const line = /^line (\d+):/.exec(d)![1]!;
        const key = `${name}:${line}`;
        found[key] = (found[key] === undefined ? "" : found[key] + "\n") + d;
      }
    }
    for (const [k, d] of Object.entries(found)) t.diagnostic(`Prometheus differs at ${k}${k in prometheusDifferences ? ` (${prometheusDifferences[k]})` : ""}:\n${d}`);
    const unexplained = Object.keys(found).filter((k) => !(k in prometheusDifferences));
    assert.deepEqual(unexplained, [], `differences without a reason in prometheusDifferences:\n${unexplained.map((k) => found[k]).join("\n")}`);
    const gone = Object.keys(prometheusDifferences).filter((k) => !(k in found));
    assert.deepEqual(gone, [], "listed differences that Prometheus no longer shows");
  } catch (e) {
    throw new Error(`${(e as Error).message}\nprometheus log (tail):\n${log.slice(-2000)}`);
  } finally {
    p.kill("SIGTERM");
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
