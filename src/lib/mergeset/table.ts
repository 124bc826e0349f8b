// Table: the sorted-items LSM ("mergeset"). Added items go to a pending
// buffer; on search, when the buffer is big, or every second they become an
// in-memory part; in-memory parts are merged together and flushed to a file
// part every flushIntervalMs; file parts are merged in the background by the
// size-tiered policy. Everything runs on the caller's thread: merges are
// synchronous and bounded in size (see runBackgroundMerges), so the event
// loop is blocked for one bounded merge at a time.
//
// Crash safety: a part directory is built as <name>.tmp, fsynced, renamed
// into place, and only then listed in parts.json (replaced atomically). Parts
// a merge replaced are unlisted first and deleted when no search uses them.
// On open, temp entries and unlisted part directories are removed.

import * as fs from "node:fs";
import * as path from "node:path";
import { isTempName, mustFsyncPath, mustHardLinkDir, mustMkdirAll, mustRemoveAll, mustRename, mustWriteAtomic } from "../fs/index.ts";
import { fatal, info, warn } from "../logger/index.ts";
import { isPartName, metadataFilename, partName, partsFilename } from "./filenames.ts";
import { mergePartsInmemory, mergePartsToDir } from "./merge.ts";
import { choosePartsToMerge, defaultMaxPartsToMerge, defaultMinMergeMultiplier } from "./merge_policy.ts";
import { Part } from "./part.ts";
import { PartWrapper } from "./part_wrapper.ts";
import { PendingItems } from "./pending_items.ts";
import { TableSearch } from "./table_search.ts";

/** TableOptions tune a Table; every field is optional. */
export interface TableOptions {
  /** flush in-memory parts to a file part this often (ms); default 5000; 0 disables the timer (tests call flushToDisk). */
  flushIntervalMs?: number;
  /** run background merges (timer-driven); default true. */
  backgroundMerges?: boolean;
  /** background merges produce parts of at most this many bytes unless there are more than maxFileParts parts; default 64 MiB. */
  maxBackgroundMergeBytes?: number;
  /** above this many file parts, background merges ignore maxBackgroundMergeBytes; default 32. */
  maxFileParts?: number;
}

/** TableStats is a point-in-time summary for /metrics. */
export interface TableStats {
  /** items in all parts (an item present in several parts is counted in each). */
  itemsCount: number;
  inmemoryParts: number;
  fileParts: number;
  /** bytes of the file parts on disk. */
  sizeBytes: number;
  /** bytes of the in-memory parts plus the pending items. */
  inmemorySizeBytes: number;
  /** merges done (in-memory and file). */
  mergesTotal: number;
  /** items read by those merges. */
  itemsMergedTotal: number;
  /** items added but not yet in a part. */
  pendingItems: number;
}

// Pending items become an in-memory part once they hold this many bytes,
// which bounds both their memory and the cost of one sort.
const maxPendingBytes = 4 << 20;
// In-memory parts beyond these bounds are merged or flushed regardless of the policy.
const maxInmemoryParts = 30;
const maxInmemoryBytes = 128 << 20;
// The pending-items timer; the flush timer fires on its ticks.
const pendingFlushIntervalMs = 1000;
const mergeIntervalMs = 1000;
// Time budget of one timer-driven round of background merges.
const mergeRoundBudgetMs = 200;

/**
 * Table is a durable set of byte strings (items) searchable in bytewise
 * order. Open it with Table.mustOpen and close it with mustClose.
 */
export class Table {
  /** path is the table directory. */
  readonly path: string;
  private readonly flushIntervalMs: number;
  private readonly maxBackgroundMergeBytes: number;
  private readonly maxFileParts: number;
  private readonly pending = new PendingItems();
  private inmemory: PartWrapper[] = [];
  private files: PartWrapper[] = [];
  private nextId: bigint;
  private flushTimer: NodeJS.Timeout | null = null;
  private mergeTimer: NodeJS.Timeout | null = null;
  private lastFlushMs = Date.now();
  private closed = false;
  private mergesTotal = 0;
  private itemsMergedTotal = 0;

