// Storage is the metrics storage engine: series identity (IndexDB), samples
// (Table), the write-ahead log and the caches, behind one API that the
// ingestion handlers and the query engine use. It reads no flags: app code
// passes StorageOptions.
//
// Layout of a data directory (see FORMAT.md):
//   data/parts.json  data/YYYY_MM/<part>/   samples
//   indexdb/                                 the series index (mergeset)
//   wal/<seq>.wal                            rows not yet in file parts
//   snapshots/<name>/{data,indexdb}          hard-linked snapshots
//   flock.lock                               the directory lock

import * as fs from "node:fs";
import * as path from "node:path";
import { lockDir, mustMkdirAll, mustRemoveAll, mustFsyncPath, mustWriteAtomic, dirSize } from "../fs/index.ts";
import { info, warn } from "../logger/index.ts";
import { cacheDirname, dataDirname, indexdbDirname, snapshotsDirname, walDirname } from "./filenames.ts";
import { IndexDB, dateOf, SeriesLimitError, type TSDBStatus } from "./index_db.ts";
import { canonicalLabels, marshalMetricName, unmarshalMetricName, metricGroupOf, metricIDOf, type Label } from "./metric_name.ts";
import { SeriesMerger, type PayloadKey } from "./series_merger.ts";
import { blockPayloadCache } from "./block_payload_cache.ts";
import type { Part } from "./part.ts";
import { SeriesBatchBuilder, type BatchFills, type SeriesBatch } from "../seriesbatch/index.ts";
import { isStaleNaN } from "../encoding/index.ts";
import { MAX_RAW_ROWS } from "./raw_rows.ts";
import { Table } from "./table.ts";
import type { TagFilter } from "./tag_filters.ts";
import { WalWriter, listSegments, replaySegment, type ReplayStats } from "./wal.ts";

export { SeriesLimitError, type TSDBStatus };

export interface StorageOptions {
  /** samples older than now-retentionMs are dropped */
  retentionMs: number;
  /** samples newer than now+futureRetentionMs are rejected; default 2 days as VictoriaMetrics */
  futureRetentionMs?: number;
  /** -dedup.minScrapeInterval in ms; 0 disables */
  dedupIntervalMs?: number;
  /** how often in-memory data go to file parts (ms); default 5000; 0 = only on flush */
  flushIntervalMs?: number;
  /** raw rows become searchable this often (ms); default 1000 */
  rawFlushIntervalMs?: number;
  /** entries of the metric-name -> TSID cache (split in two generations) */
  tsidCacheEntries?: number;
  /** fsync the WAL this often (ms); default 1000 */
  walSyncIntervalMs?: number;
  backgroundMerges?: boolean;
}

/** Rows is a batch of series with their samples, as parsers produce it. */
export interface Rows {
  lines: number;
  labels: ReadonlyArray<ReadonlyArray<Label>>;
  timestamps: Float64Array;
  values: Float64Array;
  /** samples of line i are [offsets[i], offsets[i+1]) */
  offsets: Uint32Array;
}

export interface AddResult {
  rowsAdded: number;
  tooSmallTimestamp: number;
  tooBigTimestamp: number;
  invalidSeries: number;
  /** NaN values dropped (staleness markers are kept) */
  nanValues: number;
}

/** SeriesData is one series of a search result; arrays are reused after the iterator moves on. */
export interface SeriesData {
  key: string;
  labels: Label[];
  tsid: number;
  timestamps: Float64Array;
  values: Float64Array;
  n: number;
}

interface CacheEntry { tsid: number; date: number }

interface KeyCacheEntry {
  flat: string[];
  canon: readonly Label[];
  key: string;
  entry: CacheEntry | undefined;
  entryGen: number;
}

const SNAPSHOT_NAME_RE = /^[0-9]{14}-[0-9A-F]{8}$/;

/** isValidSnapshotName reports whether name has the shape of a name the server makes. */
export function isValidSnapshotName(name: string): boolean {
  return SNAPSHOT_NAME_RE.test(name);
}

/** RAW_KEY_CACHE_ENTRIES bounds each generation of the cache by labels as given. */
const RAW_KEY_CACHE_ENTRIES = 50_000;

