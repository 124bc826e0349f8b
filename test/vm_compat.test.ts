// Compatibility with the real VictoriaMetrics 1.79.5: data exported from it
// imports into Tidemark and exports back byte for byte (per series), and the
// same import gives the same export from both.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { startServer, startVictoriaMetrics, tempDir, vmSkip as skip, normalizeExport as normalize } from "./harness.ts";


/** assertSameLines compares normalized exports and reports the first difference briefly. */
function assertSameLines(got: string[], want: string[], msg: string): void {
  assert.equal(got.length, want.length, `${msg}: number of series`);
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue;
    const g = got[i]!, w = want[i]!;
    let j = 0;
    while (j < g.length && g[j] === w[j]) j++;
    assert.fail(`${msg}: series ${i} differs at char ${j}:\n got  ...${g.slice(Math.max(0, j - 80), j + 80)}\n want ...${w.slice(Math.max(0, j - 80), j + 80)}`);
  }
}


test("VictoriaMetrics 1.79.5 export -> Tidemark import -> export is unchanged", { skip }, async () => {
  const tmDir = tempDir();
  const vm = await startVictoriaMetrics();
  const vmURL = vm.url;
  const tm = await startServer([`-storageDataPath=${tmDir}`, "-retentionPeriod=1y"]);
  try {
    // Awkward values: decimals, big and small magnitudes, negative, integers above 2^53, specials VM can export.
    const now = Date.now() - 3_600_000;
    const values = [0, 1, -1, 0.1, 1.5e-7, 123456789.123, 1e21, 9007199254740993, -2.5e-300, 3.14159, 42, 1e6, 0.000001];
    const lines: string[] = [];
    for (let s = 0; s < 20; s++) {
      const ts: number[] = [], vs: number[] = [];
      for (let i = 0; i < 50; i++) { ts.push(now + i * 15_000 + s); vs.push(values[(i + s) % values.length]! * (s + 1)); }
      lines.push(JSON.stringify({ metric: { __name__: `m_${s % 4}`, job: "compat", instance: `h${s}`, "label.with.dots": "vä\"lue\\" }, values: vs, timestamps: ts }));
    }
    const body = lines.join("\n") + "\n";
    assert.equal((await fetch(vmURL + "/api/v1/import", { method: "POST", body })).status, 204);
    await fetch(vmURL + "/internal/force_flush");
    const vmExport = await (await fetch(vmURL + "/api/v1/export?match[]=" + encodeURIComponent('{job="compat"}'))).text();
    assert.equal(normalize(vmExport).length, 20, "VictoriaMetrics exported every series");
    // VM's export goes into Tidemark unchanged...
    assert.equal((await tm.post("/api/v1/import", vmExport)).status, 204);
    const tmExport = await (await tm.get("/api/v1/export?match[]=" + encodeURIComponent('{job="compat"}'))).text();
    // ...and comes back the same.
    assertSameLines(normalize(tmExport), normalize(vmExport), "VM export re-exported by Tidemark");
    // Realistic data (exporter precision, where VictoriaMetrics is exact) imported
    // into both exports the same from both.
    const real: string[] = [];
    for (let s = 0; s < 20; s++) {
      const ts: number[] = [], vs: number[] = [];
      let c = s * 1000;
      for (let i = 0; i < 100; i++) {
        ts.push(now + i * 15_000);
        c += (i * 7919 + s) % 13;
        vs.push(s % 2 === 0 ? c : Math.round(Math.sin(i / 9 + s) * 10000) / 100);
      }
      real.push(JSON.stringify({ metric: { __name__: s % 2 === 0 ? "c_total" : "g", job: "real", instance: `h${s}` }, values: vs, timestamps: ts }));
    }
    const realBody = real.join("\n") + "\n";
    assert.equal((await fetch(vmURL + "/api/v1/import", { method: "POST", body: realBody })).status, 204);
    await fetch(vmURL + "/internal/force_flush");
    assert.equal((await tm.post("/api/v1/import", realBody)).status, 204);
    const sel = "/api/v1/export?match[]=" + encodeURIComponent('{job="real"}');
    assertSameLines(normalize(await (await tm.get(sel)).text()), normalize(await (await fetch(vmURL + sel)).text()), "same import into both");
    // VictoriaMetrics 1.79.5 rounds awkward values (a block's values share one
    // decimal exponent in an int64); Tidemark keeps every float64 exactly.
    assert.equal((await tm.post("/api/v1/import", body.replaceAll('"compat"', '"exact"'))).status, 204);
    const exact = normalize(await (await tm.get("/api/v1/export?match[]=" + encodeURIComponent('{job="exact"}'))).text());
    const sent = normalize(body.replaceAll('"compat"', '"exact"'));
    assert.equal(exact.length, sent.length);
    for (let i = 0; i < exact.length; i++) {
      const g = JSON.parse(exact[i]!.split(" ")[1]!) as number[];
      const w = JSON.parse(sent[i]!.split(" ")[1]!) as number[];
      assert.deepEqual(g, w, `series ${i} keeps its exact values`);
    }
  } finally {
    await tm.stop();
    await vm.stop();
    fs.rmSync(tmDir, { recursive: true, force: true });
  }
});

