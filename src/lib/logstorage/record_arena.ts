// RecordArena keeps committed records in shared memory until a part holds
// their rows: chunks of SharedArrayBuffer, filled front to back, so that
// the flush worker reads them without a copy. Chunks whose records were all
// released (flushed) are reused rather than left to the garbage collector,
// which frees shared memory late: memory stays at the peak of unflushed
// records instead of growing with the collector's lag.

const chunkSize = 4 << 20;
// Free chunks kept for reuse (beyond this they are left to the collector).
const maxFreeChunks = 24;

interface ChunkState {
  live: number;
}

/** RecordArena hands out Uint8Array slices of shared memory. */
export class RecordArena {
  private chunk: Uint8Array;
  private used = 0;
  private readonly states = new Map<ArrayBufferLike, ChunkState>();
  private readonly free: SharedArrayBuffer[] = [];

  constructor() {
    this.chunk = this.newChunk();
  }

  private newChunk(): Uint8Array {
    const sab = this.free.pop() ?? new SharedArrayBuffer(chunkSize);
    this.states.set(sab, { live: 0 });
    return new Uint8Array(sab);
  }

  /** alloc returns a slice of n bytes of shared memory (its contents are unspecified). */
  alloc(n: number): Uint8Array {
    if (n > chunkSize / 4) return new Uint8Array(new SharedArrayBuffer(n));
    if (this.used + n > this.chunk.length) {
      const old = this.chunk.buffer;
      this.chunk = this.newChunk();
      this.used = 0;
      const st = this.states.get(old);
      if (st !== undefined && st.live === 0) this.recycle(old);
    }
    const out = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    this.states.get(this.chunk.buffer)!.live++;
    return out;
  }

  /** release declares that no one reads recs (or views of them) any more. */
  release(recs: readonly Uint8Array[]): void {
    for (const r of recs) {
      const st = this.states.get(r.buffer);
      if (st === undefined) continue; // a record with its own buffer
      st.live--;
      if (st.live < 0) throw new Error("BUG: RecordArena.release: a record was released twice");
      if (st.live === 0 && r.buffer !== this.chunk.buffer) this.recycle(r.buffer);
    }
  }

  private recycle(buf: ArrayBufferLike): void {
    this.states.delete(buf);
    if (this.free.length < maxFreeChunks) this.free.push(buf as SharedArrayBuffer);
  }

  /** bytes returns the shared memory held (chunks in use and free ones). */
  get bytes(): number {
    return (this.states.size + this.free.length) * chunkSize;
  }
}