// rawLabelsKey joins labels in the order given. Two label lists may share a
// key (a name or value holding the separators): a hit is checked with sameLabels.
function rawLabelsKey(labels: ReadonlyArray<Label>): string {
  let s = "";
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    s += l[0] + "\u0000" + l[1] + "\u0001";
  }
  return s;
}

function sameLabels(flat: readonly string[], labels: ReadonlyArray<Label>): boolean {
  if (flat.length !== labels.length * 2) return false;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l[0] !== flat[2 * i] || l[1] !== flat[2 * i + 1]) return false;
  }
  return true;
}

export class Storage {
  readonly path: string;
  readonly opts: Required<StorageOptions>;
  readonly index: IndexDB;
  readonly table: Table;
  private wal: WalWriter;
  private unlock: () => void;
  private flushTimer: NodeJS.Timeout | undefined;
  private cacheCurr = new Map<string, CacheEntry>();
  private cachePrev = new Map<string, CacheEntry>();
  /**
   * canonical labels and key per labels array, for parsers that reuse the arrays,
   * and the series' cache entry once known (valid while entryGen === this.entryGen)
   */
  private keyCache = new WeakMap<ReadonlyArray<Label>, KeyCacheEntry>();
  /** the same entries by the labels as given (rawLabelsKey), in two generations */
  private rawKeyCurr = new Map<string, KeyCacheEntry>();
  private rawKeyPrev = new Map<string, KeyCacheEntry>();
  /** bumped when series are deleted: cache entries remembered in keyCache are then looked up again */
  private entryGen = 0;
  /** (date, metricID) pairs already indexed for dates other than an entry's latest */
  private dateSeen = new Set<string>();
  /** the cache entry tsidFor used last */
  private lastEntry: CacheEntry | undefined;
  private snapshotSeq = 0;
  private writeListener: { lagMs: number; fn: (names: ReadonlySet<string>, minT: number) => void } | undefined;
  private closed = false;
  /** rows were added since the last flushToDisk */
  private dirty = false;
  readonly startedAfterUncleanShutdown: boolean;
  readonly replay: ReplayStats = { segments: 0, records: 0, rows: 0, tornBytes: 0 };
  readonly counters = {
    rowsAdded: 0, tooSmall: 0, tooBig: 0, nanValues: 0, cacheRequests: 0, cacheMisses: 0, seriesCreated: 0,
    deletedSeries: 0, snapshotsCreated: 0, flushes: 0, searches: 0,
  };

  private constructor(p: string, opts: StorageOptions, unlock: () => void) {
    this.path = p;
    this.unlock = unlock;
    this.opts = {
      retentionMs: opts.retentionMs,
      futureRetentionMs: opts.futureRetentionMs ?? 2 * 86_400_000,
      dedupIntervalMs: opts.dedupIntervalMs ?? 0,
      flushIntervalMs: opts.flushIntervalMs ?? 5000,
      rawFlushIntervalMs: opts.rawFlushIntervalMs ?? 1000,
      tsidCacheEntries: opts.tsidCacheEntries ?? 2_000_000,
      walSyncIntervalMs: opts.walSyncIntervalMs ?? 1000,
      backgroundMerges: opts.backgroundMerges ?? true,
    };
    const marker = path.join(p, "tidemark.running");
    this.startedAfterUncleanShutdown = fs.existsSync(marker);
    if (this.startedAfterUncleanShutdown) warn(`the previous process on ${p} did not stop cleanly; replaying the write-ahead log`);
    fs.writeFileSync(marker, String(process.pid));
    this.index = new IndexDB(path.join(p, indexdbDirname), { flushIntervalMs: 0, backgroundMerges: this.opts.backgroundMerges });
    this.table = new Table(path.join(p, dataDirname), {
      retentionMs: this.opts.retentionMs,
      futureRetentionMs: this.opts.futureRetentionMs,
      dedupIntervalMs: this.opts.dedupIntervalMs,
      backgroundMerges: this.opts.backgroundMerges,
      rawFlushIntervalMs: this.opts.rawFlushIntervalMs,
    });
    const walDir = path.join(p, walDirname);
    mustMkdirAll(walDir);
    // Replay what the last process acknowledged but did not put into file parts.
    const segs = listSegments(walDir).filter((s) => s > this.table.walCheckpoint);
    let last = this.table.walCheckpoint;
    for (const seq of segs) {
      replaySegment(walDir, seq, (keys, ids, ts, vals, n) => this.replayRows(keys, ids, ts, vals, n), this.replay);
      last = seq;
    }
    if (segs.length > 0) {
      info(`replayed ${this.replay.rows} rows from ${this.replay.segments} WAL segments`);
      this.table.flushToDisk(last, () => this.index.flushToDisk());
    }
    for (const seq of listSegments(walDir)) if (seq <= last) fs.rmSync(path.join(walDir, seq.toString(16).padStart(16, "0") + ".wal"), { force: true });
    this.wal = new WalWriter(walDir, last + 1, this.opts.walSyncIntervalMs);
    this.loadTSIDCache();
    if (this.opts.flushIntervalMs > 0) {
      this.flushTimer = setInterval(() => this.flushToDisk(), this.opts.flushIntervalMs);
      this.flushTimer.unref();
    }
  }

