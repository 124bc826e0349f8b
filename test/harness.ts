// An apptest-style harness: starts real `tidemark` processes on free ports,
// talks HTTP to them, and stops or kills them by PID.

import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "..");
const nodeBin = process.execPath;
const mainTs = path.join(repoRoot, "src", "main.ts");

/** tempDir makes a fresh directory removed by the returned cleanup. */
export function tempDir(prefix = "tidemark-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export class Server {
  proc: ChildProcess;
  port = 0;
  url = "";
  stderr = "";
  exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(proc: ChildProcess) {
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.on("exit", (code, sig) => {
      this.exitCode = code ?? (sig !== null ? -1 : null);
      resolve(code);
    }));
    proc.stderr!.setEncoding("utf8");
    proc.stderr!.on("data", (d: string) => { this.stderr += d; });
    proc.stdout!.resume();
  }

  get pid(): number { return this.proc.pid!; }

  async get(p: string, init?: RequestInit): Promise<Response> {
    return fetch(this.url + p, init);
  }

  async post(p: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.url + p, { method: "POST", body, headers });
  }

  /** kill9 kills the process with SIGKILL and waits for it to exit. */
  async kill9(): Promise<void> {
    this.proc.kill("SIGKILL");
    await this.exited;
  }

  /** stop sends SIGTERM and waits; returns the exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.proc.kill("SIGTERM");
    return this.exited;
  }
}

/**
 * startServer runs `tidemark` with args plus a free port on 127.0.0.1 and
 * waits until /health answers. Rejects with the process's stderr when it
 * exits first.
 */
export async function startServer(args: string[], opts: { timeoutMs?: number } = {}): Promise<Server> {
  const proc = spawn(nodeBin, [mainTs, "-httpListenAddr=127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const s = new Server(proc);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (s.exitCode !== undefined) throw new Error(`tidemark exited with code ${s.exitCode} before serving:\n${s.stderr}`);
    const m = /serving HTTP on \S+ \(port (\d+)\)/.exec(s.stderr);
    if (m !== null) {
      s.port = Number(m[1]);
      s.url = `http://127.0.0.1:${s.port}`;
      try {
        const r = await fetch(s.url + "/health");
        if (r.status === 200) return s;
      } catch { /* not yet */ }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill("SIGKILL");
  throw new Error(`tidemark did not become healthy in time:\n${s.stderr}`);
}

/** runTidemark runs the binary to completion (for flag errors and -help). */
export async function runTidemark(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(nodeBin, [mainTs, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  proc.stdout!.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
  proc.stderr!.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
  const code = await new Promise<number | null>((resolve) => proc.on("exit", (c) => resolve(c)));
  return { code, stdout, stderr };
}

/** metricValue reads one metric's value from a /metrics body; undefined when absent. */
export function metricValue(body: string, fullName: string): number | undefined {
  for (const line of body.split("\n")) {
    if (line.startsWith(fullName + " ")) return Number(line.slice(fullName.length + 1));
  }
  return undefined;
}

/** which returns the path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

/** freePort returns a TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as import("node:net").AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

/**
 * normalizeExport turns a /api/v1/export body into sorted lines of
 * `labels(sorted) values-text timestamps`, keeping the values exactly as the
 * server printed them, so that exports of two servers can be compared.
 */
export function normalizeExport(text: string): string[] {
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const o = JSON.parse(l) as { metric: Record<string, string>; timestamps: number[] };
    const vals = l.slice(l.indexOf('"values":') + 9, l.indexOf(',"timestamps":'));
    return JSON.stringify(Object.fromEntries(Object.entries(o.metric).sort())) + " " + vals + " " + JSON.stringify(o.timestamps);
  }).sort();
}

/**
 * listenerPort waits until a listener logs its address (e.g. `started TCP
 * InfluxDB server at "127.0.0.1:1234"`) and returns the port. what is the
 * listener's name in that line, or a RegExp whose first group is the port.
 */
export async function listenerPort(stderr: () => string, what: string | RegExp): Promise<number> {
  const re = typeof what === "string" ? new RegExp(`started ${what} server at "[^"]*:(\\d+)"`) : what;
  for (let i = 0; i < 100; i++) {
    const m = re.exec(stderr());
    if (m !== null) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${String(what)} listener in the log:\n${stderr()}`);
}

/** sendTCP connects to 127.0.0.1:port, writes text (in pieces of chunk characters, 1 ms apart, if given) and closes. */
export async function sendTCP(port: number, text: string, chunk = text.length): Promise<void> {
  const net = await import("node:net");
  const c = net.connect(port, "127.0.0.1");
  c.resume();
  await new Promise<void>((resolve, reject) => { c.once("error", reject); c.once("connect", () => resolve()); });
  for (let i = 0; i < text.length; i += chunk) {
    c.write(text.slice(i, i + chunk));
    if (chunk < text.length) await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise<void>((resolve) => c.end(() => resolve()));
  await new Promise((r) => c.once("close", r));
}

/** sendUDP sends text as one datagram to 127.0.0.1:port. */
export async function sendUDP(port: number, text: string): Promise<void> {
  const dgram = await import("node:dgram");
  const c = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => c.send(text, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
  c.close();
}

/** exportUntil flushes and exports the series matching match (normalized), polling until want series show up or 15 s pass. */
export async function exportUntil(base: string, match: string, want: number): Promise<string[]> {
  let got: string[] = [];
  for (const end = Date.now() + 15_000; Date.now() < end;) {
    await fetch(base + "/internal/force_flush");
    got = normalizeExport(await (await fetch(base + "/api/v1/export?match[]=" + encodeURIComponent(match))).text());
    if (got.length >= want) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
  return got;
}

/** vmSkip is the skip reason of tests that need the real VictoriaMetrics, or false when it is installed. */
export const vmSkip: string | false = which("victoria-metrics") === undefined
  ? "victoria-metrics is not installed (apt-get install victoria-metrics; .ci/run installs it)"
  : false;

/** VictoriaMetrics is a running real VictoriaMetrics process with a fresh data dir. */
export interface VictoriaMetrics { url: string; port: number; stop(): Promise<void> }

/**
 * startVictoriaMetrics starts the installed victoria-metrics binary on a free
 * port with a fresh data dir (-retentionPeriod=1y plus args) and waits until
 * /health answers; stop() kills it by PID and removes the data dir.
 */
export async function startVictoriaMetrics(args: string[] = []): Promise<VictoriaMetrics> {
  const bin = which("victoria-metrics");
  if (bin === undefined) throw new Error("victoria-metrics is not installed");
  const dir = tempDir("vm-data-");
  const port = await freePort();
  const proc = spawn(bin, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, "-retentionPeriod=1y", ...args], { stdio: "ignore" });
  const exited = new Promise((r) => proc.once("exit", r));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url + "/health")).status === 200) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
