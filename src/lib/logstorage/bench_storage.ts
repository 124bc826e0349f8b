// A micro-benchmark of the log storage (not a test): commits N synthetic
// lines shaped like logbench's workload (nginx access lines and JSON app
// lines with trace_id/user_id, ~300 bytes as JSON, 50 streams), then prints
// rows per CPU second of the whole process (commit + flush and merge
// workers), bytes per row on disk after flush + merge, and the time of a
// bloom-filtered trace_id lookup and of a full _msg scan.
//
//   node src/lib/logstorage/bench_storage.ts [rows=1000000] [dir]

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dirSize } from "../fs/index.ts";
import { LogStorage } from "./log_storage.ts";
import { tokenize } from "./tokenizer.ts";
import type { LogField } from "./types.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const dir = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), "logbench-storage-"));

let seed = 12345;
const rnd = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
const skew = (n: number): number => Math.floor(n * rnd() ** 3);
const hex = (n: number): string => {
  let s = "";
  while (s.length < n) s += ((rnd() * 4294967296) >>> 0).toString(16).padStart(8, "0");
  return s.slice(0, n);
};
const services = ["nginx", "api", "auth", "billing", "cart", "checkout", "inventory", "notifications", "payments", "search"];
const agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "okhttp/4.12.0", "curl/8.0.1", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"];
const tables = ["orders", "users", "payments", "inventory", "sessions"];
const streams = Array.from({ length: 50 }, (_, i) => ({ service: services[i % 10]!, host: `ip-10-0-${1 + int(63)}-${2 + int(250)}`, pods: [`${services[i % 10]}-${hex(9)}-${hex(5)}`, `${services[i % 10]}-${hex(9)}-${hex(5)}`] }));
let trace = hex(32);
let traceLeft = 0;
let lookupTrace = "";

function line(i: number, tMs: number): LogField[] {
  const s = streams[i % 50]!;
  const time = new Date(tMs).toISOString();
  if (s.service === "nginx" || i % 2 === 0) {
    const method = pick(["GET", "GET", "GET", "POST", "PUT"]);
    const p = int(3) === 0 ? `/api/v1/items/${skew(50000)}` : int(2) === 0 ? `/api/v1/users/${skew(200000)}` : `/static/js/app.${hex(8)}.js`;
    const status = pick(["200", "200", "200", "200", "304", "404", "500"]);
    const bytes = String(int(50000));
    const ms = String(int(300));
    const addr = `${pick([10, 172, 192])}.${skew(32)}.${skew(256)}.${1 + int(254)}`;
    return [
      { name: "_time", value: time }, { name: "_msg", value: `${method} ${p} HTTP/1.1 ${status} ${bytes} "-" "${pick(agents)}" ${ms}ms` },
      { name: "service", value: "nginx" }, { name: "host", value: s.host }, { name: "method", value: method }, { name: "path", value: p },
      { name: "status", value: status }, { name: "bytes", value: bytes }, { name: "duration_ms", value: ms }, { name: "remote_addr", value: addr },
    ];
  }
  if (traceLeft <= 0) {
    trace = hex(32);
    traceLeft = 1 + skew(4);
  }
  traceLeft--;
  if (i === Math.floor(N / 2) + 1) lookupTrace = trace;
  const uid = `usr_${String(skew(200000)).padStart(7, "0")}`;
  const msg = pick([
    `request completed method=GET path=/api/v1/orders/${100000 + int(900000)} status=200 duration=${int(200)}ms`,
    `user ${uid} logged in from 10.${int(32)}.${int(256)}.${1 + int(254)} using sso`,
    `slow query took ${int(3000)}ms on table ${pick(tables)} rows=${int(100000)}`,
    `cache hit ratio ${(80 + rnd() * 19).toFixed(2)}% for keyspace ${pick(tables)}`,
  ]);
  return [
    { name: "_time", value: time }, { name: "_msg", value: msg }, { name: "level", value: pick(["info", "info", "info", "warn", "error"]) },
    { name: "service", value: s.service }, { name: "host", value: s.host }, { name: "pod", value: pick(s.pods) }, { name: "trace_id", value: trace }, { name: "user_id", value: uid },
  ];
}