  /** open opens (creating if needed) the storage at p. Throws DirLockError when another process uses p. */
  static open(p: string, opts: StorageOptions): Storage {
    mustMkdirAll(p);
    const unlock = lockDir(p);
    try {
      return new Storage(p, opts, unlock);
    } catch (e) {
      unlock();
      throw e;
    }
  }

  private replayRows(keys: Map<number, string>, ids: Uint32Array, ts: Float64Array, vals: Float64Array, n: number): void {
    const [minT, maxT] = this.table.retentionBounds();
    for (let i = 0; i < n; i++) {
      const key = keys.get(ids[i]!);
      if (key === undefined) throw new Error(`BUG: WAL row refers to series ${ids[i]} that the segment does not define`);
      const t = ts[i]!;
      if (t < minT || t > maxT) continue;
      const tsid = this.tsidFor(key, undefined, t);
      this.table.raw.add(tsid, t, vals[i]!);
    }
  }

  // tsidFor returns the TSID of series key, registering it (and its day
  // entry for timestamp t) when needed.
  private tsidFor(key: string, canon: readonly Label[] | undefined, t: number): number {
    this.counters.cacheRequests++;
    let e = this.cacheCurr.get(key);
    if (e === undefined) {
      e = this.cachePrev.get(key);
      if (e !== undefined) this.cacheSet(key, e);
    }
    const date = dateOf(t);
    if (e === undefined) {
      this.counters.cacheMisses++;
      // A name the index never saw needs no index lookup.
      let tsid = this.index.mayHaveSeries(key) ? this.index.lookupTSID(key) : -1;
      canon ??= unmarshalMetricName(key);
      if (tsid < 0) {
        tsid = this.index.createSeries(key, canon);
        this.counters.seriesCreated++;
        this.index.addDateEntries(date, metricIDOf(tsid), canon);
      } else if (!this.index.hasDateEntry(date, metricIDOf(tsid))) {
        this.index.addDateEntries(date, metricIDOf(tsid), canon);
      }
      e = { tsid, date };
      this.cacheSet(key, e);
      this.lastEntry = e;
      return tsid;
    }
    if (e.date !== date) this.ensureDate(e, key, canon, date);
    this.lastEntry = e;
    return e.tsid;
  }

  private ensureDate(e: CacheEntry, key: string, canon: readonly Label[] | undefined, date: number): void {
    const id = metricIDOf(e.tsid);
    if (date > e.date) {
      // The series moved on to a new day (the common case at midnight).
      if (!this.index.hasDateEntry(date, id)) this.index.addDateEntries(date, id, canon ?? unmarshalMetricName(key));
      e.date = date;
      return;
    }
    const k = `${date}:${id}`;
    if (this.dateSeen.has(k)) return;
    if (!this.index.hasDateEntry(date, id)) this.index.addDateEntries(date, id, canon ?? unmarshalMetricName(key));
    if (this.dateSeen.size > 1_000_000) this.dateSeen.clear();
    this.dateSeen.add(k);
  }

