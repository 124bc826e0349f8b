// Parse speed of remote write requests like Prometheus and vmagent send: 10,000 series
// of one sample each per request. Run: node src/lib/protoparser/promremotewrite/promremotewrite.bench.ts
import * as zlib from "node:zlib";
import { LabelsCache } from "./labels_cache.ts";
import { marshalWriteRequest } from "./marshal.ts";
import { parseRequestBody } from "./stream.ts";
import { parseWriteRequest } from "./write_request.ts";
import { WriteRows, type Label } from "./write_rows.ts";
import { snappyLiteral } from "./_test_builders.ts";

const N = 10_000;
function request(t: number): Uint8Array {
  const rows = new WriteRows();
  rows.growSamples(N);
  for (let i = 0; i < N; i++) {
    const labels: Label[] = [
      ["__name__", `node_metric_${i % 100}_total`],
      ["instance", `host-${Math.floor(i / 100)}.example.com:9100`],
      ["job", "node"],
      ["mode", ["idle", "user", "system", "iowait"][i % 4]!],
      ["cpu", String(i % 16)],
      ["region", "eu-west-1"],
    ];
    rows.timestamps[rows.samples] = t;
    rows.values[rows.samples] = i * 1.5;
    rows.samples++;
    rows.commitSeries(labels);
  }
  return marshalWriteRequest(rows).slice();
}

const body = request(1_700_000_000_000);
const rows = new WriteRows();
function run(name: string, reqs: number, f: () => void): void {
  f();
  const t0 = performance.now();
  for (let i = 0; i < reqs; i++) f();
  const dt = (performance.now() - t0) / 1000;
  console.log(`${name}: ${((reqs * N) / dt / 1e6).toFixed(2)} M samples/s (${((dt / reqs) * 1000).toFixed(2)} ms per request of ${N} samples, ${body.length} bytes)`);
}
run("parse, cold label cache", 20, () => { rows.reset(); parseWriteRequest(body, rows, new LabelsCache()); });
const cache = new LabelsCache();
run("parse, warm label cache", 100, () => { rows.reset(); parseWriteRequest(body, rows, cache); });
const snappy = snappyLiteral(body);
run("snappy (literal) + parse", 100, () => parseRequestBody(snappy, { encoding: "snappy", version: 1, maxSize: 64 << 20 }, rows));
const zstd = zlib.zstdCompressSync(body);
run("zstd + parse", 100, () => parseRequestBody(zstd, { encoding: "zstd", version: 1, maxSize: 64 << 20 }, rows));