  private constructor(dir: string, files: PartWrapper[], nextId: bigint, opts: TableOptions) {
    this.path = dir;
    this.files = files;
    this.nextId = nextId;
    this.flushIntervalMs = opts.flushIntervalMs ?? 5000;
    this.maxBackgroundMergeBytes = opts.maxBackgroundMergeBytes ?? 64 << 20;
    this.maxFileParts = opts.maxFileParts ?? 32;
    if (this.flushIntervalMs > 0) {
      this.flushTimer = setInterval(() => this.onFlushTimer(), Math.min(pendingFlushIntervalMs, this.flushIntervalMs));
      this.flushTimer.unref();
    }
    if (opts.backgroundMerges ?? true) {
      this.mergeTimer = setInterval(() => this.runBackgroundMerges(mergeRoundBudgetMs), mergeIntervalMs);
      this.mergeTimer.unref();
    }
  }

  /**
   * mustOpen opens (creating if needed) the table in dir; removes leftover
   * temp dirs and part dirs not listed in parts.json (after an unclean
   * shutdown). A listed part that is missing or corrupted is fatal.
   */
  static mustOpen(dir: string, opts: TableOptions = {}): Table {
    mustMkdirAll(dir);
    const partsPath = path.join(dir, partsFilename);
    const ents = fs.readdirSync(dir, { withFileTypes: true });
    let names: string[];
    if (fs.existsSync(partsPath)) {
      names = parsePartsJson(fs.readFileSync(partsPath, "utf8"), partsPath);
    } else {
      // No parts.json: a table this code never opened (a copy made by hand);
      // take every complete part directory.
      names = ents.filter((e) => e.isDirectory() && isPartName(e.name) && fs.existsSync(path.join(dir, e.name, metadataFilename))).map((e) => e.name);
      if (names.length > 0) info(`${partsPath} is missing; opening the ${names.length} part directories found in ${dir}`);
    }
    const listed = new Set(names);
    for (const e of ents) {
      if (e.name === partsFilename) continue;
      if (isTempName(e.name)) {
        warn(`removing leftover temporary ${path.join(dir, e.name)} (unclean shutdown)`);
        mustRemoveAll(path.join(dir, e.name));
      } else if (e.isDirectory() && isPartName(e.name) && !listed.has(e.name)) {
        warn(`removing part ${path.join(dir, e.name)}: it is not listed in ${partsPath} (unclean shutdown during a merge)`);
        mustRemoveAll(path.join(dir, e.name));
      }
    }
    let maxId = 0n;
    const files: PartWrapper[] = [];
    for (const name of names) {
      const p = path.join(dir, name);
      if (!fs.existsSync(p)) fatal(`cannot open table ${dir}: part ${name} is listed in ${partsPath} but missing`);
      files.push(new PartWrapper(Part.mustOpenFile(p), name));
      const id = BigInt("0x" + name);
      if (id > maxId) maxId = id;
    }
    let nextId = BigInt(Date.now()) * 1_000_000n;
    if (nextId <= maxId) nextId = maxId + 1n;
    const tb = new Table(dir, files, nextId, opts);
    tb.writePartsJson();
    return tb;
  }

  /** addItems adds items (copied; the caller may reuse its buffers). Items are visible to every search() started after addItems returns. */
  addItems(items: readonly Uint8Array[]): void {
    this.checkOpen("addItems");
    const pending = this.pending;
    for (const it of items) {
      pending.add(it);
      if (pending.sizeBytes >= maxPendingBytes) this.convertPending();
    }
  }

  /**
   * search returns a consistent view of the table at this moment; it must be
   * closed. Parts it uses are not deleted until it closes. With
   * includePending=false, items added since the last conversion (at most
   * about a second ago, or 4 MiB) are not seen, and no in-memory part is
   * made: for hot lookups whose caller already knows its own recent items.
   */
  search(opts?: { includePending?: boolean }): TableSearch {
    this.checkOpen("search");
    if (opts?.includePending ?? true) this.convertPending();
    const pws = [...this.inmemory, ...this.files];
    for (const pw of pws) pw.incRef();
    return new TableSearch(pws);
  }

