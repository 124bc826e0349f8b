// The round-trip matrix: the same small dataset written through every protocol that
// both Tidemark and VictoriaMetrics 1.79.5 accept (JSON lines, Prometheus text, CSV,
// remote write, InfluxDB line protocol over HTTP, Graphite and OpenTSDB telnet over TCP,
// OpenTSDB HTTP, Datadog v1, native), into one Tidemark and one VictoriaMetrics, then
// /api/v1/export from both compared per protocol after normalization: the same names,
// labels, timestamps and values, all equal to what was sent. Where Tidemark differs on
// purpose, the test says why and checks the difference itself:
// - values that 1.79.5 rounds (one decimal exponent per block) are exact in Tidemark;
// - OpenTSDB telnet millisecond timestamps and Datadog's "device" label follow later
//   VictoriaMetrics releases (knownDifferences);
// - the order of samples with equal timestamps is undefined in both (sortDuplicates).

import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteBuffer } from "../src/lib/encoding/index.ts";
import { NativeEncoder, appendHeader } from "../src/lib/protoparser/native/index.ts";
import { marshalWriteRequest } from "../src/lib/protoparser/promremotewrite/index.ts";
import { exportUntil, freePort, listenerPort, sendTCP, startServer, startVictoriaMetrics, tempDir, vmSkip } from "./harness.ts";

// Whole seconds, so that the second-precision protocols (Graphite, OpenTSDB, Datadog) carry the same timestamps.
const T0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const HOSTS = ["h1", "h2", "h3"];
const FIELDS = ["cpu", "mem", "odd"];
// Values that VictoriaMetrics 1.79.5 cannot store exactly when they share a block (one
// decimal exponent per block within an int64): Tidemark stores every float64 bit for bit
// (README, "Decisions where VictoriaMetrics' behaviour was not copied").
const ODD = [0.30000000000000004, 1e-7, 12345678901234567, -0.001, 1.5e10, 3.14159, 1e21, 5e-324, 1.7976931348623157e308, 0.1];
const SAMPLES = 10;

interface Sample { metric: string; host: string; dc: string; ts: number; value: number }

/**
 * dataset lists the samples of one protocol: metrics mx_<proto>_<field>, labels host
 * and dc. Values are what exporters send: integers, 2-decimal gauges, counters, zero,
 * negatives and large integers, so that both servers hold them exactly.
 */
function dataset(proto: string): Sample[] {
  const out: Sample[] = [];
  for (const [h, host] of HOSTS.entries()) {
    for (const [f, field] of FIELDS.entries()) {
      for (let i = 0; i < SAMPLES; i++) {
        const value = f === 0 ? Math.round((Math.sin(i + h) * 5000)) / 100 : f === 1 ? (h + 1) * 1_000_000_000 + i * 4096 : ODD[(i + h) % ODD.length]!;
        out.push({ metric: `mx_${proto}_${field}`, host, dc: `zürich-${h % 2}`, ts: T0 + i * 10_000, value });
      }
    }
  }
  return out;
}

/** bySeries groups samples by (metric, host, dc) in a stable order. */
function bySeries(samples: Sample[]): Sample[][] {
  const m = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = `${s.metric}|${s.host}|${s.dc}`;
    const a = m.get(k) ?? [];
    a.push(s);
    m.set(k, a);
  }
  return [...m.values()];
}

