// LogStorage: the VictoriaLogs-like log store. Committed batches go to the
// WAL (one write each) and stay in memory as rows records, searchable at
// once; every flushIntervalMs (or when they pass maxPendingBytes) the flush
// worker turns them into one part per UTC day, parts.json records the new
// parts with the WAL checkpoint, and the WAL segments up to it are deleted.
// A second worker merges the parts of a day (size-tiered). Daily
// partitions are dropped whole by retention and the disk-space limit.
// See FORMAT.md for the layout.

import * as fs from "node:fs";
import * as path from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { isTempName, lockDir, mustHardLinkDir, mustMkdirAll, mustRemoveAll, mustWriteAtomic } from "../fs/index.ts";
import { error as logError, fatal, info, warn } from "../logger/index.ts";
import { counter, gauge, unregister } from "../metrics/index.ts";
import { groupRecords } from "./build_part.ts";
import * as fn from "./filenames.ts";
import { JobRunner } from "./job_runner.ts";
import { Part } from "./part.ts";
import { Partition, PartWrapper } from "./partition.ts";
import { RecordArena } from "./record_arena.ts";
import { RecordReader, RowsBatch } from "./rows_record.ts";
import { MemBlock, StoredBlock } from "./stored_block.ts";
import { parseCanonicalStream, streamIDOf } from "./stream.ts";
import type { LogBlock, LogIngester, LogRowsBatch, LogSearcher, SearchOptions, StreamInfo, TenantID } from "./types.ts";
import { LogWal, listWalSegments, replayWalSegment, sealWalRecord, walRecordHeaderSize } from "./wal.ts";
import { partNameOf } from "./worker.ts";

// Per protocol, the ingestion handlers count vl_rows_ingested_total{type=...} as VictoriaLogs does; this is what the storage kept.
const rowsIngested = counter("vl_storage_rows_added_total");
const streamsCreated = counter("vl_streams_created_total");
const rowsDroppedTooOld = counter(`vl_rows_dropped_total{reason="too_old"}`);
const rowsDroppedTooNew = counter(`vl_rows_dropped_total{reason="too_new"}`);
const mergesTotal = counter("vl_merges_total");

/** LogStorageOptions configure a LogStorage; every field has a default. */
export interface LogStorageOptions {
  /** rows older than this are dropped (whole days); default 7d */
  retentionPeriodMs?: number;
  /** rows newer than now + this are rejected; default 2d */
  futureRetentionMs?: number;
  /** above this many bytes the oldest days are dropped (keeping the last 2); 0 = no limit */
  maxDiskSpaceUsageBytes?: number;
  /** below this much free disk space commits fail (read-only); default 10 MB */
  minFreeDiskSpaceBytes?: number;
  /** committed rows are written as parts this often; default 5000 ms; 0 = only by forceFlush/close/size */
  flushIntervalMs?: number;
  /** run flushes and merges in worker threads; default true */
  useWorkers?: boolean;
  /** merge parts in the background; default true */
  backgroundMerges?: boolean;
  /** zstd level of the _msg values of parts written by flushes; default 7 (the merge level, so that merges can copy their blocks) */
  flushZstdLevel?: number;
  /** zstd level of the _msg values of parts written by merges; default 7 (other columns always use level 1) */
  mergeZstdLevel?: number;
  /** flush early when this many bytes of records wait in memory; default 32 MiB */
  maxPendingBytes?: number;
  /** the clock (ms since the epoch), for tests */
  now?: () => number;
}

/** LogStorageStats summarises a storage. */
export interface LogStorageStats {
  rows: number;
  parts: number;
  streams: number;
  bytesOnDisk: number;
  partitions: number;
}

interface Manifest {
  walCheckpoint: number;
  partitions: Record<string, string[]>;
}

const dayMs = 86_400_000;
const nsPerMs = 1_000_000n;
const maxPartsToMerge = 15;
const minMergeMultiplier = 1.7;
// Parts written by flushes are recompressed at the merge level after this long without a size-tiered merge.
const recompressAfterMs = 5_000;
const snapshotNameRe = /^\d{14}-[0-9a-f]{16}$/;

