// PartWrapper counts the references to a part: one for the table while the
// part is live, one for each open search using it. A part replaced by a merge
// or a flush is released by the table; its files go away only when the last
// search using it closes.

import { mustRemoveAll } from "../fs/index.ts";
import type { Part } from "./part.ts";

/** PartWrapper is a reference-counted part of a table. */
export class PartWrapper {
  readonly part: Part;
  /** name is the part directory name, or "" for an in-memory part. */
  readonly name: string;
  private refs = 1;
  /** inMerge is set while the part is an input of a running merge. */
  inMerge = false;
  /** mustDrop is set when the part is no longer listed: its directory is removed when the last reference goes. */
  mustDrop = false;

  constructor(part: Part, name: string) {
    this.part = part;
    this.name = name;
  }

  incRef(): void {
    if (this.refs <= 0) throw new Error(`BUG: incRef on released part ${this.name || "(in-memory)"}`);
    this.refs++;
  }

  decRef(): void {
    this.refs--;
    if (this.refs > 0) return;
    if (this.refs < 0) throw new Error(`BUG: part ${this.name || "(in-memory)"} released more often than referenced`);
    this.part.close();
    if (this.mustDrop && this.part.path !== "") mustRemoveAll(this.part.path);
  }

  /** refCount returns the current number of references (for tests). */
  get refCount(): number {
    return this.refs;
  }
}
