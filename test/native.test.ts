// The native format end to end: Tidemark -> Tidemark, VictoriaMetrics 1.79.5 ->
// Tidemark (its /api/v1/export/native body and the real `vmctl vm-native`), and
// Tidemark -> VictoriaMetrics through vmctl; plus bad bodies.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as zlib from "node:zlib";
import { ByteBuffer } from "../src/lib/encoding/index.ts";
import fc from "fast-check";
import { BlockScratch, NativeEncoder, appendBlock, appendHeader, parseBlock } from "../src/lib/protoparser/native/index.ts";
import { metricValue, normalizeExport, startServer, startVictoriaMetrics, tempDir, vmSkip, which } from "./harness.ts";

const vmctlSkip: string | false = vmSkip !== false ? vmSkip
  : which("vmctl") === undefined ? "vmctl is not installed (apt-get install victoria-metrics; .ci/run installs it)"
  // vmctl 1.79.5 asks for confirmation on a terminal: script(1) (util-linux) provides one.
  : which("script") === undefined ? "script (util-linux) is not installed; vmctl needs a terminal" : false;

// 9000 samples 15 s apart span 37.5 h: all of them lie in the past.
const base = Date.now() - 3 * 86_400_000;

/** jsonLines builds /api/v1/import lines: counters, 2-decimal gauges and awkward values, job=job. */
function jsonLines(job: string, series: number, samples: number, awkward: boolean): string {
  const odd = [0, 1, -1, 0.1, 1.5e-7, 123456789.123, 1e21, -2.5e-300, 3.14159, 1e6, 0.000001, 0.1 + 0.2, 9007199254740993, 1e300, 12.34];
  const lines: string[] = [];
  for (let s = 0; s < series; s++) {
    const ts: number[] = [], vs: number[] = [];
    let c = s * 1000;
    for (let i = 0; i < samples; i++) {
      ts.push(base + i * 15_000 + s);
      c += (i * 7919 + s) % 13;
      vs.push(awkward && s % 3 === 2 ? odd[(i + s) % odd.length]! : s % 2 === 0 ? c : Math.round(Math.sin(i / 9 + s) * 10000) / 100);
    }
    lines.push(JSON.stringify({ metric: { __name__: `native_${s % 3}`, job, instance: `h${s}`, "odd\u0001label": "v\u0002=\"x\"" }, values: vs, timestamps: ts }));
  }
  return lines.join("\n") + "\n";
}

async function exportJSON(url: string, match: string): Promise<string[]> {
  await fetch(url + "/internal/force_flush");
  return normalizeExport(await (await fetch(url + "/api/v1/export?match[]=" + encodeURIComponent(match))).text());
}

/** relabel replaces job="from" by job="to" in normalized export lines. */
const relabel = (lines: string[], from: string, to: string): string[] => lines.map((l) => l.replace(`"job":"${from}"`, `"job":"${to}"`)).sort();

