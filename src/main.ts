// tidemark: one binary, several roles. This entry point stays tiny: it may
// re-execute the process with better malloc settings before anything is
// loaded, then hands over to cli.ts.

import { tmpdir } from "node:os";

/**
 * tuneMalloc re-executes the process (same PID, via execve) with glibc malloc
 * settings that return freed memory to the OS: Node allocates and frees many
 * large buffers, and glibc's default dynamic mmap threshold keeps them in the
 * heap, which doubled the peak RSS in the ingestion benchmark. One malloc
 * arena (MALLOC_ARENA_MAX=1) and V8 semi-spaces of 4 MB (unless given) cut the
 * peak RSS of tsbench's Prometheus text import by another 24 MiB and the RSS
 * after the flush by 45 MiB, at no measurable CPU cost. It also exposes gc()
 * for the GC pacer (app/single/gc_pacer.ts) and turns the compile cache on
 * before the first module loads. Set MALLOC_MMAP_THRESHOLD_ yourself to skip
 * all this.
 */
function tuneMalloc(): void {
  if (process.platform !== "linux" || process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const execve = (process as unknown as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
  if (typeof execve !== "function") return;
  const v8 = process.execArgv.some((a) => a.startsWith("--max-semi-space-size")) ? [] : ["--max-semi-space-size=4"];
  // gc() for app/single/gc_pacer.ts, which frees promoted dead buffers sooner than V8 would.
  if (!process.execArgv.includes("--expose-gc")) v8.push("--expose-gc");
  execve(process.execPath, [process.execPath, ...v8, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: "65536",
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "1",
    // The compile cache on from the first module (this one) on, in the same
    // directory enableCompileCache() uses: when every module is found there,
    // Node never loads its TypeScript stripper (a WebAssembly build of swc),
    // which costs 13 MiB of RSS (idle RSS 105 -> 91 MiB without it).
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? `${tmpdir()}/node-compile-cache`,
  });
}

tuneMalloc();
// Cache compiled (and type-stripped) modules between starts; startup is
// measured, and this halves it. Node keeps the cache in the OS temp dir.
const mod = await import("node:module");
mod.enableCompileCache?.();
const { main } = await import("./cli.ts");
await main();