const streamFields = ["service", "host"];
const startMs = Date.now() - 20 * 3600_000;
const stepMs = (20 * 3600_000) / N;
const batchRows = 5000;

async function generate(commit: ((rows: { t: bigint; f: LogField[] }[]) => void) | undefined): Promise<number> {
  let raw = 0;
  let rows: { t: bigint; f: LogField[] }[] = [];
  for (let i = 0; i < N; i++) {
    const tMs = Math.floor(startMs + i * stepMs);
    const f = line(i, tMs);
    if (commit === undefined) for (const x of f) raw += x.name.length + x.value.length + 6;
    rows.push({ t: BigInt(tMs) * 1_000_000n, f });
    if (rows.length === batchRows || i === N - 1) {
      if (commit !== undefined) {
        commit(rows);
        // Let the flush and merge workers report back, as a server would between requests.
        await new Promise((r) => setImmediate(r));
      }
      rows = [];
    }
  }
  return raw;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let c0 = cpu();
seed = 12345;
const rawBytes = await generate(undefined);
const genCpu = cpu() - c0;

seed = 12345;
const st = await LogStorage.open(dir, { flushIntervalMs: 5000 });
c0 = cpu();
const w0 = performance.now();
const tenant = { accountID: 0, projectID: 0 };
await generate((rows) => {
  const b = st.newBatch();
  for (const r of rows) b.addRow(tenant, r.t, r.f, streamFields);
  st.commit(b);
});
const ingestWall = performance.now() - w0;
await st.forceFlush();
const flushCpu = cpu() - c0 - genCpu;
const flushedBytes = dirSize(dir);
c0 = cpu();
await st.forceMerge();
const mergeCpu = cpu() - c0;
const bytes = dirSize(dir);
console.log(`rows: ${N}, raw JSON-ish input: ${(rawBytes / N).toFixed(1)} bytes/row`);
console.log(`ingest (commit + flush, generation excluded): ${(N / flushCpu).toFixed(0)} rows per CPU second (${flushCpu.toFixed(2)} CPU s, wall ${(ingestWall / 1000).toFixed(2)} s)`);
console.log(`after flush: ${(flushedBytes / N).toFixed(2)} bytes/row; after forceMerge: ${(bytes / N).toFixed(2)} bytes/row (${(rawBytes / bytes).toFixed(2)}x smaller than the input); merge took ${mergeCpu.toFixed(2)} CPU s`);
console.log(`all work: ${(N / (flushCpu + mergeCpu)).toFixed(0)} rows per CPU second`);

const tenants = [tenant];
const all = { tenants, minTimestamp: 0n, maxTimestamp: 2n ** 62n };
let t0 = performance.now();
let found = 0;
let blocks = 0;
let read = 0;
const tokens = tokenize(lookupTrace);
await st.search(all, (b) => {
  blocks++;
  if (!b.mayContainTokens("trace_id", tokens)) return;
  read++;
  for (const v of b.columnValues("trace_id")) if (v === lookupTrace) found++;
});
console.log(`trace_id lookup: ${(performance.now() - t0).toFixed(1)} ms, ${found} rows, ${read} of ${blocks} blocks read`);
t0 = performance.now();
let msgBytes = 0;
await st.search(all, (b) => {
  for (const v of b.columnValues("_msg")) msgBytes += v.length;
});
console.log(`full _msg scan: ${(performance.now() - t0).toFixed(0)} ms (${(msgBytes / 1e6).toFixed(0)} MB of messages)`);
await st.close();
if (process.argv[3] === undefined) fs.rmSync(dir, { recursive: true, force: true });
