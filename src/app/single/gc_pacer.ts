// GC pacing: ask V8 for a full collection when the memory held by
// ArrayBuffers (request bodies, encoder scratch, part buffers) has grown by a
// step since the lowest level seen.
//
// Why: an ArrayBuffer that survives two young-generation collections is
// promoted, and V8 frees it only in a full (mark-compact) collection. With the
// 4 MB semi-spaces main.ts asks for, a young collection runs every ~15 ms
// during ingestion, so buffers held across a few awaits (the chunks of a body
// being parsed) are promoted. V8 starts a full collection for external memory
// only after it has grown by ~64 MiB, and the JavaScript heap alone grows too
// slowly to start one sooner: in tsbench's Prometheus text import the dead
// buffers reached +60 MiB of RSS before being freed. Asking for a full
// collection per 24 MiB of growth (each takes 40-70 ms of the main thread
// with this benchmark's 50 MiB heap; V8 still runs most collections itself)
// cut the peak RSS of tsbench's import by about 45 MiB, with samples
// per CPU second unchanged within the runs' noise.

/** PacerState is what observe remembers between readings. */
export interface PacerState {
  /** low is the lowest ArrayBuffer total seen since the last requested collection (bytes). */
  low: number;
  /** lastGcMs is when the last collection was requested (ms; -Infinity: never). */
  lastGcMs: number;
}

/** newPacerState returns the state before the first reading. */
export function newPacerState(): PacerState {
  return { low: Infinity, lastGcMs: -Infinity };
}

/**
 * observe takes one reading of the ArrayBuffer total (bytes) at nowMs and
 * reports whether a full collection is due: when the total exceeds the lowest
 * level seen by more than stepBytes, and the last one was requested at least
 * minGapMs ago. When it reports true it takes the current total as the new
 * low, so live growth (which a collection cannot free) triggers at most one
 * collection per step.
 */
export function observe(st: PacerState, arrayBuffers: number, nowMs: number, stepBytes: number, minGapMs: number): boolean {
  if (arrayBuffers < st.low) st.low = arrayBuffers;
  if (arrayBuffers - st.low <= stepBytes || nowMs - st.lastGcMs < minGapMs) return false;
  st.low = arrayBuffers;
  st.lastGcMs = nowMs;
  return true;
}

type GcFn = (opts?: { type?: "major" | "minor"; execution?: "sync" | "async" }) => unknown;

const STEP_BYTES = 24 << 20;
const INTERVAL_MS = 250;
const MIN_GAP_MS = 1000;

let timer: NodeJS.Timeout | undefined;

/**
 * startGcPacer starts watching the process's ArrayBuffer total every 250 ms
 * and requests a full collection per 24 MiB of growth, or per a
 * quarter of the JavaScript heap in use when that is more (at most one a
 * second). It needs the global gc() (node --expose-gc, which main.ts
 * passes); without it, it does nothing and returns false.
 */
export function startGcPacer(): boolean {
  const gc = (globalThis as { gc?: GcFn }).gc;
  if (typeof gc !== "function") return false;
  if (timer !== undefined) return true;
  const st = newPacerState();
  timer = setInterval(() => {
    const m = process.memoryUsage();
    // A full collection costs time in proportion to the live heap: with a big
    // heap (many series) wait for more garbage, so that the cost per freed
    // byte stays bounded.
    const step = Math.max(STEP_BYTES, m.heapUsed / 4);
    if (!observe(st, m.arrayBuffers, performance.now(), step, MIN_GAP_MS)) return;
    // "async": run it from a task, outside this timer callback.
    const r = gc({ type: "major", execution: "async" });
    if (r instanceof Promise) r.catch(() => {});
  }, INTERVAL_MS);
  timer.unref();
  return true;
}

/** stopGcPacer stops the pacer started by startGcPacer. */
export function stopGcPacer(): void {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
}
