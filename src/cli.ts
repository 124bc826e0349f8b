// The command line: flags, -help, -version and the role to run. With no
// subcommand it runs the all-in-one single node.

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

/** main parses the command line and runs the chosen role. */
export async function main(): Promise<void> {
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

