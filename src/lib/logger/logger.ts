// Leveled logging to stderr in the original's shape:
// `2026-01-02T03:04:05.678Z\tinfo\tsrc/file.ts\tmessage`.

export type Level = "INFO" | "WARN" | "ERROR" | "FATAL" | "PANIC";
const order: Record<Level, number> = { INFO: 0, WARN: 1, ERROR: 2, FATAL: 3, PANIC: 4 };
let minLevel = 0;

/** setLevel sets the minimum level printed (the -loggerLevel flag). */
export function setLevel(l: string): void {
  const v = order[l as Level];
  if (v === undefined) throw new RangeError(`cannot set logger level "${l}": want INFO, WARN, ERROR, FATAL or PANIC`);
  minLevel = v;
}

function out(level: Level, msg: string): void {
  if (order[level] < minLevel) return;
  process.stderr.write(`${new Date().toISOString()}\t${level.toLowerCase()}\t${msg}\n`);
}

export function info(msg: string): void { out("INFO", msg); }
export function warn(msg: string): void { out("WARN", msg); }
export function error(msg: string): void { out("ERROR", msg); }

/** fatal logs and exits the process: for unrecoverable environment failures (I/O). */
export function fatal(msg: string): never {
  out("FATAL", msg);
  process.exit(1);
}

const lastLogged = new Map<string, number>();
const suppressed = new Map<string, number>();

/**
 * warnRateLimited logs at most one message per key every 5 seconds, and says
 * how many were suppressed, so that a flood of bad input cannot flood the log.
 */
export function warnRateLimited(key: string, msg: string): void {
  const now = Date.now();
  const last = lastLogged.get(key) ?? 0;
  if (now - last < 5000) {
    suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
    return;
  }
  const n = suppressed.get(key) ?? 0;
  suppressed.delete(key);
  lastLogged.set(key, now);
  out("WARN", n > 0 ? `${msg} (${n} similar messages suppressed in the last 5s)` : msg);
}