function snappyBlock(data: Uint8Array): Buffer {
  // A valid snappy block of literals only (no compression): enough for a test body.
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

interface Target { url: string; graphite: number; opentsdb: number; opentsdbHTTP: number }

async function post(url: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<void> {
  const r = await fetch(url, { method: "POST", body, headers });
  assert.ok(r.status === 204 || r.status === 200 || r.status === 202, `POST ${url}: ${r.status} ${await r.text()}`);
}

/** Each protocol writes its dataset to a target. */
const protocols: Record<string, (t: Target, d: Sample[]) => Promise<void>> = {
  json: (t, d) => post(t.url + "/api/v1/import", bySeries(d).map((ss) => JSON.stringify({
    metric: { __name__: ss[0]!.metric, host: ss[0]!.host, dc: ss[0]!.dc }, values: ss.map((s) => s.value), timestamps: ss.map((s) => s.ts),
  })).join("\n") + "\n"),
  promtext: (t, d) => post(t.url + "/api/v1/import/prometheus", d.map((s) => `${s.metric}{host="${s.host}",dc="${s.dc}"} ${s.value} ${s.ts}\n`).join("")),
  csv: (t, d) => {
    // One metric per column spec: rows of host,dc,time,value.
    const byMetric = new Map<string, Sample[]>();
    for (const s of d) byMetric.set(s.metric, [...(byMetric.get(s.metric) ?? []), s]);
    return Promise.all([...byMetric].map(([metric, ss]) => post(
      t.url + "/api/v1/import/csv?format=" + encodeURIComponent(`1:label:host,2:label:dc,3:time:unix_ms,4:metric:${metric}`),
      ss.map((s) => `${s.host},${s.dc},${s.ts},${s.value}\n`).join(""),
    ))).then(() => {});
  },
  remotewrite: (t, d) => {
    const series = bySeries(d);
    const n = d.length;
    const rows = { lines: series.length, labels: [] as Array<Array<[string, string]>>, timestamps: new Float64Array(n), values: new Float64Array(n), offsets: new Uint32Array(series.length + 1) };
    let k = 0;
    for (const [i, ss] of series.entries()) {
      rows.labels.push([["__name__", ss[0]!.metric], ["host", ss[0]!.host], ["dc", ss[0]!.dc]]);
      for (const s of ss) { rows.timestamps[k] = s.ts; rows.values[k] = s.value; k++; }
      rows.offsets[i + 1] = k;
    }
    return post(t.url + "/api/v1/write", snappyBlock(marshalWriteRequest(rows)), { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0" });
  },
  influx: (t, d) => {
    // One line per (host, time) with both fields: measurement mx_influx, fields cpu and mem.
    const lines = new Map<string, string[]>();
    for (const s of d) {
      const k = `mx_influx,host=${s.host},dc=${s.dc} |${s.ts}`;
      lines.set(k, [...(lines.get(k) ?? []), `${s.metric.slice("mx_influx_".length)}=${s.value}`]);
    }
    const body = [...lines].map(([k, fields]) => k.replace(" |", " " + fields.join(",") + " ") + "\n").join("");
    return post(t.url + "/write?precision=ms", body);
  },
  graphite: (t, d) => sendTCP(t.graphite, d.map((s) => `${s.metric};host=${s.host};dc=${s.dc} ${s.value} ${s.ts / 1000}\n`).join("")),
  opentsdb: (t, d) => sendTCP(t.opentsdb, d.map((s) => `put ${s.metric} ${s.ts / 1000} ${s.value} host=${s.host} dc=${s.dc}\n`).join("")),
  opentsdbhttp: (t, d) => post(`http://127.0.0.1:${t.opentsdbHTTP}/api/put`, JSON.stringify(d.map((s) => ({ metric: s.metric, timestamp: s.ts / 1000, value: s.value, tags: { host: s.host, dc: s.dc } })))),
  datadog: (t, d) => post(t.url + "/datadog/api/v1/series", JSON.stringify({
    series: bySeries(d).map((ss) => ({ metric: ss[0]!.metric, host: ss[0]!.host, tags: [`dc:${ss[0]!.dc}`], points: ss.map((s) => [s.ts / 1000, s.value]) })),
  }), { "Content-Type": "application/json" }),
  native: (t, d) => {
    const bb = new ByteBuffer();
    appendHeader(bb, 0, Date.now());
    const enc = new NativeEncoder();
    for (const ss of bySeries(d)) {
      enc.appendSeries(bb, [["__name__", ss[0]!.metric], ["dc", ss[0]!.dc], ["host", ss[0]!.host]],
        Float64Array.from(ss, (s) => s.ts), Float64Array.from(ss, (s) => s.value), 0, ss.length);
    }
    return post(t.url + "/api/v1/import/native", bb.toBuffer());
  },
};

interface Exported { labels: string; values: number[]; timestamps: number[] }

/** parse splits normalized export lines (labels, values as printed, timestamps) into numbers. */
function parse(lines: string[]): Exported[] {
  return lines.map((l) => {
    const a = l.indexOf("} ") + 1, b = l.lastIndexOf(" ");
    return { labels: l.slice(0, a), values: JSON.parse(l.slice(a + 1, b)) as number[], timestamps: JSON.parse(l.slice(b + 1)) as number[] };
  });
}

const sameNumbers = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

const S = T0 / 1000;

/**
 * extras are protocol-specific corner cases (escapes, duplicate timestamps, empty
 * labels, dotted names, other time formats and precisions), metrics mxe_<proto>...,
 * whose exports from both servers must be the same.
 */
const extras: Record<string, (t: Target) => Promise<void>> = {
  json: (t) => post(t.url + "/api/v1/import", [
    JSON.stringify({ metric: { __name__: "mxe_json.a b", l: "q\"uote,\\ \u00e9", empty: "" }, values: [1, 2, 2.5], timestamps: [T0, T0, T0 + 1000] }),
    JSON.stringify({ metric: { __name__: "mxe_json_int", l: "x" }, values: [1e15, -7, 0], timestamps: [T0 + 2000, T0 + 1000, T0] }),
  ].join("\n")),
  promtext: (t) => post(t.url + "/api/v1/import/prometheus", [
    `mxe_promtext_dup{l="a\\"b\\\\c\\n",empty=""} 1 ${T0}`,
    `mxe_promtext_dup{l="a\\"b\\\\c\\n",empty=""} 2 ${T0}`,
    `mxe_promtext_e{ l = "sp" } 1.5e3 ${T0 + 1000}`,
    `# HELP mxe_promtext_e help`, `# TYPE mxe_promtext_e gauge`,
    `mxe_promtext_bare 42 ${T0 + 2000}`,
  ].join("\n") + "\n"),
  csv: (t) => post(t.url + "/api/v1/import/csv?format=" + encodeURIComponent("1:metric:mxe_csv_x,2:label:l,3:time:rfc3339,4:metric:mxe_csv_y"),
    `1.5,"a,b",${new Date(T0).toISOString().replace(".000Z", "Z")},-2\n2.5,c,${new Date(T0 + 1000).toISOString().replace(".000Z", "Z")},3e2\n`),
  remotewrite: (t) => {
    const rows = {
      lines: 2,
      labels: [[["__name__", "mxe_remotewrite_u"], ["l", "ü ∑ \" ,"], ["empty", ""]], [["__name__", "mxe_remotewrite_dup"]]] as Array<Array<[string, string]>>,
      timestamps: Float64Array.from([T0, T0 + 1000, T0, T0]),
      values: Float64Array.from([1, 2, 3, 4]),
      offsets: Uint32Array.from([0, 2, 4]),
    };
    return post(t.url + "/api/v1/write", snappyBlock(marshalWriteRequest(rows)), { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" });
  },
  influx: (t) => post(t.url + "/write?db=mydb", [
    `mxe_influx,t=a\\ b\\,c,e=x\\=y value=42i,b=true,f=false,s="str",x=1.5e3 ${T0}000000`,
    `mxe_influx.dot,t=z value=-1 ${T0 + 1000}000000`,
  ].join("\n") + "\n"),
  graphite: (t) => sendTCP(t.graphite, `mxe_graphite.a.b;t=x;u=y 1.5 ${S}\nmxe_graphite.frac 2 ${S + 1}.7\nmxe_graphite.neg -3e2 ${S + 2}\n`),
  opentsdb: (t) => sendTCP(t.opentsdb, `put mxe_opentsdb.a.b ${S} 3 t=x u=y\nput mxe_opentsdb.e ${S + 1} 1.5e3 t=z\nput mxe_opentsdb.ms ${T0 + 2500} 4 t=w\n`),
  opentsdbhttp: (t) => post(`http://127.0.0.1:${t.opentsdbHTTP}/api/put`, JSON.stringify([
    { metric: "mxe_opentsdbhttp.a", timestamp: S, value: 5, tags: { t: "x" } },
    { metric: "mxe_opentsdbhttp.ms", timestamp: T0 + 1500, value: 6.5, tags: { t: "y" } },
  ])),
  datadog: (t) => post(t.url + "/datadog/api/v1/series", JSON.stringify({
    series: [
      { metric: "mxe_datadog.a.b", host: "h", device: "sda", tags: ["env:prod", "bare", "k:v:w"], points: [[S, 1.5], [S + 1, 2]] },
      // host and tags are given empty: VictoriaMetrics 1.79.5 decodes into pooled objects,
      // so a series without these fields may inherit them from an earlier request (its bug).
      { metric: "mxe_datadog_notags", host: "", tags: [], points: [[S, 3]] },
    ],
  }), { "Content-Type": "application/json" }),
  native: (t) => {
    const bb = new ByteBuffer();
    appendHeader(bb, 0, Date.now());
    const enc = new NativeEncoder();
    const ts = Float64Array.from({ length: 9000 }, (_, i) => T0 - 9000 * 1000 + i * 1000);
    const vs = Float64Array.from({ length: 9000 }, (_, i) => (i % 7) * 0.25 - 1);
    enc.appendSeries(bb, [["__name__", "mxe_native_long"], ["esc", "\u0000\u0001\u0002="]], ts, vs, 0, 9000);
    return post(t.url + "/api/v1/import/native", bb.toBuffer());
  },
};

/** extraSeries is how many mxe_<proto>* series VictoriaMetrics 1.79.5 and Tidemark store from the extras. */
const extraSeries: Record<string, [number, number]> = {
  json: [2, 2], promtext: [3, 3], csv: [4, 4], remotewrite: [2, 2],
  // value, b, f, s (a string field is stored as 0, as 1.79.5 does), x and dot_value.
  influx: [6, 6],
  graphite: [3, 3],
  // The regex also matches the two opentsdbhttp series; see knownDifferences for the third telnet one.
  opentsdb: [4, 5],
  opentsdbhttp: [2, 2], datadog: [2, 2], native: [1, 1],
};

/**
 * sortDuplicates orders the values of samples with equal timestamps: neither server
 * defines their order (VictoriaMetrics' sort is not stable), only the multiset counts.
 */
function sortDuplicates(line: string): string {
  const [e] = parse([line]);
  const idx = e!.timestamps.map((_, i) => i).sort((a, b) => e!.timestamps[a]! - e!.timestamps[b]! || e!.values[a]! - e!.values[b]! || a - b);
  return `${e!.labels} ${JSON.stringify(idx.map((i) => e!.values[i]))} ${JSON.stringify(idx.map((i) => e!.timestamps[i]))}`;
}

/**
 * knownDifferences turn Tidemark's export of the extras into what 1.79.5 stores, where
 * Tidemark follows later VictoriaMetrics releases on purpose; each asserts that the
 * difference is there, so that it stays a known one.
 */
const knownDifferences: Record<string, (lines: string[]) => string[]> = {
  // OpenTSDB telnet timestamps of 2^32 and above are milliseconds (OpenTSDB's SECOND_MASK,
  // as VictoriaMetrics does since 1.88); 1.79.5 multiplies them by 1000 and drops the sample.
  opentsdb: (lines) => {
    assert.ok(lines.some((l) => l.startsWith('{"__name__":"mxe_opentsdb.ms","t":"w"} [4] ' + JSON.stringify([T0 + 2500]))), `OpenTSDB ms timestamp kept: ${lines.join("; ")}`);
    return lines.filter((l) => !l.startsWith('{"__name__":"mxe_opentsdb.ms"'));
  },
  // Datadog's "device" field becomes a label, as VictoriaMetrics does since 1.85; 1.79.5 ignores it.
  datadog: (lines) => {
    assert.ok(lines.some((l) => l.includes(',"device":"sda"')), `Datadog device label: ${lines.join("; ")}`);
    return lines.map((l) => l.replace(',"device":"sda"', ""));
  },
};

test("every protocol both accept gives the same export from Tidemark and VictoriaMetrics 1.79.5", { skip: vmSkip, timeout: 60_000 }, async () => {
  const [g, o, oh] = [await freePort(), await freePort(), await freePort()];
  const vm = await startVictoriaMetrics([`-graphiteListenAddr=127.0.0.1:${g}`, `-opentsdbListenAddr=127.0.0.1:${o}`, `-opentsdbHTTPListenAddr=127.0.0.1:${oh}`]);
  const tm = await startServer([`-storageDataPath=${tempDir()}`, "-retentionPeriod=1y",
    "-graphiteListenAddr=127.0.0.1:0", "-opentsdbListenAddr=127.0.0.1:0", "-opentsdbHTTPListenAddr=127.0.0.1:0"]);
  try {
    const targets: Target[] = [
      { url: vm.url, graphite: g, opentsdb: o, opentsdbHTTP: oh },
      {
        url: tm.url,
        graphite: await listenerPort(() => tm.stderr, "TCP Graphite"),
        opentsdb: await listenerPort(() => tm.stderr, /started TCP OpenTSDB server at "[^"]*:(\d+)"/),
        opentsdbHTTP: await listenerPort(() => tm.stderr, /started HTTP OpenTSDB server at "[^"]*"; port (\d+)/),
      },
    ];
    const want = HOSTS.length * FIELDS.length;
    for (const [proto, write] of Object.entries(protocols)) {
      for (const t of targets) {
        await write(t, dataset(proto));
        await extras[proto]!(t);
      }
    }
    const failures: string[] = [];
    let vmRounded = 0;
    for (const proto of Object.keys(protocols)) {
      const match = `{__name__=~"mx_${proto}_.*"}`;
      // TCP listeners store asynchronously: wait until every series shows up.
      const fromVM = parse(await exportUntil(vm.url, match, want));
      const fromTM = parse(await exportUntil(tm.url, match, want));
      const sent = bySeries(dataset(proto)).map((ss) => ({
        labels: JSON.stringify(Object.fromEntries([["__name__", ss[0]!.metric], ["dc", ss[0]!.dc], ["host", ss[0]!.host]])),
        values: ss.map((s) => s.value),
        timestamps: ss.map((s) => s.ts),
      })).sort((a, b) => (a.labels < b.labels ? -1 : 1));
      const problems: string[] = [];
      const labelsOf = (x: Exported[]) => x.map((e) => e.labels).join(" ");
      if (labelsOf(fromVM) !== labelsOf(sent)) problems.push(`VictoriaMetrics' series ${labelsOf(fromVM)}`);
      if (labelsOf(fromTM) !== labelsOf(sent)) problems.push(`Tidemark's series ${labelsOf(fromTM)}`);
      for (const [i, want] of sent.entries()) {
        const v = fromVM[i], t = fromTM[i];
        if (v === undefined || t === undefined || v.labels !== want.labels || t.labels !== want.labels) continue;
        if (JSON.stringify(v.timestamps) !== JSON.stringify(want.timestamps)) problems.push(`${want.labels}: VictoriaMetrics' timestamps ${JSON.stringify(v.timestamps)}`);
        if (JSON.stringify(t.timestamps) !== JSON.stringify(want.timestamps)) problems.push(`${want.labels}: Tidemark's timestamps ${JSON.stringify(t.timestamps)}`);
        // Tidemark holds exactly what was sent; VictoriaMetrics too, except in the "odd" series.
        // The native body itself is VictoriaMetrics' int64 decimal block format, so it
        // carries the odd values already rounded as VictoriaMetrics rounds them: there
        // both servers must hold what the body holds.
        const odd = want.labels.includes("_odd\"");
        if (proto === "native" && odd) {
          if (!sameNumbers(t.values, v.values)) problems.push(`${want.labels}: Tidemark's values ${JSON.stringify(t.values)}; VictoriaMetrics' ${JSON.stringify(v.values)}`);
        } else if (!sameNumbers(t.values, want.values)) {
          problems.push(`${want.labels}: Tidemark's values ${JSON.stringify(t.values)}; sent ${JSON.stringify(want.values)}`);
        }
        if (odd && !sameNumbers(v.values, want.values)) vmRounded++;
        if (!odd && !sameNumbers(v.values, want.values)) problems.push(`${want.labels}: VictoriaMetrics' values ${JSON.stringify(v.values)}; sent ${JSON.stringify(want.values)}`);
      }
      if (problems.length > 0) failures.push(`${proto}: ${problems.join("\n  ")}`);
    }
    for (const proto of Object.keys(extras)) {
      const match = `{__name__=~"mxe_${proto}.*"}`;
      const [inVM, inTM] = extraSeries[proto]!;
      const fromVM = (await exportUntil(vm.url, match, inVM)).map(sortDuplicates);
      let fromTM = (await exportUntil(tm.url, match, inTM)).map(sortDuplicates);
      assert.equal(fromVM.length, inVM, `${proto}: VictoriaMetrics stored the extra series: ${fromVM.join("; ")}`);
      const known = knownDifferences[proto];
      if (known !== undefined) fromTM = known(fromTM);
      if (JSON.stringify(fromTM) !== JSON.stringify(fromVM)) failures.push(`${proto} extras:\n  Tidemark:        ${fromTM.join("\n                   ")}\n  VictoriaMetrics: ${fromVM.join("\n                   ")}`);
    }
    assert.deepEqual(failures, [], `protocols whose exports differ:\n${failures.join("\n")}`);
    assert.ok(vmRounded > 0, "VictoriaMetrics 1.79.5 rounds some odd values (else the odd series test nothing)");
  } finally {
    await vm.stop();
    await tm.stop();
  }
});
