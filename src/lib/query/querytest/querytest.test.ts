import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { memoryBackend, parseScript, runScript, ScriptError, type Backend, type LoadedSeries, type QueryResult } from "./index.ts";

const dir = path.join(import.meta.dirname, "testdata");
const scripts = fs.readdirSync(dir).filter((f) => f.endsWith(".test")).sort();

test("script syntax", () => {
  const f = (text: string, want: string) => assert.equal(JSON.stringify(parseScript(text)), want, `script ${JSON.stringify(text)}`);
  f("load 1m\n  m{a=\"b\"} 1+2x2 _ stale\n", JSON.stringify([{ kind: "load", line: 1, series: [{ labels: [["__name__", "m"], ["a", "b"]], timestamps: [0, 60000, 120000, 240000], values: [1, 3, 5, null] }] }]));
  f("eval instant at 1m m\n  {} 2\n", JSON.stringify([{ kind: "eval", line: 1, query: "m", instant: true, start: 60000, end: 60000, step: 300000, fail: false, ordered: false, expected: [{ labels: [], values: [2] }] }]));
  f("eval range from 0 to 2m step 1m m\n  m 1 _ 3\n", JSON.stringify([{ kind: "eval", line: 1, query: "m", instant: false, start: 0, end: 120000, step: 60000, fail: false, ordered: false, expected: [{ labels: [["__name__", "m"]], values: [1, null, 3] }] }]));
  assert.throws(() => parseScript("load x\n"), ScriptError);
  assert.throws(() => parseScript("evaluate m\n"), ScriptError);
  assert.throws(() => parseScript("eval instant at 1m m\n  {} 1 2\n"), ScriptError);
});

test("a wrong expectation is reported", async () => {
  const diffs = await runScript(parseScript("load 1m\n  m 1 2\neval instant at 1m m\n  m 3\neval_fail instant at 1m m\n"), memoryBackend());
  assert.equal(diffs.length, 2, diffs.join("\n"));
});

for (const name of scripts) {
  test(`script ${name} with Tidemark's evaluator`, async () => {
    const diffs = await runScript(parseScript(fs.readFileSync(path.join(dir, name), "utf8")), memoryBackend());
    assert.deepEqual(diffs, []);
  });
}

// --- The same scripts against VictoriaMetrics 1.79.5, so that every
// expectation is the original's answer too.

const vmBinary = "/usr/bin/victoria-metrics";
const skip = fs.existsSync(vmBinary) ? false : `${vmBinary} is not installed (apt package victoria-metrics 1.79.5)`;

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function field(out: number[], num: number, b: ArrayLike<number>): void {
  varint(out, (num << 3) | 2);
  varint(out, b.length);
  for (let k = 0; k < b.length; k++) out.push(b[k]!);
}

// remoteWriteBody encodes series as a Prometheus remote write request in a
// snappy block of literals only; NaN becomes the staleness marker's bits.
function remoteWriteBody(series: LoadedSeries[], base: number): Buffer {
  const req: number[] = [];
  const f64 = Buffer.alloc(8);
  for (const s of series) {
    const ts: number[] = [];
    for (const [k, v] of s.labels) {
      const l: number[] = [];
      field(l, 1, Buffer.from(k));
      field(l, 2, Buffer.from(v));
      field(ts, 1, l);
    }
    s.timestamps.forEach((t, i) => {
      const sample: number[] = [(1 << 3) | 1];
      if (Number.isNaN(s.values[i])) f64.writeBigUInt64LE(0x7ff0000000000002n);
      else f64.writeDoubleLE(s.values[i]!);
      sample.push(...f64, 2 << 3);
      varint(sample, base + t);
      field(ts, 2, sample);
    });
    field(req, 1, ts);
  }
  const out: number[] = [];
  varint(out, req.length);
  for (let off = 0; off < req.length; off += 65536) {
    const n = Math.min(65536, req.length - off) - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    for (let k = off; k <= off + n; k++) out.push(req[k]!);
  }
  return Buffer.from(out);
}

// vmBackend runs scripts against a VictoriaMetrics server; each clear moves
// to a fresh day, so that earlier data are out of reach of the queries.
function vmBackend(url: string): Backend {
  const day = 86_400_000;
  // Not at midnight: VictoriaMetrics 1.79.5 does not see a sample stamped
  // exactly 00:00:00.000 UTC from a query ending at that instant.
  let base = Math.floor((Date.now() - 20 * day) / day) * day + 3 * 3_600_000;
  type PromAnswer = { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> } };
  const toResult = (a: PromAnswer): QueryResult => {
    if (a.status !== "success") return { error: a.error ?? "error" };
    return {
      series: a.data!.result.map((r) => {
        const points = r.values ?? (r.value === undefined ? [] : [r.value]);
        return {
          labels: Object.entries(r.metric).sort((x, y) => (x[0] < y[0] ? -1 : 1)) as Array<[string, string]>,
          timestamps: points.map((p) => Math.round(p[0] * 1000) - base),
          values: points.map((p) => Number(p[1])),
        };
      }),
    };
  };
  const get = async (p: string) => toResult((await (await fetch(url + p)).json()) as PromAnswer);
  return {
    async load(series) {
      const r = await fetch(url + "/api/v1/write", { method: "POST", body: remoteWriteBody(series, base), headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" } });
      assert.equal(r.status, 204);
      await fetch(url + "/internal/force_flush");
    },
    async clear() {
      base += day;
    },
    async instant(q, t) {
      return get(`/api/v1/query?nocache=1&query=${encodeURIComponent(q)}&time=${(base + t) / 1000}`);
    },
    async range(q, start, end, step) {
      return get(`/api/v1/query_range?nocache=1&query=${encodeURIComponent(q)}&start=${(base + start) / 1000}&end=${(base + end) / 1000}&step=${step / 1000}`);
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

test("the scripts' expectations are VictoriaMetrics 1.79.5's answers", { skip, timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vm-querytest-"));
  const vm = spawn(vmBinary, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, "-retentionPeriod=1y", "-search.disableCache"], { stdio: "ignore" });
  const exited = new Promise((r) => vm.once("exit", r));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(url + "/health")).status === 200) break;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const backend = vmBackend(url);
    for (const name of scripts) {
      await t.test(name, async () => {
        await backend.clear();
        const diffs = await runScript(parseScript(fs.readFileSync(path.join(dir, name), "utf8")), backend);
        assert.deepEqual(diffs, []);
      });
    }
  } finally {
    vm.kill("SIGTERM");
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
