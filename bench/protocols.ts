// The protocol runs: the same fleet data sent as Prometheus remote write,
// InfluxDB line protocol and OTLP metrics, each into a fresh server, the way
// live agents send it (one sample per series per request, rounds in time
// order), and remote write again with 1, 4 and 16 concurrent senders.

import * as path from "node:path";
import * as fs from "node:fs";
import { ProtoWriter } from "../src/lib/protobuf/index.ts";
import { marshalWriteRequest, WriteRows, type Label } from "../src/lib/protoparser/promremotewrite/index.ts";
import { ExportCounter } from "./export_counter.ts";
import { HttpClient } from "./http_client.ts";
import { cpuSeconds, memory, RssSampler } from "./proc.ts";
import { SeriesGenerator, type FleetOptions } from "./series_generator.ts";
import { RunningServer, type ServerSpec } from "./server.ts";
import { snappyEncode } from "./snappy_encode.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Protocol names a wire format of the protocol runs. */
export type Protocol = "remote_write" | "influx" | "otlp";

/** ProtocolBodies are the request bodies of one protocol, sent in order. */
export interface ProtocolBodies {
  protocol: Protocol;
  path: string;
  headers: Record<string, string>;
  bodies: Buffer[];
  samplesPerBody: number[];
  samples: number;
  series: number;
  bytes: number;
}

/** FleetSamples is the fleet data as columns: labels per series, and samples[s * n + i] of scrape i. */
export interface FleetSamples {
  labels: Label[][];
  n: number;
  timestamps: Float64Array;
  values: Float64Array;
}

/** fleetSamples renders the fleet (series x samples) with the bench's generator and keeps it as columns. */
export function fleetSamples(o: FleetOptions): FleetSamples {
  const g = new SeriesGenerator(o);
  const n = o.samples;
  const timestamps = new Float64Array(o.series * n);
  const values = new Float64Array(o.series * n);
  const labels: Label[][] = [];
  for (let s = 0; s < o.series; s++) {
    const line = JSON.parse(g.line(s, 0, n)) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
    labels.push(Object.entries(line.metric));
    for (let i = 0; i < n; i++) {
      timestamps[s * n + i] = line.timestamps[i]!;
      values[s * n + i] = line.values[i]!;
    }
  }
  return { labels, n, timestamps, values };
}

// escapeInflux escapes a tag key or value, or a measurement name, of the line protocol.
function escapeInflux(s: string): string {
  return s.replace(/[ ,=\\]/g, (c) => "\\" + c);
}

function otlpKeyValue(w: ProtoWriter, num: number, key: string, value: string): void {
  w.beginMessage(num);
  w.string(1, key);
  w.beginMessage(2);
  w.string(1, value);
  w.endMessage();
  w.endMessage();
}

/**
 * buildBodies cuts the fleet into requests of `batch` series with one sample
 * each (scrape i of series [k*batch, (k+1)*batch)), scrape by scrape, encoded
 * for protocol: remote write 1.0 (protobuf + snappy), InfluxDB line protocol
 * with millisecond timestamps (field `value`, so series are named
 * `<name>_value`), or OTLP ExportMetricsServiceRequest (one gauge per series,
 * the labels as data point attributes).
 */
