// Readings of another process from /proc, and of a directory's size.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

const CLK_TCK = ((): number => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** cpuSeconds returns utime + stime of pid (all its threads) in seconds, or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name may hold spaces: fields are counted after its closing parenthesis
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Memory is a process's resident set now (VmRSS) and at its peak so far (VmHWM), in bytes. */
export interface Memory {
  rssBytes: number;
  hwmBytes: number;
}

/** memory reads VmRSS and VmHWM of pid, or returns undefined when it is gone. */
export function memory(pid: number): Memory | undefined {
  let txt: string;
  try {
    txt = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(txt);
    return m === null ? NaN : Number(m[1]) * 1024;
  };
  return { rssBytes: kb("VmRSS"), hwmBytes: kb("VmHWM") };
}

/** RssSampler reads VmRSS of pid every intervalMs and keeps the peak since the last reset(). */
export class RssSampler {
  peakBytes = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly pid: number;

  constructor(pid: number, intervalMs = 250) {
    this.pid = pid;
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** reset starts a new peak from the current reading. */
  reset(): void {
    this.peakBytes = 0;
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const m = memory(this.pid);
    if (m !== undefined && m.rssBytes > this.peakBytes) this.peakBytes = m.rssBytes;
  }
}

// du runs du with args; a server merging parts deletes files while du
// walks the tree, which makes du fail, so it is tried again a few times.
function du(args: string[]): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync("du", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

/** diskBytes returns the apparent size of dir in bytes, as `du -sb` counts it. */
export function diskBytes(dir: string): number {
  return Number(du(["-sb", dir]).split("\t")[0]);
}

/** diskBreakdown returns the bytes of each top-level entry of dir (`du -b --max-depth=1`). */
export function diskBreakdown(dir: string): Record<string, number> {
  const out = du(["-b", "--max-depth=1", dir]);
  const r: Record<string, number> = {};
  for (const line of out.trim().split("\n")) {
    const [bytes, p] = line.split("\t") as [string, string];
    if (p !== dir) r[p.slice(dir.length + 1)] = Number(bytes);
  }
  return r;
}