  private cacheSet(key: string, e: CacheEntry): void {
    this.cacheCurr.set(key, e);
    if (this.cacheCurr.size >= this.opts.tsidCacheEntries / 2) {
      this.cachePrev = this.cacheCurr;
      this.cacheCurr = new Map();
    }
  }

  /**
   * addRows stores a batch. When it returns, the rows are in the WAL (they
   * survive a crash of the process) and will be searchable within about a
   * second. Samples outside the retention window are counted and dropped.
   */
  addRows(rows: Rows): AddResult {
    if (this.closed) throw new Error("cannot add rows: the storage is closed");
    const res: AddResult = { rowsAdded: 0, tooSmallTimestamp: 0, tooBigTimestamp: 0, invalidSeries: 0, nanValues: 0 };
    const [minT, maxT] = this.table.retentionBounds();
    const wal = this.wal;
    const raw = this.table.raw;
    const wl = this.writeListener;
    const lateBound = wl === undefined ? -Infinity : Date.now() - wl.lagMs;
    let lateNames: Set<string> | undefined;
    let lateMin = Infinity;
    // Turn buffered rows into a part before they would outgrow MAX_RAW_ROWS,
    // so that the raw columns keep their size instead of doubling.
    if (raw.n > 0 && raw.n + (rows.offsets[rows.lines] ?? 0) > MAX_RAW_ROWS) this.table.flushRawRows();
    wal.beginRecord();
    const ts = rows.timestamps;
    const vals = rows.values;
    for (let i = 0; i < rows.lines; i++) {
      let s = rows.offsets[i]!;
      const e = rows.offsets[i + 1]!;
      if (e <= s) continue;
      const lbls = rows.labels[i]!;
      // Parsers that keep one labels array per series across requests (remote
      // write's labels cache) get its canonical form and key computed once.
      // The labels are compared with what was cached, so an array that a
      // parser refilled for another series is never given a stale key.
      let cached = this.keyCache.get(lbls);
      if (cached === undefined || !sameLabels(cached.flat, lbls)) {
        // Parsers that make a fresh array per line (InfluxDB, OTLP, ...) find
        // the series by its labels as given, without sorting and escaping them.
        const rk = rawLabelsKey(lbls);
        const hit = this.rawKeyCurr.get(rk) ?? this.rawKeyPrev.get(rk);
        if (hit !== undefined && sameLabels(hit.flat, lbls)) {
          cached = hit;
        } else {
          const flat: string[] = [];
          for (const l of lbls) flat.push(l[0], l[1]);
          const c = canonicalLabels(lbls);
          cached = { flat, canon: c === lbls ? c.slice() : c, key: c.length === 0 ? "" : marshalMetricName(c), entry: undefined, entryGen: -1 };
          this.keyCache.set(lbls, cached);
        }
        if (this.rawKeyCurr.size >= RAW_KEY_CACHE_ENTRIES) {
          this.rawKeyPrev = this.rawKeyCurr;
          this.rawKeyCurr = new Map();
        }
        this.rawKeyCurr.set(rk, cached);
      }
      const canon = cached.canon;
      if (canon.length === 0) {
        res.invalidSeries++;
        continue;
      }
      // Drop samples outside retention and NaN values other than staleness
      // markers, as VictoriaMetrics does (both are rare: the fast path only checks).
      let allIn = true;
      for (let j = s; j < e; j++) {
        const t = ts[j]!;
        const v = vals[j]!;
        if (t < minT || t > maxT || (v !== v && !isStaleNaN(v))) { allIn = false; break; }
      }
      let lts = ts, lvals = vals, ls = s, le = e;
      if (!allIn) {
        const kt = new Float64Array(e - s), kv = new Float64Array(e - s);
        let k = 0;
        for (let j = s; j < e; j++) {
          const t = ts[j]!;
          const v = vals[j]!;
          if (t < minT) res.tooSmallTimestamp++;
          else if (t > maxT) res.tooBigTimestamp++;
          else if (v !== v && !isStaleNaN(v)) res.nanValues++;
          else { kt[k] = t; kv[k] = v; k++; }
        }
        if (k === 0) continue;
        lts = kt; lvals = kv; ls = 0; le = k;
      }
      const key = cached.key;
      let tsid: number;
      const ce = cached.entry;
      if (ce !== undefined && cached.entryGen === this.entryGen && ce.date === dateOf(lts[ls]!)) {
        // A series this labels array was seen with, on the same day: no name lookup.
        this.counters.cacheRequests++;
        tsid = ce.tsid;
      } else {
        tsid = this.tsidFor(key, canon, lts[ls]!);
        cached.entry = this.lastEntry;
        cached.entryGen = this.entryGen;
      }
      // Index every day the samples touch.
      const d0 = dateOf(lts[ls]!);
      const d1 = dateOf(lts[le - 1]!);
      if (d0 !== d1 || le - ls > 1) {
        let prev = d0;
        for (let j = ls + 1; j < le; j++) {
          const d = dateOf(lts[j]!);
          if (d !== prev) { this.tsidFor(key, canon, lts[j]!); prev = d; }
        }
      }
      const id = metricIDOf(tsid);
      if (!wal.isDefined(id)) wal.defineSeries(id, key);
      wal.addSeriesRows(id, lts, lvals, ls, le);
      raw.addMany(tsid, lts, lvals, ls, le);
      if (wl !== undefined) {
        // Samples older than the listener's lag may change cached query results.
        let m = Infinity;
        for (let j = ls; j < le; j++) if (lts[j]! < m) m = lts[j]!;
        if (m <= lateBound) {
          (lateNames ??= new Set()).add(metricGroupOf(key));
          if (m < lateMin) lateMin = m;
        }
      }
      res.rowsAdded += le - ls;
    }
    wal.commit();
    if (lateNames !== undefined) wl!.fn(lateNames, lateMin);
    if (res.rowsAdded > 0) this.dirty = true;
    this.counters.rowsAdded += res.rowsAdded;
    this.counters.tooSmall += res.tooSmallTimestamp;
    this.counters.tooBig += res.tooBigTimestamp;
    this.counters.nanValues += res.nanValues;
    if (raw.n >= MAX_RAW_ROWS) this.table.flushRawRows();
    return res;
  }

