// IndexDB maps series to IDs and label matchers to series, on a mergeset
// table of sorted byte items (see FORMAT.md for the item namespaces):
//
//   0x00 key(metric name) · tsid(8)            name -> TSID (ingestion lookups)
//   0x01 label 0x01 value 0x01 · metricID(4)   global label index
//   0x02 metricID(4) · tsid(8)                 metricID -> TSID
//   0x03 metricID(4) · key                     metricID -> metric name
//   0x04 metricID(4)                           deleted series
//   0x05 date(4) · metricID(4)                 series seen on a day
//   0x06 date(4) · label 0x01 value 0x01 · metricID(4)   per-day label index
//
// Queries over a short range (<= perDayIndexMaxDays) use the per-day
// entries, so a selector over recent data does not scan every series ever seen.

import { Table, type TableSearch } from "../mergeset/index.ts";
import { CompiledFilter, type TagFilter } from "./tag_filters.ts";
import { SeriesSet } from "./series_set.ts";
import { type Label, makeTSID, metricGroupOf, unmarshalMetricName } from "./metric_name.ts";

const NS_NAME_TO_TSID = 0;
const NS_TAG = 1;
const NS_ID_TO_TSID = 2;
const NS_ID_TO_NAME = 3;
const NS_DELETED = 4;
const NS_DATE = 5;
const NS_DATE_TAG = 6;

const DAY_MS = 86_400_000;
/** resolvedCacheMaxBytes bounds the cache of metricID -> (TSID, name) (estimated bytes). */
const resolvedCacheMaxBytes = 128 << 20;
/** perDayIndexMaxDays: longer ranges use the global index. */
export const perDayIndexMaxDays = 40;

const enc = new TextEncoder();
const dec = new TextDecoder();

function esc(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 2) return s.replace(/[\x00-\x02]/g, (c) => "\x00" + String.fromCharCode(48 + c.charCodeAt(0)));
  return s;
}
function unesc(s: string): string {
  return s.indexOf("\x00") < 0 ? s : s.replace(/\x00([012])/g, (_m, d: string) => String.fromCharCode(d.charCodeAt(0) - 48));
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) * 2 ** 32 + u32(b, o + 4);
}
function putU64(b: Uint8Array, o: number, v: number): void {
  putU32(b, o, Math.floor(v / 2 ** 32));
  putU32(b, o + 4, v >>> 0);
}

function startsWith(item: Uint8Array, prefix: Uint8Array): boolean {
  if (item.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (item[i] !== prefix[i]) return false;
  return true;
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/**
 * ItemBuilder writes index items into one reusable buffer; items() returns
 * views of it, valid until the next reset() (the mergeset copies items).
 */
class ItemBuilder {
  private buf = Buffer.allocUnsafeSlow(1 << 16);
  private pos = 0;
  private start = 0;
  private views: Uint8Array[] = [];
  private ends: number[] = [];
  reset(): void { this.pos = 0; this.start = 0; this.views = []; this.ends = []; }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }
  byte(v: number): this { this.ensure(1); this.buf[this.pos++] = v; return this; }
  u32(v: number): this { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.pos); this.pos += 4; return this; }
  u64(v: number): this { this.u32(Math.floor(v / 2 ** 32)); return this.u32(v >>> 0); }
  str(s: string): this {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, "utf8");
    return this;
  }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; return this; }
  /** end finishes the current item. */
  end(): void { this.ends.push(this.pos); this.start = this.pos; }
  /** items returns the finished items as views. */
  items(): Uint8Array[] {
    let s = 0;
    this.views = this.ends.map((e) => { const v = this.buf.subarray(s, e); s = e; return v; });
    return this.views;
  }
}

const ib = new ItemBuilder();

function idBytes(id: number): Uint8Array { const b = new Uint8Array(4); putU32(b, 0, id); return b; }
function dateBytes(d: number): Uint8Array { const b = new Uint8Array(4); putU32(b, 0, d); return b; }

