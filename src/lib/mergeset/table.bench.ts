// By-hand benchmark: node src/lib/mergeset/table.bench.ts [items]
// Adds items shaped like metric index rows (~20 per series), flushes,
// merges, and measures seeks and scans. Prints one line per figure.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dirSize } from "../fs/index.ts";
import { Table } from "./table.ts";

const totalItems = Number(process.argv[2] ?? 5_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mergeset-bench-"));

const names = Array.from({ length: 200 }, (_, i) => `node_metric_number_${i}_total`);
const labels: [string, (s: number) => string][] = [
  ["job", (s) => `job${s % 10}`],
  ["instance", (s) => `10.0.${(s >> 8) & 255}.${s & 255}:9100`],
  ["pod", (s) => `app-${(s * 2654435761) % 100000}-x7f2k`],
  ["namespace", (s) => `ns${s % 30}`],
  ["cpu", (s) => String(s % 64)],
  ["mode", (s) => ["idle", "user", "system", "iowait"][s % 4]!],
];

/** seriesRows appends the index rows of one series (metricID id) to out. */
function seriesRows(s: number, id: bigint, out: Buffer[]): void {
  const idb = Buffer.alloc(8);
  idb.writeBigUInt64BE(id);
  const name = names[s % names.length]!;
  const kv: [string, string][] = [["", name], ...labels.map(([k, f]) => [k, f(s)] as [string, string])];
  for (const [k, v] of kv) out.push(Buffer.concat([Buffer.from(`\x01${k}\x01${v}\x01`, "latin1"), idb]));
  for (const [k, v] of kv.slice(1)) {
    out.push(Buffer.concat([Buffer.from([0xfe, name.length]), Buffer.from(`${name}${k}\x01${v}\x01`, "latin1"), idb]));
  }
  const tsid = Buffer.alloc(24);
  tsid.writeUInt32BE(s % 1000, 0);
  tsid.writeBigUInt64BE(id, 16);
  out.push(Buffer.concat([Buffer.from([2]), idb, tsid]));
  out.push(Buffer.concat([Buffer.from([3]), idb, Buffer.from(kv.map(([k, v]) => `${k}=${v}`).join(","), "latin1")]));
  for (let d = 0; d < 5; d++) {
    const date = Buffer.alloc(8);
    date.writeBigUInt64BE(20000n + BigInt(d));
    out.push(Buffer.concat([Buffer.from([5]), date, idb]));
  }
}

const mb = (n: number) => (n / (1 << 20)).toFixed(1) + " MiB";
const tb = Table.mustOpen(dir, { flushIntervalMs: 0, backgroundMerges: false });
let added = 0;
let rawBytes = 0;
let s = 0;
const baseId = 1_700_000_000_000_000n;
const batch: Buffer[] = [];
let t0 = performance.now();
let genMs = 0;
while (added < totalItems) {
  const g0 = performance.now();
  batch.length = 0;
  while (batch.length < 20_000) seriesRows(s, baseId + BigInt(s++), batch);
  for (const b of batch) rawBytes += b.length;
  genMs += performance.now() - g0;
  tb.addItems(batch);
  added += batch.length;
}
let addMs = performance.now() - t0 - genMs;
const st1 = tb.stats();
const mem = process.memoryUsage();
console.log(`added ${added} items (${s} series, avg ${(rawBytes / added).toFixed(1)} bytes/item, ${mb(rawBytes)} raw) in ${addMs.toFixed(0)} ms: ${(added / addMs * 1000 / 1e6).toFixed(2)} M items/s`);
console.log(`before flush: ${st1.inmemoryParts} in-memory parts, ${mb(st1.inmemorySizeBytes)} (${(st1.inmemorySizeBytes / added).toFixed(2)} bytes/item), ${st1.mergesTotal} in-memory merges; rss ${mb(mem.rss)}, heap ${mb(mem.heapUsed)}, external ${mb(mem.external)}`);
t0 = performance.now();
tb.flushToDisk();
const flushMs = performance.now() - t0;
const st2 = tb.stats();
console.log(`flushToDisk ${flushMs.toFixed(0)} ms; on disk ${mb(dirSize(dir))} = ${(dirSize(dir) / added).toFixed(2)} bytes/item (${st2.fileParts} part)`);

// Full scan.
let ts = tb.search();
t0 = performance.now();
let n = 0;
while (ts.nextItem()) n++;
let ms = performance.now() - t0;
ts.close();
console.log(`full scan: ${n} items in ${ms.toFixed(0)} ms: ${(n / ms * 1000 / 1e6).toFixed(2)} M items/s`);

// Seeks: label=value prefixes, then iterate 10 items.
const seeks = 100_000;
const keys: Buffer[] = [];
for (let i = 0; i < seeks; i++) {
  const ser = (i * 7919) % s;
  const [k, f] = labels[i % labels.length]!;
  keys.push(Buffer.from(`\x01${k}\x01${f(ser)}\x01`, "latin1"));
}
ts = tb.search();
t0 = performance.now();
let got = 0;
for (const k of keys) {
  ts.seek(k);
  for (let j = 0; j < 10 && ts.nextItem(); j++) got++;
}
ms = performance.now() - t0;
ts.close();
console.log(`seek+10 items (1 part): ${seeks} seeks in ${ms.toFixed(0)} ms: ${(ms * 1000 / seeks).toFixed(1)} µs/seek (${got} items)`);

// A second part (new series) and a merge.
const extra: Buffer[] = [];
for (let i = 0; i < 5000; i++) seriesRows(s, baseId + BigInt(s++), extra);
tb.addItems(extra);
tb.flushToDisk();
ts = tb.search();
t0 = performance.now();
for (const k of keys) {
  ts.seek(k);
  for (let j = 0; j < 10 && ts.nextItem(); j++);
}
ms = performance.now() - t0;
ts.close();
console.log(`seek+10 items (2 file parts): ${(ms * 1000 / seeks).toFixed(1)} µs/seek`);
t0 = performance.now();
tb.forceMerge();
ms = performance.now() - t0;
const st3 = tb.stats();
console.log(`forceMerge of ${st3.itemsMergedTotal - st2.itemsMergedTotal} items: ${ms.toFixed(0)} ms: ${((st3.itemsMergedTotal - st2.itemsMergedTotal) / ms * 1000 / 1e6).toFixed(2)} M items/s; on disk ${(dirSize(dir) / st3.itemsCount).toFixed(2)} bytes/item`);
tb.mustClose();
fs.rmSync(dir, { recursive: true, force: true });
