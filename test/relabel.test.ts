// -relabelConfig, -usePromCompatibleNaming and -maxConcurrentInserts end to
// end: the same config and data given to Tidemark and to VictoriaMetrics
// 1.79.5 export the same through four protocols; SIGHUP reloads; a held
// insert makes the next one queue and fail with 503.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { exportUntil, listenerPort, metricValue, sendTCP, startServer, startVictoriaMetrics, tempDir, vmSkip } from "./harness.ts";

const T = Math.floor(Date.now() / 1000) - 600;

const CONFIG = `
# rename, drop and keep through several protocols
- action: drop_metrics
  regex: "drop_.*"
- source_labels: [__name__]
  regex: "old_(.+)"
  target_label: __name__
  replacement: "new_$1"
- action: labeldrop
  regex: [secret, "tmp_.*"]
- action: replace
  source_labels: [host, dc]
  separator: "@"
  target_label: where
- action: hashmod
  source_labels: [host]
  modulus: 4
  target_label: shard
- action: keep
  if: '{__name__!~"only_.*"}'
- action: drop
  source_labels: [env]
  regex: test
- action: labelmap
  regex: "meta_(.+)"
- action: uppercase
  source_labels: [dc]
  target_label: DC
- action: graphite
  match: "gr.*.cpu"
  labels:
    __name__: graphite_cpu
    host: "$1"
`;

function vmimportBody(): string {
  const l = (m: Record<string, string>, v: number) => JSON.stringify({ metric: m, values: [v], timestamps: [T * 1000] });
  return [
    l({ __name__: "old_requests", host: "h1", dc: "eu", secret: "s", tmp_x: "1" }, 1),
    l({ __name__: "drop_me", host: "h1" }, 2),
    l({ __name__: "kept", env: "prod", meta_pod: "p1" }, 3),
    l({ __name__: "kept", env: "test" }, 4),
  ].join("\n") + "\n";
}

const INFLUX = `old_cpu,host=h2,dc=us,secret=x usage=5 ${T}000000000\ndrop_cpu,host=h2 usage=6 ${T}000000000\n`;
const PROM = `old_mem{host="h3",dc="ap"} 7 ${T * 1000}\nonly_this 8 ${T * 1000}\n`;
const GRAPHITE = `gr.web1.cpu 9 ${T}\nold.graphite 10 ${T}\n`;

const EXPECTED = [
  '{"DC":"AP","__name__":"new_mem","dc":"ap","host":"h3","shard":"?","where":"h3@ap"} [7] [T]',
  '{"DC":"EU","__name__":"new_requests","dc":"eu","host":"h1","shard":"?","where":"h1@eu"} [1] [T]',
  '{"DC":"US","__name__":"new_cpu_usage","dc":"us","host":"h2","shard":"?","where":"h2@us"} [5] [T]',
];

async function sendAll(url: string, graphitePort: number): Promise<void> {
  let r = await fetch(url + "/api/v1/import", { method: "POST", body: vmimportBody() });
  assert.equal(r.status, 204, await r.text());
  r = await fetch(url + "/write", { method: "POST", body: INFLUX });
  assert.equal(r.status, 204, await r.text());
  r = await fetch(url + "/api/v1/import/prometheus", { method: "POST", body: PROM });
  assert.equal(r.status, 204, await r.text());
  await sendTCP(graphitePort, GRAPHITE);
}