/** dateOf returns the day number (days since the epoch, UTC) of a timestamp in ms. */
export function dateOf(t: number): number {
  return Math.floor(t / DAY_MS);
}

export interface IndexDBOptions {
  flushIntervalMs?: number;
  backgroundMerges?: boolean;
}

// maxFiltersCacheIDs bounds the metric IDs the search cache holds (about 16
// bytes each); past it the cache starts over.
const maxFiltersCacheIDs = 2_000_000;

export class IndexDB {
  readonly table: Table;
  private maxMetricID = 0;
  /** deleted metricIDs (kept in memory: deletions are rare) */
  readonly deleted = new Set<number>();
  // metricID -> (TSID, name key) of recently searched series, in two
  // generations: the older one is dropped when the newer one is full.
  private resolvedCurr = new Map<number, { tsid: number; key: string }>();
  private resolvedPrev = new Map<number, { tsid: number; key: string }>();
  private resolvedBytes = 0;
  /** fingerprints of every registered series name */
  readonly series = new SeriesSet();
  seriesCreated = 0;
  // indexGen changes with every index write; cached searches of an older one are stale.
  private indexGen = 0;
  private filtersCache = new Map<string, { gen: number; ids: Set<number> }>();
  private filtersCacheIDs = 0;

  constructor(dir: string, opts: IndexDBOptions = {}) {
    // Index merges run on the main thread: keep each one small (about a second at most).
    this.table = Table.mustOpen(dir, { flushIntervalMs: opts.flushIntervalMs ?? 5000, backgroundMerges: opts.backgroundMerges ?? true, maxBackgroundMergeBytes: 8 << 20 });
    // Load the fingerprints of all series names and the largest metricID.
    const s = this.table.search();
    try {
      s.seek(Uint8Array.of(NS_NAME_TO_TSID));
      let max = 0;
      while (s.nextItem() && s.item[0] === NS_NAME_TO_TSID) {
        const it = s.item;
        this.series.add(dec.decode(it.subarray(1, it.length - 8)));
        const id = u32(it, it.length - 4);
        if (id > max) max = id;
      }
      this.maxMetricID = max;
      s.seek(Uint8Array.of(NS_DELETED));
      while (s.nextItem() && s.item[0] === NS_DELETED) this.deleted.add(u32(s.item, 1));
    } finally {
      s.close();
    }
  }

  /** mayHaveSeries reports false when no series with this name key was ever registered. */
  mayHaveSeries(key: string): boolean {
    return this.series.mayHave(key);
  }

  /**
   * lookupTSID returns the live TSID registered for a metric name key, or -1.
   * It does not see series registered in the last second: the caller's cache
   * holds those (see Storage.tsidFor).
   */
  lookupTSID(key: string): number {
    const prefix = concat([NS_NAME_TO_TSID], enc.encode(key));
    const s = this.table.search({ includePending: false });
    try {
      s.seek(prefix);
      let found = -1;
      while (s.nextItem()) {
        const it = s.item;
        if (!startsWith(it, prefix)) break;
        if (it.length !== prefix.length + 8) continue;
        const tsid = u64(it, prefix.length);
        if (!this.deleted.has(tsid % 2 ** 32)) found = tsid;
      }
      return found;
    } finally {
      s.close();
    }
  }

  /** createSeries registers a new series and returns its TSID. canon must be canonical labels of key. */
  createSeries(key: string, canon: readonly Label[]): number {
    const metricID = ++this.maxMetricID;
    if (metricID >= 2 ** 32) throw new Error("BUG: metricID space exhausted");
    const tsid = makeTSID(metricGroupOf(key), metricID);
    this.series.add(key);
    ib.reset();
    ib.byte(NS_NAME_TO_TSID).str(key).u64(tsid).end();
    ib.byte(NS_ID_TO_TSID).u32(metricID).u64(tsid).end();
    ib.byte(NS_ID_TO_NAME).u32(metricID).str(key).end();
    for (const [k, v] of canon) ib.byte(NS_TAG).str(esc(k)).byte(1).str(esc(v)).byte(1).u32(metricID).end();
    this.table.addItems(ib.items());
    this.indexGen++;
    this.seriesCreated++;
    return tsid;
  }

