// npm run bench:logs: Tidemark's log storage under a generated workload of
// nginx access lines and JSON application logs, at growing sizes, and the
// same against VictoriaLogs when a binary is given (--vl-bin). See
// bench/README.md.

import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as zlib from "node:zlib";
import { generate, type Expected } from "./logs_workload.ts";
import { cpuSeconds, diskBytes, memory } from "./proc.ts";
import { num, table } from "./report.ts";
import { RunningServer, type ServerSpec } from "./server.ts";

const repo = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (msg: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const USAGE = `Usage: node bench/logs.ts [flags]   (or: npm run bench:logs -- [flags])

  --lines LIST        workload sizes in lines, one server run each (default 1000000,10000000)
  --hours N           time span of the data (default 24)
  --senders N         concurrent senders (default 4)
  --lines-per-body N  JSON lines per request (default 5000)
  --query-runs N      runs of each query; the median is reported (default 3)
  --vl-bin PATH       also run VictoriaLogs from this binary (e.g. one built by shared/tools/anchors)
  --only NAME         run only "tidemark" or only "victoria-logs"
  --seed N            workload seed (default 1)
  --name NAME         results go to bench/results/<date>-logs-<NAME>.json|.txt (default "run")
  --work-dir DIR      payloads and data dirs (default: a new dir under the system temp dir)
  --keep              keep payloads and data dirs
  --help              this text
`;

/** PhaseRss samples the VmRSS of pid: the peak of the whole run and the peak of the current phase. */
class PhaseRss {
  peakBytes = 0;
  private phaseBytes = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly pid: number;

  constructor(pid: number, intervalMs = 100) {
    this.pid = pid;
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** phasePeak returns the peak since the last call (or the start) and starts a new phase. */
  phasePeak(): number {
    this.tick();
    const p = this.phaseBytes;
    this.phaseBytes = 0;
    return p;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const m = memory(this.pid);
    if (m === undefined) return;
    if (m.rssBytes > this.peakBytes) this.peakBytes = m.rssBytes;
    if (m.rssBytes > this.phaseBytes) this.phaseBytes = m.rssBytes;
  }
}

interface QueryDef {
  id: string;
  logsql: (e: Expected, endMs: number) => string;
  /** check returns "" when the answer is right, else what is wrong. */
  check: (lines: string[], e: Expected) => string;
}

const count = (want: (e: Expected) => number) => (lines: string[], e: Expected): string => (lines.length === want(e) ? "" : `got ${lines.length} lines; want ${want(e)}`);

/** rfc3339ToNs parses an RFC3339 UTC time with up to 9 fractional digits into nanoseconds. */
function rfc3339ToNs(t: string): bigint {
  const m = /^(.{19})(?:\.(\d{1,9}))?Z$/.exec(t);
  if (m === null) return -1n;
  return BigInt(Date.parse(m[1]! + "Z")) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

const QUERIES: QueryDef[] = [
  { id: "word_24h", logsql: () => "segfault", check: count((e) => e.rareWord) },
  { id: "phrase_24h", logsql: () => `"connection refused"`, check: count((e) => e.phrase) },
  { id: "trace_id", logsql: (e) => `trace_id:${e.traceID}`, check: count((e) => e.traceLines) },
  {
    id: "level_error_1h",
    logsql: (_e, end) => `_time:[${new Date(end - 3_600_000).toISOString()}, ${new Date(end).toISOString()}) level:error`,
    check: count((e) => e.errorsLastHour),
  },
  {
    id: "stats_by_level_24h",
    logsql: () => "* | stats by (level) count() rows",
    check: (lines, e) => {
      const got: Record<string, number> = {};
      for (const l of lines) {
        const o = JSON.parse(l) as { level?: string; rows: string };
        got[o.level ?? ""] = Number(o.rows);
      }
      const a = JSON.stringify(Object.entries(got).sort());
      const b = JSON.stringify(Object.entries(e.levels).sort());
      return a === b ? "" : `got ${a}; want ${b}`;
    },
  },
  {
    id: "stream_sort_limit100",
    logsql: () => `_stream:{service="checkout"} | sort by (_time desc) | limit 100`,
    check: (lines, e) => {
      const got = lines.map((l) => String(rfc3339ToNs((JSON.parse(l) as { _time: string })._time)));
      const g = got.join(","), w = e.checkoutNewest.join(",");
      return g === w ? "" : `got ${got.length} lines (${got.slice(0, 2).join(", ")}...); want the 100 newest checkout lines (${e.checkoutNewest.slice(0, 2).join(", ")}...)`;
    },
  },
];

interface QueryResult {
  id: string;
  logsql: string;
  medianMs: number;
  lines: number;
  /** peak RSS over the runs of this query */
  peakRssBytes: number;
  problem: string;
}

interface RunResult {
  server: string;
  lines: number;
  rawBytes: number;
  zstdBytes: number;
  ingestWallS: number;
  ingestCpuS: number;
  linesPerCpuS: number;
  mbPerCpuS: number;
  searchableS: number;
  diskBytes: number;
  bytesPerLine: number;
  rawOverDisk: number;
  zstdOverDisk: number;
  peakRssBytes: number;
  /** peak RSS while ingesting, while counting the lines and settling on disk, and while querying */
  peakRssIngestBytes: number;
  peakRssSettleBytes: number;
  peakRssQueriesBytes: number;
  startupMs: number;
  queries: QueryResult[];
  problems: string[];
}

function post(port: number, p: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path: p, headers: { "Content-Type": "application/stream+json", "Content-Length": body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function query(s: RunningServer, logsql: string): Promise<string[]> {
  const r = await s.client.request("GET", `/select/logsql/query?query=${encodeURIComponent(logsql)}`, undefined, 600_000);
  const text = r.body.toString();
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${text.slice(0, 300)}`);
  return text.split("\n").filter((l) => l !== "");
}

interface Payload {
  dir: string;
  lines: number;
  rawBytes: number;
  zstdBytes: number;
  expected: Expected;
  endMs: number;
  /** per sender: [offset, length] of each body in its file */
  bodies: [number, number][][];
}

function makePayload(dir: string, lines: number, o: { hours: number; senders: number; linesPerBody: number; seed: number }): Payload {
  fs.mkdirSync(dir, { recursive: true });
  const endMs = Math.floor((Date.now() - 5 * 60_000) / 3_600_000) * 3_600_000;
  const fds = Array.from({ length: o.senders }, (_, i) => fs.openSync(path.join(dir, `sender-${i}.jsonl`), "w"));
  const offsets = Array.from({ length: o.senders }, () => 0);
  const bodies: [number, number][][] = Array.from({ length: o.senders }, () => []);
  // The compressed reference: each request body compressed with zstd -3.
  let zstdBytes = 0;
  const { expected, rawBytes } = generate({ lines, hours: o.hours, seed: o.seed, endMs, senders: o.senders, linesPerBody: o.linesPerBody }, (sender, body) => {
    const b = Buffer.from(body);
    fs.writeSync(fds[sender]!, b);
    bodies[sender]!.push([offsets[sender]!, b.length]);
    offsets[sender]! += b.length;
    zstdBytes += zlib.zstdCompressSync(b, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } }).length;
  });
  for (const fd of fds) fs.closeSync(fd);
  return { dir, lines, rawBytes, zstdBytes, expected, endMs, bodies };
}

async function runOne(spec: ServerSpec, p: Payload, workDir: string, queryRuns: number): Promise<RunResult> {
  const dataDir = path.join(workDir, `data-${spec.name}-${p.lines}`);
  const logFile = path.join(workDir, `${spec.name}.log`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const s = await RunningServer.start(spec, dataDir, logFile);
  const rss = new PhaseRss(s.pid);
  const problems: string[] = [];
  try {
    const cpu0 = cpuSeconds(s.pid);
    const t0 = performance.now();
    await Promise.all(
      p.bodies.map(async (list, sender) => {
        const fd = fs.openSync(path.join(p.dir, `sender-${sender}.jsonl`), "r");
        try {
          for (const [off, len] of list) {
            const b = Buffer.allocUnsafe(len);
            fs.readSync(fd, b, 0, len, off);
            for (let attempt = 0; ; attempt++) {
              const r = await post(s.port, "/insert/jsonline?_stream_fields=service,host&_time_field=_time&_msg_field=_msg", b);
              if (r.status >= 200 && r.status < 300) break;
              if (attempt >= 3) throw new Error(`insert failed with HTTP ${r.status}: ${r.body.slice(0, 200)}`);
              await sleep(500 * (attempt + 1));
            }
          }
        } finally {
          fs.closeSync(fd);
        }
      }),
    );
    const ingestWallS = (performance.now() - t0) / 1000;
    const ingestCpuS = cpuSeconds(s.pid) - cpu0;
    const peakRssIngestBytes = rss.phasePeak();
    log(`${spec.name}: ingested ${p.lines} lines in ${ingestWallS.toFixed(1)} s wall, ${ingestCpuS.toFixed(1)} CPU s; peak RSS ${(peakRssIngestBytes / 1048576).toFixed(0)} MiB`);
    // Searchable: all lines counted.
    const t1 = performance.now();
    let searchableS = NaN;
    for (;;) {
      try {
        const lines = await query(s, "* | stats count() rows");
        const n = Number((JSON.parse(lines[0] ?? "{}") as { rows?: string }).rows);
        if (n === p.lines) {
          searchableS = (performance.now() - t1) / 1000;
          break;
        }
      } catch (e) {
        problems.push(`counting the lines: ${(e as Error).message}`);
        break;
      }
      if (performance.now() - t1 > 300_000) {
        problems.push("not all lines searchable after 300 s");
        break;
      }
      await sleep(500);
    }
    // Disk after a flush, once the size stops changing for 10 s.
    await s.client.request("GET", "/internal/force_flush").catch(() => undefined);
    let last = -1, stableSince = performance.now();
    const settleStart = performance.now();
    for (;;) {
      const d = diskBytes(dataDir);
      if (d !== last) {
        last = d;
        stableSince = performance.now();
      } else if (performance.now() - stableSince > 10_000) break;
      if (performance.now() - settleStart > 180_000) break;
      await sleep(1000);
    }
    const disk = last;
    const peakRssSettleBytes = rss.phasePeak();
    log(`${spec.name}: searchable and settled; peak RSS ${(peakRssSettleBytes / 1048576).toFixed(0)} MiB`);
    const queries: QueryResult[] = [];
    let peakRssQueriesBytes = 0;
    for (const q of QUERIES) {
      const logsql = q.logsql(p.expected, p.endMs);
      const times: number[] = [];
      let lines: string[] = [];
      let problem = "";
      for (let i = 0; i < queryRuns; i++) {
        const tq = performance.now();
        try {
          lines = await query(s, logsql);
        } catch (e) {
          problem = (e as Error).message.slice(0, 200);
          break;
        }
        times.push(performance.now() - tq);
      }
      if (problem === "") problem = q.check(lines, p.expected);
      if (problem !== "") problems.push(`${q.id}: ${problem}`);
      times.sort((a, b) => a - b);
      const qPeak = rss.phasePeak();
      peakRssQueriesBytes = Math.max(peakRssQueriesBytes, qPeak);
      log(`${spec.name}: query ${q.id}: peak RSS ${(qPeak / 1048576).toFixed(0)} MiB`);
      queries.push({ id: q.id, logsql, medianMs: times.length === 0 ? NaN : times[Math.floor(times.length / 2)]!, lines: lines.length, peakRssBytes: qPeak, problem });
    }
    return {
      server: spec.name,
      lines: p.lines,
      rawBytes: p.rawBytes,
      zstdBytes: p.zstdBytes,
      ingestWallS,
      ingestCpuS,
      linesPerCpuS: p.lines / ingestCpuS,
      mbPerCpuS: p.rawBytes / 1e6 / ingestCpuS,
      searchableS,
      diskBytes: disk,
      bytesPerLine: disk / p.lines,
      rawOverDisk: p.rawBytes / disk,
      zstdOverDisk: p.zstdBytes / disk,
      peakRssBytes: rss.peakBytes,
      peakRssIngestBytes,
      peakRssSettleBytes,
      peakRssQueriesBytes,
      startupMs: s.startupMs,
      queries,
      problems,
    };
  } finally {
    rss.stop();
    await s.stop();
  }
}

function render(results: RunResult[]): string {
  const mib = (b: number): string => num(b / 1048576, 1);
  const head = ["server", "lines", "lines/CPU s", "MB/CPU s", "wall s", "searchable s", "bytes/line", "raw/disk", "zstd/disk", "peak RSS MiB"];
  const rows = results.map((r) => [r.server, num(r.lines), num(r.linesPerCpuS), num(r.mbPerCpuS, 1), num(r.ingestWallS, 1), num(r.searchableS, 1), num(r.bytesPerLine, 1), num(r.rawOverDisk, 2), num(r.zstdOverDisk, 2), mib(r.peakRssBytes)]);
  let out = table([head, ...rows]) + "\n\npeak RSS per phase (MiB)\n";
  const phead = ["server", "lines", "ingest", "searchable+settle", "queries", ...QUERIES.map((q) => q.id)];
  const prows = results.map((r) => [r.server, num(r.lines), mib(r.peakRssIngestBytes), mib(r.peakRssSettleBytes), mib(r.peakRssQueriesBytes), ...r.queries.map((q) => mib(q.peakRssBytes))]);
  out += table([phead, ...prows]) + "\n\nquery medians (ms)\n";
  const qhead = ["server", "lines", ...QUERIES.map((q) => q.id)];
  const qrows = results.map((r) => [r.server, num(r.lines), ...r.queries.map((q) => (q.problem !== "" ? (Number.isNaN(q.medianMs) ? "error" : `${num(q.medianMs, 1)}!`) : num(q.medianMs, 1)))]);
  out += table([qhead, ...qrows]) + "\n";
  // Growth: per-line figures of the largest run projected to 100M lines.
  const tm = results.filter((r) => r.server === "tidemark").sort((a, b) => a.lines - b.lines);
  if (tm.length >= 2) {
    const a = tm[0]!, b = tm[tm.length - 1]!;
    const f = Math.log(100e6 / b.lines) / Math.log(b.lines / a.lines);
    const proj = (x: number, y: number): number => y * Math.pow(y / x, f);
    out += `\nprojection to 100,000,000 lines from the growth between ${num(a.lines)} and ${num(b.lines)} lines (not measured):\n`;
    out += `  disk ${num(proj(a.diskBytes, b.diskBytes) / 1e9, 2)} GB, peak RSS ${mib(proj(a.peakRssBytes, b.peakRssBytes))} MiB, trace_id lookup ${num(proj(a.queries[2]!.medianMs, b.queries[2]!.medianMs), 0)} ms, stats by level ${num(proj(a.queries[4]!.medianMs, b.queries[4]!.medianMs), 0)} ms\n`;
  }
  for (const r of results) for (const p of r.problems) out += `PROBLEM ${r.server} ${num(r.lines)}: ${p}\n`;
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      lines: { type: "string", default: "1000000,10000000" },
      hours: { type: "string", default: "24" },
      senders: { type: "string", default: "4" },
      "lines-per-body": { type: "string", default: "5000" },
      "query-runs": { type: "string", default: "3" },
      "vl-bin": { type: "string", default: "" },
      only: { type: "string", default: "" },
      seed: { type: "string", default: "1" },
      name: { type: "string", default: "run" },
      "work-dir": { type: "string", default: "" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const sizes = values.lines.split(",").map(Number);
  const workDir = values["work-dir"] !== "" ? values["work-dir"] : fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-logbench-"));
  fs.mkdirSync(workDir, { recursive: true });
  const specs: ServerSpec[] = [];
  if (values.only !== "victoria-logs") {
    specs.push({ name: "tidemark", bin: `${repo}/node_modules/.bin/node`, args: (port, dir) => [`${repo}/src/main.ts`, `-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, "-logs.retentionPeriod=100y"] });
  }
  if (values["vl-bin"] !== "" && values.only !== "tidemark") {
    specs.push({ name: "victoria-logs", bin: values["vl-bin"], args: (port, dir) => [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, "-retentionPeriod=100y"] });
  }
  const results: RunResult[] = [];
  for (const lines of sizes) {
    log(`generating ${lines} lines`);
    const p = makePayload(path.join(workDir, `payload-${lines}`), lines, { hours: Number(values.hours), senders: Number(values.senders), linesPerBody: Number(values["lines-per-body"]), seed: Number(values.seed) });
    log(`payload: ${num(p.rawBytes)} bytes raw (${num(p.rawBytes / lines, 1)} per line), ${num(p.zstdBytes)} with zstd -3 per body`);
    for (const spec of specs) results.push(await runOne(spec, p, workDir, Number(values["query-runs"])));
    if (!values.keep) fs.rmSync(p.dir, { recursive: true, force: true });
  }
  const text = `npm run bench:logs -- --lines ${values.lines}; ${new Date().toISOString()}; ${os.cpus().length} cpus\n\n` + render(results);
  process.stdout.write(text);
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  const base = path.join(repo, "bench", "results", `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}-${stamp.slice(9)}-logs-${values.name}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 1));
  fs.writeFileSync(`${base}.txt`, text);
  if (!values.keep) fs.rmSync(workDir, { recursive: true, force: true });
  return results.some((r) => r.problems.length > 0) ? 2 : 0;
}

process.exitCode = await main();
