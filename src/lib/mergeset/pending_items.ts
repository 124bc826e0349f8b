// Items just added and not yet in a part: appended to one growing byte
// buffer with an offsets array (no object per item), then sorted through an
// index array and written as an in-memory part.

import { ByteBuffer } from "./byte_buffer.ts";
import { compareRange } from "./bytes.ts";
import { Part } from "./part.ts";
import { sortItems } from "./sort_items.ts";

/** PendingItems buffers added items until toPart() turns them into an in-memory part. */
export class PendingItems {
  private bb = new ByteBuffer(64 * 1024);
  // ends[i] is the end offset of item i; item i starts at ends[i-1] (or 0).
  private ends = new Uint32Array(4096);
  private n = 0;

  /** count returns the number of buffered items. */
  get count(): number {
    return this.n;
  }

  /** sizeBytes returns the memory held by the buffered items. */
  get sizeBytes(): number {
    return this.bb.len + this.n * 4;
  }

  /** add copies item into the buffer. */
  add(item: Uint8Array): void {
    if (this.n === this.ends.length) {
      const ne = new Uint32Array(this.ends.length * 2);
      ne.set(this.ends);
      this.ends = ne;
    }
    if (this.bb.len + item.length > 0xffffffff) throw new Error("BUG: more than 4 GiB of pending items; convert them to a part earlier");
    this.bb.append(item, 0, item.length);
    this.ends[this.n++] = this.bb.len;
  }

  /** toPart sorts and de-duplicates the buffered items into a new in-memory part and empties the buffer; null when empty. */
  toPart(): Part | null {
    const n = this.n;
    if (n === 0) return null;
    const data = this.bb.buf;
    const ends = this.ends.subarray(0, n);
    const starts = new Uint32Array(n);
    for (let i = 1; i < n; i++) starts[i] = ends[i - 1]!;
    const order = new Uint32Array(n);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      if (sorted && i > 0 && compareRange(data, starts[i - 1]!, ends[i - 1]!, data, starts[i]!, ends[i]!) > 0) sorted = false;
    }
    if (!sorted) sortItems(data, starts, ends, order);
    const part = Part.buildInmemory((w) => {
      let prev = -1;
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        const s = starts[i]!;
        const e = ends[i]!;
        if (prev >= 0 && compareRange(data, starts[prev]!, ends[prev]!, data, s, e) === 0) continue;
        w.add(data, s, e);
        prev = i;
      }
    });
    this.bb.reset();
    if (this.bb.buf.length > 16 << 20) this.bb = new ByteBuffer(64 * 1024);
    this.n = 0;
    if (this.ends.length > 1 << 20) this.ends = new Uint32Array(4096);
    return part;
  }
}