  /** hasDateEntry reports whether (date, metricID) is indexed (not counting the last second's additions). */
  hasDateEntry(date: number, metricID: number): boolean {
    const key = concat([NS_DATE], dateBytes(date), idBytes(metricID));
    const s = this.table.search({ includePending: false });
    try {
      s.seek(key);
      return s.nextItem() && Buffer.compare(s.item, key) === 0;
    } finally {
      s.close();
    }
  }

  /** addDateEntries indexes series metricID (with labels canon) for a day. */
  addDateEntries(date: number, metricID: number, canon: readonly Label[]): void {
    ib.reset();
    ib.byte(NS_DATE).u32(date).u32(metricID).end();
    for (const [k, v] of canon) ib.byte(NS_DATE_TAG).u32(date).str(esc(k)).byte(1).str(esc(v)).byte(1).u32(metricID).end();
    this.table.addItems(ib.items());
    this.indexGen++;
  }

  /** markDeleted marks series deleted: they are no longer found by searches or ingestion lookups. */
  markDeleted(metricIDs: Iterable<number>): void {
    const items: Uint8Array[] = [];
    for (const id of metricIDs) {
      if (this.deleted.has(id)) continue;
      this.deleted.add(id);
      items.push(concat([NS_DELETED], idBytes(id)));
    }
    if (items.length > 0) this.table.addItems(items);
    this.indexGen++;
  }

  /** metricName returns the metric name key of metricID, or undefined. */
  metricNameKey(metricID: number, s?: TableSearch): string | undefined {
    const prefix = concat([NS_ID_TO_NAME], idBytes(metricID));
    const own = s === undefined;
    const ts = s ?? this.table.search();
    try {
      ts.seek(prefix);
      if (!ts.nextItem() || !startsWith(ts.item, prefix)) return undefined;
      return dec.decode(ts.item.subarray(5));
    } finally {
      if (own) ts.close();
    }
  }

  /** tsidOf returns the TSID of metricID or -1. */
  tsidOf(metricID: number, s: TableSearch): number {
    const prefix = concat([NS_ID_TO_TSID], idBytes(metricID));
    s.seek(prefix);
    if (!s.nextItem() || !startsWith(s.item, prefix)) return -1;
    return u64(s.item, 5);
  }

  /**
   * searchMetricIDs returns the IDs of live series matching all filters that
   * have samples (by the day index) in [minT, maxT], at most maxSeries
   * (throws when exceeded, naming the limit).
   */
  searchMetricIDs(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): Set<number> {
    // Dashboards repeat their selectors: the result stays valid until the
    // index changes (VictoriaMetrics' tagFiltersCache). Callers only read it.
    const d1 = dateOf(Math.max(0, minT));
    const d2 = dateOf(Math.max(0, maxT));
    const key = `${d1} ${d2} ${JSON.stringify(filters)}`;
    const c = this.filtersCache.get(key);
    if (c !== undefined && c.gen === this.indexGen) {
      if (c.ids.size > maxSeries) throw new SeriesLimitError(maxSeries);
      return c.ids;
    }
    const ids = this.searchMetricIDsNow(filters, minT, maxT, maxSeries);
    if (this.filtersCacheIDs + ids.size > maxFiltersCacheIDs) {
      this.filtersCache.clear();
      this.filtersCacheIDs = 0;
    }
    this.filtersCache.set(key, { gen: this.indexGen, ids });
    this.filtersCacheIDs += ids.size;
    return ids;
  }

