// The rollup result cache: results of rollups over selectors (and of
// aggregations folded over them) on a range query's grid, reused for the
// overlapping part of later range queries, as VictoriaMetrics'
// rollupResultCache does (app/vmselect/promql/rollup_result_cache.go):
// a dashboard refreshing every few seconds evaluates only the new points.
//
// Unlike the original, an entry stays correct when old data change: the
// storage reports every write older than the newest cacheable point and
// every deletion (invalidate()), and the entries of the metric names written
// whose range holds the written time are dropped. A query that was running
// while such a write happened does not store its result.
//
// Retention hides samples older than a bound that moves forward with time
// (and later drops their partitions): setRetentionBound() drops the entries
// whose points may have read samples older than the bound, and put() stores
// none. An entry's points at start.. read samples back to start - reachMs
// (the rollup window and the lookback for the previous sample, on the grid
// the entry is stored for); the caller passes it, and an hour is assumed when
// it does not.

import type { Timeseries } from "./timeseries.ts";
import { metricKey } from "./timeseries.ts";

interface Entry {
  key: string;
  /** metric names the entry depends on; null: any name */
  names: ReadonlySet<string> | null;
  start: number;
  end: number;
  step: number;
  series: Timeseries[];
  bytes: number;
  /** how far before start the points may have read samples */
  reach: number;
}

/** defaultReachMs is the reach put() assumes when the caller gives none: rollup windows plus lookback up to an hour. */
export const defaultReachMs = 3_600_000;

interface Invalidation {
  gen: number;
  names: ReadonlySet<string> | null;
  minT: number;
}

const noTimestamps = new Float64Array(0);

/** CachedPart is what get() found: series over [start, end] of the asked grid (their timestamps are for the caller to set). */
export interface CachedPart {
  series: Timeseries[];
  /** last point the cached series cover (>= the asked start) */
  end: number;
}

/** RollupResultCacheStats are the counters VictoriaMetrics exposes for its rollup result cache. */
export interface RollupResultCacheStats {
  requests: number;
  fullHits: number;
  partialHits: number;
  misses: number;
  invalidations: number;
  entries: number;
  sizeBytes: number;
}

const maxLoggedInvalidations = 1024;

/**
 * RollupResultCache maps a key (the rollup expression with everything that
 * changes its values: window, step, lookback, enforced filters, ...) to the
 * series it gave over a step-aligned range. Byte-bounded, least recently
 * used first out.
 */
export class RollupResultCache {
  private maxBytes: number;
  private bytes = 0;
  private entries = new Map<string, Entry>();
  /** generation: bumped by every invalidation */
  private gen = 0;
  private log: Invalidation[] = [];
  /** samples older than this are hidden by retention */
  private retentionMinT = -Infinity;
  /** no entry reads samples older than this (a lower bound: entries may have gone since) */
  private oldestReach = Infinity;
  private readonly counters = { requests: 0, fullHits: 0, partialHits: 0, misses: 0, invalidations: 0 };

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** generation returns a token for put(): writes reported after it keep a result computed meanwhile out of the cache. */
  generation(): number {
    return this.gen;
  }

  /**
   * get returns the cached series of key for the grid start, start+step, ...
   * (as far as the entry reaches, at most end), or undefined when the entry
   * does not cover start on the same grid. The series are copies.
   */
  get(key: string, start: number, end: number, step: number): CachedPart | undefined {
    this.counters.requests++;
    const e = this.entries.get(key);
    if (e === undefined || e.step !== step || start < e.start || start > e.end || (start - e.start) % step !== 0) {
      this.counters.misses++;
      return undefined;
    }
    // Most recently used goes last.
    this.entries.delete(key);
    this.entries.set(key, e);
    const last = Math.min(e.end, end - ((end - start) % step));
    if (last >= end - ((end - start) % step)) this.counters.fullHits++;
    else this.counters.partialHits++;
    const from = (start - e.start) / step;
    const to = (last - e.start) / step + 1;
    // Series NaN over the asked part stay: a full evaluation has them too.
    const series: Timeseries[] = [];
    for (const ts of e.series) series.push({ name: ts.name, tags: new Map(ts.tags), values: ts.values.slice(from, to), timestamps: noTimestamps });
    return { series, end: last };
  }