/** LogStorage stores and searches log rows. Open with LogStorage.open, close with close(). */
export class LogStorage implements LogIngester, LogSearcher {
  readonly path: string;
  private readonly retentionMs: number;
  private readonly futureMs: number;
  private readonly maxDiskBytes: number;
  private readonly minFreeBytes: number;
  private readonly flushIntervalMs: number;
  private readonly backgroundMerges: boolean;
  private readonly flushLevel: number;
  private readonly mergeLevel: number;
  private readonly maxPendingBytes: number;
  private readonly now: () => number;
  private readonly unlock: () => void;
  private readonly partitions = new Map<number, Partition>();
  private readonly arena = new RecordArena();
  private readonly flushRunner: JobRunner;
  private readonly mergeRunner: JobRunner;
  private wal!: LogWal;
  private walCheckpoint: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingRows = 0;
  private inflight: Uint8Array[] = [];
  private inflightRows = 0;
  private readonly memCache = new WeakMap<Uint8Array, MemRows[]>();
  private nextPartID: bigint;
  private flushChain: Promise<void> = Promise.resolve();
  private flushQueued: Promise<void> | undefined;
  private mergeRunning: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readOnly = false;
  private freeBytes = Infinity;
  private lastRetentionCheck = 0;
  private closed = false;
  // set once close() has flushed: results of jobs still running are discarded
  private closedHard = false;
  private mergesPausedUntil = 0;

  private constructor(p: string, opts: LogStorageOptions, unlock: () => void, manifest: Manifest) {
    this.path = p;
    this.retentionMs = opts.retentionPeriodMs ?? 7 * dayMs;
    this.futureMs = opts.futureRetentionMs ?? 2 * dayMs;
    this.maxDiskBytes = opts.maxDiskSpaceUsageBytes ?? 0;
    this.minFreeBytes = opts.minFreeDiskSpaceBytes ?? 10_000_000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 5000;
    this.backgroundMerges = opts.backgroundMerges ?? true;
    this.flushLevel = opts.flushZstdLevel ?? 7;
    this.mergeLevel = opts.mergeZstdLevel ?? 7;
    this.maxPendingBytes = opts.maxPendingBytes ?? 32 << 20;
    this.now = opts.now ?? Date.now;
    this.unlock = unlock;
    this.walCheckpoint = manifest.walCheckpoint;
    const useWorkers = opts.useWorkers ?? true;
    this.flushRunner = new JobRunner(useWorkers);
    this.mergeRunner = new JobRunner(useWorkers);
    this.nextPartID = BigInt(Date.now()) * 1_000_000n;
  }

  /**
   * open opens (creating if needed) the storage in directory p: loads the
   * parts listed in parts.json, removes leftovers of an unclean stop and
   * replays the WAL past the checkpoint. It throws when another process
   * holds the directory.
   */
  static async open(p: string, opts: LogStorageOptions = {}): Promise<LogStorage> {
    mustMkdirAll(p);
    const unlock = lockDir(p);
    const mpath = path.join(p, fn.partsFilename);
    let manifest: Manifest = { walCheckpoint: -1, partitions: {} };
    if (fs.existsSync(mpath)) {
      try {
        manifest = JSON.parse(fs.readFileSync(mpath, "utf8")) as Manifest;
        if (typeof manifest.walCheckpoint !== "number" || typeof manifest.partitions !== "object") throw new Error("missing fields");
      } catch (e) {
        unlock();
        throw new Error(`cannot parse ${mpath}: ${(e as Error).message}; want {"walCheckpoint":N,"partitions":{...}}`);
      }
    }
    const s = new LogStorage(p, opts, unlock, manifest);
    s.loadPartitions(manifest);
    s.replayWal();
    s.enforceRetention();
    s.writeManifest();
    s.checkFreeSpace();
    s.registerGauges();
    s.startTimers();
    if (s.pending.length > 0) await s.forceFlush();
    return s;
  }

  private loadPartitions(manifest: Manifest): void {
    const pdir = path.join(this.path, fn.partitionsDirname);
    mustMkdirAll(pdir);
    const names = new Set<string>(Object.keys(manifest.partitions));
    for (const e of fs.readdirSync(pdir, { withFileTypes: true })) {
      if (e.isDirectory() && fn.parseDayName(e.name) !== undefined) names.add(e.name);
      else if (isTempName(e.name)) mustRemoveAll(path.join(pdir, e.name));
    }
    let maxID = 0n;
    for (const name of [...names].sort()) {
      const day = fn.parseDayName(name);
      if (day === undefined) fatal(`cannot open log storage ${this.path}: bad partition name ${JSON.stringify(name)} in ${fn.partsFilename}; want YYYYMMDD`);
      const pt = new Partition(this.path, day, this.flushIntervalMs);
      this.partitions.set(day, pt);
      const listed = new Set(manifest.partitions[name] ?? []);
      mustMkdirAll(pt.datadb);
      for (const e of fs.readdirSync(pt.datadb, { withFileTypes: true })) {
        if (isTempName(e.name) || (fn.isPartName(e.name) && !listed.has(e.name))) {
          warn(`removing ${path.join(pt.datadb, e.name)}: a leftover of an unclean stop`);
          mustRemoveAll(path.join(pt.datadb, e.name));
        }
      }
      for (const partName of listed) {
        const dir = path.join(pt.datadb, partName);
        if (!fs.existsSync(dir)) fatal(`cannot open log storage ${this.path}: part ${dir} is listed in ${fn.partsFilename} but missing`);
        let part: Part;
        try {
          part = Part.open(dir);
        } catch (e) {
          fatal((e as Error).message);
        }
        pt.parts.push(new PartWrapper(part, partName));
        const id = BigInt("0x" + partName);
        if (id > maxID) maxID = id;
      }
    }
    if (this.nextPartID <= maxID) this.nextPartID = maxID + 1n;
  }

