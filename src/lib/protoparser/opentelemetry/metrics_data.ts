// Decoding OTLP ExportMetricsServiceRequest (= MetricsData) protobuf into samples, with
// VictoriaMetrics' mapping (lib/protoparser/opentelemetry/pb):
// - gauge and sum points -> one sample named after the metric;
// - histogram points -> name_count, name_sum (when set), name_bucket{le=...} with
//   cumulative counts and le="+Inf" (points without buckets are skipped);
// - exponential histogram points -> name_count, name_sum, name_bucket{vmrange="a...b"}
//   per non-empty bucket (the zero bucket as -t...t);
// - summary points -> name_count, name_sum, name{quantile=...};
// - resource attributes, scope name/version/attributes ("scope.name", "scope.version",
//   "scope.attributes.<key>") and point attributes -> labels; kvlist values flatten to
//   "<key>.<subkey>", arrays become JSON, bytes base64;
// - timestamps: nanoseconds truncated to milliseconds; flag 1 (no recorded value) ->
//   the staleness marker.
// See https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/metrics/v1/metrics.proto .

import { FieldReader, ProtoError, WIRE_I64, WIRE_LEN, latin1Key } from "../../protobuf/index.ts";
import { formatFloatF, formatVmrange } from "./format.ts";
import { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM, KIND_SUMMARY, prometheusLabelName, prometheusMetricName } from "./naming.ts";
import type { OtlpRows } from "./otlp_rows.ts";
import { type ContextSeries, type OtlpLabel, type PointSeries, SeriesCache } from "./series_cache.ts";

/** DecodeOptions are the naming switches (the -opentelemetry.* flags). */
export interface DecodeOptions {
  /** usePrometheusNaming converts metric and label names (-opentelemetry.usePrometheusNaming). */
  usePrometheusNaming: boolean;
  /** convertMetricNamesToPrometheus converts only metric names (-opentelemetry.convertMetricNamesToPrometheus). */
  convertMetricNamesToPrometheus: boolean;
  /** labelNameUnderscoreSanitization prefixes "_x" label names with "key" under Prometheus naming. */
  labelNameUnderscoreSanitization: boolean;
  /** promoteScopeMetadata adds the scope.* labels (-opentelemetry.promoteScopeMetadata). */
  promoteScopeMetadata: boolean;
  /**
   * promoteAllResourceAttributes makes every resource attribute a label except those in
   * resourceAttributes (-opentelemetry.ignoreResourceAttributes); when false, only those
   * in resourceAttributes (-opentelemetry.promoteResourceAttributes) are labels.
   */
  promoteAllResourceAttributes?: boolean;
  resourceAttributes?: ReadonlySet<string>;
}

/** DEFAULT_DECODE_OPTIONS are VictoriaMetrics' defaults. */
export const DEFAULT_DECODE_OPTIONS: Readonly<DecodeOptions> = {
  usePrometheusNaming: false,
  convertMetricNamesToPrometheus: false,
  labelNameUnderscoreSanitization: true,
  promoteScopeMetadata: true,
};

/** DecodeResult says what could not be decoded; the rows of everything else were added. */
export interface DecodeResult {
  /** invalid is the number of metrics (or undecodable message parts) skipped. */
  invalid: number;
  /** errors are the first few reasons, each naming what is wrong. */
  errors: string[];
}

const MAX_ERRORS = 10;
const MAX_DEPTH = 64;

// i64 helpers: the FieldReader's fixed64() is exact only below 2^53, and timestamps in
// nanoseconds are above it.
function wantI64(fr: FieldReader, what: string): void {
  if (fr.wireType !== WIRE_I64) throw new ProtoError(`cannot read ${what}: got wire type ${fr.wireType}; want i64`);
}