test("/api/v1/series, /api/v1/labels and /api/v1/label/NAME/values answer like VictoriaMetrics 1.79.5", { skip }, async () => {
  const tmDir = tempDir();
  const vm = await startVictoriaMetrics();
  const vmURL = vm.url;
  const tm = await startServer([`-storageDataPath=${tmDir}`, "-retentionPeriod=1y"]);
  try {
    const now = Date.now();
    const lines: string[] = [];
    for (let s = 0; s < 30; s++) {
      const t = s % 3 === 0 ? now - 3 * 86_400_000 : now - 60_000;
      const metric: Record<string, string> = { __name__: `metric_${s % 5}`, job: `job${s % 3}`, instance: `host-${s}:9100` };
      if (s % 4 === 0) metric.zone = `z${s % 2}`;
      lines.push(JSON.stringify({ metric, values: [s], timestamps: [t] }));
    }
    const body = lines.join("\n") + "\n";
    assert.equal((await fetch(vmURL + "/api/v1/import", { method: "POST", body })).status, 204);
    assert.equal((await tm.post("/api/v1/import", body)).status, 204);
    await fetch(vmURL + "/internal/force_flush");
    await tm.get("/internal/force_flush");
    const startOld = Math.floor((now - 4 * 86_400_000) / 1000);
    const queries = [
      "/api/v1/labels",
      "/api/v1/labels?start=-1h",
      `/api/v1/labels?match[]=${encodeURIComponent('{job="job0"}')}`,
      "/api/v1/label/job/values",
      "/api/v1/label/zone/values?start=-1h",
      `/api/v1/label/instance/values?match[]=${encodeURIComponent('metric_1{job=~"job[12]"}')}&start=${startOld}`,
      "/api/v1/label/__name__/values",
      "/api/v1/label/nosuch/values",
      `/api/v1/series?match[]=${encodeURIComponent('{__name__=~"metric_.*"}')}`,
      `/api/v1/series?match[]=${encodeURIComponent('{__name__=~"metric_[12]"}')}&start=${startOld}`,
      `/api/v1/series?match[]=metric_3&match[]=${encodeURIComponent('{zone="z0"}')}&start=${startOld}`,
      `/api/v1/series?match[]=${encodeURIComponent('{zone!="",job!="job1"}')}&start=${startOld}`,
      "/api/v1/series",
      "/api/v1/series?match[]=metric_1&start=abc",
      "/api/v1/status/tsdb",
      "/api/v1/status/tsdb?topN=3&focusLabel=job",
      `/api/v1/status/tsdb?date=${new Date(now - 3 * 86_400_000).toISOString().slice(0, 10)}`,
      `/api/v1/status/tsdb?match[]=${encodeURIComponent('{job="job1"}')}`,
      "/api/v1/status/tsdb?date=bad",
    ];
    const canon = (x: unknown): unknown => {
      const o = x as { status: string; data?: unknown[]; errorType?: string };
      if (o.status !== "success") return { status: o.status, errorType: o.errorType };
      if (!Array.isArray(o.data)) return o;
      const data = (o.data ?? []).map((d) => (typeof d === "string" ? d : JSON.stringify(Object.entries(d as object).sort())));
      return { status: o.status, data: data.sort() };
    };
    for (const q of queries) {
      const a = await fetch(vmURL + q);
      const b = await tm.get(q);
      assert.equal(b.status, a.status, `${q}: HTTP status`);
      assert.deepEqual(canon(await b.json()), canon(await a.json()), q);
    }
  } finally {
    await tm.stop();
    await vm.stop();
    fs.rmSync(tmDir, { recursive: true, force: true });
  }
});