  private searchMetricIDsNow(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): Set<number> {
    const compiled = filters.map((f) => new CompiledFilter(f));
    const s = this.table.search();
    try {
      const d1 = dateOf(Math.max(0, minT));
      const d2 = dateOf(Math.max(0, maxT));
      let result = new Set<number>();
      if (d2 - d1 + 1 <= perDayIndexMaxDays) {
        for (let d = d1; d <= d2; d++) {
          const ids = this.searchInScope(s, compiled, Uint8Array.of(NS_DATE_TAG, ...dateBytes(d)), Uint8Array.of(NS_DATE, ...dateBytes(d)));
          for (const id of ids) result.add(id);
          if (result.size > maxSeries) throw new SeriesLimitError(maxSeries);
        }
      } else {
        result = this.searchInScope(s, compiled, Uint8Array.of(NS_TAG), Uint8Array.of(NS_ID_TO_TSID));
      }
      for (const id of this.deleted) result.delete(id);
      if (result.size > maxSeries) throw new SeriesLimitError(maxSeries);
      return result;
    } finally {
      s.close();
    }
  }

  // searchInScope evaluates filters against the label entries under tagPrefix;
  // allPrefix lists every series of the scope (each item: allPrefix · metricID ...).
  private searchInScope(s: TableSearch, filters: CompiledFilter[], tagPrefix: Uint8Array, allPrefix: Uint8Array): Set<number> {
    let result: Set<number> | undefined;
    const positive = filters.filter((f) => !f.matchesEmpty);
    const emptyMatching = filters.filter((f) => f.matchesEmpty);
    // Cheapest first: exact values before regex scans.
    positive.sort((a, b) => (a.exactValues() !== undefined ? 0 : 1) - (b.exactValues() !== undefined ? 0 : 1));
    for (const f of positive) {
      if (result !== undefined && result.size === 0) return result;
      if (result !== undefined && result.size <= 1000 && f.exactValues() === undefined) {
        result = this.filterByNames(s, result, f);
        continue;
      }
      const ids = this.idsForFilter(s, tagPrefix, f, false);
      if (result === undefined) result = ids;
      else {
        const next = new Set<number>();
        for (const id of result) if (ids.has(id)) next.add(id);
        result = next;
      }
    }
    if (result === undefined) {
      result = new Set<number>();
      s.seek(allPrefix);
      while (s.nextItem() && startsWith(s.item, allPrefix)) result.add(u32(s.item, allPrefix.length));
    }
    for (const f of emptyMatching) {
      if (result.size === 0) break;
      if (result.size <= 1000) {
        result = this.filterByNames(s, result, f);
        continue;
      }
      // Series that have the label with a value the filter rejects.
      const excluded = this.idsForFilter(s, tagPrefix, f, true);
      for (const id of excluded) result.delete(id);
    }
    return result;
  }

  // filterByNames checks filter f against the stored metric names of ids.
  private filterByNames(s: TableSearch, ids: Set<number>, f: CompiledFilter): Set<number> {
    const out = new Set<number>();
    for (const id of ids) {
      const key = this.resolvedCurr.get(id)?.key ?? this.resolvedPrev.get(id)?.key ?? this.metricNameKey(id, s);
      if (key === undefined) continue;
      let v = "";
      for (const [k, val] of unmarshalMetricName(key)) if (k === f.f.label) { v = val; break; }
      if (f.matches(v)) out.add(id);
    }
    return out;
  }

