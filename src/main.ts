// tidemark: one binary, several roles. With no subcommand it runs the
// all-in-one single node.

import * as flags from "./lib/flagutil/index.ts";
import * as logger from "./lib/logger/index.ts";
import * as single from "./app/single/index.ts";

const loggerLevel = flags.string("loggerLevel", "INFO", "Minimum level of errors to log. Possible values: INFO, WARN, ERROR, FATAL, PANIC");
const version = flags.bool("version", false, "Show version and exit");

const VERSION = "tidemark-v0.1.0";

function usageText(): string {
  return `Tidemark ${VERSION}: metrics storage compatible with VictoriaMetrics' APIs.

Usage: tidemark [flags]

Subcommands storage, insert, select, agent and auth are not available yet.

Flags:
${flags.usage()}`;
}

/**
 * tuneMalloc re-executes the process (same PID, via execve) with glibc malloc
 * settings that return freed memory to the OS: Node allocates and frees many
 * large buffers, and glibc's default dynamic mmap threshold keeps them in the
 * heap, which doubled the peak RSS in the ingestion benchmark. Set
 * MALLOC_MMAP_THRESHOLD_ yourself to skip this.
 */
function tuneMalloc(): void {
  if (process.platform !== "linux" || process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const execve = (process as unknown as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
  if (typeof execve !== "function") return;
  execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: "65536",
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
  });
}

async function main(): Promise<void> {
  tuneMalloc();
  let rest: string[];
  try {
    rest = flags.parse(process.argv.slice(2));
  } catch (e) {
    if (e instanceof flags.HelpRequested) {
      process.stdout.write(usageText());
      process.exit(0);
    }
    process.stderr.write(`${(e as Error).message}\nRun "tidemark -help" for the list of flags.\n`);
    process.exit(2);
  }
  if (version.value) {
    process.stdout.write(VERSION + "\n");
    process.exit(0);
  }
  if (rest.length > 0) {
    process.stderr.write(`unsupported subcommand or argument ${JSON.stringify(rest[0])}: only the single-node mode is available; run "tidemark -help"\n`);
    process.exit(2);
  }
  try {
    logger.setLevel(loggerLevel.value);
  } catch (e) {
    process.stderr.write(`invalid -loggerLevel: ${(e as Error).message}\n`);
    process.exit(2);
  }
  try {
    await single.init();
  } catch (e) {
    const err = e as Error;
    if (err instanceof flags.FlagError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    logger.error(`cannot start: ${err.message}`);
    process.exit(1);
  }
  let stopping = false;
  const onSignal = (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received signal ${sig}; gracefully shutting down`);
    single.stop().then(
      () => { logger.info("stopped"); process.exit(0); },
      (e: unknown) => { logger.error(`error during shutdown: ${(e as Error).message}`); process.exit(1); },
    );
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}

void main();
