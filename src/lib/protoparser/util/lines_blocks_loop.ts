// The loop every line-based stream parser runs: read a body in blocks of
// whole lines, count the reads, turn read failures into one error message
// naming the format, keep line numbers, and hand each block to the format's
// parser with back-pressure.

import type { Counter } from "../../metrics/index.ts";
import { readLinesBlocks } from "./lines_reader.ts";

/** ReadCounters are a format's vm_protoparser_read_calls_total / read_errors_total. */
export interface ReadCounters {
  readCalls: Counter;
  readErrors: Counter;
}

/**
 * forEachLinesBlock reads src in blocks of whole lines (at most maxLineLen
 * bytes per line, about blockSize bytes per block) and calls
 * onBlock(text, firstLineNumber, lines) for each, awaiting the Promise it may
 * return. A read failure (a bad compressed body, a line over maxLineLen)
 * rejects with `cannot read ${what}: <reason>`; blocks handed over before
 * stay handed over. An error thrown by onBlock is rethrown unchanged.
 */
export async function forEachLinesBlock(
  src: AsyncIterable<Uint8Array>,
  maxLineLen: number,
  blockSize: number | undefined,
  what: string,
  counters: ReadCounters,
  onBlock: (text: string, firstLineNumber: number, lines: number) => void | Promise<void>,
): Promise<void> {
  const it = readLinesBlocks(src, maxLineLen, blockSize)[Symbol.asyncIterator]();
  let lineNumber = 1;
  try {
    for (;;) {
      counters.readCalls.inc();
      let r: IteratorResult<{ data: Buffer; lines: number }, void>;
      try {
        r = await it.next();
      } catch (e) {
        counters.readErrors.inc();
        throw new Error(`cannot read ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (r.done) return;
      const p = onBlock(r.value.data.toString("utf8"), lineNumber, r.value.lines);
      lineNumber += r.value.lines;
      if (p !== undefined) await p;
    }
  } finally {
    await it.return?.();
  }
}