test("relabeling through vmimport, Influx, Prometheus text and Graphite matches VictoriaMetrics 1.79.5", async () => {
  const dir = tempDir();
  const cfg = path.join(dir, "relabel.yml");
  fs.writeFileSync(cfg, CONFIG);
  const tm = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-relabelConfig=${cfg}`, "-graphiteListenAddr=127.0.0.1:0"]);
  try {
    const gport = await listenerPort(() => tm.stderr, "TCP Graphite");
    await sendAll(tm.url, gport);
    const got = await exportUntil(tm.url, '{__name__=~".+"}', 6);
    const norm = got.map((l) => l.replace(/"shard":"\d"/, '"shard":"?"').replace(/\[\d{13}\]$/, "[T]"));
    // Metric names aside from the expected ones: graphite_cpu (relabeled), the graphite line without a match, and kept{env=prod}.
    for (const e of EXPECTED) assert.ok(norm.includes(e), `want ${e} in\n${norm.join("\n")}`);
    assert.ok(norm.some((l) => l.startsWith('{"__name__":"graphite_cpu","host":"web1","shard":"?","where":"@"}')), norm.join("\n"));
    assert.ok(norm.some((l) => l.startsWith('{"__name__":"kept","env":"prod","meta_pod":"p1","pod":"p1","shard":"?","where":"@"}')), norm.join("\n"));
    assert.ok(!norm.some((l) => /drop_|only_this|"env":"test"|secret|tmp_/.test(l)), norm.join("\n"));
    assert.equal(norm.length, 6, norm.join("\n"));
    const m = await (await fetch(tm.url + "/metrics")).text();
    assert.equal(metricValue(m, "vm_relabel_metrics_dropped_total"), 4);
    assert.equal(metricValue(m, "vm_relabel_config_last_reload_successful"), 1);

    if (vmSkip === false) {
      const vmGraphite = await (await import("./harness.ts")).freePort();
      const vm = await startVictoriaMetrics([`-relabelConfig=${cfg}`, `-graphiteListenAddr=127.0.0.1:${vmGraphite}`]);
      try {
        await sendAll(vm.url, vmGraphite);
        const want = await exportUntil(vm.url, '{__name__=~".+"}', 6);
        assert.deepEqual(got, want, "Tidemark and VictoriaMetrics 1.79.5 export the same");
      } finally {
        await vm.stop();
      }
    }
  } finally {
    await tm.stop();
  }
});

const TRICKY = `
- action: replace_all
  source_labels: [path]
  target_label: path
  regex: "/"
  replacement: "_"
- action: labelmap_all
  regex: '\\.'
  replacement: "_"
- action: replace
  source_labels: [kv]
  regex: "(?P<k>[a-z]+)=(.*)"
  target_label: "l_$k"
  replacement: "$2"
- action: replace
  source_labels: [kv]
  regex: "([a-z]+)=(.*)"
  target_label: quirk
  replacement: "$1x-\${1}x-$$"
- action: keep_if_equal
  source_labels: [x, y]
- action: drop_if_equal
  source_labels: [x, z]
- action: lowercase
  source_labels: [__name__]
  target_label: __name__
- action: replace
  source_labels: [code]
  regex:
  - "2.."
  - "3.."
  target_label: ok
  replacement: "yes"
- action: replace
  source_labels: [code]
  regex: "(?i)(E)rr(.*)"
  target_label: err
  replacement: "$1:$2"
`;

test("tricky relabeling rules give what VictoriaMetrics 1.79.5 gives", { skip: vmSkip }, async () => {
  const dir = tempDir();
  const cfg = path.join(dir, "relabel.yml");
  fs.writeFileSync(cfg, TRICKY);
  const l = (m: Record<string, string>, v: number) => JSON.stringify({ metric: m, values: [v], timestamps: [T * 1000] });
  const body = [
    l({ __name__: "Req", path: "/a/b/c", "a.b.c": "1", kv: "foo=bar", x: "1", y: "1", code: "200" }, 1),
    l({ __name__: "Req", path: "/", x: "1", y: "2" }, 2),
    l({ __name__: "Req", path: "/x", x: "1", y: "1", z: "1" }, 3),
    l({ __name__: "ERRS", x: "q", y: "q", code: "eRRor" }, 4),
    l({ __name__: "nolabels", kv: "=noname" }, 5),
  ].join("\n") + "\n";
  const tm = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-relabelConfig=${cfg}`]);
  const vm = await startVictoriaMetrics([`-relabelConfig=${cfg}`]);
  try {
    for (const url of [tm.url, vm.url]) assert.equal((await fetch(url + "/api/v1/import", { method: "POST", body })).status, 204);
    const want = await exportUntil(vm.url, '{__name__=~".+"}', 2);
    const got = await exportUntil(tm.url, '{__name__=~".+"}', want.length);
    assert.deepEqual(got, want);
  } finally {
    await tm.stop();
    await vm.stop();
  }
});