  /** flushToDisk makes every item added so far durable (file part + atomic parts.json), synchronously. */
  flushToDisk(): void {
    this.checkOpen("flushToDisk");
    this.convertPending(false);
    this.lastFlushMs = Date.now();
    const srcs = this.inmemory;
    if (srcs.length === 0) return;
    const name = this.newPartName();
    const tmp = path.join(this.path, name + ".tmp");
    const dst = path.join(this.path, name);
    if (srcs.length === 1) {
      srcs[0]!.part.mustWriteTo(tmp);
    } else {
      mergePartsToDir(srcs.map((pw) => pw.part), tmp);
      this.countMerge(srcs);
    }
    mustRename(tmp, dst);
    this.files.push(new PartWrapper(Part.mustOpenFile(dst), name));
    this.inmemory = [];
    this.writePartsJson();
    for (const pw of srcs) pw.decRef();
  }

  /** forceMerge flushes, then merges all file parts into one. It blocks for as long as that takes. */
  forceMerge(): void {
    this.flushToDisk();
    if (this.files.length > 1) this.mergeFileParts([...this.files]);
  }

  /**
   * runBackgroundMerges runs file-part merges chosen by the size-tiered
   * policy until none is due or budgetMs has passed (checked between
   * merges); returns the number of merges done. The merge timer calls it;
   * tests may call it directly.
   */
  runBackgroundMerges(budgetMs = mergeRoundBudgetMs): number {
    if (this.closed) return 0;
    const start = Date.now();
    let n = 0;
    for (;;) {
      const sel = this.pickFileMerge();
      if (sel.length === 0) break;
      this.mergeFileParts(sel);
      n++;
      if (Date.now() - start >= budgetMs) break;
    }
    return n;
  }

  /** createSnapshotAt hard-links all file parts plus a parts.json into dstDir (after flushToDisk), so that dstDir can be opened with mustOpen. dstDir must not exist or be empty. */
  createSnapshotAt(dstDir: string): void {
    this.flushToDisk();
    const abs = path.resolve(dstDir);
    if (abs === path.resolve(this.path)) throw new Error(`BUG: cannot create a snapshot of ${this.path} in itself`);
    mustMkdirAll(abs);
    for (const pw of this.files) mustHardLinkDir(pw.part.path, path.join(abs, pw.name));
    mustWriteAtomic(path.join(abs, partsFilename), marshalPartsJson(this.files.map((pw) => pw.name)));
    mustFsyncPath(abs);
  }

  /** mustClose flushes to disk and stops timers; the table cannot be used afterwards. Open searches stay usable until closed. */
  mustClose(): void {
    if (this.closed) return;
    this.flushToDisk();
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    if (this.mergeTimer !== null) clearInterval(this.mergeTimer);
    this.flushTimer = null;
    this.mergeTimer = null;
    this.closed = true;
    for (const pw of this.files) pw.decRef();
    this.files = [];
  }

  /** stats for /metrics. */
  stats(): TableStats {
    let itemsCount = 0;
    let sizeBytes = 0;
    let inmemorySizeBytes = this.pending.sizeBytes;
    for (const pw of this.files) {
      itemsCount += pw.part.header.itemsCount;
      sizeBytes += pw.part.sizeBytes;
    }
    for (const pw of this.inmemory) {
      itemsCount += pw.part.header.itemsCount;
      inmemorySizeBytes += pw.part.sizeBytes;
    }
    return {
      itemsCount,
      inmemoryParts: this.inmemory.length,
      fileParts: this.files.length,
      sizeBytes,
      inmemorySizeBytes,
      mergesTotal: this.mergesTotal,
      itemsMergedTotal: this.itemsMergedTotal,
      pendingItems: this.pending.count,
    };
  }

  private checkOpen(op: string): void {
    if (this.closed) throw new Error(`BUG: ${op} called on closed table ${this.path}`);
  }

  private onFlushTimer(): void {
    if (this.closed) return;
    if (Date.now() - this.lastFlushMs >= this.flushIntervalMs) this.flushToDisk();
    else this.convertPending();
  }