export function buildBodies(f: FleetSamples, protocol: Protocol, batch: number): ProtocolBodies {
  const nSeries = f.labels.length;
  const bodies: Buffer[] = [];
  const samplesPerBody: number[] = [];
  const rows = new WriteRows();
  const w = new ProtoWriter(1 << 16);
  for (let i = 0; i < f.n; i++) {
    for (let s0 = 0; s0 < nSeries; s0 += batch) {
      const s1 = Math.min(nSeries, s0 + batch);
      let body: Buffer;
      if (protocol === "remote_write") {
        rows.reset();
        rows.growSamples(s1 - s0);
        for (let s = s0; s < s1; s++) rows.appendSeries(f.labels[s]!, f.timestamps[s * f.n + i]!, f.values[s * f.n + i]!);
        body = snappyEncode(marshalWriteRequest(rows, w));
      } else if (protocol === "influx") {
        let text = "";
        for (let s = s0; s < s1; s++) {
          const ls = f.labels[s]!;
          let line = escapeInflux(ls.find((l) => l[0] === "__name__")![1]);
          for (const [k, v] of ls) if (k !== "__name__") line += `,${escapeInflux(k)}=${escapeInflux(v)}`;
          text += `${line} value=${f.values[s * f.n + i]} ${f.timestamps[s * f.n + i]}\n`;
        }
        body = Buffer.from(text);
      } else {
        w.reset();
        w.beginMessage(1); // ResourceMetrics
        w.beginMessage(2); // ScopeMetrics
        for (let s = s0; s < s1; s++) {
          const ls = f.labels[s]!;
          w.beginMessage(2); // Metric
          w.string(1, ls.find((l) => l[0] === "__name__")![1]);
          w.beginMessage(5); // Gauge
          w.beginMessage(1); // NumberDataPoint
          for (const [k, v] of ls) if (k !== "__name__") otlpKeyValue(w, 7, k, v);
          w.fixed64(3, f.timestamps[s * f.n + i]! * 1e6);
          w.double(4, f.values[s * f.n + i]!);
          w.endMessage();
          w.endMessage();
          w.endMessage();
        }
        w.endMessage();
        w.endMessage();
        body = Buffer.from(w.finish());
      }
      bodies.push(body);
      samplesPerBody.push(s1 - s0);
    }
  }
  const common = { protocol, bodies, samplesPerBody, samples: nSeries * f.n, series: nSeries, bytes: bodies.reduce((a, b) => a + b.length, 0) };
  if (protocol === "remote_write") {
    return { ...common, path: "/api/v1/write", headers: { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", "X-Prometheus-Remote-Write-Version": "0.1.0" } };
  }
  if (protocol === "influx") return { ...common, path: "/write?precision=ms", headers: { "Content-Type": "text/plain" } };
  return { ...common, path: "/opentelemetry/v1/metrics", headers: { "Content-Type": "application/x-protobuf" } };
}

/** ProtocolResult is one protocol run on one fresh server. */
export interface ProtocolResult {
  server: string;
  protocol: Protocol;
  concurrency: number;
  samples: number;
  okSamples: number;
  failedBodies: number;
  wallS: number;
  cpuS: number;
  samplesPerS: number;
  samplesPerCpuS: number;
  p99Ms: number;
  peakRssBytes: number;
  /** samples counted back through /api/v1/export */
  exported: number;
  problems: string[];
  errors: string[];
}

/**
 * measureProtocol starts a fresh spec server, POSTs the bodies with
 * `concurrency` senders taking the next body in order (5xx and connection
 * errors retried up to 3 times), and counts the samples back through
 * /api/v1/export after /internal/force_flush.
 */
export async function measureProtocol(spec: ServerSpec, b: ProtocolBodies, concurrency: number, workDir: string, log: (msg: string) => void, track: (s: RunningServer | undefined) => void): Promise<ProtocolResult> {
  const name = spec.name;
  const dataDir = path.join(workDir, `${name}-proto-data`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const s = await RunningServer.start(spec, dataDir, path.join(workDir, `${name}.log`));
  track(s);
  const client = new HttpClient(s.port, concurrency);
  const r: ProtocolResult = {
    server: name, protocol: b.protocol, concurrency, samples: b.samples, okSamples: 0, failedBodies: 0,
    wallS: 0, cpuS: 0, samplesPerS: 0, samplesPerCpuS: 0, p99Ms: 0, peakRssBytes: 0, exported: 0, problems: [], errors: [],
  };
  try {
    await sleep(300);
    const sampler = new RssSampler(s.pid);
    const latencies: number[] = [];
    let next = 0;
    const sender = async (): Promise<void> => {
      for (let i = next++; i < b.bodies.length; i = next++) {
        for (let attempt = 0; ; attempt++) {
          let msg: string;
          const t = performance.now();
          try {
            const res = await client.request("POST", b.path, b.bodies[i]!, 120_000, b.headers);
            if (res.status >= 200 && res.status < 300) {
              latencies.push(performance.now() - t);
              r.okSamples += b.samplesPerBody[i]!;
              break;
            }
            msg = `body ${i}: status ${res.status}: ${res.body.toString().slice(0, 300)}`;
            if (res.status < 500) {
              r.failedBodies++;
              if (r.errors.length < 3) r.errors.push(msg);
              break;
            }
          } catch (e) {
            msg = `body ${i}: ${(e as Error).message}`;
          }
          if (attempt >= 3) {
            r.failedBodies++;
            if (r.errors.length < 3) r.errors.push(msg);
            break;
          }
          await sleep(200 * 2 ** attempt);
        }
      }
    };
    const cpu0 = cpuSeconds(s.pid);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, sender));
    r.wallS = (performance.now() - t0) / 1000;
    r.cpuS = cpuSeconds(s.pid) - cpu0;
    r.peakRssBytes = Math.max(sampler.peakBytes, memory(s.pid)?.hwmBytes ?? 0);
    sampler.stop();
    r.samplesPerS = r.okSamples / r.wallS;
    r.samplesPerCpuS = r.okSamples / r.cpuS;
    latencies.sort((x, y) => x - y);
    r.p99Ms = latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
    if (r.failedBodies > 0) r.problems.push(`${name} ${b.protocol} x${concurrency}: ${r.failedBodies} of ${b.bodies.length} requests failed; first: ${r.errors[0]}`);
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await sleep(2000);
      await s.get("/internal/force_flush");
      const c = new ExportCounter();
      const status = await s.client.stream("GET", `/api/v1/export?match[]=${encodeURIComponent('{__name__=~".+"}')}`, undefined, (chunk) => c.push(chunk));
      c.end();
      if (status !== 200) throw new Error(`GET /api/v1/export on ${name}: got status ${status}; want 200`);
      r.exported = c.samples;
      if (c.samples === r.okSamples) break;
    }
    if (r.exported !== r.okSamples) r.problems.push(`${name} ${b.protocol} x${concurrency}: export returned ${r.exported} samples; ${r.okSamples} were accepted`);
    log(`${name}: ${b.protocol} with ${concurrency} sender(s): ${Math.round(r.samplesPerCpuS).toLocaleString("en-US")} samples per server CPU s, ${Math.round(r.samplesPerS).toLocaleString("en-US")} samples/s`);
    const stop = await s.stop();
    track(undefined);
    if (stop.killed || stop.code !== 0) r.problems.push(`${name} ${b.protocol}: stop: exit code ${stop.code}, signal ${stop.signal}`);
    return r;
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${name} log tail:\n${s.logTail()}`);
  } finally {
    client.close();
    if (s.alive) {
      await s.stop();
      track(undefined);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
