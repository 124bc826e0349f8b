// /api/v1/import/prometheus on a real `tidemark` process: text with and without
// timestamps, compression, bad lines, Pushgateway paths, and the same body compared
// with the real VictoriaMetrics 1.79.5.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as zlib from "node:zlib";
import { metricValue, startServer, tempDir, which, type Server, freePort } from "./harness.ts";

interface Exported { metric: Record<string, string>; values: (number | string | null)[]; timestamps: number[] }

async function exportSeries(url: string, match: string): Promise<[string, Exported["values"], number[]][]> {
  await fetch(`${url}/internal/force_flush`);
  // Without `end` the export ends at the current whole second, as VictoriaMetrics' does.
  const r = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(match)}&start=0&end=${Math.ceil(Date.now() / 1000) + 1}`);
  assert.equal(r.status, 200);
  // A series' first NaN and infinities are written unquoted (as VictoriaMetrics does): quote them.
  return (await r.text()).split("\n").filter((l) => l !== "")
    .map((l) => JSON.parse(l.replace(/([[,])(NaN|[+-]Inf)(?=[,\]])/g, '$1"$2"')) as Exported)
    .map((e): [string, Exported["values"], number[]] => [JSON.stringify(Object.fromEntries(Object.entries(e.metric).sort())), e.values, e.timestamps])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

let srv: Server;
const t0 = Date.now() - 3_600_000;

before(async () => {
  srv = await startServer([`-storageDataPath=${tempDir()}`]);
});
after(async () => {
  await srv?.stop();
});

test("Prometheus text import: samples with and without timestamps come back exactly", async () => {
  const body = [
    "# HELP pi_requests_total Requests.",
    "# TYPE pi_requests_total counter",
    `pi_requests_total{method="get",code="200"} 1027 ${t0}`,
    `pi_requests_total{method="post",code="400"} 3 ${t0 + 1000}`,
    `pi_requests_total{method="post",code="400"} 4.5 ${t0 + 2000}`,
    `pi_escaped{path="C:\\\\dir\\"x\\"\\nline"} -0.000123 ${t0}`,
    `pi_seconds ${Math.floor(t0 / 1000)}`, // a value only: takes the `timestamp` arg
    `pi_openmetrics_seconds_ts 7 ${Math.floor(t0 / 1000) + 5}`, // Unix seconds (OpenMetrics)
    "pi_inf +Inf " + t0,
    "",
  ].join("\n");
  const r = await srv.post(`/api/v1/import/prometheus?timestamp=${t0 + 500}`, body);
  assert.equal(r.status, 204, await r.text());
  assert.deepEqual(await exportSeries(srv.url, '{__name__=~"pi_.*"}'), [
    ['{"__name__":"pi_escaped","path":"C:\\\\dir\\"x\\"\\nline"}', [-0.000123], [t0]],
    ['{"__name__":"pi_inf"}', ["+Inf"], [t0]],
    ['{"__name__":"pi_openmetrics_seconds_ts"}', [7], [(Math.floor(t0 / 1000) + 5) * 1000]],
    ['{"__name__":"pi_requests_total","code":"200","method":"get"}', [1027], [t0]],
    ['{"__name__":"pi_requests_total","code":"400","method":"post"}', [3, 4.5], [t0 + 1000, t0 + 2000]],
    ['{"__name__":"pi_seconds"}', [Math.floor(t0 / 1000)], [t0 + 500]],
  ]);
});

test("Prometheus text import: gzip, zstd and snappy bodies; /prometheus prefix; default timestamp is now", async () => {
  const before = Date.now();
  const f = async (p: string, name: string, body: Uint8Array, enc: string) => {
    const r = await srv.post(p, body, { "Content-Encoding": enc });
    assert.equal(r.status, 204, `${enc}: ${await r.text()}`);
    const got = await exportSeries(srv.url, name);
    assert.equal(got.length, 1, enc);
    assert.deepEqual(got[0]![1], [42], enc);
    assert.ok(got[0]![2][0]! >= before - 1000 && got[0]![2][0]! <= Date.now() + 1000, `${enc}: the current time`);
  };
  await f("/api/v1/import/prometheus", "pi_gz", zlib.gzipSync("pi_gz 42\n"), "gzip");
  await f("/prometheus/api/v1/import/prometheus", "pi_zstd", zlib.zstdCompressSync("pi_zstd{} 42"), "zstd");
  // A snappy block of one literal.
  const text = Buffer.from("pi_snappy 42\n");
  await f("/api/v1/import/prometheus", "pi_snappy", Buffer.concat([Uint8Array.of(text.length, (text.length - 1) << 2), text]), "snappy");
});

test("Prometheus text import: bad lines get 400 naming them, valid lines are stored and counted", async () => {
  const before = await (await srv.get("/metrics")).text();
  const body = `pi_ok_a 1 ${t0}\npi_bad{x="1" 2\npi_ok_b 2 ${t0}\npi_bad 1 2 3\npi_bad abc\n`;
  const r = await srv.post("/api/v1/import/prometheus", body);
  assert.equal(r.status, 400);
  assert.equal(await r.text(), [
    "3 of 5 sample lines are invalid and were skipped; the valid lines were stored:",
    ' line 2: cannot unmarshal Prometheus line "pi_bad{x=\\"1\\" 2": cannot unmarshal tags: missing comma after tag x="1";',
    ' line 4: cannot unmarshal Prometheus line "pi_bad 1 2 3": cannot parse timestamp "2 3": cannot parse float64 from "2 3";',
    ' line 5: cannot unmarshal Prometheus line "pi_bad abc": cannot parse value "abc": unparsed tail left after parsing float64 from "abc": "abc"\n',
  ].join(""));
  assert.deepEqual((await exportSeries(srv.url, '{__name__=~"pi_ok_.*|pi_bad"}')).map((s) => s[0]), ['{"__name__":"pi_ok_a"}', '{"__name__":"pi_ok_b"}']);
  const m = await (await srv.get("/metrics")).text();
  assert.equal((metricValue(m, `vm_rows_invalid_total{type="prometheus"}`) ?? 0) - (metricValue(before, `vm_rows_invalid_total{type="prometheus"}`) ?? 0), 3);
  assert.equal((metricValue(m, `vm_rows_inserted_total{type="prometheus"}`) ?? 0) - (metricValue(before, `vm_rows_inserted_total{type="prometheus"}`) ?? 0), 2);
  const bad = await srv.post("/api/v1/import/prometheus?timestamp=abc", "x 1");
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /cannot parse `timestamp=abc` query arg/);
  const gz = await srv.post("/api/v1/import/prometheus", Buffer.from("not gzip"), { "Content-Encoding": "gzip" });
  assert.equal(gz.status, 400);
});

test("Prometheus text import: Pushgateway paths and extra_label add labels", async () => {
  const r = await srv.post(`/api/v1/import/prometheus/metrics/job/my_app/instance@base64/${Buffer.from("h/1").toString("base64url")}/empty/?extra_label=env=prod`, `pi_push{a="b"} 5 ${t0}\n`);
  assert.equal(r.status, 200, await r.text());
  assert.deepEqual(await exportSeries(srv.url, "pi_push"), [
    ['{"__name__":"pi_push","a":"b","env":"prod","instance":"h/1","job":"my_app"}', [5], [t0]],
  ]);
  const bad = await srv.post("/api/v1/import/prometheus/metrics/job/x/lonely", "pi_push 1");
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /missing value for label "lonely"/);
});

const vmBin = which("victoria-metrics");

test("the same Prometheus text exports the same from VictoriaMetrics 1.79.5 and Tidemark", { skip: vmBin === undefined ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)" : false }, async () => {
  const port = await freePort();
  const vm = spawn(vmBin!, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${tempDir("vm-data-")}`, "-retentionPeriod=1y"], { stdio: "ignore" });
  const vmURL = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 200; i++) {
      try { if ((await fetch(vmURL + "/health")).status === 200) break; } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    const lines: string[] = ["# TYPE cmpp_x gauge", "", "   # indented comment"];
    // Not compared: NaN (VictoriaMetrics' storage drops NaN samples other than staleness
    // markers; Tidemark's keeps them), "4." and ".5" (1.79.5 rejects them; later versions
    // and Tidemark read 4 and 0.5).
    const spellings = ["1", "-2.5", "1e3", "1.5E-3", "007", "+Inf", "-Inf", "0.1", "123456.789", "-0", "Inf", "-inf"];
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 8; i++) {
        const v = spellings[(s * 3 + i) % spellings.length]!;
        const sep = i % 2 === 0 ? " " : "\t";
        lines.push(`cmpp_${s % 3}{job="pcmp",inst="h${s}",q="a\\"b\\\\c\\nd",e=""}${sep}${v}${sep}${t0 + i * 15_000 + s}${i % 3 === 0 ? "\r" : ""}`);
      }
    }
    lines.push(`cmpp_secs{job="pcmp"} 3 ${Math.floor(t0 / 1000)}`);
    const body = lines.join("\n");
    const r1 = await fetch(vmURL + "/api/v1/import/prometheus", { method: "POST", body });
    assert.equal(r1.status, 204);
    const r2 = await srv.post("/api/v1/import/prometheus", body);
    assert.equal(r2.status, 204, await r2.text());
    const vmGot = await exportSeries(vmURL, '{job="pcmp"}');
    assert.equal(vmGot.length, 11);
    assert.deepEqual(await exportSeries(srv.url, '{job="pcmp"}'), vmGot);
  } finally {
    vm.kill("SIGTERM");
    await new Promise((r) => vm.once("exit", r));
  }
});