  // idsForFilter returns series whose label value (present, non-empty) makes
  // f.matches() true (or false when rejected=true).
  private idsForFilter(s: TableSearch, tagPrefix: Uint8Array, f: CompiledFilter, rejected: boolean): Set<number> {
    const out = new Set<number>();
    const labelPrefix = concat(tagPrefix, enc.encode(esc(f.f.label)), [1]);
    const exact = f.f.isNegative || rejected ? undefined : f.exactValues();
    if (exact !== undefined) {
      for (const v of exact) {
        const p = concat(labelPrefix, enc.encode(esc(v)), [1]);
        s.seek(p);
        while (s.nextItem() && startsWith(s.item, p)) {
          const it = s.item;
          if (it.length === p.length + 4) out.add(u32(it, p.length));
        }
      }
      return out;
    }
    const lp = !f.f.isNegative && !rejected ? f.literalPrefix() : "";
    const seekKey = concat(labelPrefix, enc.encode(esc(lp)));
    s.seek(seekKey);
    let lastValue: Uint8Array | undefined;
    let lastOK = false;
    while (s.nextItem()) {
      const it = s.item;
      if (!startsWith(it, seekKey)) break;
      const vEnd = it.length - 5; // value ends before 0x01 · metricID(4)
      if (vEnd < labelPrefix.length || it[vEnd] !== 1) continue;
      const vb = it.subarray(labelPrefix.length, vEnd);
      if (lastValue === undefined || Buffer.compare(vb, lastValue) !== 0) {
        lastValue = Uint8Array.from(vb);
        const v = unesc(dec.decode(vb));
        lastOK = f.matches(v) !== rejected;
      }
      if (lastOK) out.add(u32(it, vEnd + 1));
    }
    return out;
  }

  /** searchLabelNames returns label names of series matching filters in [minT, maxT] (all series when filters are empty). */
  searchLabelNames(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): string[] {
    const names = new Set<string>();
    if (filters.length === 0) {
      // Read the names off the label index, jumping from one name to the next.
      const s = this.table.search();
      try {
        for (const scope of this.labelScopes(minT, maxT)) this.skipScan(s, scope, (name) => names.add(name));
      } finally {
        s.close();
      }
      return [...names].sort();
    }
    this.forEachSeriesLabels(this.idsOrAll(filters, minT, maxT, maxSeries), (labels) => {
      for (const [k] of labels) names.add(k);
    });
    return [...names].sort();
  }

  /** searchLabelValues returns values of label name among series matching filters in [minT, maxT]. */
  searchLabelValues(name: string, filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): string[] {
    const values = new Set<string>();
    if (filters.length === 0) {
      // Read the values off the label index, jumping from one value to the next.
      const s = this.table.search();
      try {
        for (const scope of this.labelScopes(minT, maxT)) this.skipScan(s, concat(scope, enc.encode(esc(name)), [1]), (v) => values.add(v));
      } finally {
        s.close();
      }
      return [...values].sort();
    }
    this.forEachSeriesLabels(this.idsOrAll(filters, minT, maxT, maxSeries), (labels) => {
      for (const [k, v] of labels) if (k === name) values.add(v);
    });
    return [...values].sort();
  }

  // labelScopes returns the label index prefixes covering [minT, maxT]: one
  // per day, or the global index for long ranges.
  private labelScopes(minT: number, maxT: number): Uint8Array[] {
    const d1 = dateOf(Math.max(0, minT));
    const d2 = dateOf(Math.max(0, maxT));
    if (d2 - d1 + 1 > perDayIndexMaxDays) return [Uint8Array.of(NS_TAG)];
    const out: Uint8Array[] = [];
    for (let d = d1; d <= d2; d++) out.push(concat([NS_DATE_TAG], dateBytes(d)));
    return out;
  }

  // skipScan calls fn with each distinct string that follows prefix in label
  // index items (prefix · string 0x01 ...) held by at least one live series.
  // After one item of a string it seeks past all of them (string · 0x02),
  // so the cost grows with the number of strings, not of series.
  private skipScan(s: TableSearch, prefix: Uint8Array, fn: (v: string) => void): void {
    s.seek(prefix);
    while (s.nextItem()) {
      const it = s.item;
      if (!startsWith(it, prefix)) return;
      let e = prefix.length;
      while (e < it.length && it[e] !== 1) e++;
      if (e >= it.length) continue;
      const vb = it.subarray(prefix.length, e);
      if (this.deleted.size > 0 && this.deleted.has(u32(it, it.length - 4))) {
        // This item's series is deleted: look at the next one of the same string.
        continue;
      }
      fn(unesc(dec.decode(vb)));
      s.seek(concat(prefix, vb, [2]));
    }
  }

