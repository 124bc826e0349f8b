// Prometheus remote write into a real `tidemark` process: 1.0 and 2.0 bodies built
// here (snappy and zstd), errors, limits, and the real clients vmagent 1.79.5 and
// Prometheus 2.42 scraping a local target and remote-writing what they scraped.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { metricValue, startServer, tempDir, which, type Server, freePort } from "./harness.ts";
import { ProtoWriter } from "../src/lib/protobuf/index.ts";

// ---- helpers ----

/** snappyBlock encodes data as a valid snappy block of literals (no compression). */
function snappyBlock(data: Uint8Array): Buffer {
  const head: number[] = [];
  for (let n = data.length; ; n >>>= 7) {
    if (n < 0x80) { head.push(n); break; }
    head.push((n & 0x7f) | 0x80);
  }
  const parts: Uint8Array[] = [Uint8Array.from(head)];
  for (let p = 0; p < data.length; p += 65536) {
    const c = data.subarray(p, Math.min(p + 65536, data.length));
    parts.push(Uint8Array.of(61 << 2, (c.length - 1) & 0xff, (c.length - 1) >> 8), c);
  }
  return Buffer.concat(parts);
}

type Labels = Record<string, string>;
interface SeriesIn { labels: Labels; samples: [value: number | string, ts: number][] }

const bitsOf = (hex: string) => Buffer.from(hex, "hex").reverse();

/** rw1 builds a prometheus.WriteRequest; a string value is the hex of its float64 bits. */
function rw1(series: SeriesIn[]): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.beginMessage(1);
    for (const [n, v] of Object.entries(s.labels)) {
      w.beginMessage(1);
      w.string(1, n);
      w.string(2, v);
      w.endMessage();
    }
    for (const [v, t] of s.samples) {
      w.beginMessage(2);
      if (typeof v === "string") w.doubleBits(1, bitsOf(v), 0);
      else w.double(1, v);
      w.int64(2, t);
      w.endMessage();
    }
    w.endMessage();
  }
  return w.finish().slice();
}

/** rw2 builds an io.prometheus.write.v2.Request with a symbols table. */
function rw2(series: SeriesIn[], extra?: (w: ProtoWriter, i: number, ref: (s: string) => number) => void): Uint8Array {
  const symbols = [""];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) { i = symbols.length; symbols.push(s); }
    return i;
  };
  const body = new ProtoWriter();
  series.forEach((s, i) => {
    body.beginMessage(5);
    body.packedVarints(1, Object.entries(s.labels).flatMap(([n, v]) => [ref(n), ref(v)]));
    for (const [v, t] of s.samples) {
      body.beginMessage(2);
      body.double(1, v as number);
      body.int64(2, t);
      body.endMessage();
    }
    extra?.(body, i, ref);
    body.endMessage();
  });
  const w = new ProtoWriter();
  for (const s of symbols) w.string(4, s);
  const b = body.finish();
  const out = new Uint8Array(w.length + b.length);
  out.set(w.finish());
  out.set(b, w.length);
  return out;
}

interface Exported { metric: Labels; values: (number | string | null)[]; timestamps: number[] }

async function exportSeries(s: { url: string }, match: string): Promise<Exported[]> {
  await fetch(`${s.url}/internal/force_flush`);
  const r = await fetch(`${s.url}/api/v1/export?match[]=${encodeURIComponent(match)}&start=0`);
  assert.equal(r.status, 200, `export ${match}`);
  const text = await r.text();
  // The export writes a series' first value NaN as NaN and infinities as +Inf/-Inf (as
  // VictoriaMetrics does), which JSON.parse does not read: quote them.
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l.replace(/([[,])(NaN|[+-]Inf)(?=[,\]])/g, '$1"$2"')) as Exported)
    .sort((a, b) => JSON.stringify(Object.entries(a.metric).sort()).localeCompare(JSON.stringify(Object.entries(b.metric).sort())));
}

const sortedLabels = (m: Labels) => JSON.stringify(Object.fromEntries(Object.entries(m).sort()));


