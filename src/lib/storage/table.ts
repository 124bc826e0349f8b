// Table holds the samples: monthly partitions of immutable parts, listed in
// one manifest (data/parts.json) that is replaced atomically together with the
// WAL checkpoint. New rows go to a raw-rows buffer, become a searchable
// in-memory part about every second, and are written to a file part every few
// seconds; background merges keep the number of parts per partition bounded.

import * as fs from "node:fs";
import * as path from "node:path";
import { isTempName, mustFsyncPath, mustHardLinkDir, mustMkdirAll, mustRemoveAll, mustWriteAtomic } from "../fs/index.ts";
import { info, warn } from "../logger/index.ts";
import { mergeParts, pickPartsToMerge } from "./merge.ts";
import { FileSink, MemorySink, Part, writeMemoryPart } from "./part.ts";
import { MergeRunner } from "./merge_runner.ts";
import { RawRows, writeRawRowsPart, writeSortedPart } from "./raw_rows.ts";
import { SeriesMerger, type MergeOptions } from "./series_merger.ts";
import { partsFilename } from "./filenames.ts";

/** partitionName returns `YYYY_MM` of a timestamp (UTC). */
export function partitionName(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear().toString().padStart(4, "0")}_${(d.getUTCMonth() + 1).toString().padStart(2, "0")}`;
}

/** partitionRange returns [start, end] ms of partition `YYYY_MM`. */
export function partitionRange(name: string): [number, number] {
  const y = Number(name.slice(0, 4));
  const m = Number(name.slice(5, 7));
  return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1) - 1];
}

interface Manifest {
  walCheckpoint: number;
  partitions: Record<string, string[]>;
}

export class Partition {
  readonly name: string;
  readonly dir: string;
  readonly minT: number;
  readonly maxT: number;
  inmemory: Part[] = [];
  files: Part[] = [];
  constructor(name: string, dir: string) {
    this.name = name;
    this.dir = dir;
    [this.minT, this.maxT] = partitionRange(name);
  }
  allParts(): Part[] { return [...this.inmemory, ...this.files]; }
}

export interface TableOptions {
  retentionMs: number;
  futureRetentionMs: number;
  dedupIntervalMs: number;
  /** merge file parts in the background; default true */
  backgroundMerges?: boolean;
  /** raw rows become a searchable part this often (ms); 0 = only on demand */
  rawFlushIntervalMs?: number;
  /** run file-part merges in a worker thread; default true */
  mergeInWorker?: boolean;
}

export class TableStats {
  rowsAddedTotal = 0;
  mergesTotal = { inmemory: 0, small: 0 };
  rowsMergedTotal = 0;
  rowsDeletedTotal = 0;
  partitionsDroppedTotal = 0;
  mergeTimeMs = 0;
}

/** maxInmemoryParts per partition before they are merged together. */
const maxInmemoryParts = 16;
/**
 * Small parts (a few seconds of ingestion each) hold short blocks that
 * compress poorly and cost a block header per series. They are merged as soon
 * as there are a few of them, and once ingestion has been quiet for a while
 * all small parts of a partition are merged into one (VictoriaMetrics gets the
 * same effect from merging in-memory parts before they reach the disk).
 */
const smallPartBytes = 4 << 20;
const idleCompactionDelayMs = 5000;

/** smallPartsToMerge picks parts below smallPartBytes: 4 or more of them, or 2+ when ingestion is quiet. */
export function smallPartsToMerge(sizes: readonly number[], quiet: boolean): number[] {
  const small: number[] = [];
  for (let i = 0; i < sizes.length; i++) if (sizes[i]! < smallPartBytes) small.push(i);
  if (small.length >= 4 || (quiet && small.length >= 2)) return small.slice(0, 15);
  return [];
}

/** maxFileParts: above it merges become less picky. */
const maxFilePartsSoft = 30;

export class Table {
  readonly dir: string;
  readonly opts: TableOptions;
  readonly partitions = new Map<string, Partition>();
  readonly raw = new RawRows();
  walCheckpoint = 0;
  readonly stats = new TableStats();
  private nextPartID: number;
  private mergeTimer: NodeJS.Timeout | undefined;
  private rawTimer: NodeJS.Timeout | undefined;
  /** background merges are paused while > 0 (deletion and force merges rewrite parts) */
  private mergePause = 0;
  private closed = false;
  private runner: MergeRunner;
  /** the background merge in flight, if any */
  private inflight: Promise<void> | undefined;
  /** when the last flush that wrote rows happened */
  private lastFlushWithRowsMs = 0;

  constructor(dir: string, opts: TableOptions) {
    this.dir = dir;
    this.opts = opts;
    this.nextPartID = Date.now() * 1000;
    mustMkdirAll(dir);
    this.open();
    this.runner = new MergeRunner(opts.mergeInWorker ?? true);
    if (opts.backgroundMerges ?? true) {
      this.mergeTimer = setInterval(() => this.mergeStep(), 1000);
      this.mergeTimer.unref();
    }
    const ri = opts.rawFlushIntervalMs ?? 1000;
    if (ri > 0) {
      this.rawTimer = setInterval(() => this.flushRawRows(), ri);
      this.rawTimer.unref();
    }
  }

  private open(): void {
    const mp = path.join(this.dir, partsFilename);
    let m: Manifest = { walCheckpoint: 0, partitions: {} };
    if (fs.existsSync(mp)) m = JSON.parse(fs.readFileSync(mp, "utf8")) as Manifest;
    this.walCheckpoint = m.walCheckpoint;
    for (const [pname, parts] of Object.entries(m.partitions)) {
      const pdir = path.join(this.dir, pname);
      const p = new Partition(pname, pdir);
      for (const name of parts) {
        const partDir = path.join(pdir, name);
        if (!fs.existsSync(partDir)) throw new Error(`FATAL: part ${partDir} is listed in ${mp} but missing on disk; the data directory is damaged`);
        p.files.push(Part.openFile(partDir));
        const id = Number.parseInt(name, 16);
        if (id >= this.nextPartID) this.nextPartID = id + 1;
      }
      this.partitions.set(pname, p);
    }
    // Remove what is not in the manifest: temp dirs and parts a crash left unregistered.
    for (const ent of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (!ent.isDirectory()) continue;
      if (!/^\d{4}_\d{2}$/.test(ent.name)) {
        if (isTempName(ent.name)) mustRemoveAll(path.join(this.dir, ent.name));
        continue;
      }
      const listed = new Set(m.partitions[ent.name] ?? []);
      const pdir = path.join(this.dir, ent.name);
      for (const sub of fs.readdirSync(pdir)) {
        if (!listed.has(sub)) {
          info(`removing ${path.join(pdir, sub)}: not listed in ${partsFilename} (expected after an unclean shutdown)`);
          mustRemoveAll(path.join(pdir, sub));
        }
      }
      if (!this.partitions.has(ent.name) && fs.readdirSync(pdir).length === 0) mustRemoveAll(pdir);
    }
  }

  private writeManifest(): void {
    const m: Manifest = { walCheckpoint: this.walCheckpoint, partitions: {} };
    for (const [name, p] of [...this.partitions].sort()) {
      m.partitions[name] = p.files.map((f) => path.basename(f.dir!));
    }
    mustWriteAtomic(path.join(this.dir, partsFilename), JSON.stringify(m));
  }

  private newPartName(): string {
    return (this.nextPartID++).toString(16).padStart(16, "0").toUpperCase();
  }

  private partition(name: string): Partition {
    let p = this.partitions.get(name);
    if (p === undefined) {
      p = new Partition(name, path.join(this.dir, name));
      mustMkdirAll(p.dir);
      mustFsyncPath(this.dir);
      this.partitions.set(name, p);
    }
    return p;
  }

  /** retentionBounds returns the [minT, maxT] of samples the table keeps now. */
  retentionBounds(now = Date.now()): [number, number] {
    return [now - this.opts.retentionMs, now + this.opts.futureRetentionMs];
  }

  /** flushRawRows turns buffered rows into searchable in-memory parts. */
  flushRawRows(): void {
    const raw = this.raw;
    if (raw.n === 0) return;
    // Split rows by partition; nearly always they all fall into one.
    const names = new Map<string, number[]>();
    const first = partitionName(raw.ts[0]!);
    const [lo, hi] = partitionRange(first);
    let single = true;
    for (let i = 0; i < raw.n; i++) {
      const t = raw.ts[i]!;
      if (t < lo || t > hi) { single = false; break; }
    }
    if (single) {
      const p = this.partition(first);
      p.inmemory.push(writeRawRowsPart(raw, new MemorySink()));
    } else {
      for (let i = 0; i < raw.n; i++) {
        const nm = partitionName(raw.ts[i]!);
        let l = names.get(nm);
        if (l === undefined) { l = []; names.set(nm, l); }
        l.push(i);
      }
      const tsids = raw.tsids();
      for (const [nm, rows] of names) {
        const k = rows.length;
        const a = new Float64Array(k), b = new Float64Array(k), c = new Float64Array(k);
        for (let j = 0; j < k; j++) { const i = rows[j]!; a[j] = tsids[i]!; b[j] = raw.ts[i]!; c[j] = raw.vals[i]!; }
        this.partition(nm).inmemory.push(writeSortedPart(a, b, c, k, new MemorySink()));
      }
    }
    raw.reset();
    for (const p of this.partitions.values()) {
      if (p.inmemory.length > maxInmemoryParts) this.mergeInmemory(p);
    }
  }

  private mergeOpts(): MergeOptions {
    const [minT, maxT] = this.retentionBounds();
    return { minT, maxT, dedupInterval: this.opts.dedupIntervalMs };
  }

  private mergeInmemory(p: Partition): void {
    const t0 = performance.now();
    const parts = p.inmemory;
    const { part, rowsIn, rowsOut } = mergeParts(parts, new MemorySink(), { ...this.mergeOpts(), dedupInterval: 0 });
    for (const old of parts) old.release(false);
    p.inmemory = part.header.rowsCount > 0 ? [part] : [];
    this.stats.mergesTotal.inmemory++;
    this.stats.rowsMergedTotal += rowsIn;
    this.stats.rowsDeletedTotal += rowsIn - rowsOut;
    this.stats.mergeTimeMs += performance.now() - t0;
  }

  /**
   * flushToDisk writes all in-memory data to file parts and publishes them
   * with checkpoint as the new WAL checkpoint. beforePublish runs right
   * before the manifest is written (the index flushes there).
   */
  flushToDisk(checkpoint: number, beforePublish: () => void): void {
    this.flushRawRows();
    const old: Part[] = [];
    for (const p of this.partitions.values()) {
      if (p.inmemory.length === 0) continue;
      // In-memory parts have the file layout already: write them as they are
      // (cheap), and let the background merges combine the small file parts.
      for (const mp of p.inmemory) {
        if (mp.header.rowsCount > 0) {
          p.files.push(writeMemoryPart(mp, path.join(p.dir, this.newPartName())));
          this.lastFlushWithRowsMs = Date.now();
        }
        old.push(mp);
      }
      p.inmemory = [];
    }
    beforePublish();
    this.walCheckpoint = checkpoint;
    this.writeManifest();
    for (const o of old) o.release(false);
  }

  /** mergeStep starts at most one background merge of file parts and drops expired partitions. */
  mergeStep(): void {
    if (this.closed || this.mergePause > 0 || this.inflight !== undefined) return;
    this.dropExpiredPartitions();
    const quiet = Date.now() - this.lastFlushWithRowsMs >= idleCompactionDelayMs;
    for (const p of this.partitions.values()) {
      const sizes = p.files.map((f) => f.sizeBytes);
      const minMul = p.files.length > maxFilePartsSoft ? 1.7 : 7.5;
      let pick = pickPartsToMerge(sizes, 15, 512 * 1024 * 1024, minMul);
      if (pick.length < 2) pick = smallPartsToMerge(sizes, quiet);
      if (pick.length >= 2) {
        const done = this.mergeFileParts(p, pick.map((i) => p.files[i]!), this.mergeOpts());
        this.inflight = done.then(
          () => { this.inflight = undefined; },
          (e: unknown) => { this.inflight = undefined; warn(`background merge failed: ${(e as Error).message}`); },
        );
        return;
      }
    }
  }

  /** idle resolves when no background merge is running. */
  async idle(): Promise<void> {
    while (this.inflight !== undefined) await this.inflight;
  }

  // mergeFileParts merges parts of p into one new file part (in the merge
  // worker) and publishes it in place of them.
  private async mergeFileParts(p: Partition, parts: Part[], opts: MergeOptions, del?: { tsids: number[]; minT: number; maxT: number }): Promise<void> {
    const t0 = performance.now();
    const name = this.newPartName();
    const outDir = path.join(p.dir, name);
    for (const part of parts) { part.inMerge = true; part.incRef(); }
    try {
      const r = await this.runner.run({
        inputs: parts.map((x) => x.dir!),
        outDir,
        minT: opts.minT,
        maxT: opts.maxT,
        dedupInterval: opts.dedupInterval,
        deleteTSIDs: del?.tsids,
        delMinT: del?.minT,
        delMaxT: del?.maxT,
      });
      if (this.partitions.get(p.name) !== p || this.closed) {
        // The partition was dropped (retention) or the table closed meanwhile.
        mustRemoveAll(outDir);
        return;
      }
      const part = Part.openFile(outDir);
      const set = new Set(parts);
      p.files = p.files.filter((f) => !set.has(f));
      if (part.header.rowsCount > 0) p.files.push(part);
      this.writeManifest();
      if (part.header.rowsCount === 0) part.release(true);
      for (const o of parts) o.release(true);
      this.stats.mergesTotal.small++;
      this.stats.rowsMergedTotal += r.rowsIn;
      this.stats.rowsDeletedTotal += r.rowsIn - r.rowsOut;
      this.stats.mergeTimeMs += performance.now() - t0;
    } finally {
      for (const part of parts) { part.inMerge = false; part.decRef(); }
    }
  }

  /** forceMerge merges all file parts of partitions whose name starts with prefix into one part each. */
  async forceMerge(prefix: string): Promise<void> {
    this.mergePause++;
    try {
      await this.idle();
      for (const p of [...this.partitions.values()]) {
        if (!p.name.startsWith(prefix)) continue;
        if (p.files.length === 0) continue;
        if (p.files.length === 1 && p.files[0]!.header.minDedupInterval >= this.opts.dedupIntervalMs) {
          // A single part is rewritten only when part of it has expired.
          const [minT] = this.retentionBounds();
          if (p.files[0]!.header.minTimestamp >= minT) continue;
        }
        await this.mergeFileParts(p, [...p.files], this.mergeOpts());
      }
    } finally {
      this.mergePause--;
    }
  }

  /** dropExpiredPartitions removes partitions entirely outside retention. */
  dropExpiredPartitions(): void {
    const [minT] = this.retentionBounds();
    let changed = false;
    const dropped: Partition[] = [];
    for (const [name, p] of this.partitions) {
      if (p.maxT < minT) {
        info(`dropping partition ${name}: all its data is outside -retentionPeriod`);
        this.partitions.delete(name);
        dropped.push(p);
        changed = true;
      }
    }
    if (!changed) return;
    this.writeManifest();
    for (const p of dropped) {
      for (const part of p.inmemory) part.release(false);
      for (const part of p.files) part.release(true);
      // The directory goes once every part is released (searches may still read them).
      setTimeout(() => { if (!this.partitions.has(p.name)) mustRemoveAll(p.dir); }, 60_000).unref();
      this.stats.partitionsDroppedTotal++;
    }
  }

  /** searchParts pins and returns the parts that may hold samples in [minT, maxT]; call releaseParts after. */
  pinParts(minT: number, maxT: number): Part[] {
    const out: Part[] = [];
    for (const p of this.partitions.values()) {
      if (p.maxT < minT || p.minT > maxT) continue;
      for (const part of p.allParts()) {
        if (part.header.maxTimestamp < minT || part.header.minTimestamp > maxT) continue;
        part.incRef();
        out.push(part);
      }
    }
    return out;
  }

  /**
   * deleteRows physically removes samples in [minT, maxT] of the given TSIDs
   * by rewriting every file part that holds any (in-memory data is flushed
   * to disk first by the caller).
   */
  async deleteRows(tsids: Float64Array, minT: number, maxT: number): Promise<number> {
    if (tsids.length === 0) return 0;
    const before = this.stats.rowsDeletedTotal;
    this.mergePause++;
    try {
      await this.idle();
      const del = { tsids: [...tsids], minT, maxT };
      for (const p of [...this.partitions.values()]) {
        if (p.maxT < minT || p.minT > maxT) continue;
        const affected = p.files.filter((part) => {
          if (part.header.maxTimestamp < minT || part.header.minTimestamp > maxT) return false;
          const m = new SeriesMerger([part], tsids, { minT, maxT, dedupInterval: 0 });
          return m.next();
        });
        for (const part of affected) {
          await this.mergeFileParts(p, [part], { ...this.mergeOpts(), dedupInterval: part.header.minDedupInterval }, del);
        }
      }
    } finally {
      this.mergePause--;
    }
    return this.stats.rowsDeletedTotal - before;
  }

  /** createSnapshotAt hard-links every file part into dst/<partition>/ and writes a manifest there (after a flush by the caller). */
  createSnapshotAt(dst: string): void {
    mustMkdirAll(dst);
    const m: Manifest = { walCheckpoint: 0, partitions: {} };
    for (const [name, p] of this.partitions) {
      m.partitions[name] = [];
      for (const part of p.files) {
        const pn = path.basename(part.dir!);
        mustHardLinkDir(part.dir!, path.join(dst, name, pn));
        m.partitions[name]!.push(pn);
      }
      mustMkdirAll(path.join(dst, name));
    }
    mustWriteAtomic(path.join(dst, partsFilename), JSON.stringify(m));
  }

  /** counts for /metrics */
  partsCount(): { inmemory: number; file: number; rows: { inmemory: number; file: number }; bytes: { inmemory: number; file: number } } {
    const r = { inmemory: 0, file: 0, rows: { inmemory: this.raw.n, file: 0 }, bytes: { inmemory: this.raw.sizeBytes, file: 0 } };
    for (const p of this.partitions.values()) {
      r.inmemory += p.inmemory.length;
      r.file += p.files.length;
      for (const x of p.inmemory) { r.rows.inmemory += x.header.rowsCount; r.bytes.inmemory += x.sizeBytes; }
      for (const x of p.files) { r.rows.file += x.header.rowsCount; r.bytes.file += x.sizeBytes; }
    }
    return r;
  }

  /** close stops the timers and waits for a running merge to finish. */
  async close(): Promise<void> {
    if (this.mergeTimer !== undefined) clearInterval(this.mergeTimer);
    if (this.rawTimer !== undefined) clearInterval(this.rawTimer);
    await this.idle();
    this.closed = true;
    await this.runner.close();
  }

  /** releaseAll releases every part (after close and a final flush). */
  releaseAll(): void {
    for (const p of this.partitions.values()) {
      for (const part of p.inmemory) part.release(false);
      for (const part of p.files) part.release(false);
    }
    this.partitions.clear();
  }
}

/** warnOnce helps to avoid log floods in loops. */
export function warnOnce(msg: string): void { warn(msg); }
