// Splitting a byte stream into blocks of whole lines without holding the whole
// stream in memory (VictoriaMetrics' ReadLinesBlockExt, made deterministic).

/** LinesBlock is a run of whole lines taken from a stream. */
export interface LinesBlock {
  /**
   * data holds whole lines separated by '\n' (the block's last '\n' is left out).
   * It is a view into a reused buffer: valid only until the iteration continues.
   */
  data: Buffer;
  /** lines is the number of lines in data; the next block's first line is this many lines later. */
  lines: number;
}

/** DEFAULT_LINES_BLOCK_SIZE is the size from which readLinesBlocks hands a block over. */
export const DEFAULT_LINES_BLOCK_SIZE = 64 * 1024;

/**
 * readLinesBlocks reads src and yields blocks of whole lines of at least blockSize bytes
 * (the last block may be smaller and may end without '\n'). A line longer than
 * maxLineLen bytes (without its '\n') makes it yield the whole lines before that line and
 * then throw Error("too long line: more than <maxLineLen> bytes"). Memory use is about
 * blockSize plus the longest line.
 */
export async function* readLinesBlocks(
  src: AsyncIterable<Uint8Array>,
  maxLineLen: number,
  blockSize: number = DEFAULT_LINES_BLOCK_SIZE,
): AsyncGenerator<LinesBlock, void, void> {
  let buf = Buffer.allocUnsafe(Math.max(2 * blockSize, 4096));
  let len = 0;
  let start = 0; // start of the data not yet handed over
  let lineStart = 0; // start of the first incomplete line
  let lines = 0; // newlines in buf[start, lineStart)
  const tooLong = () => new Error(`too long line: more than ${maxLineLen} bytes`);
  for await (const chunk of src) {
    if (chunk.length === 0) continue;
    // Blocks handed over are no longer referenced: drop them before adding more data.
    if (start > 0) {
      buf.copyWithin(0, start, len);
      len -= start;
      lineStart -= start;
      start = 0;
    }
    if (len + chunk.length > buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(len + chunk.length, 2 * buf.length));
      buf.copy(nb, 0, 0, len);
      buf = nb;
    }
    buf.set(chunk, len);
    let p = len;
    len += chunk.length;
    const view = buf.subarray(0, len);
    for (;;) {
      const q = view.indexOf(10, p);
      if (q < 0) break;
      if (q - lineStart > maxLineLen) {
        if (lineStart > start) yield { data: buf.subarray(start, lineStart - 1), lines };
        throw tooLong();
      }
      lines++;
      lineStart = q + 1;
      p = lineStart;
      if (lineStart - start >= blockSize) {
        // The view stays valid until the next chunk arrives.
        yield { data: buf.subarray(start, lineStart - 1), lines };
        start = lineStart;
        lines = 0;
      }
    }
    if (len - lineStart > maxLineLen) {
      if (lineStart > start) yield { data: buf.subarray(start, lineStart - 1), lines };
      throw tooLong();
    }
  }
  if (len > start) yield { data: buf.subarray(start, len), lines: lineStart === len ? lines : lines + 1 };
}