  // forEachSeriesLabels calls fn with the labels of each of ids, through one table search.
  private forEachSeriesLabels(ids: Iterable<number>, fn: (labels: Label[]) => void): void {
    const s = this.table.search();
    try {
      for (const id of ids) {
        const key = this.resolvedCurr.get(id)?.key ?? this.resolvedPrev.get(id)?.key ?? this.metricNameKey(id, s);
        if (key !== undefined) fn(unmarshalMetricName(key));
      }
    } finally {
      s.close();
    }
  }

  private idsOrAll(filters: readonly TagFilter[], minT: number, maxT: number, maxSeries: number): Set<number> {
    if (filters.length > 0) return this.searchMetricIDs(filters, minT, maxT, maxSeries);
    return this.searchMetricIDs([{ label: "__name__", value: ".+", isRegex: true, isNegative: false }], minT, maxT, maxSeries);
  }

  /**
   * tsdbStatus computes the cardinality stats of /api/v1/status/tsdb for a
   * day (date 0 = all time, from the global index), optionally only over the
   * series in filter.
   */
  tsdbStatus(date: number, filter: Set<number> | undefined, focusLabel: string, topN: number): TSDBStatus {
    const prefix = date === 0 ? Uint8Array.of(NS_TAG) : Uint8Array.of(NS_DATE_TAG, ...dateBytes(date));
    const top = {
      seriesCountByMetricName: new TopN(topN), seriesCountByLabelName: new TopN(topN), seriesCountByFocusLabelValue: new TopN(topN),
      seriesCountByLabelValuePair: new TopN(topN), labelValueCountByLabelName: new TopN(topN),
    };
    let totalSeries = 0, totalLabelValuePairs = 0;
    let curName: string | undefined, curValue: string | undefined;
    let nameSeries = 0, nameValues = 0, pairSeries = 0;
    const endPair = () => {
      if (curValue === undefined || pairSeries === 0) return;
      const pair = `${curName}=${curValue}`;
      top.seriesCountByLabelValuePair.push(pair, pairSeries);
      if (curName === "__name__") top.seriesCountByMetricName.push(curValue, pairSeries);
      if (curName === focusLabel) top.seriesCountByFocusLabelValue.push(curValue, pairSeries);
      nameValues++;
    };
    const endName = () => {
      endPair();
      if (curName !== undefined) {
        top.labelValueCountByLabelName.push(curName, nameValues);
        top.seriesCountByLabelName.push(curName, nameSeries);
      }
    };
    const s = this.table.search();
    try {
      s.seek(prefix);
      let lastKV: Uint8Array | undefined;
      while (s.nextItem()) {
        const it = s.item;
        if (!startsWith(it, prefix)) break;
        const id = u32(it, it.length - 4);
        if (this.deleted.has(id) || (filter !== undefined && !filter.has(id))) continue;
        const kv = it.subarray(prefix.length, it.length - 5);
        if (lastKV === undefined || Buffer.compare(kv, lastKV) !== 0) {
          lastKV = Uint8Array.from(kv);
          const text = dec.decode(kv);
          const sep = text.indexOf("\x01");
          const name = unesc(text.slice(0, sep));
          const value = unesc(text.slice(sep + 1));
          if (name !== curName) {
            endName();
            curName = name;
            nameSeries = 0;
            nameValues = 0;
          } else {
            endPair();
          }
          curValue = value;
          pairSeries = 0;
        }
        pairSeries++;
        nameSeries++;
        totalLabelValuePairs++;
        if (curName === "__name__") totalSeries++;
      }
      endName();
    } finally {
      s.close();
    }
    return {
      totalSeries, totalLabelValuePairs,
      seriesCountByMetricName: top.seriesCountByMetricName.sorted(),
      seriesCountByLabelName: top.seriesCountByLabelName.sorted(),
      seriesCountByFocusLabelValue: top.seriesCountByFocusLabelValue.sorted(),
      seriesCountByLabelValuePair: top.seriesCountByLabelValuePair.sorted(),
      labelValueCountByLabelName: top.labelValueCountByLabelName.sorted(),
    };
  }