  /** flushToDisk puts everything acknowledged so far into file parts and trims the WAL. */
  flushToDisk(): void {
    if (this.closed) return;
    if (!this.dirty) {
      // Nothing new in the WAL: only index changes (deletions) may be pending.
      this.index.flushToDisk();
      return;
    }
    this.dirty = false;
    const seg = this.wal.rotate();
    this.table.flushToDisk(seg, () => this.index.flushToDisk());
    this.wal.removeUpTo(seg);
    this.counters.flushes++;
  }

  /** forceFlush makes all ingested rows searchable (and durable in parts). */
  forceFlush(): void {
    this.flushToDisk();
  }

  /** forceMerge fully merges partitions whose name starts with prefix ("" = all). */
  async forceMerge(prefix: string): Promise<void> {
    this.flushToDisk();
    await this.table.forceMerge(prefix);
    this.index.table.forceMerge();
  }

  /**
   * setWriteListener registers fn (one listener; undefined removes it). fn is
   * called synchronously by addRows with the metric names and the oldest
   * timestamp of the samples it stored that are at least lagMs older than
   * the current time, and by deleteSeries with the names of the series it
   * deleted samples of and the start of the deleted range. The rollup result
   * cache drops what such writes change.
   */
  setWriteListener(lagMs: number, fn: ((names: ReadonlySet<string>, minT: number) => void) | undefined): void {
    this.writeListener = fn === undefined ? undefined : { lagMs, fn };
  }

  /**
   * retentionMinT returns the retention bound at now: searches hide samples
   * older than it (they stay on disk until their partition is dropped, which
   * happens only once all of its samples are older than it). The bound only
   * moves forward; a cache of query results drops what depends on older
   * samples (RollupResultCache.setRetentionBound).
   */
  retentionMinT(now = Date.now()): number {
    return this.table.retentionBounds(now)[0];
  }