test("SIGHUP reloads -relabelConfig; an invalid file keeps the previous config", async () => {
  const dir = tempDir();
  const cfg = path.join(dir, "relabel.yml");
  fs.writeFileSync(cfg, `- target_label: gen\n  replacement: one\n`);
  const tm = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-relabelConfig=${cfg}`]);
  const send = async (name: string) => {
    const r = await fetch(tm.url + "/api/v1/import/prometheus", { method: "POST", body: `${name} 1 ${T * 1000}\n` });
    assert.equal(r.status, 204);
  };
  const reload = async (want: number) => {
    tm.proc.kill("SIGHUP");
    for (let i = 0; i < 100; i++) {
      const m = await (await fetch(tm.url + "/metrics")).text();
      if (metricValue(m, "vm_relabel_config_reloads_total") === want) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("no reload seen");
  };
  try {
    await send("a");
    fs.writeFileSync(cfg, `- target_label: gen\n  replacement: two\n`);
    let m = await reload(1);
    assert.equal(metricValue(m, "vm_relabel_config_last_reload_successful"), 1);
    await send("b");
    fs.writeFileSync(cfg, `- action: nonsense\n`);
    m = await reload(2);
    assert.equal(metricValue(m, "vm_relabel_config_reloads_errors_total"), 1);
    assert.equal(metricValue(m, "vm_relabel_config_last_reload_successful"), 0);
    assert.match(tm.stderr, /unknown `action` "nonsense".*preserving the previous config/);
    await send("c");
    // /-/reload does what SIGHUP does, before it answers.
    fs.writeFileSync(cfg, `- target_label: gen\n  replacement: three\n`);
    assert.equal((await fetch(tm.url + "/-/reload")).status, 204);
    await send("d");
    const got = (await exportUntil(tm.url, '{__name__=~"a|b|c|d"}', 4)).map((l) => l.split(" ")[0]);
    assert.deepEqual(got, ['{"__name__":"a","gen":"one"}', '{"__name__":"b","gen":"two"}', '{"__name__":"c","gen":"two"}', '{"__name__":"d","gen":"three"}']);
    m = await (await fetch(tm.url + "/metrics")).text();
    assert.equal(metricValue(m, "vm_relabel_config_reloads_total"), 3);
    assert.equal(metricValue(m, "vm_relabel_config_last_reload_successful"), 1);
  } finally {
    await tm.stop();
  }
});

test("a bad -relabelConfig stops the start", async () => {
  const dir = tempDir();
  const cfg = path.join(dir, "relabel.yml");
  fs.writeFileSync(cfg, `- action: replace\n`);
  await assert.rejects(startServer([`-storageDataPath=${path.join(dir, "data")}`, `-relabelConfig=${cfg}`]), /missing `target_label` for `action=replace`/);
});

test("-relabelDebug logs what relabeling does and stores nothing", async () => {
  const dir = tempDir();
  const cfg = path.join(dir, "relabel.yml");
  fs.writeFileSync(cfg, `- action: drop_metrics\n  regex: dropped\n- target_label: x\n  replacement: y\n  if: changed\n`);
  const tm = await startServer([`-storageDataPath=${path.join(dir, "data")}`, `-relabelConfig=${cfg}`, "-relabelDebug"]);
  try {
    const r = await fetch(tm.url + "/api/v1/import/prometheus", { method: "POST", body: `dropped 1\nchanged{a="b"} 2\nsame 3\n` });
    assert.equal(r.status, 204);
    assert.match(tm.stderr, /Relabel {2}In: dropped\nRelabel Out: DROPPED - all labels removed/);
    assert.match(tm.stderr, /Relabel {2}In: changed\{a="b"\}\nRelabel Out: changed\{a="b",x="y"\}/);
    assert.match(tm.stderr, /Relabel {2}In: same\nRelabel Out: KEPT AS IS - no change/);
    await fetch(tm.url + "/internal/force_flush");
    const got = await (await fetch(tm.url + "/api/v1/export?match[]=" + encodeURIComponent('{__name__=~".+"}'))).text();
    assert.equal(got, "");
  } finally {
    await tm.stop();
  }
});

test("-usePromCompatibleNaming", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-usePromCompatibleNaming"]);
  try {
    const r = await fetch(tm.url + "/api/v1/import", { method: "POST", body: JSON.stringify({ metric: { __name__: "foo.bar-baz:x", "a.b": "c.d" }, values: [1], timestamps: [T * 1000] }) });
    assert.equal(r.status, 204);
    const got = await exportUntil(tm.url, '{__name__=~"foo.*"}', 1);
    assert.deepEqual(got.map((l) => l.split(" ")[0]), ['{"__name__":"foo_bar_baz:x","a_b":"c.d"}']);
  } finally {
    await tm.stop();
  }
});

test("-maxConcurrentInserts=1: a second insert waits -insert.maxQueueDuration, then gets 503", async () => {
  const dir = tempDir();
  const tm = await startServer([`-storageDataPath=${dir}`, "-maxConcurrentInserts=1", "-insert.maxQueueDuration=700ms"]);
  try {
    // Hold the only slot with a request whose body has not ended.
    const held = http.request(tm.url + "/api/v1/import/prometheus", { method: "POST", headers: { "Transfer-Encoding": "chunked" } });
    const heldRes = new Promise<number>((resolve, reject) => {
      held.on("response", (res) => { res.resume(); resolve(res.statusCode!); });
      held.on("error", reject);
    });
    held.write(`held 1 ${T * 1000}\n`);
    const metricIs = async (name: string, want: number) => {
      for (let i = 0; i < 200; i++) {
        if (metricValue(await (await fetch(tm.url + "/metrics")).text(), name) === want) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${name} did not become ${want}`);
    };
    await metricIs("vm_concurrent_insert_current", 1);
    const t0 = Date.now();
    const r = await fetch(tm.url + "/api/v1/import/prometheus", { method: "POST", body: `second 1 ${T * 1000}\n` });
    const waited = Date.now() - t0;
    assert.equal(r.status, 503);
    assert.match(await r.text(), /cannot handle more than 1 concurrent inserts during 700ms/);
    assert.ok(waited >= 600, `waited ${waited} ms`);
    // Paths that ingest nothing are not limited.
    assert.equal((await fetch(tm.url + "/query?q=show+databases")).status, 200);
    // A queued request gets the slot once the held one ends.
    const queued = fetch(tm.url + "/api/v1/import/prometheus", { method: "POST", body: `third 1 ${T * 1000}\n` });
    await metricIs("vm_concurrent_insert_limit_reached_total", 2);
    held.end(`held 2 ${T * 1000 + 1000}\n`);
    assert.equal(await heldRes, 204);
    assert.equal((await queued).status, 204);
    const m = await (await fetch(tm.url + "/metrics")).text();
    assert.equal(metricValue(m, "vm_concurrent_insert_limit_reached_total"), 2);
    assert.equal(metricValue(m, "vm_concurrent_insert_limit_timeout_total"), 1);
    assert.equal(metricValue(m, "vm_concurrent_insert_capacity"), 1);
    assert.equal(metricValue(m, "vm_concurrent_insert_current"), 0);
    const got = await exportUntil(tm.url, '{__name__=~"held|second|third"}', 2);
    assert.deepEqual(got.map((l) => l.split(" ")[0]), ['{"__name__":"held"}', '{"__name__":"third"}']);
  } finally {
    await tm.stop();
  }
});