async function waitFor<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const post = (s: Server, p: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  s.post(p, body, { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", ...headers });

// ---- a server for the tests that build bodies ----

let srv: Server;
const now = Date.now() - 60_000;

before(async () => {
  srv = await startServer([`-storageDataPath=${tempDir()}`, "-maxLabelsPerTimeseries=5", "-maxLabelValueLen=30"]);
});
after(async () => {
  await srv?.stop();
});

test("remote write 1.0 (snappy and zstd): the exact samples come back, staleness markers stored", async () => {
  const series: SeriesIn[] = [
    { labels: { __name__: "rw1_a", job: "j", instance: "h:1" }, samples: [[0.1, now], [1.5e-7, now + 1000], [123456789.123, now + 2000], [-3, now + 3000]] },
    { labels: { __name__: "rw1_b", "label.dots": "vä\"lue\\" }, samples: [[9007199254740993, now], [1e21, now + 15000]] },
    { labels: { __name__: "rw1_stale" }, samples: [[1, now], ["7ff0000000000002", now + 1000]] },
  ];
  let r = await post(srv, "/api/v1/write", snappyBlock(rw1(series.slice(0, 2))));
  assert.equal(r.status, 204, await r.text());
  r = await post(srv, "/prometheus/api/v1/write", zlib.zstdCompressSync(rw1(series.slice(2))), { "Content-Encoding": "zstd" });
  assert.equal(r.status, 204, await r.text());
  const got = await exportSeries(srv, '{__name__=~"rw1_.*"}');
  assert.deepEqual(got, [
    { metric: { __name__: "rw1_a", instance: "h:1", job: "j" }, values: [0.1, 1.5e-7, 123456789.123, -3], timestamps: [now, now + 1000, now + 2000, now + 3000] },
    { metric: { __name__: "rw1_b", "label.dots": "vä\"lue\\" }, values: [9007199254740992, 1e21], timestamps: [now, now + 15000] },
    // The export shows NaN (the staleness marker is a NaN) as null.
    { metric: { __name__: "rw1_stale" }, values: [1, null], timestamps: [now, now + 1000] },
  ]);
});

test("remote write 2.0: symbols, written-counts headers, native histograms converted, exemplars and metadata dropped", async () => {
  const before = await (await srv.get("/metrics")).text();
  const body = rw2([
    { labels: { __name__: "rw2_x", job: "a" }, samples: [[1, now], [2, now + 1000]] },
    { labels: { __name__: "rw2_y", job: "a" }, samples: [[3.25, now]] },
    { labels: { __name__: "rw2_h", job: "a" }, samples: [] },
  ], (w, i, ref) => {
    if (i === 0) {
      w.beginMessage(4); // an exemplar
      w.packedVarints(1, [ref("trace_id"), ref("abc")]);
      w.double(2, 1);
      w.int64(3, now);
      w.endMessage();
      w.beginMessage(5); // metadata
      w.int32(1, 2);
      w.uint32(3, ref("help text"));
      w.endMessage();
    }
    if (i === 2) {
      w.beginMessage(3); // a native histogram: 3 observations, 1 in (0.5, 1], 2 in (1, 2]
      w.uint64(1, 3);
      w.double(3, 4.5);
      w.sint32(4, 0);
      w.beginMessage(11);
      w.sint32(1, 0);
      w.uint32(2, 2);
      w.endMessage();
      w.packedSint64s(12, [1, 1]);
      w.int64(15, now);
      w.endMessage();
    }
  });
  const r = await post(srv, "/api/v1/write", snappyBlock(body), { "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request", "X-Prometheus-Remote-Write-Version": "2.0.0" });
  assert.equal(r.status, 204, await r.text());
  assert.equal(r.headers.get("x-prometheus-remote-write-samples-written"), "3");
  assert.equal(r.headers.get("x-prometheus-remote-write-histograms-written"), "1");
  assert.equal(r.headers.get("x-prometheus-remote-write-exemplars-written"), "0");
  const got = await exportSeries(srv, '{job="a"}');
  assert.deepEqual(got.map((e) => [sortedLabels(e.metric), e.values, e.timestamps]), [
    ['{"__name__":"rw2_h_bucket","job":"a","vmrange":"1.000e+00...2.000e+00"}', [2], [now]],
    ['{"__name__":"rw2_h_bucket","job":"a","vmrange":"5.000e-01...1.000e+00"}', [1], [now]],
    ['{"__name__":"rw2_h_count","job":"a"}', [3], [now]],
    ['{"__name__":"rw2_h_sum","job":"a"}', [4.5], [now]],
    ['{"__name__":"rw2_x","job":"a"}', [1, 2], [now, now + 1000]],
    ['{"__name__":"rw2_y","job":"a"}', [3.25], [now]],
  ]);
  const m = await (await srv.get("/metrics")).text();
  const d = (name: string) => (metricValue(m, name) ?? 0) - (metricValue(before, name) ?? 0);
  assert.equal(d(`vm_protoparser_exemplars_read_total{type="promremotewrite"}`), 1);
  assert.equal(d(`vm_protoparser_metadata_read_total{type="promremotewrite"}`), 1);
  assert.equal(d(`vm_protoparser_native_histograms_read_total{type="promremotewrite"}`), 1);
  assert.equal(d(`vm_rows_inserted_total{type="promremotewrite"}`), 7);
});

test("a remote write body that cannot be decoded gets 400 saying why, and stores nothing", async () => {
  const good = rw1([{ labels: { __name__: "rw_bad_one" }, samples: [[1, now]] }]);
  const f = async (body: Uint8Array, headers: Record<string, string>, status: number, want: RegExp) => {
    const r = await post(srv, "/api/v1/write", body, headers);
    assert.equal(r.status, status, `status for ${want}`);
    assert.match(await r.text(), want);
  };
  await f(Buffer.from("not snappy at all"), {}, 400, /^cannot read prometheus remote_write data: cannot decompress snappy-encoded request with length 17: cannot decode snappy block/);
  await f(snappyBlock(good.subarray(0, good.length - 2)), {}, 400, /^cannot read prometheus remote_write data: cannot unmarshal prompb\.WriteRequest with size \d+ bytes: cannot read field 1: got length/);
  await f(zlib.gzipSync(good), { "Content-Encoding": "gzip" }, 415, /unsupported Content-Encoding "gzip" for remote write; want snappy or zstd/);
  await f(snappyBlock(good), { "Content-Type": "application/x-protobuf;proto=foo.Bar" }, 415, /unsupported remote write protobuf message proto="foo.Bar"/);
  await f(snappyBlock(rw2([{ labels: { __name__: "rw_bad_one" }, samples: [[1, now]] }]).subarray(1)), { "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request" }, 400, /cannot unmarshal io\.prometheus\.write\.v2\.Request/);
  assert.deepEqual(await exportSeries(srv, "rw_bad_one"), [], "nothing of the rejected requests was stored");
  const r = await srv.get("/api/v1/write?get_vm_proto_version=1");
  assert.equal(await r.text(), "1", "vmagent's protocol handshake");
});

test("remote write applies extra_label and the label limits", async () => {
  const before = await (await srv.get("/metrics")).text();
  const body = rw1([
    { labels: { __name__: "rw_lim", i: "1" }, samples: [[1, now]] },
    { labels: { __name__: "rw_lim", i: "2", a: "1", b: "2", c: "3", d: "4" }, samples: [[2, now], [3, now + 1]] },
    { labels: { __name__: "rw_lim", i: "3", long: "x".repeat(31) }, samples: [[4, now]] },
    // Extra labels count (duplicates too, as in VictoriaMetrics); empty values do not.
    { labels: { __name__: "rw_lim", i: "4", a: "1", c: "" }, samples: [[5, now]] },
    { labels: { __name__: "rw_lim", i: "5", a: "1", b: "2", c: "" }, samples: [[6, now]] },
  ]);
  const r = await post(srv, "/api/v1/write?extra_label=env=prod&extra_label=i=override", snappyBlock(body));
  assert.equal(r.status, 204);
  const got = await exportSeries(srv, "rw_lim");
  assert.deepEqual(got.map((e) => [sortedLabels(e.metric), e.values]), [
    ['{"__name__":"rw_lim","a":"1","env":"prod","i":"override"}', [5]],
    ['{"__name__":"rw_lim","env":"prod","i":"override"}', [1]],
  ]);
  const m = await (await srv.get("/metrics")).text();
  const d = (name: string) => (metricValue(m, name) ?? 0) - (metricValue(before, name) ?? 0);
  assert.equal(d(`vm_rows_ignored_total{reason="too_many_labels"}`), 2);
  assert.equal(d(`vm_rows_ignored_total{reason="too_long_label_value"}`), 1);
});

test("remote write bodies above -maxInsertRequestSize get 413", async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`, "-maxInsertRequestSize=1000"]);
  try {
    const big = rw1([{ labels: { __name__: "big", v: "x".repeat(2000) }, samples: [[1, now]] }]);
    let r = await post(s, "/api/v1/write", snappyBlock(big));
    assert.equal(r.status, 413, await r.text());
    // Small when compressed, too big when decompressed.
    r = await post(s, "/api/v1/write", zlib.zstdCompressSync(big), { "Content-Encoding": "zstd" });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /too big unpacked request; mustn't exceed 1000 bytes/);
  } finally {
    await s.stop();
  }
});

// ---- real VictoriaMetrics 1.79.5: the same remote write body gives the same export ----

const vmBin = which("victoria-metrics");

test("the same remote write body exports the same from VictoriaMetrics 1.79.5 and Tidemark", { skip: vmBin === undefined ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false }, async () => {
  const port = await freePort();
  const vm = spawn(vmBin!, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${tempDir("vm-data-")}`, "-retentionPeriod=1y"], { stdio: "ignore" });
  const vmURL = `http://127.0.0.1:${port}`;
  try {
    await waitFor("VictoriaMetrics to start", 20_000, async () => {
      try { return (await fetch(vmURL + "/health")).status === 200 ? true : undefined; } catch { return undefined; }
    });
    // Values at exporter precision, of one magnitude per series: VictoriaMetrics 1.79.5
    // stores those exactly (see README: it rounds others; Tidemark does not).
    const series: SeriesIn[] = [];
    for (let s = 0; s < 12; s++) {
      const samples: [number, number][] = [];
      for (let i = 0; i < 20; i++) samples.push([Number(((i - 7) * 0.37 * 10 ** (s % 5 - 2) + s).toPrecision(6)), now + i * 15_000 + s]);
      series.push({ labels: { __name__: `cmp_${s % 3}`, job: "rwcmp", instance: `h${s}`, "a.b": "ü\"\\" }, samples });
    }
    const body = snappyBlock(rw1(series));
    const r1 = await fetch(vmURL + "/api/v1/write", { method: "POST", body, headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" } });
    assert.equal(r1.status, 204);
    const r2 = await post(srv, "/api/v1/write", body);
    assert.equal(r2.status, 204);
    const vmGot = await exportSeries({ url: vmURL }, '{job="rwcmp"}');
    const tmGot = await exportSeries(srv, '{job="rwcmp"}');
    assert.equal(vmGot.length, 12);
    assert.deepEqual(tmGot.map((e) => [sortedLabels(e.metric), e.values, e.timestamps]), vmGot.map((e) => [sortedLabels(e.metric), e.values, e.timestamps]));
  } finally {
    vm.kill("SIGTERM");
    await new Promise((r) => vm.once("exit", r));
  }
});

// ---- real clients: vmagent 1.79.5 and Prometheus 2.42 scrape a target and remote-write ----

/**
 * Target serves Prometheus text: at its k-th scrape (k < rounds) a new sample for each
 * series, with an explicit timestamp, and records what it served; after that only
 * comments, so that nothing is served twice.
 */
class Target {
  served = new Map<string, [number, number][]>();
  scrapes = 0;
  private server: http.Server;
  port = 0;
  private readonly rounds: number;
  private readonly base: number;
  constructor(rounds: number, base: number) {
    this.rounds = rounds;
    this.base = base;
    this.server = http.createServer((_req, res) => {
      const k = this.scrapes++;
      let body = "# HELP tgt_gauge a test gauge\n# TYPE tgt_gauge gauge\n";
      if (k < this.rounds) {
        const ts = this.base + k * 1000;
        const values = [0.1 * (k + 1), 123456.789 + k, -5 - k, 1e-9 * (k + 1)];
        values.forEach((v, i) => {
          const key = `{"__name__":"tgt_gauge","idx":"${i}"}`;
          const list = this.served.get(key) ?? [];
          list.push([v, ts]);
          this.served.set(key, list);
          body += `tgt_gauge{idx="${i}"} ${v} ${ts}\n`;
        });
      }
      res.setHeader("Content-Type", "text/plain; version=0.0.4");
      res.end(body);
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

async function scrapeAndCompare(start: (targetPort: number, writeURL: string, dir: string) => ChildProcess, who: string): Promise<void> {
  const rounds = 3;
  // Future timestamps: Prometheus only remote-writes samples newer than its own start.
  const target = new Target(rounds, Date.now() + 10_000);
  await target.start();
  const dir = tempDir("rw-client-");
  const tm = await startServer([`-storageDataPath=${tempDir()}`]);
  const proc = start(target.port, `${tm.url}/api/v1/write`, dir);
  let stderr = "";
  proc.stderr?.setEncoding("utf8").on("data", (d: string) => { stderr = (stderr + d).slice(-5000); });
  try {
    const got = await waitFor(`${who} to deliver ${rounds} scrapes`, 40_000, async () => {
      if (target.scrapes < rounds) return undefined;
      const e = await exportSeries(tm, '{__name__="tgt_gauge"}');
      const complete = e.length === 4 && e.every((s) => s.values.filter((v) => v !== null && v !== "NaN").length >= rounds);
      return complete ? e : undefined;
    }).catch((err: Error) => { throw new Error(`${err.message}; ${who} said:\n${stderr}`); });
    const want = [...target.served.entries()].map(([k, samples]) => [k, samples.map((s) => s[0]), samples.map((s) => s[1])]).sort();
    // Staleness markers (NaN: null, or "NaN" as a series' first value) may follow when
    // the target stops exposing the series.
    const have = got.map((e) => {
      const keep = e.values.map((v, i) => [v, e.timestamps[i]!] as const).filter(([v]) => v !== null && v !== "NaN");
      const m = { __name__: e.metric.__name__!, idx: e.metric.idx! };
      assert.equal(e.metric.instance, `127.0.0.1:${target.port}`, "the scraper's instance label");
      assert.equal(e.metric.job, "tgt", "the scraper's job label");
      return [JSON.stringify(m), keep.map((x) => x[0]), keep.map((x) => x[1])];
    }).sort();
    assert.deepEqual(have, want, `${who}: what the target served comes back`);
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => { if (proc.exitCode !== null) r(null); else proc.once("exit", r); });
    await tm.stop();
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const vmagentBin = which("vmagent");

test("vmagent 1.79.5 scrapes a target and remote-writes into Tidemark", { skip: vmagentBin === undefined ? "vmagent is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false }, async () => {
  const httpPort = await freePort();
  await scrapeAndCompare((targetPort, writeURL, dir) => {
    const cfg = path.join(dir, "scrape.yml");
    fs.writeFileSync(cfg, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: tgt\n    honor_timestamps: true\n    static_configs:\n      - targets: ["127.0.0.1:${targetPort}"]\n`);
    return spawn(vmagentBin!, [
      `-promscrape.config=${cfg}`, `-remoteWrite.url=${writeURL}`, `-remoteWrite.tmpDataPath=${path.join(dir, "queue")}`,
      "-remoteWrite.flushInterval=200ms", `-httpListenAddr=127.0.0.1:${httpPort}`, "-loggerLevel=WARN",
    ], { stdio: ["ignore", "ignore", "pipe"] });
  }, "vmagent");
});

const prometheusBin = which("prometheus");

test("Prometheus 2.42 scrapes a target and remote-writes into Tidemark", { skip: prometheusBin === undefined ? "prometheus is not installed (apt-get install prometheus; .ci/run installs it)" : false }, async () => {
  const webPort = await freePort();
  await scrapeAndCompare((targetPort, writeURL, dir) => {
    const cfg = path.join(dir, "prometheus.yml");
    fs.writeFileSync(cfg, [
      "global:", "  scrape_interval: 1s",
      "scrape_configs:", "  - job_name: tgt", "    static_configs:", `      - targets: ["127.0.0.1:${targetPort}"]`,
      "remote_write:", `  - url: ${writeURL}`, "    queue_config:", "      batch_send_deadline: 200ms", "      min_backoff: 50ms", "",
    ].join("\n"));
    return spawn(prometheusBin!, [
      `--config.file=${cfg}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${webPort}`, "--log.level=warn",
    ], { stdio: ["ignore", "ignore", "pipe"] });
  }, "Prometheus");
});