  /** searchSeries finds the series matching filters with samples in [minT, maxT], sorted by TSID. */
  searchSeries(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): { tsids: Float64Array; keys: string[] } {
    const ids = this.index.searchMetricIDs(filters, minT, maxT, maxSeries);
    return this.index.resolveSeries(ids);
  }

  // openSearch starts a search: the series matching filters with samples in
  // [minT, maxT] (minT raised to the retention bound: samples outside it may
  // still sit in parts not merged yet) and a merger over the pinned parts,
  // which the caller must release; undefined when nothing can match.
  private openSearch(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): { m: SeriesMerger; tsids: Float64Array; keys: string[]; parts: Part[]; minT: number } | undefined {
    this.counters.searches++;
    minT = Math.max(minT, this.table.retentionBounds()[0]);
    if (minT > maxT) return undefined;
    this.table.flushRawRows();
    const { tsids, keys } = this.searchSeries(filters, minT, maxT, maxSeries);
    if (tsids.length === 0) return undefined;
    const parts = this.table.pinParts(minT, maxT);
    try {
      const m = new SeriesMerger(parts, tsids, { minT, maxT, dedupInterval: this.opts.dedupIntervalMs, useBlockCache: true });
      return { m, tsids, keys, parts, minT };
    } catch (e) {
      for (const p of parts) p.decRef();
      throw e;
    }
  }

  /**
   * search yields the samples in [minT, maxT] of each series matching
   * filters, series by series. The arrays of a yielded item are reused on the
   * next step. Breaking out of the loop releases the parts.
   */
  *search(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): Generator<SeriesData> {
    const s = this.openSearch(filters, minT, maxT, maxSeries);
    if (s === undefined) return;
    const { m, tsids, keys } = s;
    try {
      let k = 0;
      while (m.next()) {
        while (k < tsids.length && tsids[k]! < m.tsid) k++;
        const key = keys[k]!;
        yield { key, labels: unmarshalMetricName(key), tsid: m.tsid, timestamps: m.ts, values: m.vals, n: m.n };
      }
    } finally {
      for (const p of s.parts) p.decRef();
    }
  }

  /**
   * searchBatches is search without decoding: it yields the series matching
   * filters in batches of up to batchSeries series (fewer when there are few
   * series: at least four batches from 32 on) or about batchBytes of
   * payload, each with their blocks still encoded (SeriesBatch, decoded with
   * decodeBatchSeries, in any thread) and labelsAt(i), the labels of series
   * i, parsed when asked. A series may decode to no samples in [minT, maxT].
   * Payloads the block cache did not have go compressed; give what the
   * decoder hands back decompressed (takeBatchFills) to cacheFills, which
   * caches it for later searches.
   */
  *searchBatches(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number, batchSeries: number, batchBytes: number): Generator<{ labelsAt: (i: number) => Label[]; batch: SeriesBatch; cacheFills: (f: BatchFills) => void }> {
    const s = this.openSearch(filters, minT, maxT, maxSeries);
    if (s === undefined) return;
    const { m, tsids, keys } = s;
    const dedup = this.opts.dedupIntervalMs;
    // At least four batches once there are 32 series, so that a search of a
    // few dozen long series is spread over the decoding threads too.
    const perBatch = Math.max(8, Math.min(batchSeries, Math.ceil(tsids.length / 4)));
    try {
      const b = new SeriesBatchBuilder();
      // Keys, not parsed labels, wait with a batch: they are one string each.
      let batchKeys: string[] = [];
      const labelsOf = (ks: string[]) => (i: number): Label[] => unmarshalMetricName(ks[i]!);
      let fills = new Map<number, PayloadKey>();
      const cacheFillsOf = (where: Map<number, PayloadKey>) => (f: BatchFills): void => {
        for (let j = 0; j < f.pos.length; j++) {
          const key = where.get(f.pos[j]!);
          if (key !== undefined) blockPayloadCache.store(key.partSeq, key.stream, key.off, f.bytes.subarray(f.offsets[j]!, f.offsets[j + 1]!));
        }
      };
      let k = 0;
      while (m.nextBlocks(b, fills)) {
        while (k < tsids.length && tsids[k]! < m.tsid) k++;
        batchKeys.push(keys[k]!);
        if (b.series >= perBatch || b.payloadBytes >= batchBytes) {
          yield { labelsAt: labelsOf(batchKeys), batch: b.finish(s.minT, maxT, dedup), cacheFills: cacheFillsOf(fills) };
          batchKeys = [];
          fills = new Map();
        }
      }
      if (b.series > 0) yield { labelsAt: labelsOf(batchKeys), batch: b.finish(s.minT, maxT, dedup), cacheFills: cacheFillsOf(fills) };
    } finally {
      for (const p of s.parts) p.decRef();
    }
  }