  private replayWal(): void {
    const dir = path.join(this.path, fn.walDirname);
    const segs = listWalSegments(dir);
    let rows = 0;
    let torn = 0;
    for (const seq of segs) {
      if (seq <= this.walCheckpoint) continue;
      torn += replayWalSegment(dir, seq, (payload) => {
        const rec = this.arena.alloc(payload.length);
        rec.set(payload);
        const n = this.registerRecordStreams(rec);
        this.pending.push(rec);
        this.pendingBytes += rec.length;
        this.pendingRows += n;
        rows += n;
      });
    }
    if (rows > 0 || torn > 0) info(`log storage ${this.path}: replayed ${rows} rows from the WAL (${torn} torn bytes cut)`);
    const last = segs.length > 0 ? segs[segs.length - 1]! : this.walCheckpoint;
    this.wal = new LogWal(dir, Math.max(last, this.walCheckpoint) + 1, 1000);
  }

  // registerRecordStreams registers the streams of a replayed record; returns its rows.
  private registerRecordStreams(rec: Uint8Array): number {
    const rd = new RecordReader(rec);
    const ids = rd.streams.map((s) => streamIDOf(s));
    const seen = new Set<number>();
    while (rd.next()) {
      const day = fn.dayOfTimestamp(rd.timestamp);
      const key = day * 1048576 + rd.streamIdx;
      if (seen.has(key)) continue;
      seen.add(key);
      const si = rd.streamIdx;
      if (this.partitionFor(day).registerStream(rd.streamAccount[si]!, rd.streamProject[si]!, ids[si]!, rd.streams[si]!)) streamsCreated.inc();
    }
    return rd.rowsCount;
  }

  private partitionFor(day: number): Partition {
    let pt = this.partitions.get(day);
    if (pt === undefined) {
      pt = new Partition(this.path, day, this.flushIntervalMs);
      this.partitions.set(day, pt);
    }
    return pt;
  }

  private registerGauges(): void {
    gauge(`vl_data_size_bytes{type="storage"}`, () => this.dataSizeBytes());
    gauge(`vl_data_size_bytes{type="indexdb"}`, () => this.indexSizeBytes());
    gauge("vl_partitions", () => this.partitions.size);
    gauge("vl_parts", () => this.partsCount());
    gauge(`vl_pending_rows{type="storage"}`, () => this.pendingRows + this.inflightRows);
    gauge("vl_storage_is_read_only", () => (this.readOnly ? 1 : 0));
  }

  private unregisterGauges(): void {
    for (const n of [`vl_data_size_bytes{type="storage"}`, `vl_data_size_bytes{type="indexdb"}`, "vl_partitions", "vl_parts", `vl_pending_rows{type="storage"}`, "vl_storage_is_read_only"]) unregister(n);
  }

  private startTimers(): void {
    if (this.flushIntervalMs > 0) {
      const t = setInterval(() => {
        if (this.pending.length > 0) void this.forceFlush().catch((e: Error) => logError(`cannot flush log rows: ${e.message}`));
      }, this.flushIntervalMs);
      t.unref();
      this.timers.push(t);
    }
    const t = setInterval(() => {
      this.checkFreeSpace();
      if (this.now() - this.lastRetentionCheck >= 60_000) this.enforceRetention();
      this.scheduleMerges();
    }, 1000);
    t.unref();
    this.timers.push(t);
  }