function assertSameLines(got: string[], want: string[], msg: string): void {
  assert.equal(got.length, want.length, `${msg}: number of series`);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${msg}: series ${i} differs:\n got  ${got[i]!.slice(0, 400)}\n want ${want[i]!.slice(0, 400)}`);
  }
}

/** runVmctl runs the real vmctl vm-native from src to dst under a pseudo-terminal, confirming with "y". */
async function runVmctl(src: string, dst: string, match: string, ...args: string[]): Promise<string> {
  const cmd = `vmctl vm-native --vm-native-src-addr=${src} --vm-native-dst-addr=${dst} --vm-native-filter-match='${match}' ${args.join(" ")}`;
  const p = spawn("script", ["-qec", cmd, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  p.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
  p.stderr.setEncoding("utf8").on("data", (d: string) => { out += d; });
  p.stdin.write("y\n");
  const timer = setTimeout(() => p.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
  clearTimeout(timer);
  p.stdin.destroy();
  assert.equal(code, 0, `vmctl failed:\n${out}`);
  return out;
}

test("Tidemark export/native -> Tidemark import/native keeps every sample", { timeout: 60_000 }, async () => {
  const a = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  const b = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    // 9000 samples per series: more than one 8192-row block.
    assert.equal((await a.post("/api/v1/import", jsonLines("tt", 12, 9000, false))).status, 204);
    const want = await exportJSON(a.url, '{job="tt"}');
    assert.equal(want.length, 12);
    const nat = new Uint8Array(await (await a.get("/api/v1/export/native?match[]=" + encodeURIComponent('{job="tt"}'), { headers: { "accept-encoding": "identity" } })).arrayBuffer());
    // gzip bodies are accepted, as VictoriaMetrics accepts them.
    const r = await b.post("/prometheus/api/v1/import/native", zlib.gzipSync(nat), { "content-encoding": "gzip" });
    assert.equal(r.status, 204, await r.text());
    assertSameLines(await exportJSON(b.url, '{job="tt"}'), want, "re-imported export");
    // extra_label args are added to every series (vmctl's --vm-extra-label).
    assert.equal((await b.post("/api/v1/import/native?extra_label=job=tt2&extra_label=env=x", nat)).status, 204);
    assertSameLines(await exportJSON(b.url, '{job="tt2",env="x"}'), want.map((l) => {
      const i = l.indexOf("} ") + 1;
      const m = { ...(JSON.parse(l.slice(0, i)) as Record<string, string>), job: "tt2", env: "x" };
      return JSON.stringify(Object.fromEntries(Object.entries(m).sort())) + l.slice(i);
    }).sort(), "extra_label");
    const m = await (await b.get("/metrics")).text();
    assert.equal(metricValue(m, 'vm_rows_inserted_total{type="native"}'), 2 * 12 * 9000, "both imports counted");
    // start/end limit the export, and the header's range limits the import.
    const start = (base + 1000 * 15_000) / 1000, end = (base + 1999 * 15_000 + 999) / 1000;
    const part = new Uint8Array(await (await a.get(`/api/v1/export/native?match[]={job="tt",instance="h0"}&start=${start}&end=${end}`)).arrayBuffer());
    const c = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
    try {
      assert.equal((await c.post("/api/v1/import/native", part)).status, 204);
      const got = await exportJSON(c.url, '{job="tt"}');
      assert.equal(got.length, 1);
      assert.equal((JSON.parse(got[0]!.slice(got[0]!.lastIndexOf(" ") + 1)) as number[]).length, 1000, "samples within [start, end]");
    } finally {
      await c.stop();
    }
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("bad native bodies get 400; valid blocks of the same request are kept", { timeout: 60_000 }, async () => {
  const s = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    const f = async (body: Uint8Array, status: number, re: RegExp, msg: string, headers: Record<string, string> = {}) => {
      const r = await s.post("/api/v1/import/native", body, headers);
      const text = await r.text();
      assert.equal(r.status, status, `${msg}: ${text}`);
      assert.match(text, re, msg);
    };
    await f(new Uint8Array([1, 2, 3]), 400, /cannot read time range/, "short header");
    const good = (job: string, corrupt: boolean) => {
      const bb = new ByteBuffer();
      appendHeader(bb, 0, Date.now());
      const enc = new NativeEncoder();
      const ts = Float64Array.from({ length: 100 }, (_, i) => base + i * 1000);
      const vs = Float64Array.from({ length: 100 }, (_, i) => i * 1.5);
      enc.appendSeries(bb, [["__name__", "bad_test"], ["job", job], ["i", "1"]], ts, vs, 0, 100);
      const at = bb.length;
      enc.appendSeries(bb, [["__name__", "bad_test"], ["job", job], ["i", "2"]], ts, vs, 0, 100);
      if (corrupt) bb.buf[bb.length - 3] ^= 0xff; // inside the values payload of the second block
      enc.appendSeries(bb, [["__name__", "bad_test"], ["job", job], ["i", "3"]], ts, vs, 0, 100);
      return { body: bb.toBuffer(), secondAt: at };
    };
    const { body } = good("corrupt", true);
    await f(body, 400, /1 of 3 native blocks are invalid.*block 2: cannot unmarshal/, "corrupt block");
    assert.equal((await exportJSON(s.url, '{job="corrupt"}')).length, 2, "blocks 1 and 3 stored");
    const t = good("truncated", false);
    await f(t.body.subarray(0, t.body.length - 5), 400, /cannot read native block 3 .*unexpected end of data/, "truncated frame");
    assert.equal((await exportJSON(s.url, '{job="truncated"}')).length, 2, "blocks before the broken frame stored");
    const big = Buffer.alloc(16 + 4);
    big.writeUInt32BE(2 * 1024 * 1024, 16);
    await f(big, 400, /too big metricName size/, "oversized frame");
    await f(zlib.gzipSync(body).subarray(0, 20), 400, /gzip/, "truncated gzip", { "content-encoding": "gzip" });
    const m = await (await s.get("/metrics")).text();
    assert.equal(metricValue(m, 'vm_rows_invalid_total{type="native"}'), 1);
    assert.equal((await s.get("/health")).status, 200);
  } finally {
    await s.stop();
  }
});

test("VictoriaMetrics 1.79.5 export/native imports into Tidemark unchanged", { skip: vmSkip, timeout: 60_000 }, async () => {
  const vm = await startVictoriaMetrics();
  const tm = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    assert.equal((await fetch(vm.url + "/api/v1/import", { method: "POST", body: jsonLines("fromvm", 15, 500, true) })).status, 204);
    const want = await exportJSON(vm.url, '{job="fromvm"}');
    assert.equal(want.length, 15);
    const nat = new Uint8Array(await (await fetch(vm.url + "/api/v1/export/native?match[]=" + encodeURIComponent('{job="fromvm"}'))).arrayBuffer());
    const r = await tm.post("/api/v1/import/native", nat);
    assert.equal(r.status, 204, await r.text());
    assertSameLines(await exportJSON(tm.url, '{job="fromvm"}'), want, "VM native export imported into Tidemark");
  } finally {
    await vm.stop();
    await tm.stop();
  }
});

test("the export's conversion of values VictoriaMetrics cannot hold exactly matches 1.79.5 on random values", { skip: vmSkip, timeout: 60_000 }, async () => {
  const vm = await startVictoriaMetrics();
  try {
    // Each series is one block in VictoriaMetrics: its values share one decimal exponent.
    const series = fc.sample(fc.array(fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer().map((x) => x / 1000),
    ), { minLength: 1, maxLength: 50 }), { numRuns: 300, seed: 42 });
    const lines = series.map((vs, s) => JSON.stringify({ metric: { __name__: "emu", s: String(s) }, values: vs, timestamps: vs.map((_, i) => base + i * 1000) }));
    assert.equal((await fetch(vm.url + "/api/v1/import", { method: "POST", body: lines.join("\n") })).status, 204);
    await fetch(vm.url + "/internal/force_flush");
    const out = (await (await fetch(vm.url + "/api/v1/export?match[]=emu")).text()).trim().split("\n").map((l) => JSON.parse(l) as { metric: { s: string }; values: number[] });
    assert.equal(out.length, series.length);
    for (const o of out) {
      const vs = Float64Array.from(series[Number(o.metric.s)]!);
      const bb = new ByteBuffer();
      appendBlock(bb, vs.map((_, i) => base + i), vs, 0, vs.length, new BlockScratch());
      const back = parseBlock(bb.bytes()).values;
      for (let i = 0; i < vs.length; i++) {
        assert.ok(Object.is(back[i]! + 0, o.values[i]! + 0), `series ${o.metric.s} value ${i} (${vs[i]}): Tidemark's block gives ${back[i]}; VictoriaMetrics stored ${o.values[i]}`);
      }
    }
  } finally {
    await vm.stop();
  }
});

