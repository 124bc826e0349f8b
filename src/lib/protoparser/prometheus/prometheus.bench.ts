// Parse speed of Prometheus text like node_exporter exposes, 10,000 lines per run.
// Run: node src/lib/protoparser/prometheus/prometheus.bench.ts
import { parseLines } from "./parser.ts";
import { PromRows } from "./prom_rows.ts";

const lines: string[] = [];
for (let i = 0; i < 10_000; i++) {
  lines.push(`node_cpu_seconds_total{cpu="${i % 16}",mode="${["idle", "user", "system", "iowait"][i % 4]}",instance="host-${Math.floor(i / 100)}:9100",job="node"} ${(i * 12.345).toFixed(2)} 1700000000${String(i % 1000).padStart(3, "0")}`);
}
const text = lines.join("\n");
const rows = new PromRows();
const run = () => { rows.reset(); parseLines(rows, text, 1, () => { throw new Error("bad line"); }); };
run();
const n = 50;
const t0 = performance.now();
for (let i = 0; i < n; i++) run();
const dt = (performance.now() - t0) / 1000;
console.log(`Prometheus text: ${((n * lines.length) / dt / 1e6).toFixed(2)} M lines/s (${((text.length * n) / dt / 1e6).toFixed(0)} MB/s)`);