  private checkFreeSpace(): void {
    try {
      const st = fs.statfsSync(this.path);
      this.freeBytes = st.bavail * st.bsize;
    } catch {
      return;
    }
    const ro = this.freeBytes < this.minFreeBytes;
    if (ro !== this.readOnly) {
      if (ro) warn(`log storage ${this.path} switches to read-only: free disk space ${this.freeBytes} bytes is below -storage.minFreeDiskSpaceBytes=${this.minFreeBytes}`);
      else info(`log storage ${this.path} accepts writes again: free disk space is ${this.freeBytes} bytes`);
      this.readOnly = ro;
    }
  }

  /** isReadOnly reports whether commits are refused for lack of disk space. */
  isReadOnly(): boolean {
    return this.readOnly;
  }

  // ---- ingestion ----

  /** newBatch returns an empty batch; rows outside the retention window (as of now) are dropped when added. */
  newBatch(): LogRowsBatch {
    const now = BigInt(Math.floor(this.now()));
    return new RowsBatch({
      minTimestamp: (now - BigInt(this.retentionMs)) * nsPerMs,
      maxTimestamp: (now + BigInt(this.futureMs)) * nsPerMs,
    });
  }

  /**
   * commit stores a batch made by newBatch: one WAL write, then the rows are
   * searchable. It throws when the storage is read-only (low disk space) or
   * closed. Returns the rows stored.
   */
  commit(batch: LogRowsBatch): number {
    if (!(batch instanceof RowsBatch)) throw new Error("BUG: LogStorage.commit: the batch was not made by newBatch");
    if (batch.committed) throw new Error("BUG: LogStorage.commit: the batch was committed already");
    if (this.closed) throw new Error(`cannot store logs: the log storage ${this.path} is closed`);
    if (this.readOnly) {
      throw new Error(`cannot store logs: the log storage ${this.path} is read-only because the free disk space (${this.freeBytes} bytes) is below -storage.minFreeDiskSpaceBytes=${this.minFreeBytes}`);
    }
    batch.committed = true;
    rowsDroppedTooOld.add(batch.droppedTooOld);
    rowsDroppedTooNew.add(batch.droppedTooNew);
    const n = batch.storedRows;
    if (n === 0) return 0;
    const head = batch.encodeHeader();
    const body = batch.body;
    const rec = this.arena.alloc(walRecordHeaderSize + head.length + body.length);
    rec.set(head.bytes(), walRecordHeaderSize);
    rec.set(body.bytes(), walRecordHeaderSize + head.length);
    sealWalRecord(rec);
    this.wal.append(rec);
    const payload = rec.subarray(walRecordHeaderSize);
    this.pending.push(payload);
    this.pendingBytes += payload.length;
    this.pendingRows += n;
    const streams = batch.streamsList();
    let ids: (string | undefined)[] | undefined;
    for (const pair of batch.dayStreams) {
      const day = Math.floor(pair / 1048576);
      const si = pair - day * 1048576;
      const s = streams[si]!;
      ids ??= new Array(streams.length);
      const id = (ids[si] ??= cachedID(s.stream));
      if (this.partitionFor(day).registerStream(s.accountID, s.projectID, id, s.stream)) streamsCreated.inc();
    }
    rowsIngested.add(n);
    if (this.pendingBytes >= this.maxPendingBytes && this.flushQueued === undefined) {
      void this.forceFlush().catch((e: Error) => logError(`cannot flush log rows: ${e.message}`));
    }
    return n;
  }

  // ---- flush ----

  /** forceFlush writes every committed row to a part on disk (and makes it searchable there). */
  forceFlush(): Promise<void> {
    if (this.flushQueued !== undefined) return this.flushQueued;
    const p = this.flushChain.then(() => {
      this.flushQueued = undefined;
      return this.doFlush();
    });
    this.flushQueued = p;
    this.flushChain = p.catch(() => {});
    return p;
  }

  private async doFlush(): Promise<void> {
    if (this.pending.length === 0 || this.closedHard) return;
    const seq = this.wal.rotate();
    const records = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.inflight = records;
    this.inflightRows = this.pendingRows;
    this.pendingRows = 0;
    const firstID = this.nextPartID;
    this.nextPartID += 4096n;
    let res;
    try {
      res = await this.flushRunner.run({ kind: "build", root: this.path, records, firstID: String(firstID), level: this.flushLevel });
    } catch (e) {
      // The rows stay in the WAL (the checkpoint did not move) and in memory.
      this.pending = records.concat(this.pending);
      for (const r of records) this.pendingBytes += r.length;
      this.pendingRows += this.inflightRows;
      this.inflight = [];
      this.inflightRows = 0;
      throw e;
    }
    for (const jp of res.parts) {
      const pt = this.partitionFor(jp.day);
      pt.parts.push(new PartWrapper(Part.open(jp.dir), jp.name));
    }
    for (const pt of this.partitions.values()) pt.index.flushToDisk();
    this.walCheckpoint = seq;
    this.writeManifest();
    this.wal.removeUpTo(seq);
    this.inflight = [];
    this.inflightRows = 0;
    this.arena.release(records);
    this.scheduleMerges();
  }