function u32At(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** nanosToMillis returns floor(n / 1e6) for the little-endian uint64 n at b[p, p+8), exactly. */
export function nanosToMillis(b: Uint8Array, p: number): number {
  const lo = u32At(b, p);
  const hi = u32At(b, p + 4);
  // hi * 2^32 = hi * 4294 * 1e6 + hi * 967296; the second part plus lo stays below 2^53.
  return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
}

function uint64At(b: Uint8Array, p: number): number {
  return u32At(b, p + 4) * 4294967296 + u32At(b, p);
}

function int64At(b: Uint8Array, p: number): number {
  return (u32At(b, p + 4) | 0) * 4294967296 + u32At(b, p);
}

/**
 * OtlpDecoder decodes MetricsData into OtlpRows. One decoder may be reused; it keeps a
 * label stack, one FieldReader per nesting level, and the labels of the series it
 * decoded (bounded): a series decoded again gets the very same labels array, so
 * callers must not modify the arrays in rows.labels, only replace them.
 */
export class OtlpDecoder {
  private opts: DecodeOptions;
  private rows!: OtlpRows;
  // Labels of the current resource, scope and point, as a stack.
  private ls: Array<[string, string]> = [];
  private readers: FieldReader[] = [];
  private depth = 0;
  private metricName = "";
  private metricUnit = "";
  private baseName = "";
  private labelNames = new Map<string, string>();
  private result: DecodeResult = { invalid: 0, errors: [] };
  private stale = false;
  private flush: ((rows: OtlpRows) => void) | undefined;
  private flushEvery = 10_000;
  // Scratch arrays of the histogram and summary points.
  private counts: number[] = [];
  private bounds: number[] = [];
  private posCounts: number[] = [];
  private negCounts: number[] = [];
  private quantiles: number[] = [];

  // Series decoded before, those of the current resource and scope, and those of
  // the current data point's attributes.
  private cache = new SeriesCache();
  private ctx: ContextSeries = { labels: [], points: new Map() };
  private point: PointSeries = { ctx: undefined, key: "", next: undefined, attrs: [], lastName: "", lastLabels: undefined, byName: new Map(), byExtra: undefined };
  // The attribute fields of the current data point: (fieldStart, dataStart, dataEnd) each.
  private attrRanges = new Int32Array(48);
  private nAttrs = 0;
  // The names of the current histogram or summary series.
  private countName = "";
  private sumName = "";
  private bucketName = "";

  // resourceFilter says whether a top-level resource attribute key becomes labels.
  private resourceFilter: ((key: string) => boolean) | undefined;

  constructor(opts: DecodeOptions = DEFAULT_DECODE_OPTIONS) {
    this.opts = opts;
    const set = opts.resourceAttributes ?? new Set<string>();
    if (opts.promoteAllResourceAttributes === false) this.resourceFilter = (k) => set.has(k);
    else if (set.size > 0) this.resourceFilter = (k) => !set.has(k);
  }

  /**
   * decode appends the samples of the MetricsData message in buf to rows. A metric that
   * cannot be decoded is skipped (its samples removed) and reported; malformed framing
   * above the metric level stops decoding there. The samples of the metrics decoded
   * before and after a bad one stay in rows. It never throws for bad input. With flush,
   * rows are handed to flush (and then reset) whenever a metric completes and rows hold
   * flushEvery or more samples, so that big requests are stored in batches; what is left
   * at the end stays in rows for the caller.
   */
  decode(buf: Uint8Array, rows: OtlpRows, flush?: (rows: OtlpRows) => void, flushEvery = 10_000): DecodeResult {
    this.rows = rows;
    this.flush = flush;
    this.flushEvery = flushEvery;
    this.ls.length = 0;
    this.depth = 0;
    this.result = { invalid: 0, errors: [] };
    try {
      const fr = this.reader(buf, 0, buf.length);
      while (fr.next()) {
        if (fr.fieldNum === 1) {
          fr.message();
          this.resourceMetrics(fr.buf, fr.dataStart, fr.dataEnd);
        }
      }
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      this.fail(`cannot decode MetricsData: ${e.message}`);
    }
    this.depth = 0;
    return this.result;
  }

  private fail(msg: string): void {
    this.result.invalid++;
    if (this.result.errors.length < MAX_ERRORS) this.result.errors.push(msg);
  }

  // reader returns the FieldReader of the next nesting level; release with this.depth--.
  private reader(buf: Uint8Array, start: number, end: number): FieldReader {
    // Attribute values may nest (arrays, kvlists); bound the recursion.
    if (this.depth >= MAX_DEPTH) throw new ProtoError(`cannot decode message: got nesting deeper than ${MAX_DEPTH} levels`);
    let fr = this.readers[this.depth];
    if (fr === undefined) {
      fr = new FieldReader();
      this.readers[this.depth] = fr;
    }
    this.depth++;
    return fr.reset(buf, start, end);
  }

  private resourceMetrics(buf: Uint8Array, start: number, end: number): void {
    const lsMark = this.ls.length;
    const fr = this.reader(buf, start, end);
    // The resource first, wherever it is in the message.
    while (fr.next()) {
      if (fr.fieldNum === 1) {
        fr.message();
        const d = this.depth;
        const ar = this.reader(fr.buf, fr.dataStart, fr.dataEnd);
        while (ar.next()) {
          if (ar.fieldNum === 1) {
            ar.message();
            this.keyValue(ar.buf, ar.dataStart, ar.dataEnd, "", this.resourceFilter);
          }
        }
        this.depth = d;
        break;
      }
    }
    fr.reset(buf, start, end);
    while (fr.next()) {
      if (fr.fieldNum === 2) {
        fr.message();
        this.scopeMetrics(fr.buf, fr.dataStart, fr.dataEnd);
      }
    }
    this.ls.length = lsMark;
    this.depth--;
  }

  private scopeMetrics(buf: Uint8Array, start: number, end: number): void {
    const lsMark = this.ls.length;
    const fr = this.reader(buf, start, end);
    if (this.opts.promoteScopeMetadata) {
      // The scope first, wherever it is in the message.
      while (fr.next()) {
        if (fr.fieldNum === 1) {
          fr.message();
          this.scope(fr.buf, fr.dataStart, fr.dataEnd);
          break;
        }
      }
      fr.reset(buf, start, end);
    }
    this.ctx = this.cache.context(this.ls);
    while (fr.next()) {
      if (fr.fieldNum !== 2) continue;
      fr.message();
      const rowsMark = this.rows.lines;
      const lsMark2 = this.ls.length;
      const d = this.depth;
      try {
        this.metric(fr.buf, fr.dataStart, fr.dataEnd);
      } catch (e) {
        if (!(e instanceof ProtoError)) throw e;
        // The metric's samples go; the others stay.
        this.rows.truncate(rowsMark);
        this.ls.length = lsMark2;
        this.depth = d;
        this.fail(this.metricName === "" ? `cannot decode metric: ${e.message}` : `cannot decode metric ${JSON.stringify(this.metricName)}: ${e.message}`);
      }
      if (this.flush !== undefined && this.rows.lines >= this.flushEvery) {
        this.flush(this.rows);
        this.rows.reset();
      }
    }
    this.ls.length = lsMark;
    this.depth--;
  }

  private scope(buf: Uint8Array, start: number, end: number): void {
    const fr = this.reader(buf, start, end);
    let name = "unknown";
    let version = "unknown";
    let gotName = false;
    let gotVersion = false;
    while (fr.next()) {
      if (fr.fieldNum === 1 && !gotName) {
        name = fr.string();
        gotName = true;
      } else if (fr.fieldNum === 2 && !gotVersion) {
        version = fr.string();
        gotVersion = true;
      }
    }
    this.ls.push(["scope.name", name], ["scope.version", version]);
    fr.reset(buf, start, end);
    while (fr.next()) {
      if (fr.fieldNum === 3) {
        fr.message();
        this.keyValue(fr.buf, fr.dataStart, fr.dataEnd, "scope.attributes");
      }
    }
    this.depth--;
  }

  // keyValue adds the labels of one KeyValue (key first, then value, as VM: the first
  // key and the first value field count).
  private keyValue(buf: Uint8Array, start: number, end: number, prefix: string, filter?: (key: string) => boolean): void {
    const fr = this.reader(buf, start, end);
    let key: string | undefined;
    let vStart = -1;
    let vEnd = -1;
    while (fr.next()) {
      if (fr.fieldNum === 1 && key === undefined) key = fr.string();
      else if (fr.fieldNum === 2 && vStart < 0) {
        fr.message();
        vStart = fr.dataStart;
        vEnd = fr.dataEnd;
      }
    }
    this.depth--;
    if (key === undefined || vStart < 0) return;
    if (filter !== undefined && !filter(key)) return;
    this.anyValue(buf, vStart, vEnd, prefix === "" ? key : `${prefix}.${key}`);
  }

  private anyValue(buf: Uint8Array, start: number, end: number, key: string): void {
    const fr = this.reader(buf, start, end);
    while (fr.next()) {
      switch (fr.fieldNum) {
        case 1:
          this.ls.push([key, fr.string()]);
          break;
        case 2:
          this.ls.push([key, fr.bool() ? "true" : "false"]);
          break;
        case 3:
          fr.int64();
          this.ls.push([key, BigInt.asIntN(64, (BigInt(fr.hi) << 32n) | BigInt(fr.lo)).toString()]);
          break;
        case 4:
          this.ls.push([key, formatFloatF(fr.double())]);
          break;
        case 5:
          fr.message();
          this.ls.push([key, JSON.stringify(this.arrayToJSON(fr.buf, fr.dataStart, fr.dataEnd))]);
          break;
        case 6: {
          fr.message();
          const kr = this.reader(fr.buf, fr.dataStart, fr.dataEnd);
          while (kr.next()) {
            if (kr.fieldNum === 1) {
              kr.message();
              this.keyValue(kr.buf, kr.dataStart, kr.dataEnd, key);
            }
          }
          this.depth--;
          break;
        }
        case 7:
          this.ls.push([key, Buffer.from(fr.bytes()).toString("base64")]);
          break;
      }
    }
    this.depth--;
  }

  private arrayToJSON(buf: Uint8Array, start: number, end: number): unknown[] {
    const out: unknown[] = [];
    const fr = this.reader(buf, start, end);
    while (fr.next()) {
      if (fr.fieldNum === 1) {
        fr.message();
        out.push(this.anyToJSON(fr.buf, fr.dataStart, fr.dataEnd));
      }
    }
    this.depth--;
    return out;
  }

  private anyToJSON(buf: Uint8Array, start: number, end: number): unknown {
    const fr = this.reader(buf, start, end);
    let v: unknown = null;
    while (fr.next()) {
      switch (fr.fieldNum) {
        case 1: v = fr.string(); break;
        case 2: v = fr.bool(); break;
        case 3: v = fr.int64(); break;
        case 4: {
          const x = fr.double();
          v = Number.isFinite(x) ? x : null;
          break;
        }
        case 5: fr.message(); v = this.arrayToJSON(fr.buf, fr.dataStart, fr.dataEnd); break;
        case 6: {
          fr.message();
          const obj: Record<string, unknown> = {};
          const kr = this.reader(fr.buf, fr.dataStart, fr.dataEnd);
          while (kr.next()) {
            if (kr.fieldNum !== 1) continue;
            kr.message();
            const er = this.reader(kr.buf, kr.dataStart, kr.dataEnd);
            let k = "";
            let val: unknown = null;
            while (er.next()) {
              if (er.fieldNum === 1) k = er.string();
              else if (er.fieldNum === 2) {
                er.message();
                val = this.anyToJSON(er.buf, er.dataStart, er.dataEnd);
              }
            }
            this.depth--;
            obj[k] = val;
          }
          this.depth--;
          v = obj;
          break;
        }
        case 7: v = Buffer.from(fr.bytes()).toString("base64"); break;
        default: continue;
      }
      break;
    }
    this.depth--;
    return v;
  }

  private metric(buf: Uint8Array, start: number, end: number): void {
    // A metric whose name cannot be read is reported without a name, not with the previous one's.
    this.metricName = "";
    const fr = this.reader(buf, start, end);
    let name: string | undefined;
    let unit: string | undefined;
    while (fr.next()) {
      if (fr.fieldNum === 1 && name === undefined) name = fr.string();
      else if (fr.fieldNum === 3 && unit === undefined) unit = fr.string();
    }
    this.metricName = name ?? "";
    if (name === undefined || name === "") throw new ProtoError("missing metric name");
    this.metricUnit = unit ?? "";
    fr.reset(buf, start, end);
    while (fr.next()) {
      switch (fr.fieldNum) {
        case 5: fr.message(); this.points(fr, KIND_GAUGE, "Gauge"); break;
        case 7: {
          fr.message();
          // is_monotonic (field 3) decides between a counter and a gauge.
          const sr = this.reader(fr.buf, fr.dataStart, fr.dataEnd);
          let monotonic = false;
          while (sr.next()) if (sr.fieldNum === 3) monotonic = sr.bool();
          this.depth--;
          this.points(fr, monotonic ? KIND_COUNTER : KIND_GAUGE, "Sum");
          break;
        }
        case 9: fr.message(); this.points(fr, KIND_HISTOGRAM, "Histogram"); break;
        case 10: fr.message(); this.points(fr, KIND_HISTOGRAM, "ExponentialHistogram"); break;
        case 11: fr.message(); this.points(fr, KIND_SUMMARY, "Summary"); break;
      }
    }
    this.depth--;
  }

  private points(parent: FieldReader, kind: number, what: string): void {
    const o = this.opts;
    this.baseName = o.usePrometheusNaming || o.convertMetricNamesToPrometheus
      ? prometheusMetricName(this.metricName, this.metricUnit, kind)
      : this.metricName;
    if (kind === KIND_HISTOGRAM || kind === KIND_SUMMARY) {
      this.countName = this.baseName + "_count";
      this.sumName = this.baseName + "_sum";
      this.bucketName = this.baseName + "_bucket";
    }
    const fr = this.reader(parent.buf, parent.dataStart, parent.dataEnd);
    const lsMark = this.ls.length;
    while (fr.next()) {
      if (fr.fieldNum !== 1) continue;
      if (fr.wireType !== WIRE_LEN) throw new ProtoError(`cannot read ${what} data point: got wire type ${fr.wireType}; want len`);
      if (what === "Gauge" || what === "Sum") this.numberPoint(fr.buf, fr.dataStart, fr.dataEnd);
      else if (what === "Histogram") this.histogramPoint(fr.buf, fr.dataStart, fr.dataEnd);
      else if (what === "ExponentialHistogram") this.expHistogramPoint(fr.buf, fr.dataStart, fr.dataEnd);
      else this.summaryPoint(fr.buf, fr.dataStart, fr.dataEnd);
      this.ls.length = lsMark;
    }
    this.depth--;
  }

  // attr records the attribute (KeyValue) field fr is at, for resolvePoint.
  private attr(fr: FieldReader): void {
    fr.message();
    const i = 3 * this.nAttrs;
    if (i + 3 > this.attrRanges.length) {
      const a = new Int32Array(2 * this.attrRanges.length);
      a.set(this.attrRanges);
      this.attrRanges = a;
    }
    this.attrRanges[i] = fr.fieldStart;
    this.attrRanges[i + 1] = fr.dataStart;
    this.attrRanges[i + 2] = fr.dataEnd;
    this.nAttrs++;
  }

  // decodeAttrs pushes the labels of the recorded attributes onto ls.
  private decodeAttrs(buf: Uint8Array): void {
    const r = this.attrRanges;
    for (let i = 0; i < this.nAttrs; i++) this.keyValue(buf, r[3 * i + 1]!, r[3 * i + 2]!, "");
  }

  // failPoint decodes the attributes recorded before a point's field failed to
  // decode (so that a bad attribute is reported first, as when attributes were
  // decoded in field order) and rethrows err.
  private failPoint(buf: Uint8Array, err: unknown): never {
    if (err instanceof ProtoError) this.decodeAttrs(buf);
    throw err;
  }

  // resolvePoint makes this.point the series of the recorded attributes under
  // the current resource and scope: found by the attributes' bytes, or decoded.
  private resolvePoint(buf: Uint8Array): void {
    const r = this.attrRanges;
    const n = this.nAttrs;
    let key = "";
    if (n > 0) {
      // Runs of adjacent fields become one slice (attributes are self-delimiting).
      let s = r[0]!;
      let e = r[2]!;
      for (let i = 1; i < n; i++) {
        if (r[3 * i] === e) {
          e = r[3 * i + 2]!;
        } else {
          key += latin1Key(buf, s, e);
          s = r[3 * i]!;
          e = r[3 * i + 2]!;
        }
      }
      key += latin1Key(buf, s, e);
    }
    // The point after the previous one last time is the likely one.
    const g = this.point.next;
    let pe = g !== undefined && g.ctx === this.ctx && g.key === key ? g : this.ctx.points.get(key);
    if (pe === undefined) {
      const mark = this.ls.length;
      this.decodeAttrs(buf);
      const attrs: OtlpLabel[] = [];
      for (let i = mark; i < this.ls.length; i++) attrs.push([this.ls[i]![0], this.ls[i]![1]]);
      this.ls.length = mark;
      pe = { ctx: this.ctx, key, next: undefined, attrs, lastName: "", lastLabels: undefined, byName: new Map(), byExtra: undefined };
      this.ctx.points.set(key, pe);
      this.cache.added(1);
    }
    this.point.next = pe;
    this.point = pe;
  }

  // makeLabels returns new labels of a series of the current point: __name__,
  // the resource and scope labels, the point's attributes, then extra.
  private makeLabels(name: string, extra: OtlpLabel | undefined): ReadonlyArray<OtlpLabel> {
    const c = this.ctx.labels;
    const a = this.point.attrs;
    const labels: OtlpLabel[] = [["__name__", name]];
    // The context's and the point's label pairs are never modified: series share them.
    const prom = this.opts.usePrometheusNaming;
    for (const l of c) labels.push(prom ? [this.labelName(l[0]), l[1]] : l);
    for (const l of a) labels.push(prom ? [this.labelName(l[0]), l[1]] : l);
    if (extra !== undefined) labels.push(prom ? [this.labelName(extra[0]), extra[1]] : extra);
    this.cache.added(1);
    return labels;
  }

  // push adds one sample of the series named name of the current point.
  private push(name: string, ts: number, value: number): void {
    const pe = this.point;
    let labels = pe.lastName === name ? pe.lastLabels : pe.byName.get(name);
    if (labels === undefined) {
      labels = this.makeLabels(name, undefined);
      pe.byName.set(name, labels);
    }
    pe.lastName = name;
    pe.lastLabels = labels;
    this.rows.push(labels, ts, value);
    if (this.stale) this.rows.markStale();
  }

  // extraSeries returns the labels, by the value of extra label extraName, of
  // the series named name of the current point.
  private extraSeries(extraName: string, name: string): Map<string, ReadonlyArray<OtlpLabel>> {
    const pe = this.point;
    const k = `${extraName}\u0000${name}`;
    pe.byExtra ??= new Map();
    let m = pe.byExtra.get(k);
    if (m === undefined) {
      m = new Map();
      pe.byExtra.set(k, m);
    }
    return m;
  }

  // pushExtra adds one sample of the series named name, with extraName=extraValue
  // after the point's labels, of the current point (series: extraSeries(extraName, name)).
  private pushExtra(series: Map<string, ReadonlyArray<OtlpLabel>>, name: string, extraName: string, extraValue: string, ts: number, value: number): void {
    let labels = series.get(extraValue);
    if (labels === undefined) {
      labels = this.makeLabels(name, [extraName, extraValue]);
      series.set(extraValue, labels);
    }
    this.rows.push(labels, ts, value);
    if (this.stale) this.rows.markStale();
  }

  private labelName(name: string): string {
    let s = this.labelNames.get(name);
    if (s === undefined) {
      s = prometheusLabelName(name, this.opts.labelNameUnderscoreSanitization);
      if (this.labelNames.size > 10000) this.labelNames.clear();
      this.labelNames.set(name, s);
    }
    return s;
  }

  private numberPoint(buf: Uint8Array, start: number, end: number): void {
    const fr = this.reader(buf, start, end);
    let ts = 0;
    let value = 0;
    let flags = 0;
    this.nAttrs = 0;
    try {
      while (fr.next()) {
        switch (fr.fieldNum) {
          case 7: this.attr(fr); break;
          case 3: wantI64(fr, "time_unix_nano"); ts = nanosToMillis(fr.buf, fr.dataStart); break;
          case 4: value = fr.double(); break;
          case 6: wantI64(fr, "as_int"); value = int64At(fr.buf, fr.dataStart); break;
          case 8: flags = fr.uint32(); break;
        }
      }
    } catch (e) {
      this.failPoint(buf, e);
    }
    this.resolvePoint(buf);
    this.depth--;
    this.stale = (flags & 1) !== 0;
    this.push(this.baseName, ts, value);
  }

  // packedFixed64 appends the elements of a repeated fixed64 field (packed or not).
  private static packedFixed64(fr: FieldReader, dst: number[]): void {
    if (fr.wireType === WIRE_I64) {
      dst.push(uint64At(fr.buf, fr.dataStart));
      return;
    }
    fr.message();
    const n = fr.dataEnd - fr.dataStart;
    if (n % 8 !== 0) throw new ProtoError(`cannot read field ${fr.fieldNum} as packed fixed64: got ${n} bytes; want a multiple of 8`);
    for (let p = fr.dataStart; p < fr.dataEnd; p += 8) dst.push(uint64At(fr.buf, p));
  }

  private histogramPoint(buf: Uint8Array, start: number, end: number): void {
    const fr = this.reader(buf, start, end);
    let ts = 0;
    let count = 0;
    let sum = 0;
    let hasSum = false;
    let flags = 0;
    const counts = this.counts;
    const bounds = this.bounds;
    counts.length = 0;
    bounds.length = 0;
    this.nAttrs = 0;
    try {
      while (fr.next()) {
        switch (fr.fieldNum) {
          case 9: this.attr(fr); break;
          case 3: wantI64(fr, "time_unix_nano"); ts = nanosToMillis(fr.buf, fr.dataStart); break;
          case 4: wantI64(fr, "count"); count = uint64At(fr.buf, fr.dataStart); break;
          case 5: sum = fr.double(); hasSum = true; break;
          case 6: OtlpDecoder.packedFixed64(fr, counts); break;
          case 7: fr.appendDoubles(bounds); break;
          case 10: flags = fr.uint32(); break;
        }
      }
    } catch (e) {
      this.failPoint(buf, e);
    }
    this.resolvePoint(buf);
    this.depth--;
    if (counts.length === 0) return;
    if (counts.length !== bounds.length + 1) {
      // Only this point is skipped, as in VictoriaMetrics.
      this.fail(`cannot use a data point of histogram ${JSON.stringify(this.metricName)}: got ${counts.length} bucket_counts; want ${bounds.length + 1} (explicit_bounds + 1)`);
      return;
    }
    this.stale = (flags & 1) !== 0;
    this.push(this.countName, ts, count);
    if (hasSum) this.push(this.sumName, ts, sum);
    const series = this.extraSeries("le", this.bucketName);
    let cumulative = 0;
    for (let i = 0; i < bounds.length; i++) {
      cumulative += counts[i]!;
      this.pushExtra(series, this.bucketName, "le", formatFloatF(bounds[i]!), ts, cumulative);
    }
    cumulative += counts[counts.length - 1]!;
    this.pushExtra(series, this.bucketName, "le", "+Inf", ts, cumulative);
  }

  private buckets(fr: FieldReader, dst: number[]): number {
    const br = this.reader(fr.buf, fr.dataStart, fr.dataEnd);
    let offset = 0;
    dst.length = 0;
    while (br.next()) {
      if (br.fieldNum === 1) offset = br.sint32();
      else if (br.fieldNum === 2) br.forEachVarint((lo, hi) => dst.push(hi * 4294967296 + lo));
    }
    this.depth--;
    return offset;
  }

  private expHistogramPoint(buf: Uint8Array, start: number, end: number): void {
    const fr = this.reader(buf, start, end);
    let ts = 0;
    let count = 0;
    let sum = 0;
    let hasSum = false;
    let flags = 0;
    let scale = 0;
    let zeroCount = 0;
    let zeroThreshold = 0;
    let posOffset = 0;
    let negOffset = 0;
    const pos = this.posCounts;
    const neg = this.negCounts;
    pos.length = 0;
    neg.length = 0;
    this.nAttrs = 0;
    try {
      while (fr.next()) {
        switch (fr.fieldNum) {
          case 1: this.attr(fr); break;
          case 3: wantI64(fr, "time_unix_nano"); ts = nanosToMillis(fr.buf, fr.dataStart); break;
          case 4: wantI64(fr, "count"); count = uint64At(fr.buf, fr.dataStart); break;
          case 5: sum = fr.double(); hasSum = true; break;
          case 6: scale = fr.sint32(); break;
          case 7: wantI64(fr, "zero_count"); zeroCount = uint64At(fr.buf, fr.dataStart); break;
          case 8: fr.message(); posOffset = this.buckets(fr, pos); break;
          case 9: fr.message(); negOffset = this.buckets(fr, neg); break;
          case 10: flags = fr.uint32(); break;
          case 14: zeroThreshold = fr.double(); break;
        }
      }
    } catch (e) {
      this.failPoint(buf, e);
    }
    this.resolvePoint(buf);
    this.depth--;
    this.stale = (flags & 1) !== 0;
    this.push(this.countName, ts, count);
    if (hasSum) this.push(this.sumName, ts, sum);
    const series = this.extraSeries("vmrange", this.bucketName);
    if (zeroCount > 0) {
      this.pushExtra(series, this.bucketName, "vmrange", formatVmrange(-zeroThreshold, zeroThreshold), ts, zeroCount);
    }
    // Bucket i of offset o covers (base^(o+i), base^(o+i+1)] with base = 2^(2^-scale).
    const ratio = Math.pow(2, -scale);
    const base = Math.pow(2, ratio);
    const posBound = Math.pow(2, posOffset * ratio);
    for (let i = 0; i < pos.length; i++) {
      if (pos[i]! <= 0) continue;
      const lower = posBound * Math.pow(base, i);
      this.pushExtra(series, this.bucketName, "vmrange", formatVmrange(lower, lower * base), ts, pos[i]!);
    }
    const negBound = Math.pow(2, negOffset * ratio);
    for (let i = 0; i < neg.length; i++) {
      if (neg[i]! <= 0) continue;
      const lower = negBound * Math.pow(base, i);
      this.pushExtra(series, this.bucketName, "vmrange", formatVmrange(-(lower * base), -lower), ts, neg[i]!);
    }
  }

  private summaryPoint(buf: Uint8Array, start: number, end: number): void {
    const fr = this.reader(buf, start, end);
    let ts = 0;
    let count = 0;
    let sum = 0;
    let flags = 0;
    const qs = this.quantiles;
    qs.length = 0;
    this.nAttrs = 0;
    try {
      while (fr.next()) {
        switch (fr.fieldNum) {
          case 7: this.attr(fr); break;
          case 3: wantI64(fr, "time_unix_nano"); ts = nanosToMillis(fr.buf, fr.dataStart); break;
          case 4: wantI64(fr, "count"); count = uint64At(fr.buf, fr.dataStart); break;
          case 5: sum = fr.double(); break;
          case 6: {
            fr.message();
            const qr = this.reader(fr.buf, fr.dataStart, fr.dataEnd);
            let q = 0;
            let v = 0;
            while (qr.next()) {
              if (qr.fieldNum === 1) q = qr.double();
              else if (qr.fieldNum === 2) v = qr.double();
            }
            this.depth--;
            qs.push(q, v);
            break;
          }
          case 8: flags = fr.uint32(); break;
        }
      }
    } catch (e) {
      this.failPoint(buf, e);
    }
    this.resolvePoint(buf);
    this.depth--;
    this.stale = (flags & 1) !== 0;
    this.push(this.countName, ts, count);
    this.push(this.sumName, ts, sum);
    const series = this.extraSeries("quantile", this.baseName);
    for (let i = 0; i < qs.length; i += 2) {
      this.pushExtra(series, this.baseName, "quantile", formatFloatF(qs[i]!), ts, qs[i + 1]!);
    }
  }
}
