// One server under test: started on a free port with a fresh data directory,
// its output appended to a log file, stopped with SIGTERM by PID.

import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { HttpClient } from "./http_client.ts";
import { diskBytes } from "./proc.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** ServerSpec says how to run one server; args gets the port and the data directory. */
export interface ServerSpec {
  /** short name used in reports: "victoria-metrics" or "tidemark" */
  name: string;
  bin: string;
  args: (port: number, dataDir: string) => string[];
}

/** vmSpec runs VictoriaMetrics' single-node binary. */
export function vmSpec(bin: string): ServerSpec {
  return {
    name: "victoria-metrics",
    bin,
    args: (port, dir) => [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, "-retentionPeriod=1y"],
  };
}

/** tidemarkSpec runs Tidemark from the repository at repo with its pinned Node. */
export function tidemarkSpec(repo: string): ServerSpec {
  return {
    name: "tidemark",
    bin: `${repo}/node_modules/.bin/node`,
    args: (port, dir) => [`${repo}/src/main.ts`, `-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, "-retentionPeriod=1y"],
  };
}

/** freePort asks the kernel for a port that is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** StartError means a server could not be started or never became healthy. */
export class StartError extends Error {}

/** Stopped tells how a server ended after stop(). */
export interface Stopped {
  stopMs: number;
  /** true when it did not exit within the timeout and got SIGKILL */
  killed: boolean;
  code: number | null;
  signal: string | null;
}

/** RunningServer is a started server process. */
export class RunningServer {
  readonly spec: ServerSpec;
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  readonly client: HttpClient;
  /** ms from spawn to the first 200 from /health */
  startupMs = 0;
  private readonly proc: ChildProcess;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(spec: ServerSpec, proc: ChildProcess, port: number, dataDir: string, logFile: string) {
    this.spec = spec;
    this.proc = proc;
    this.pid = proc.pid!;
    this.port = port;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.client = new HttpClient(port);
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });
  }

  /**
   * start spawns spec with a fresh dataDir (which must not exist) and waits
   * until GET /health answers 200; it throws with the log tail when the
   * server exits or is not healthy within timeoutMs.
   */
  static async start(spec: ServerSpec, dataDir: string, logFile: string, timeoutMs = 60_000): Promise<RunningServer> {
    const port = await freePort();
    const args = spec.args(port, dataDir);
    fs.appendFileSync(logFile, `\n==== bench: ${new Date().toISOString()} ${spec.bin} ${args.join(" ")}\n`);
    const fd = fs.openSync(logFile, "a");
    const t0 = performance.now();
    let proc: ChildProcess;
    try {
      proc = spawn(spec.bin, args, { stdio: ["ignore", fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    if (proc.pid === undefined) {
      const err = await new Promise<Error>((resolve) => proc.once("error", resolve));
      throw new StartError(`cannot start ${spec.name}: ${err.message}`);
    }
    const s = new RunningServer(spec, proc, port, dataDir, logFile);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (s.exitInfo !== undefined) throw new StartError(`${spec.name} exited during startup (${JSON.stringify(s.exitInfo)}); log tail:\n${s.logTail()}`);
      try {
        if ((await s.client.request("GET", "/health", undefined, 2000)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await s.stop();
        throw new StartError(`${spec.name} not healthy after ${timeoutMs} ms; log tail:\n${s.logTail()}`);
      }
      await sleep(25);
    }
    s.startupMs = performance.now() - t0;
    return s;
  }

  /** alive is false once the process has exited. */
  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** get requests path and throws unless the status is 2xx. */
  async get(path: string, timeoutMs = 600_000): Promise<Buffer> {
    const r = await this.client.request("GET", path, undefined, timeoutMs);
    if (r.status < 200 || r.status > 299) throw new Error(`GET ${path} on ${this.spec.name}: got status ${r.status}; want 2xx: ${r.body.toString().slice(0, 300)}`);
    return r.body;
  }

  /**
   * settleDisk polls the data directory's size every second until it is the
   * same three times in a row (background merges done) or timeoutS passes.
   */
  async settleDisk(timeoutS: number): Promise<{ bytes: number; settleS: number; stable: boolean }> {
    const t0 = performance.now();
    let last = -1;
    let same = 0;
    let bytes = 0;
    while ((performance.now() - t0) / 1000 < timeoutS) {
      bytes = diskBytes(this.dataDir);
      same = bytes === last ? same + 1 : 0;
      if (same >= 2) break;
      last = bytes;
      await sleep(1000);
    }
    return { bytes, settleS: (performance.now() - t0) / 1000, stable: same >= 2 };
  }

  /** stop sends SIGTERM and waits for the exit; SIGKILL after timeoutMs. */
  async stop(timeoutMs = 60_000): Promise<Stopped> {
    const t0 = performance.now();
    let killed = false;
    if (this.exitInfo === undefined) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => {
        killed = true;
        this.proc.kill("SIGKILL");
      }, timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.client.close();
    return { stopMs: performance.now() - t0, killed, code: this.exitInfo!.code, signal: this.exitInfo!.signal };
  }

  /** killNow sends SIGKILL without waiting (for exit handlers). */
  killNow(): void {
    if (this.exitInfo === undefined) this.proc.kill("SIGKILL");
  }

  /** logTail returns the last n lines of the server's log. */
  logTail(n = 20): string {
    try {
      return fs.readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-n).join("\n");
    } catch {
      return "";
    }
  }
}