  private writeManifest(): void {
    const m: Manifest = { walCheckpoint: this.walCheckpoint, partitions: {} };
    for (const pt of [...this.partitions.values()].sort((a, b) => a.day - b.day)) {
      m.partitions[pt.name] = pt.parts.map((pw) => pw.name);
    }
    mustWriteAtomic(path.join(this.path, fn.partsFilename), JSON.stringify(m));
  }

  // ---- merges ----

  private scheduleMerges(): void {
    if (this.closed || !this.backgroundMerges || this.mergeRunning !== undefined || Date.now() < this.mergesPausedUntil) return;
    const pick = this.pickMerge();
    if (pick === undefined) return;
    this.mergeRunning = this.runMerge(pick.pt, pick.pws).finally(() => {
      this.mergeRunning = undefined;
      this.scheduleMerges();
    });
  }

  private pickMerge(): { pt: Partition; pws: PartWrapper[] } | undefined {
    let best: { pt: Partition; pws: PartWrapper[]; score: number } | undefined;
    for (const pt of this.partitions.values()) {
      const cands = pt.parts.filter((pw) => !pw.inMerge).sort((a, b) => a.part.sizeBytes - b.part.sizeBytes);
      const sel = choosePartsToMerge(cands.map((pw) => pw.part.sizeBytes));
      if (sel === undefined) continue;
      const pws = cands.slice(sel.start, sel.end);
      if (best === undefined || sel.ratio > best.score) best = { pt, pws, score: sel.ratio };
    }
    if (best !== undefined) return best;
    // Nothing to merge by size: recompress parts left at the flush level
    // once they are a while old (the last flushes of a day), so that every
    // row ends up at the merge level.
    const now = Date.now();
    for (const pt of this.partitions.values()) {
      const low = pt.parts.filter((pw) => !pw.inMerge && (pw.part.meta.zstdLevel ?? 0) < this.mergeLevel && now - pw.createdAt >= recompressAfterMs);
      if (low.length > 0) return { pt, pws: low.slice(0, maxPartsToMerge) };
    }
    return undefined;
  }

  private async runMerge(pt: Partition, pws: PartWrapper[]): Promise<void> {
    for (const pw of pws) {
      pw.inMerge = true;
      pw.incRef();
    }
    const name = partNameOf(this.nextPartID++);
    const outDir = path.join(pt.datadb, name);
    const minTs = (BigInt(Math.floor(this.now())) - BigInt(this.retentionMs)) * nsPerMs;
    const release = (): void => {
      for (const pw of pws) {
        pw.inMerge = false;
        pw.decRef();
      }
    };
    let res;
    try {
      res = await this.mergeRunner.run({ kind: "merge", inputs: pws.map((pw) => pw.part.path), outDir, level: this.mergeLevel, minTimestamp: String(minTs) });
    } catch (e) {
      release();
      mustRemoveAll(outDir + ".tmp");
      mustRemoveAll(outDir);
      if (pt.dropped || this.closed) return;
      // The inputs stay as they are; merges pause for a while instead of retrying in a loop.
      logError(`cannot merge log parts ${pws.map((pw) => pw.part.path).join(", ")}: ${(e as Error).message}`);
      this.mergesPausedUntil = Date.now() + 60_000;
      return;
    }
    if (pt.dropped || this.closedHard) {
      release();
      mustRemoveAll(outDir);
      return;
    }
    const meta = res.parts[0]!.meta;
    const kept = pt.parts.filter((pw) => !pws.includes(pw));
    if (meta.rowsCount > 0) kept.push(new PartWrapper(Part.open(outDir), name));
    else mustRemoveAll(outDir);
    pt.parts = kept;
    this.writeManifest();
    for (const pw of pws) pw.mustDrop = true;
    release();
    for (const pw of pws) pw.decRef();
    mergesTotal.inc();
  }

