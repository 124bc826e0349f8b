// Per-connection line reading for push-style TCP listeners: whatever whole
// lines have arrived are handed over at once (a slow sender's lines are
// processed as they come, not when a block fills up), and the unfinished
// last line is kept in a bounded buffer.

/** TooLongLineError is thrown when an unfinished line grows past the limit. */
export class TooLongLineError extends Error {
  override name = "TooLongLineError";
  /** lines are the whole lines completed by the same chunk, before the too long one (to be processed still). */
  lines: Buffer | undefined;

  constructor(message: string, lines?: Buffer) {
    super(message);
    this.lines = lines;
  }
}

// work joins an unfinished line with the chunk that completes it. One buffer
// serves every splitter: callers consume the lines synchronously.
let work: Buffer = Buffer.alloc(0);

/**
 * LineSplitter turns a stream of chunks into runs of whole lines. It holds at
 * most the unfinished last line (bounded by maxLineLen) between calls.
 */
export class LineSplitter {
  private readonly maxLineLen: number;
  private tail: Buffer = Buffer.alloc(0);
  private tailLen = 0;

  /** maxLineLen is the longest unfinished line (in bytes, without '\n') kept between chunks. */
  constructor(maxLineLen: number) {
    if (!(maxLineLen > 0)) throw new Error(`BUG: maxLineLen must be positive; got ${maxLineLen}`);
    this.maxLineLen = maxLineLen;
  }

  /** pending is the number of bytes of the unfinished line held now. */
  get pending(): number {
    return this.tailLen;
  }

  /**
   * push adds chunk and returns the lines completed by it, joined by '\n'
   * without the final '\n', or undefined when no line was completed. The
   * returned Buffer may be a view of chunk or of a buffer shared by all
   * splitters: it is valid only until the next push or end of any
   * LineSplitter, so consume it synchronously. Throws TooLongLineError when the
   * unfinished line would exceed maxLineLen bytes (its `lines` then holds the
   * lines completed before it); the splitter must not be used after that.
   */
  push(chunk: Buffer): Buffer | undefined {
    const nl = chunk.lastIndexOf(10);
    if (nl < 0) {
      this.keep(chunk, 0);
      return undefined;
    }
    let out: Buffer;
    if (this.tailLen === 0) {
      out = chunk.subarray(0, nl);
    } else {
      const n = this.tailLen + nl;
      // The shared buffer grows to the usual chunk size; rare huge joins get their own.
      let w = work;
      if (w.length < n) {
        w = Buffer.allocUnsafe(Math.max(n, Math.min(2 * w.length, 4 << 20), 65536));
        if (w.length <= 4 << 20) work = w;
      }
      this.tail.copy(w, 0, 0, this.tailLen);
      chunk.copy(w, this.tailLen, 0, nl);
      out = w.subarray(0, n);
      this.tailLen = 0;
      // Do not hold on to the room a long line needed.
      if (this.tail.length > 4096) this.tail = Buffer.alloc(0);
    }
    try {
      this.keep(chunk, nl + 1);
    } catch (e) {
      if (e instanceof TooLongLineError) e.lines = out;
      throw e;
    }
    return out;
  }

  /** end returns the unfinished last line, if any (a stream may end without '\n'), and empties the splitter. */
  end(): Buffer | undefined {
    if (this.tailLen === 0) return undefined;
    const out = Buffer.from(this.tail.subarray(0, this.tailLen));
    this.tailLen = 0;
    return out;
  }

  // keep appends chunk[from:] to the unfinished line, copying it so that the
  // chunk itself can be freed.
  private keep(chunk: Buffer, from: number): void {
    const add = chunk.length - from;
    if (add <= 0) return;
    const n = this.tailLen + add;
    if (n > this.maxLineLen) {
      this.tailLen = 0;
      throw new TooLongLineError(`too long line: more than ${this.maxLineLen} bytes`);
    }
    if (this.tail.length < n) {
      const t = Buffer.allocUnsafe(Math.min(Math.max(n, 2 * this.tail.length, 256), this.maxLineLen));
      this.tail.copy(t, 0, 0, this.tailLen);
      this.tail = t;
    }
    chunk.copy(this.tail, this.tailLen, from);
    this.tailLen = n;
  }
}