  /**
   * put stores series over the grid start..end (step apart; values[i] is the
   * point start + i*step) for key, unless an invalidation reported since
   * generation gen touches names at or before end. names are the metric
   * names the result depends on (null: any). reachMs says how far before
   * start the points may have read samples (rollup window + lookback;
   * default defaultReachMs): a result that may have read samples
   * older than the retention bound is not stored. The series are copied.
   */
  put(key: string, names: ReadonlySet<string> | null, start: number, end: number, step: number, series: readonly Timeseries[], gen: number, reachMs = defaultReachMs): void {
    if (this.maxBytes <= 0 || end < start) return;
    if (!(reachMs >= 0)) throw new Error(`BUG: reachMs must be >= 0; got ${reachMs}`);
    if (start - reachMs < this.retentionMinT) return;
    if (gen !== this.gen) {
      if (this.log.length === 0 || this.log[0]!.gen > gen + 1) return; // too old to tell
      for (const inv of this.log) if (inv.gen > gen && inv.minT <= end && intersects(inv.names, names)) return;
    }
    const n = Math.floor((end - start) / step) + 1;
    const copies: Timeseries[] = [];
    let bytes = 200 + key.length * 2;
    for (const ts of series) {
      const values = ts.values.slice(0, n);
      copies.push({ name: ts.name, tags: new Map(ts.tags), values, timestamps: noTimestamps });
      bytes += values.byteLength + 100 + metricKey(ts).length * 2;
    }
    if (bytes > this.maxBytes / 8) return;
    this.remove(key);
    this.entries.set(key, { key, names, start, end: start + (n - 1) * step, step, series: copies, bytes, reach: reachMs });
    this.oldestReach = Math.min(this.oldestReach, start - reachMs);
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) {
      const first = this.entries.keys().next().value!;
      this.remove(first);
    }
  }

  /**
   * invalidate drops the entries that depend on any of names (null: all
   * names) and cover time minT or later: samples at minT were written or
   * deleted there.
   */
  invalidate(names: ReadonlySet<string> | null, minT: number): void {
    this.gen++;
    this.log.push({ gen: this.gen, names, minT });
    if (this.log.length > maxLoggedInvalidations) this.log.splice(0, this.log.length - maxLoggedInvalidations);
    for (const e of [...this.entries.values()]) {
      if (e.end >= minT && intersects(names, e.names)) {
        this.remove(e.key);
        this.counters.invalidations++;
      }
    }
  }

  /**
   * setRetentionBound tells the cache that samples older than minT are now
   * hidden by retention (or dropped with their partition): the entries whose
   * points may have read such samples go, and later put()s of results that
   * may have read them are skipped. A bound older than a previous one is
   * ignored (retention only moves forward). Call it before each query with
   * the storage's retentionMinT().
   */
  setRetentionBound(minT: number): void {
    if (!(minT > this.retentionMinT)) return;
    this.retentionMinT = minT;
    // Called before every query: scan the entries only when one may be affected.
    if (minT <= this.oldestReach) return;
    let oldest = Infinity;
    for (const e of [...this.entries.values()]) {
      if (e.start - e.reach < minT) {
        this.remove(e.key);
        this.counters.invalidations++;
      } else {
        oldest = Math.min(oldest, e.start - e.reach);
      }
    }
    this.oldestReach = oldest;
  }

  /** reset drops every entry (as /internal/resetRollupResultCache does). */
  reset(): void {
    this.invalidate(null, -Infinity);
  }

  /** setMaxBytes changes the budget; 0 disables the cache. */
  setMaxBytes(n: number): void {
    this.maxBytes = n;
    while (this.bytes > this.maxBytes && this.entries.size > 0) this.remove(this.entries.keys().next().value!);
  }

  stats(): RollupResultCacheStats {
    return { ...this.counters, entries: this.entries.size, sizeBytes: this.bytes };
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}

function intersects(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean {
  if (a === null || b === null) return true;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) return true;
  return false;
}

/**
 * mergeCachedAndFresh joins the cached series (points up to cachedEnd) with
 * the fresh ones (points from cachedEnd + step to the end of timestamps),
 * matching series by labels; a series missing on one side has NaN there.
 */
export function mergeCachedAndFresh(cached: readonly Timeseries[], fresh: readonly Timeseries[], timestamps: Float64Array, cachedPoints: number): Timeseries[] {
  const n = timestamps.length;
  const byKey = new Map<string, Timeseries>();
  const out: Timeseries[] = [];
  for (const ts of cached) {
    const values = new Float64Array(n).fill(NaN);
    values.set(ts.values.subarray(0, cachedPoints));
    const m: Timeseries = { name: ts.name, tags: ts.tags, values, timestamps };
    byKey.set(metricKey(ts), m);
    out.push(m);
  }
  for (const ts of fresh) {
    const k = metricKey(ts);
    let m = byKey.get(k);
    if (m === undefined) {
      m = { name: ts.name, tags: ts.tags, values: new Float64Array(n).fill(NaN), timestamps };
      byKey.set(k, m);
      out.push(m);
    }
    m.values.set(ts.values.subarray(0, n - cachedPoints), cachedPoints);
  }
  return out;
}
