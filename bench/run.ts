// npm run bench: Tidemark against the real VictoriaMetrics on the same machine
// in one run, reported as ratios. See bench/README.md.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { measureMain, measureScale, type MainResult, type MeasureOptions, type ScaleResult } from "./measure.ts";
import { writePayload, type Payload } from "./payload.ts";
import { buildBodies, fleetSamples, measureProtocol, type Protocol, type ProtocolBodies, type ProtocolResult } from "./protocols.ts";
import { num, renderMain, renderProtocols, renderScale } from "./report.ts";
import { StartError, tidemarkSpec, vmSpec, type RunningServer, type ServerSpec } from "./server.ts";
import { checkQueryScale, measureQueryScale, renderQueryScale, type QueryScaleResult } from "./query_scale.ts";

const repo = path.resolve(import.meta.dirname, "..");

const USAGE = `Usage: node bench/run.ts [flags]   (or: npm run bench -- [flags])

Compares Tidemark with VictoriaMetrics on the same machine; see bench/README.md.

  --series N          series in the main run (default 10000)
  --samples N         samples per series in the main run (default 2880 = 12 h at 15 s)
  --interval S        scrape interval in seconds (default 15)
  --line-samples N    samples per JSON line in the main run (default 240)
  --lines-per-body N  lines per request body (default 100)
  --concurrency N     concurrent senders (default 2)
  --scale LIST        series counts of the scaling steps (default 10000,100000,1000000; "none" skips)
  --scale-samples N   samples per series in the scaling steps (default 10)
  --protocols LIST    protocol runs: remote_write,influx,otlp (default all; "none" skips)
  --proto-series N    series in the protocol runs (default 4000)
  --proto-samples N   samples per series in the protocol runs (default 360)
  --proto-batch N     samples per request in the protocol runs (default 2000, one per series)
  --proto-senders LIST  remote write sender counts (default 1,4,16; influx and otlp use 4)
  --query-scale LIST  series counts of the query scaling steps (default 1000,10000,100000; "none" skips)
  --query-scale-samples N  samples per series in the query scaling steps (default 60 = 15 min)
  --only NAME         run only "tidemark" or only "victoria-metrics"
  --vm-bin PATH       VictoriaMetrics binary (default /usr/bin/victoria-metrics)
  --scale-timeout S   a scaling step stops sending after S seconds and reports what it sent (default 900)
  --settle-timeout S  max wait for the data dir size to stop changing (default 60)
  --seed N            workload seed (default 1)
  --name NAME         results go to bench/results/<date>-<NAME>.json|.txt (default "run")
  --work-dir DIR      where payloads and data dirs go (default: a new dir under the system temp dir)
  --keep              keep payloads, data dirs and logs
  --help              this text

Exit code: 0 all ran and checked out, 2 finished with problems, 1 could not run.
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (msg: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

class UsageError extends Error {}

interface Options {
  series: number;
  samples: number;
  intervalMs: number;
  lineSamples: number;
  linesPerBody: number;
  concurrency: number;
  scale: number[];
  scaleSamples: number;
  protocols: Protocol[];
  protoSeries: number;
  protoSamples: number;
  protoBatch: number;
  protoSenders: number[];
  queryScale: number[];
  queryScaleSamples: number;
  only: string;
  vmBin: string;
  settleTimeoutS: number;
  scaleTimeoutS: number;
  seed: number;
  name: string;
  workDir: string;
  keep: boolean;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      series: { type: "string", default: "10000" },
      samples: { type: "string", default: "2880" },
      interval: { type: "string", default: "15" },
      "line-samples": { type: "string", default: "240" },
      "lines-per-body": { type: "string", default: "100" },
      concurrency: { type: "string", default: "2" },
      scale: { type: "string", default: "10000,100000,1000000" },
      "scale-samples": { type: "string", default: "10" },
      protocols: { type: "string", default: "remote_write,influx,otlp" },
      "proto-series": { type: "string", default: "4000" },
      "proto-samples": { type: "string", default: "360" },
      "proto-batch": { type: "string", default: "2000" },
      "proto-senders": { type: "string", default: "1,4,16" },
      "query-scale": { type: "string", default: "1000,10000,100000" },
      "query-scale-samples": { type: "string", default: "60" },
      only: { type: "string", default: "" },
      "vm-bin": { type: "string", default: "/usr/bin/victoria-metrics" },
      "settle-timeout": { type: "string", default: "60" },
      "scale-timeout": { type: "string", default: "900" },
      seed: { type: "string", default: "1" },
      name: { type: "string", default: "run" },
      "work-dir": { type: "string", default: "" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (v.help) return undefined;
  const int = (flag: string, s: string, min: number): number => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`cannot parse --${flag}=${s}: want an integer >= ${min}`);
    return n;
  };
  const linesPerBody = int("lines-per-body", v["lines-per-body"], 1);
  const scale = v.scale === "none" || v.scale === "" ? [] : v.scale.split(",").map((s) => int("scale", s.trim(), 1));
  for (const n of scale) {
    if (n % linesPerBody !== 0) throw new UsageError(`cannot parse --scale=${v.scale}: got ${n}; want multiples of --lines-per-body=${linesPerBody}`);
  }
  const protocols = v.protocols === "none" || v.protocols === "" ? [] : v.protocols.split(",").map((x) => x.trim());
  for (const x of protocols) {
    if (x !== "remote_write" && x !== "influx" && x !== "otlp") throw new UsageError(`cannot parse --protocols=${v.protocols}: got ${x}; want remote_write, influx or otlp`);
  }
  if (v.only !== "" && v.only !== "tidemark" && v.only !== "victoria-metrics") throw new UsageError(`cannot parse --only=${v.only}: want tidemark or victoria-metrics`);
  if (!/^[\w.-]+$/.test(v.name)) throw new UsageError(`cannot parse --name=${v.name}: want letters, digits, '.', '_' or '-'`);
  return {
    series: int("series", v.series, 1),
    samples: int("samples", v.samples, 1),
    intervalMs: int("interval", v.interval, 1) * 1000,
    lineSamples: int("line-samples", v["line-samples"], 1),
    linesPerBody,
    concurrency: int("concurrency", v.concurrency, 1),
    scale,
    scaleSamples: int("scale-samples", v["scale-samples"], 1),
    protocols: protocols as Protocol[],
    protoSeries: int("proto-series", v["proto-series"], 1),
    protoSamples: int("proto-samples", v["proto-samples"], 1),
    protoBatch: int("proto-batch", v["proto-batch"], 1),
    protoSenders: v["proto-senders"].split(",").map((x) => int("proto-senders", x.trim(), 1)),
    only: v.only,
    vmBin: v["vm-bin"],
    settleTimeoutS: int("settle-timeout", v["settle-timeout"], 1),
    scaleTimeoutS: int("scale-timeout", v["scale-timeout"], 1),
    seed: int("seed", v.seed, 0),
    queryScale: v["query-scale"] === "none" || v["query-scale"] === "" ? [] : v["query-scale"].split(",").map((s) => int("query-scale", s.trim(), linesPerBody)),
    queryScaleSamples: int("query-scale-samples", v["query-scale-samples"], 2),
    name: v.name,
    workDir: v["work-dir"],
    keep: v.keep,
  };
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}

function tryExec(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

function describePayload(p: Payload, lineSamples: number): string {
  const f = p.fleet;
  const hours = (f.samples * f.intervalMs) / 3_600_000;
  return `${num(f.series)} series x ${num(f.samples)} samples (${f.intervalMs / 1000} s interval, ${hours.toFixed(1)} h ending ${new Date(f.endMs).toISOString()}) = ${num(p.totalSamples)} samples; ${num(p.bodies)} bodies of up to ${p.lines[0]} lines x ${Math.min(lineSamples, f.samples)} samples, ${(p.totalBytes / 1e6).toFixed(1)} MB of JSON`;
}

async function main(): Promise<number> {
  let o: Options | undefined;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (o === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = [process.execPath, ...process.argv.slice(1)].map(shellQuote).join(" ");
  const started = new Date();
  const problems: string[] = [];
  const notes: string[] = [];
  let couldNotRun = false;

  const specs: ServerSpec[] = [];
  if (o.only !== "tidemark") {
    if (fs.existsSync(o.vmBin)) specs.push(vmSpec(o.vmBin));
    else notes.push(`victoria-metrics skipped: ${o.vmBin} not found (install the Debian package victoria-metrics or pass --vm-bin)`);
  } else {
    notes.push("victoria-metrics skipped: --only tidemark");
  }
  if (o.only !== "victoria-metrics") {
    const spec = tidemarkSpec(repo);
    if (!fs.existsSync(spec.bin)) {
      process.stderr.write(`cannot run Tidemark: ${spec.bin} not found; run npm install in ${repo}\n`);
      return 1;
    }
    specs.push(spec);
  } else {
    notes.push("tidemark skipped: --only victoria-metrics");
  }

  const workDir = fs.mkdtempSync(path.join(o.workDir === "" ? os.tmpdir() : o.workDir, "tidemark-bench-"));
  let running: RunningServer | undefined;
  const track = (s: RunningServer | undefined): void => {
    running = s;
  };
  const cleanup = (): void => {
    running?.killNow();
    if (!o.keep) fs.rmSync(workDir, { recursive: true, force: true });
  };
  process.on("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      log(`${sig}: stopping`);
      process.exit(130);
    });
  }

  log(`work dir ${workDir}`);
  // the data ends at the last full hour, so that runs in the same hour send the same bytes
  const endMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  let t0 = performance.now();
  const main = writePayload(path.join(workDir, "main.jsonl"), { series: o.series, samples: o.samples, intervalMs: o.intervalMs, endMs, seed: o.seed }, o.linesPerBody, o.lineSamples);
  const mainGenS = (performance.now() - t0) / 1000;
  log(`main workload: ${describePayload(main, o.lineSamples)}; generated in ${mainGenS.toFixed(1)} s`);
  let scale: Payload | undefined;
  let scaleGenS = 0;
  if (o.scale.length > 0) {
    t0 = performance.now();
    const maxSeries = Math.max(...o.scale);
    scale = writePayload(path.join(workDir, "scale.jsonl"), { series: maxSeries, samples: o.scaleSamples, intervalMs: o.intervalMs, endMs, seed: o.seed }, o.linesPerBody, o.scaleSamples);
    scaleGenS = (performance.now() - t0) / 1000;
    log(`scaling workload: ${describePayload(scale, o.scaleSamples)}; generated in ${scaleGenS.toFixed(1)} s`);
  }

  const mo: MeasureOptions = { workDir, concurrency: o.concurrency, settleTimeoutS: o.settleTimeoutS, scaleTimeoutS: o.scaleTimeoutS, keepData: o.keep, log };
  const onError = (what: string, e: unknown): void => {
    if (e instanceof StartError) couldNotRun = true;
    problems.push(`${what}: ${(e as Error).message}`);
    log(`PROBLEM ${what}: ${(e as Error).message}`);
  };
  const mainResults: Record<string, MainResult> = {};
  for (const spec of specs) {
    try {
      const r = await measureMain(spec, main, mo, track);
      mainResults[spec.name] = r;
      problems.push(...r.problems);
    } catch (e) {
      onError(`${spec.name} main run`, e);
    }
    await sleep(2000);
  }
  const scaleResults: ScaleResult[] = [];
  if (scale !== undefined) {
    for (const n of o.scale) {
      for (const spec of specs) {
        try {
          const r = await measureScale(spec, scale, n, mo, track);
          scaleResults.push(r);
          problems.push(...r.problems);
          if (r.timedOut) notes.push(`${spec.name} scale ${num(n)}: stopped sending after --scale-timeout=${o.scaleTimeoutS} s with ${num(r.series)} series sent; its row measures those`);
        } catch (e) {
          onError(`${spec.name} scale ${n}`, e);
        }
        await sleep(1000);
      }
    }
  }

  // Protocol runs: the same fleet data over each protocol, a fresh server per run.
  const protoResults: ProtocolResult[] = [];
  // VictoriaMetrics 1.79.5 has no OTLP ingestion (it came in 1.92).
  const unsupported: Record<string, string[]> = { "victoria-metrics": ["otlp"] };
  let protoDesc = "";
  if (o.protocols.length > 0) {
    t0 = performance.now();
    const fleet = fleetSamples({ series: o.protoSeries, samples: o.protoSamples, intervalMs: o.intervalMs, endMs, seed: o.seed });
    const built = new Map<Protocol, ProtocolBodies>();
    for (const p of o.protocols) built.set(p, buildBodies(fleet, p, o.protoBatch));
    protoDesc = `protocol runs: ${num(o.protoSeries)} series x ${num(o.protoSamples)} samples = ${num(o.protoSeries * o.protoSamples)} samples per run, ${num(o.protoBatch)} samples per request (one per series), scrape by scrape; ` +
      [...built.values()].map((b) => `${b.protocol} ${(b.bytes / 1e6).toFixed(1)} MB`).join(", ") + `; built in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    log(protoDesc);
    for (const [p, b] of built) {
      for (const c of p === "remote_write" ? o.protoSenders : [4]) {
        for (const spec of specs) {
          if ((unsupported[spec.name] ?? []).includes(p)) continue;
          try {
            const r = await measureProtocol(spec, b, c, workDir, log, track);
            protoResults.push(r);
            problems.push(...r.problems);
          } catch (e) {
            onError(`${spec.name} ${p} x${c}`, e);
          }
          await sleep(1000);
        }
      }
    }
  }

  // Query scaling: latency and memory of queries over 1k .. 100k series, a fresh server per step.
  const queryScaleResults: QueryScaleResult[] = [];
  if (o.queryScale.length > 0) {
    t0 = performance.now();
    const qp = writePayload(path.join(workDir, "query_scale.jsonl"), { series: Math.max(...o.queryScale), samples: o.queryScaleSamples, intervalMs: o.intervalMs, endMs, seed: o.seed }, o.linesPerBody, o.queryScaleSamples);
    log(`query scaling workload: ${describePayload(qp, o.queryScaleSamples)}; generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const n of o.queryScale) {
      if (n % o.linesPerBody !== 0) { problems.push(`--query-scale ${n}: want a multiple of --lines-per-body=${o.linesPerBody}`); continue; }
      for (const spec of specs) {
        try {
          const r = await measureQueryScale(spec, qp, n, 5, mo, track);
          queryScaleResults.push(r);
          problems.push(...r.problems);
        } catch (e) {
          onError(`${spec.name} query scale ${n}`, e);
        }
        await sleep(1000);
      }
    }
    problems.push(...checkQueryScale(queryScaleResults));
  }

  const vmVersion = specs.some((s) => s.name === "victoria-metrics") ? tryExec("dpkg-query", ["-W", "-f", "${Version}", "victoria-metrics"]) : "-";
  const cpus = os.cpus();
  const header = [
    `Tidemark benchmark, ${started.toISOString()}`,
    `command: ${command}`,
    `tidemark: ${repo} at ${tryExec("git", ["-C", repo, "rev-parse", "--short", "HEAD"])} (working tree as it was), node ${process.version}; victoria-metrics: ${o.vmBin} ${vmVersion}`,
    `machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
    `main workload: ${describePayload(main, o.lineSamples)}; ${o.concurrency} senders to /api/v1/import`,
  ];
  if (protoDesc !== "") header.push(protoDesc);
  if (scale !== undefined) header.push(`scaling workload: ${o.scale.map((n) => num(n)).join(", ")} series x ${o.scaleSamples} samples, one series per line`);
  let txt = header.join("\n") + "\n\n";
  txt += `== main run (ratio = tidemark / victoria-metrics)\n${renderMain(mainResults["victoria-metrics"], mainResults["tidemark"])}\n`;
  if (protoResults.length > 0) {
    txt += `== protocols: fresh server per run; ratio = tidemark / victoria-metrics samples per server CPU second; n/a: VictoriaMetrics 1.79.5 has no OTLP\n${renderProtocols(protoResults, unsupported)}\n`;
  }
  if (scaleResults.length > 0) txt += `== scaling: fresh server per step; RSS/series = (peak RSS - idle RSS) / series\n${renderScale(scaleResults)}\n`;
  if (queryScaleResults.length > 0) {
    txt += `== query scaling: fresh server per step, ${o.queryScaleSamples} samples per series; median of 5 runs with nocache=1; memory = peak RSS while querying - RSS before\n${renderQueryScale(queryScaleResults)}\n`;
  }
  for (const n of notes) txt += `note: ${n}\n`;
  txt += problems.length === 0 ? "PROBLEMS: none\n" : `PROBLEMS (${problems.length}):\n${problems.map((p) => `- ${p}`).join("\n")}\n`;
  process.stdout.write("\n" + txt);

  const resultsDir = path.join(import.meta.dirname, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = started.toISOString().slice(0, 16).replace(":", "").replace("T", "-");
  const base = path.join(resultsDir, `${stamp}-${o.name}`);
  const { workDir: _w, ...options } = o;
  const json = {
    date: started.toISOString(), command, options, header, notes, problems,
    workload: {
      main: { ...main.fleet, bodies: main.bodies, samples: main.totalSamples, bytes: main.totalBytes, generateS: mainGenS },
      scale: scale === undefined ? null : { ...scale.fleet, bodies: scale.bodies, samples: scale.totalSamples, bytes: scale.totalBytes, generateS: scaleGenS },
    },
    main: mainResults,
    scale: scaleResults,
    protocols: protoResults,
    queryScale: queryScaleResults,
  };
  fs.writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + "\n");
  fs.writeFileSync(`${base}.txt`, txt);
  log(`wrote ${base}.json and .txt${o.keep ? `; kept ${workDir}` : ""}`);
  if (couldNotRun) return 1;
  return problems.length > 0 ? 2 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