test("vmctl vm-native 1.79.5 migrates VictoriaMetrics -> Tidemark and Tidemark -> VictoriaMetrics", { skip: vmctlSkip, timeout: 60_000 }, async () => {
  const vm = await startVictoriaMetrics();
  const vm2 = await startVictoriaMetrics();
  const tm = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
  try {
    assert.equal((await fetch(vm.url + "/api/v1/import", { method: "POST", body: jsonLines("mig", 30, 3000, true) })).status, 204);
    const want = await exportJSON(vm.url, '{job="mig"}');
    assert.equal(want.length, 30);
    await fetch(vm.url + "/internal/force_flush");
    await runVmctl(vm.url, tm.url, '{__name__=~".*"}');
    assertSameLines(await exportJSON(tm.url, '{job="mig"}'), want, "vmctl VM -> Tidemark");
    // Back out of Tidemark into a second VictoriaMetrics.
    await runVmctl(tm.url, vm2.url, '{job="mig"}');
    assertSameLines(await exportJSON(vm2.url, '{job="mig"}'), want, "vmctl Tidemark -> VM");
    // Tidemark -> Tidemark with vmctl's time filter (RFC3339), which becomes start of the export.
    const tm2 = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y"]);
    try {
      const from = base + 1000 * 15_000;
      await runVmctl(tm.url, tm2.url, '{job="mig",instance="h1"}', `--vm-native-filter-time-start=${new Date(from).toISOString()}`);
      const h1 = want.find((l) => l.includes('"instance":"h1"'))!;
      const ts = (JSON.parse(h1.slice(h1.lastIndexOf(" ") + 1)) as number[]).filter((t) => t >= from);
      const got = await exportJSON(tm2.url, '{job="mig"}');
      assert.equal(got.length, 1);
      assert.deepEqual(JSON.parse(got[0]!.slice(got[0]!.lastIndexOf(" ") + 1)), ts, "samples from the time filter on");
    } finally {
      await tm2.stop();
    }
    // Values VictoriaMetrics cannot hold exactly arrive in it as it would have stored them itself.
    assert.equal((await tm.post("/api/v1/import", jsonLines("exact", 6, 200, true))).status, 204);
    assert.equal((await fetch(vm.url + "/api/v1/import", { method: "POST", body: jsonLines("exact", 6, 200, true) })).status, 204);
    await runVmctl(tm.url, vm2.url, '{job="exact"}');
    assertSameLines(await exportJSON(vm2.url, '{job="exact"}'), await exportJSON(vm.url, '{job="exact"}'), "Tidemark -> VM equals direct VM ingestion");
  } finally {
    await vm.stop();
    await vm2.stop();
    await tm.stop();
  }
});
