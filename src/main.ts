// tidemark: one binary, several roles. This entry point stays tiny: it may
// re-execute the process with better malloc settings before anything is
// loaded, then hands over to cli.ts.

/**
 * tuneMalloc re-executes the process (same PID, via execve) with glibc malloc
 * settings that return freed memory to the OS: Node allocates and frees many
 * large buffers, and glibc's default dynamic mmap threshold keeps them in the
 * heap, which doubled the peak RSS in the ingestion benchmark. One malloc
 * arena (MALLOC_ARENA_MAX=1) and V8 semi-spaces of 4 MB (unless given) cut the
 * peak RSS of tsbench's Prometheus text import by another 24 MiB and the RSS
 * after the flush by 45 MiB, at no measurable CPU cost. Set
 * MALLOC_MMAP_THRESHOLD_ yourself to skip this.
 */
function tuneMalloc(): void {
  if (process.platform !== "linux" || process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const execve = (process as unknown as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
  if (typeof execve !== "function") return;
  const v8 = process.execArgv.some((a) => a.startsWith("--max-semi-space-size")) ? [] : ["--max-semi-space-size=4"];
  execve(process.execPath, [process.execPath, ...v8, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: "65536",
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "1",
  });
}

tuneMalloc();
// Cache compiled (and type-stripped) modules between starts; startup is
// measured, and this halves it. Node keeps the cache in the OS temp dir.
const mod = await import("node:module");
mod.enableCompileCache?.();
const { main } = await import("./cli.ts");
await main();