  /** labelNames returns label names of matching series (all when filters is empty). */
  labelNames(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): string[] {
    this.table.flushRawRows();
    return this.index.searchLabelNames(filters, minT, maxT, maxSeries);
  }

  /** tsdbStatus returns cardinality stats for a day (0 = all time), over series matching any of filterSets (all when empty). */
  tsdbStatus(date: number, filterSets: readonly (readonly TagFilter[])[], focusLabel: string, topN: number, maxSeries: number): TSDBStatus {
    this.table.flushRawRows();
    let filter: Set<number> | undefined;
    if (filterSets.length > 0) {
      const minT = date === 0 ? 0 : date * 86_400_000;
      const maxT = date === 0 ? Date.now() + 2 * 86_400_000 : (date + 1) * 86_400_000 - 1;
      filter = new Set();
      for (const fs of filterSets) for (const id of this.index.searchMetricIDs(fs, minT, maxT, maxSeries)) filter.add(id);
    }
    return this.index.tsdbStatus(date, filter, focusLabel, topN);
  }

  /** labelValues returns values of a label among matching series. */
  labelValues(name: string, filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): string[] {
    return this.index.searchLabelValues(name, filters, minT, maxT, maxSeries);
  }

  /**
   * deleteSeries deletes samples of series matching filters. Without a time
   * range (minT=-Infinity, maxT=Infinity) whole series go: their index entries
   * are marked deleted too, and a later sample with the same labels starts a
   * new series. With a range only samples inside it are removed. The data are
   * rewritten on disk before this returns, so they never come back.
   * Returns the number of series touched.
   */
  async deleteSeries(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): Promise<number> {
    const whole = minT === -Infinity && maxT === Infinity;
    // Everything acknowledged so far must be in file parts (and out of the WAL) first.
    this.flushToDisk();
    const ids = this.index.searchMetricIDs(filters, whole ? 0 : minT, whole ? 8.64e15 : maxT, maxSeries);
    if (ids.size === 0) return 0;
    const { tsids, keys } = this.index.resolveSeries(ids);
    await this.table.deleteRows(tsids, minT, maxT);
    this.writeListener?.fn(new Set(keys.map(metricGroupOf)), minT);
    if (whole) {
      this.index.markDeleted(ids);
      for (const k of keys) { this.cacheCurr.delete(k); this.cachePrev.delete(k); }
      this.entryGen++;
      this.index.flushToDisk();
      this.counters.deletedSeries += ids.size;
    }
    return ids.size;
  }