  /**
   * forceMerge flushes, then merges all parts of every partition whose name
   * (YYYYMMDD) starts with partitionPrefix (all when omitted) into one.
   */
  async forceMerge(partitionPrefix = ""): Promise<void> {
    await this.forceFlush();
    for (const pt of [...this.partitions.values()]) {
      if (!pt.name.startsWith(partitionPrefix)) continue;
      for (;;) {
        while (this.mergeRunning !== undefined) await this.mergeRunning;
        if (pt.dropped || this.closed) break;
        const pws = pt.parts.filter((pw) => !pw.inMerge);
        if (pws.length === 0 || (pws.length === 1 && (pws[0]!.part.meta.zstdLevel ?? 0) >= this.mergeLevel)) break;
        const p = this.runMerge(pt, pws);
        this.mergeRunning = p.finally(() => {
          this.mergeRunning = undefined;
        });
        await this.mergeRunning;
        break;
      }
    }
    this.scheduleMerges();
  }

  // ---- retention ----

  private enforceRetention(): void {
    this.lastRetentionCheck = this.now();
    const cutoffMs = this.now() - this.retentionMs;
    for (const pt of [...this.partitions.values()]) {
      if ((pt.day + 1) * dayMs <= cutoffMs) {
        info(`dropping log partition ${pt.name}: it is outside the retention of ${this.retentionMs} ms`);
        this.dropPartition(pt);
      }
    }
    if (this.maxDiskBytes > 0) {
      const days = [...this.partitions.values()].sort((a, b) => a.day - b.day);
      let total = days.reduce((n, pt) => n + pt.sizeBytes(), 0);
      while (total > this.maxDiskBytes && days.length > 2) {
        const pt = days.shift()!;
        total -= pt.sizeBytes();
        info(`dropping log partition ${pt.name}: the storage uses more than -retention.maxDiskSpaceUsageBytes=${this.maxDiskBytes}`);
        this.dropPartition(pt);
      }
    }
  }

  private dropPartition(pt: Partition): void {
    pt.dropped = true;
    this.partitions.delete(pt.day);
    this.writeManifest();
    pt.index.mustClose();
    mustRemoveAll(path.join(pt.dir, fn.indexdbDirname));
    const parts = pt.parts;
    pt.parts = [];
    for (const pw of parts) {
      pw.mustDrop = true;
      pw.decRef();
    }
    this.cleanupDropped(pt, parts);
  }

  private cleanupDropped(pt: Partition, parts: PartWrapper[]): void {
    if (parts.every((pw) => pw.refCount === 0)) {
      if (!this.partitions.has(pt.day)) mustRemoveAll(pt.dir);
      return;
    }
    const t = setTimeout(() => this.cleanupDropped(pt, parts), 1000);
    t.unref();
  }

  // ---- search ----

  // memBlocks returns the rows not yet in parts as MemBlocks. The rows of a
  // record are grouped once (a search groups only the records committed
  // since the last); the MemBlocks, which keep the columns they decode, are
  // new for each search, so that decoded values live only as long as it.
  private memBlocks(): MemBlock[] {
    const out: MemBlock[] = [];
    for (const list of [this.inflight, this.pending]) {
      for (const rec of list) {
        let groups = this.memCache.get(rec);
        if (groups === undefined) {
          groups = memRowsOf(rec);
          this.memCache.set(rec, groups);
        }
        for (const g of groups) out.push(new MemBlock(g.tenant, g.streamID, g.stream, g.ts, g.reader, g.off, g.cnt));
      }
    }
    return out;
  }

