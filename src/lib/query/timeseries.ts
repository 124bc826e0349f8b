// The evaluator's value: a series with a metric name (the __name__ value kept
// apart, as VictoriaMetrics' MetricName does) and one value per output point.

/** Timeseries is one series of an evaluation result; NaN values are "no point". timestamps are shared between series: never modify them. */
export interface Timeseries {
  /** name is the metric name (__name__); "" for none. */
  name: string;
  /** tags are the other labels; never holds "__name__" or an empty value. */
  tags: Map<string, string>;
  values: Float64Array;
  timestamps: Float64Array;
}

/** newTimeseries returns a series with no labels and the given values. */
export function newTimeseries(timestamps: Float64Array, values: Float64Array): Timeseries {
  return { name: "", tags: new Map(), values, timestamps };
}

/** copyTimeseries returns a copy of ts with its own labels and values (timestamps stay shared). */
export function copyTimeseries(ts: Timeseries): Timeseries {
  return { name: ts.name, tags: new Map(ts.tags), values: ts.values.slice(), timestamps: ts.timestamps };
}

/** copyMetricName returns ts with its own labels, sharing values and timestamps. */
export function copyMetricName(ts: Timeseries): Timeseries {
  return { name: ts.name, tags: new Map(ts.tags), values: ts.values, timestamps: ts.timestamps };
}

// VictoriaMetrics stores job-like labels first, then instance-like ones, then
// the rest by name (lib/storage/metric_name.go, commonTagKeys); limitk()
// hashes series in that order. Results are sorted by name.
const commonTagKeys: ReadonlyMap<string, string> = (() => {
  const lc: Array<[string, string]> = [
    ["namespace", "\x00\x00\x00"], ["ns", "\x00\x00\x01"], ["datacenter", "\x00\x00\x08"], ["dc", "\x00\x00\x09"],
    ["environment", "\x00\x00\x0c"], ["env", "\x00\x00\x0d"], ["cluster", "\x00\x00\x10"], ["service", "\x00\x00\x18"],
    ["job", "\x00\x00\x20"], ["model", "\x00\x00\x28"], ["type", "\x00\x00\x30"], ["sensor_type", "\x00\x00\x38"],
    ["SensorType", "\x00\x00\x38"], ["db", "\x00\x00\x40"],
    ["instance", "\x00\x01\x00"], ["host", "\x00\x01\x08"], ["server", "\x00\x01\x10"], ["pod", "\x00\x01\x18"],
    ["node", "\x00\x01\x20"], ["device", "\x00\x01\x28"], ["tenant", "\x00\x01\x30"], ["client", "\x00\x01\x38"],
    ["name", "\x00\x01\x40"], ["measurement", "\x00\x01\x48"],
  ];
  const m = new Map<string, string>();
  for (const [k, v] of lc) {
    m.set(k, v);
    m.set(k[0]!.toUpperCase() + k.slice(1), v);
  }
  return m;
})();

/** canonicalTagKey is the key VictoriaMetrics orders a label name by. */
export function canonicalTagKey(name: string): string {
  return commonTagKeys.get(name) ?? name;
}

/** compareTagNames orders label names as VictoriaMetrics stores them. */
export function compareTagNames(a: string, b: string): number {
  const x = canonicalTagKey(a);
  const y = canonicalTagKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** canonicalTags returns the tags of ts in the order VictoriaMetrics stores them (job-like, instance-like, then by name). */
export function canonicalTags(ts: Timeseries): Array<[string, string]> {
  return [...ts.tags].sort((a, b) => compareTagNames(a[0], b[0]));
}

/** sortedTags returns the tags of ts sorted by name, the order of query results. */
export function sortedTags(ts: Timeseries): Array<[string, string]> {
  const out = [...ts.tags];
  // Tags usually come in storage order, which is already by name.
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]![0] > out[i]![0]) return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  return out;
}

/** tagsKey returns a string identifying the tags of ts (the name excluded). */
export function tagsKey(ts: Timeseries): string {
  let s = "";
  for (const [k, v] of sortedTags(ts)) s += k + "\x01" + v + "\x02";
  return s;
}

/** metricKey returns a string identifying the metric name and tags of ts. */
export function metricKey(ts: Timeseries): string {
  return ts.name + "\x00" + tagsKey(ts);
}

/** setTag sets tag name of ts to value, removing it for the empty value; "__name__" sets the metric name. */
export function setTag(ts: Timeseries, name: string, value: string): void {
  if (name === "__name__") ts.name = value;
  else if (value === "") ts.tags.delete(name);
  else ts.tags.set(name, value);
}

/** getTag returns tag name of ts ("__name__" for the metric name), or "" when missing. */
export function getTag(ts: Timeseries, name: string): string {
  if (name === "__name__") return ts.name;
  return ts.tags.get(name) ?? "";
}

/** removeTagsOn keeps only the tags in onTags; the metric name too only when "__name__" is there. */
export function removeTagsOn(ts: Timeseries, onTags: readonly string[]): void {
  if (!onTags.includes("__name__")) ts.name = "";
  for (const k of [...ts.tags.keys()]) if (!onTags.includes(k)) ts.tags.delete(k);
}

/** removeTagsIgnoring removes the tags in ignoringTags ("__name__" removes the metric name). */
export function removeTagsIgnoring(ts: Timeseries, ignoringTags: readonly string[]): void {
  for (const k of ignoringTags) {
    if (k === "__name__") ts.name = "";
    else ts.tags.delete(k);
  }
}

/** hasOnlyNaNs reports whether every value of ts is NaN. */
export function hasOnlyNaNs(ts: Timeseries): boolean {
  const vs = ts.values;
  for (let i = 0; i < vs.length; i++) if (vs[i] === vs[i]) return false;
  return true;
}

/** removeEmptySeries drops the series whose values are all NaN. */
export function removeEmptySeries(tss: Timeseries[]): Timeseries[] {
  return tss.filter((ts) => !hasOnlyNaNs(ts));
}

/** isScalar reports whether tss is one series without name and tags (a number or scalar()). */
export function isScalar(tss: readonly Timeseries[]): boolean {
  return tss.length === 1 && tss[0]!.name === "" && tss[0]!.tags.size === 0;
}

/** compareMetricNames orders series as VictoriaMetrics sorts query results: by name, then by sorted tags. */
export function compareMetricNames(a: Timeseries, b: Timeseries): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareSortedTags(sortedTags(a), sortedTags(b));
}

/** sortByMetricName sorts tss in place as compareMetricNames orders them, sorting each series' tags once. */
export function sortByMetricName(tss: Timeseries[]): void {
  const keyed = tss.map((ts) => ({ ts, tags: sortedTags(ts) }));
  keyed.sort((a, b) => (a.ts.name !== b.ts.name ? (a.ts.name < b.ts.name ? -1 : 1) : compareSortedTags(a.tags, b.tags)));
  for (let i = 0; i < keyed.length; i++) tss[i] = keyed[i]!.ts;
}

function compareSortedTags(at: Array<[string, string]>, bt: Array<[string, string]>): number {
  for (let i = 0; i < at.length; i++) {
    if (i >= bt.length) return 1;
    const [ak, av] = at[i]!;
    const [bk, bv] = bt[i]!;
    if (ak !== bk) return ak < bk ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return at.length < bt.length ? -1 : 0;
}

/** formatMetricName returns ts as `name{k="v",...}` for error messages. */
export function formatMetricName(ts: Timeseries): string {
  return ts.name + "{" + sortedTags(ts).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ") + "}";
}