  /** createSnapshot makes a hard-linked snapshot of all data and returns its name. */
  createSnapshot(): string {
    this.flushToDisk();
    const d = new Date();
    const ts = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const name = `${ts}-${(((Date.now() / 1000) >>> 0) + this.snapshotSeq++ >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
    const dir = path.join(this.path, snapshotsDirname, name);
    const tmp = dir + ".tmp";
    mustRemoveAll(tmp);
    mustMkdirAll(tmp);
    this.table.createSnapshotAt(path.join(tmp, dataDirname));
    this.index.table.createSnapshotAt(path.join(tmp, indexdbDirname));
    mustFsyncPath(tmp);
    fs.renameSync(tmp, dir);
    mustFsyncPath(path.dirname(dir));
    this.counters.snapshotsCreated++;
    return name;
  }

  /** listSnapshots returns the names of existing snapshots, sorted. */
  listSnapshots(): string[] {
    const dir = path.join(this.path, snapshotsDirname);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter(isValidSnapshotName).sort();
  }

  /** deleteSnapshot removes snapshot name; false when there is no such snapshot. Throws on an invalid name. */
  deleteSnapshot(name: string): boolean {
    if (!isValidSnapshotName(name)) throw new RangeError(`invalid snapshot name ${JSON.stringify(name)}: want a name returned by /snapshot/create or /snapshot/list`);
    if (!this.listSnapshots().includes(name)) return false;
    mustRemoveAll(path.join(this.path, snapshotsDirname, name));
    return true;
  }

  /** metrics returns numbers for /metrics. */
  stats(): Record<string, number> {
    const pc = this.table.partsCount();
    const is = this.index.table.stats();
    return {
      rowsInmemory: pc.rows.inmemory,
      rowsFile: pc.rows.file,
      partsInmemory: pc.inmemory,
      partsFile: pc.file,
      bytesInmemory: pc.bytes.inmemory,
      bytesFile: pc.bytes.file,
      indexItems: is.itemsCount,
      seriesSetBytes: this.index.series.sizeBytes,
      indexParts: is.fileParts + is.inmemoryParts,
      indexBytes: is.sizeBytes,
      tsidCacheEntries: this.cacheCurr.size + this.cachePrev.size,
      walBytes: dirSize(path.join(this.path, walDirname)),
    };
  }

  // The metric name -> TSID cache is saved at a clean stop and loaded at the
  // next start, so that a restarted node does not look every active series
  // up in the index again. The file is removed once loaded: after a crash the
  // cache starts empty (it is only a cache), and a snapshot never carries it.
  private tsidCachePath(): string {
    return path.join(this.path, cacheDirname, "metricName_tsid.bin");
  }

  private saveTSIDCache(): void {
    const entries = [...this.cachePrev, ...this.cacheCurr];
    if (entries.length === 0) return;
    const parts: Buffer[] = [];
    let size = 0;
    const head = Buffer.alloc(4);
    head.writeUInt32BE(entries.length);
    parts.push(head);
    for (const [key, e] of entries) {
      const kb = Buffer.from(key, "utf8");
      const rec = Buffer.allocUnsafe(4 + kb.length + 12);
      rec.writeUInt32BE(kb.length, 0);
      kb.copy(rec, 4);
      rec.writeDoubleBE(e.tsid, 4 + kb.length);
      rec.writeUInt32BE(e.date >>> 0, 12 + kb.length);
      parts.push(rec);
      size += rec.length;
    }
    void size;
    mustMkdirAll(path.dirname(this.tsidCachePath()));
    mustWriteAtomic(this.tsidCachePath(), Buffer.concat(parts));
  }

  private loadTSIDCache(): void {
    const p = this.tsidCachePath();
    let data: Buffer;
    try {
      data = fs.readFileSync(p);
    } catch {
      return;
    }
    fs.rmSync(p, { force: true });
    if (this.startedAfterUncleanShutdown) return;
    try {
      const n = data.readUInt32BE(0);
      let o = 4;
      for (let i = 0; i < n; i++) {
        const kl = data.readUInt32BE(o);
        const key = data.toString("utf8", o + 4, o + 4 + kl);
        const tsid = data.readDoubleBE(o + 4 + kl);
        const date = data.readUInt32BE(o + 12 + kl);
        o += 16 + kl;
        if (this.index.deleted.has(metricIDOf(tsid))) continue;
        this.cacheSet(key, { tsid, date });
      }
    } catch (e) {
      warn(`ignoring the damaged cache file ${p}: ${(e as Error).message}`);
      this.cacheCurr.clear();
      this.cachePrev.clear();
    }
  }

  /** close waits for a running merge, flushes everything to disk and releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    await this.table.close();
    this.flushToDisk();
    this.closed = true;
    this.saveTSIDCache();
    this.wal.close();
    this.wal.removeUpTo(this.wal.seq);
    this.index.close();
    this.table.releaseAll();
    fs.rmSync(path.join(this.path, "tidemark.running"), { force: true });
    this.unlock();
  }
}