  /** search calls onBlock for the blocks that may hold rows of opts (see LogSearcher). */
  async search(opts: SearchOptions, onBlock: (block: LogBlock) => boolean | void): Promise<void> {
    if (opts.tenants.length === 0 || opts.minTimestamp > opts.maxTimestamp) return;
    const tenants = new Map<string, TenantID>();
    for (const t of opts.tenants) tenants.set(`${t.accountID >>> 0}:${t.projectID >>> 0}`, t);
    const filterCache = new Map<string, boolean>();
    const streamOK = (tkey: string, streamID: string, stream: string): boolean => {
      if (opts.streamFilter === undefined) return true;
      const k = `${tkey}:${streamID}`;
      let ok = filterCache.get(k);
      if (ok === undefined) {
        ok = opts.streamFilter(parseCanonicalStream(stream));
        filterCache.set(k, ok);
      }
      return ok;
    };
    const aborted = (): boolean => opts.signal?.aborted === true;
    // The rows not yet in parts and the parts, taken together (synchronously)
    // so that a flush finishing during the search neither hides nor repeats rows.
    const mem = this.memBlocks();
    const views = [...this.partitions.values()]
      .filter((pt) => pt.maxTimestamp >= opts.minTimestamp && pt.minTimestamp <= opts.maxTimestamp)
      .sort((a, b) => a.day - b.day)
      .map((pt) => ({ pt, pws: pt.parts.slice() }));
    for (const v of views) for (const pw of v.pws) pw.incRef();
    try {
      for (const b of mem) {
        const tkey = `${b.tenant.accountID}:${b.tenant.projectID}`;
        const tenant = tenants.get(tkey);
        if (tenant === undefined || b.maxTimestamp < opts.minTimestamp || b.minTimestamp > opts.maxTimestamp) continue;
        if (!streamOK(tkey, b.streamID, b.stream)) continue;
        if (onBlock(b) === false) return;
      }
      let lastYield = performance.now();
      for (const { pt, pws } of views) {
        if (aborted()) return;
        if (opts.streamFilter !== undefined && !pt.dropped) {
          // Resolve the filter once per stream through the index.
          for (const [tkey, t] of tenants) pt.forEachStream(t.accountID, t.projectID, (sid, stream) => void streamOK(tkey, sid, stream));
        }
        for (const pw of pws) {
          const part = pw.part;
          if (part.maxTimestamp < opts.minTimestamp || part.minTimestamp > opts.maxTimestamp) continue;
          const mask = new Uint8Array(part.streams.length);
          const tenantOf: (TenantID | undefined)[] = [];
          let any = false;
          for (let i = 0; i < part.streams.length; i++) {
            const st = part.streams[i]!;
            const tkey = `${st.accountID}:${st.projectID}`;
            const t = tenants.get(tkey);
            tenantOf.push(t);
            if (t !== undefined && streamOK(tkey, st.streamID, st.stream)) {
              mask[i] = 1;
              any = true;
            }
          }
          if (!any) continue;
          const minTs = part.blockMinTs;
          const maxTs = part.blockMaxTs;
          for (let bi = 0; bi < part.blocksCount; bi++) {
            const si = part.blockStream[bi]!;
            if (mask[si] === 0 || maxTs[bi]! < opts.minTimestamp || minTs[bi]! > opts.maxTimestamp) continue;
            if (onBlock(new StoredBlock(part, bi, tenantOf[si]!)) === false) return;
            if (performance.now() - lastYield > 20) {
              await yieldToLoop();
              lastYield = performance.now();
              if (aborted()) return;
            }
          }
        }
      }
    } finally {
      for (const v of views) for (const pw of v.pws) pw.decRef();
    }
  }

  /** streams lists the streams with rows in the days of the time range, filtered like search. */
  async streams(opts: SearchOptions): Promise<StreamInfo[]> {
    const out: StreamInfo[] = [];
    const seen = new Set<string>();
    if (opts.minTimestamp > opts.maxTimestamp) return out;
    for (const pt of [...this.partitions.values()].sort((a, b) => a.day - b.day)) {
      if (pt.maxTimestamp < opts.minTimestamp || pt.minTimestamp > opts.maxTimestamp) continue;
      for (const t of opts.tenants) {
        pt.forEachStream(t.accountID, t.projectID, (streamID, stream) => {
          const k = `${t.accountID >>> 0}:${t.projectID >>> 0}:${streamID}`;
          if (seen.has(k)) return;
          seen.add(k);
          const tags = parseCanonicalStream(stream);
          if (opts.streamFilter !== undefined && !opts.streamFilter(tags)) return;
          out.push({ tenant: t, streamID, stream, tags });
        });
      }
      if (opts.signal?.aborted === true) break;
    }
    return out;
  }

  // ---- snapshots ----

  /** createSnapshot flushes and hard-links every part and index into snapshots/<name>; returns the name. */
  async createSnapshot(): Promise<string> {
    await this.forceFlush();
    if (this.closed) throw new Error(`cannot create a snapshot: the log storage ${this.path} is closed`);
    const d = new Date(this.now());
    const stamp = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const name = `${stamp}-${partNameOf(this.nextPartID++)}`;
    const sdir = path.join(this.path, fn.snapshotsDirname, name);
    const tmp = sdir + ".tmp";
    mustRemoveAll(tmp);
    mustMkdirAll(tmp);
    const m: Manifest = { walCheckpoint: this.walCheckpoint, partitions: {} };
    for (const pt of this.partitions.values()) {
      const pdir = path.join(tmp, fn.partitionsDirname, pt.name);
      for (const pw of pt.parts) mustHardLinkDir(pw.part.path, path.join(pdir, fn.datadbDirname, pw.name));
      mustMkdirAll(path.join(pdir, fn.datadbDirname));
      pt.index.createSnapshotAt(path.join(pdir, fn.indexdbDirname));
      m.partitions[pt.name] = pt.parts.map((pw) => pw.name);
    }
    mustWriteAtomic(path.join(tmp, fn.partsFilename), JSON.stringify(m));
    fs.renameSync(tmp, sdir);
    return name;
  }

