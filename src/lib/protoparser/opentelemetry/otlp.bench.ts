// Hand-run benchmark: node src/lib/protoparser/opentelemetry/otlp.bench.ts [filter]
// OTLP ExportMetricsServiceRequest bodies: the bench's fleet requests
// (bench/protocols.ts: one gauge per series, 2,000 per request) and
// collector-shaped requests (a resource with attributes, gauges, monotonic
// sums and 10-bucket histograms with point attributes; the same series in
// every request), decoded alone and decoded + stored as the handler does.
// Prints ns per sample (best of several rounds). A filter argument runs only
// the cases whose name has it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildBodies, fleetSamples } from "../../../../bench/protocols.ts";
import { ProtoWriter } from "../../protobuf/index.ts";
import { Storage } from "../../storage/index.ts";
import { OtlpDecoder } from "./metrics_data.ts";
import { OtlpRows } from "./otlp_rows.ts";

const filter = process.argv[2] ?? "";
const REQUESTS = 20;

function kv(w: ProtoWriter, num: number, key: string, value: string): void {
  w.beginMessage(num);
  w.string(1, key);
  w.beginMessage(2);
  w.string(1, value);
  w.endMessage();
  w.endMessage();
}

// collectorBodies: per request 10 hosts x (40 gauges + 40 sums + 10 histograms), 5 points each.
function collectorBodies(): { bodies: Buffer[]; samples: number } {
  const w = new ProtoWriter(1 << 20);
  const bodies: Buffer[] = [];
  let samples = 0;
  const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  for (let r = 0; r < REQUESTS; r++) {
    const tsNs = (Date.now() - 3_600_000 + r * 10_000) * 1e6;
    w.reset();
    for (let h = 0; h < 10; h++) {
      w.beginMessage(1); // ResourceMetrics
      w.beginMessage(1); // Resource
      kv(w, 1, "service.name", "checkout");
      kv(w, 1, "host.name", `host-${h}.example.com`);
      kv(w, 1, "cloud.region", "eu-west-1");
      w.endMessage();
      w.beginMessage(2); // ScopeMetrics
      w.beginMessage(1); // Scope
      w.string(1, "go.opentelemetry.io/otel/sdk/metric");
      w.string(2, "1.28.0");
      w.endMessage();
      for (let m = 0; m < 90; m++) {
        w.beginMessage(2); // Metric
        const kind = m < 40 ? 5 : m < 80 ? 7 : 9;
        w.string(1, kind === 5 ? `process.memory.usage.${m}` : kind === 7 ? `http.server.requests.${m}` : `http.server.duration.${m}`);
        w.beginMessage(kind);
        for (let p = 0; p < 5; p++) {
          w.beginMessage(1); // data point
          kv(w, kind === 9 ? 9 : 7, "http.route", `/api/v1/item/${p}`);
          kv(w, kind === 9 ? 9 : 7, "http.method", p % 2 === 0 ? "GET" : "POST");
          w.fixed64(3, tsNs);
          if (kind === 9) {
            w.fixed64(4, 100 * r + p);
            w.double(5, 12.5 * r + p);
            for (let b = 0; b <= bounds.length; b++) w.fixed64(6, r + b);
            w.packedDoubles(7, bounds);
            samples += 2 + bounds.length + 1;
          } else {
            w.double(4, r * 1.5 + p + m);
            samples++;
          }
          w.endMessage();
        }
        if (kind === 7) {
          w.uint32(2, 2); // cumulative
          w.bool(3, true); // monotonic
        }
        w.endMessage();
        w.endMessage();
      }
      w.endMessage();
      w.endMessage();
    }
    bodies.push(Buffer.from(w.finish()));
  }
  return { bodies, samples };
}

function fleetBodies(): { bodies: Buffer[]; samples: number } {
  const fleet = fleetSamples({ series: 4000, samples: 10, intervalMs: 15_000, endMs: Math.floor(Date.now() / 60_000) * 60_000, seed: 1 });
  const b = buildBodies(fleet, "otlp", 2000);
  return { bodies: b.bodies, samples: b.samples };
}

function run(name: string, bodies: Buffer[], samples: number, round: () => void): void {
  if (!name.includes(filter)) return;
  round(); // warm-up: the series are then known, as for a live agent
  const ns: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    round();
    ns.push(Number(process.hrtime.bigint() - t0) / samples);
  }
  ns.sort((a, b) => a - b);
  const mb = bodies.reduce((a, b) => a + b.length, 0) / 1e6;
  console.log(`${name.padEnd(44)} ${ns[0]!.toFixed(0).padStart(6)} ns/sample (median ${ns[2]!.toFixed(0)}; ${samples} samples, ${mb.toFixed(1)} MB)`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otlp-bench-"));
const storage = Storage.open(dir, { retentionMs: 30 * 86_400_000 });
try {
  for (const [label, make] of [["collector", collectorBodies], ["fleet", fleetBodies]] as const) {
    const { bodies, samples } = make();
    const decoder = new OtlpDecoder();
    const rows = new OtlpRows();
    const check = (n: number): void => {
      if (n !== samples) throw new Error(`decoded ${n} samples; want ${samples}`);
    };
    run(`${label}: decode`, bodies, samples, () => {
      let n = 0;
      for (const b of bodies) {
        rows.reset();
        const r = decoder.decode(b, rows, (x) => { n += x.lines; });
        if (r.invalid > 0) throw new Error(r.errors.join("; "));
        n += rows.lines;
      }
      check(n);
    });
    run(`${label}: decode + storage.addRows`, bodies, samples, () => {
      for (const b of bodies) {
        rows.reset();
        decoder.decode(b, rows, (x) => { storage.addRows(x); });
        storage.addRows(rows);
      }
    });
  }
} finally {
  await storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