  /** convertPending turns pending items into an in-memory part and keeps the in-memory parts bounded. */
  private convertPending(mayFlush = true): void {
    const p = this.pending.toPart();
    if (p === null) return;
    this.inmemory.push(new PartWrapper(p, ""));
    this.mergeInmemoryParts();
    if (mayFlush) {
      let bytes = 0;
      for (const pw of this.inmemory) bytes += pw.part.sizeBytes;
      if (bytes > maxInmemoryBytes) this.flushToDisk();
    }
  }

  private mergeInmemoryParts(): void {
    while (this.inmemory.length > 1) {
      const sizes = this.inmemory.map((pw) => pw.part.sizeBytes);
      let sel = choosePartsToMerge(sizes, defaultMaxPartsToMerge, Infinity, defaultMinMergeMultiplier);
      if (sel.length === 0) {
        if (this.inmemory.length <= maxInmemoryParts) return;
        sel = sizes.map((_, i) => i);
      }
      const srcs = sel.map((i) => this.inmemory[i]!);
      const np = new PartWrapper(mergePartsInmemory(srcs.map((pw) => pw.part)), "");
      const drop = new Set(srcs);
      this.inmemory = this.inmemory.filter((pw) => !drop.has(pw));
      this.inmemory.push(np);
      this.countMerge(srcs);
      for (const pw of srcs) pw.decRef();
    }
  }

  /**
   * pickFileMerge applies the policy to file parts, with outputs capped at
   * maxBackgroundMergeBytes so one merge blocks the thread briefly. Only
   * when there are more than maxFileParts parts (the cap left too many
   * behind) does it merge bigger parts, and then it will always pick
   * something, so the number of parts stays bounded.
   */
  private pickFileMerge(): PartWrapper[] {
    const cands = this.files.filter((pw) => !pw.inMerge);
    if (cands.length < 2) return [];
    const sizes = cands.map((pw) => pw.part.sizeBytes);
    let sel = choosePartsToMerge(sizes, defaultMaxPartsToMerge, this.maxBackgroundMergeBytes, defaultMinMergeMultiplier);
    if (sel.length === 0 && cands.length > this.maxFileParts) {
      sel = choosePartsToMerge(sizes, defaultMaxPartsToMerge, Infinity, 2);
      if (sel.length === 0) {
        // Sizes too spread to find a balanced window: merge the smallest ones.
        const k = Math.min(defaultMaxPartsToMerge, cands.length - this.maxFileParts + 1);
        sel = sizes.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!).slice(0, Math.max(2, k));
      }
    }
    return sel.map((i) => cands[i]!);
  }

  private mergeFileParts(srcs: PartWrapper[]): void {
    for (const pw of srcs) pw.inMerge = true;
    const name = this.newPartName();
    const tmp = path.join(this.path, name + ".tmp");
    const dst = path.join(this.path, name);
    mergePartsToDir(srcs.map((pw) => pw.part), tmp);
    mustRename(tmp, dst);
    const np = new PartWrapper(Part.mustOpenFile(dst), name);
    const drop = new Set(srcs);
    this.files = this.files.filter((pw) => !drop.has(pw));
    this.files.push(np);
    this.writePartsJson();
    this.countMerge(srcs);
    for (const pw of srcs) {
      pw.mustDrop = true;
      pw.decRef();
    }
  }

  private countMerge(srcs: readonly PartWrapper[]): void {
    this.mergesTotal++;
    for (const pw of srcs) this.itemsMergedTotal += pw.part.header.itemsCount;
  }

  private newPartName(): string {
    return partName(this.nextId++);
  }

  private writePartsJson(): void {
    mustWriteAtomic(path.join(this.path, partsFilename), marshalPartsJson(this.files.map((pw) => pw.name)));
  }
}

function marshalPartsJson(names: string[]): string {
  return JSON.stringify([...names].sort()) + "\n";
}

function parsePartsJson(text: string, where: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fatal(`cannot parse ${where}: ${(e as Error).message}`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && isPartName(x))) {
    fatal(`cannot parse ${where}: got ${text.slice(0, 200)}; want a JSON array of 16-hex-digit part names`);
  }
  return v as string[];
}