  /** listSnapshots returns the snapshot names, oldest first. */
  listSnapshots(): string[] {
    try {
      return fs.readdirSync(path.join(this.path, fn.snapshotsDirname)).filter((n) => snapshotNameRe.test(n)).sort();
    } catch {
      return [];
    }
  }

  /** deleteSnapshot removes a snapshot; it throws when there is none of that name. */
  deleteSnapshot(name: string): void {
    if (!snapshotNameRe.test(name)) throw new Error(`cannot delete snapshot ${JSON.stringify(name)}: got a bad name; want YYYYMMDDhhmmss-<16 hex digits>`);
    const dir = path.join(this.path, fn.snapshotsDirname, name);
    if (!fs.existsSync(dir)) throw new Error(`cannot delete snapshot ${JSON.stringify(name)}: no such snapshot`);
    mustRemoveAll(dir);
  }

  // ---- stats and close ----

  private partsCount(): number {
    let n = 0;
    for (const pt of this.partitions.values()) n += pt.parts.length;
    return n;
  }

  private dataSizeBytes(): number {
    let n = 0;
    for (const pt of this.partitions.values()) for (const pw of pt.parts) n += pw.part.sizeBytes;
    return n;
  }

  private indexSizeBytes(): number {
    let n = 0;
    for (const pt of this.partitions.values()) n += pt.index.stats().sizeBytes;
    return n;
  }

  /** stats returns counts for tests and /metrics (rows include those not yet flushed). */
  stats(): LogStorageStats {
    let rows = this.pendingRows + this.inflightRows;
    let streams = 0;
    for (const pt of this.partitions.values()) {
      for (const pw of pt.parts) rows += pw.part.meta.rowsCount;
      streams += pt.streams.size;
    }
    return { rows, parts: this.partsCount(), streams, bytesOnDisk: this.dataSizeBytes() + this.indexSizeBytes(), partitions: this.partitions.size };
  }

  /** close flushes every row to disk, stops the workers and timers and releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      await this.forceFlush();
    } catch (e) {
      // The rows stay in the WAL and are replayed at the next open.
      logError(`cannot flush log rows at close: ${(e as Error).message}`);
    }
    this.closed = true;
    this.closedHard = true;
    await this.mergeRunner.close();
    await this.flushRunner.close();
    for (const pt of this.partitions.values()) {
      pt.index.mustClose();
      for (const pw of pt.parts) pw.decRef();
      pt.parts = [];
    }
    this.wal.close();
    this.wal.removeUpTo(this.walCheckpoint);
    this.unregisterGauges();
    this.unlock();
  }
}

// MemRows are the rows of one stream in one record, sorted by time: what a MemBlock reads.
interface MemRows {
  tenant: TenantID;
  streamID: string;
  stream: string;
  ts: BigInt64Array;
  reader: RecordReader;
  off: Float64Array;
  cnt: Uint32Array;
}

function memRowsOf(rec: Uint8Array): MemRows[] {
  const { readers, groups } = groupRecords([rec]);
  return groups.map((g) => ({ tenant: { accountID: g.accountID, projectID: g.projectID }, streamID: g.streamID, stream: g.stream, ts: g.ts.slice(0, g.n), reader: readers[0]!, off: g.off.slice(0, g.n), cnt: g.cnt.slice(0, g.n) }));
}

function cachedID(stream: string): string {
  return streamIDOf(stream);
}

/** choosePartsToMerge picks, among sizes sorted ascending, the window [start, end) of 2..15 parts with the best total/largest ratio (at least 1.7). */
export function choosePartsToMerge(sizes: readonly number[]): { start: number; end: number; ratio: number } | undefined {
  const n = sizes.length;
  let best: { start: number; end: number; ratio: number } | undefined;
  for (let k = Math.min(maxPartsToMerge, n); k >= 2; k--) {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += sizes[i]!;
    for (let i = 0; i + k <= n; i++) {
      if (i > 0) sum += sizes[i + k - 1]! - sizes[i - 1]!;
      const ratio = sum / Math.max(1, sizes[i + k - 1]!);
      if (ratio >= minMergeMultiplier && (best === undefined || ratio > best.ratio)) best = { start: i, end: i + k, ratio };
    }
  }
  return best;
}