  /** resolveSeries maps metricIDs to (TSID, labels), sorted by TSID. */
  resolveSeries(ids: Iterable<number>): { tsids: Float64Array; keys: string[] } {
    const pairs: { tsid: number; key: string }[] = [];
    let s: TableSearch | undefined;
    try {
      for (const id of ids) {
        // metricID -> (TSID, name) never changes: cache it, as VictoriaMetrics' metricName cache does.
        let p = this.resolvedCurr.get(id);
        if (p === undefined) {
          p = this.resolvedPrev.get(id);
          if (p === undefined) {
            s ??= this.table.search();
            const tsid = this.tsidOf(id, s);
            if (tsid < 0) continue;
            const key = this.metricNameKey(id, s);
            if (key === undefined) continue;
            p = { tsid, key };
          }
          this.resolvedCurr.set(id, p);
          this.resolvedBytes += 64 + 2 * p.key.length;
          if (this.resolvedBytes > resolvedCacheMaxBytes / 2) {
            this.resolvedPrev = this.resolvedCurr;
            this.resolvedCurr = new Map();
            this.resolvedBytes = 0;
          }
        }
        pairs.push(p);
      }
    } finally {
      s?.close();
    }
    pairs.sort((a, b) => a.tsid - b.tsid);
    return { tsids: Float64Array.from(pairs, (p) => p.tsid), keys: pairs.map((p) => p.key) };
  }

  /** seriesCount returns the number of series ever registered. */
  get maxID(): number { return this.maxMetricID; }

  flushToDisk(): void { this.table.flushToDisk(); }
  close(): void { this.table.mustClose(); }
}

/** TSDBStatus is the answer of /api/v1/status/tsdb. */
export interface TSDBStatus {
  totalSeries: number;
  totalLabelValuePairs: number;
  seriesCountByMetricName: TopEntry[];
  seriesCountByLabelName: TopEntry[];
  seriesCountByFocusLabelValue: TopEntry[];
  seriesCountByLabelValuePair: TopEntry[];
  labelValueCountByLabelName: TopEntry[];
}

export interface TopEntry { name: string; value: number }

/**
 * TopN keeps the n entries with the largest counts in a binary min-heap that
 * behaves exactly like VictoriaMetrics' topHeap (Go's container/heap with
 * Fix), so that ties at the cut are resolved the same way.
 */
class TopN {
  private n: number;
  private a: TopEntry[] = [];
  constructor(n: number) { this.n = n; }
  push(name: string, count: number): void {
    if (count === 0) return;
    if (this.a.length < this.n) {
      this.a.push({ name, value: count });
      this.fix(this.a.length - 1);
      return;
    }
    if (count <= this.a[0]!.value) return;
    this.a[0] = { name, value: count };
    this.fix(0);
  }
  private less(i: number, j: number): boolean { return this.a[i]!.value < this.a[j]!.value; }
  private swap(i: number, j: number): void { const t = this.a[i]!; this.a[i] = this.a[j]!; this.a[j] = t; }
  private fix(i: number): void {
    if (!this.down(i, this.a.length)) this.up(i);
  }
  private down(i0: number, n: number): boolean {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(j2, j1)) j = j2;
      if (!this.less(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
  private up(j: number): void {
    for (;;) {
      const i = Math.floor((j - 1) / 2);
      if (i === j || j <= 0 || !this.less(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }
  sorted(): TopEntry[] {
    return [...this.a].sort((x, y) => y.value - x.value || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }
}

/** SeriesLimitError means a search matched more series than allowed. */
export class SeriesLimitError extends Error {
  override name = "SeriesLimitError";
  constructor(limit: number) {
    super(`the number of matching time series exceeds ${limit}; either narrow down the search or increase -search.maxUniqueTimeseries`);
  }
}
