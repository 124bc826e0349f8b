// A series is identified by its labels. The canonical metric name is the
// metric name (label __name__) followed by the other labels sorted by name;
// an empty label value means "no such label" (as in Prometheus) and is dropped,
// and for a duplicated label name the last value wins.

/** Label is one name=value pair; the metric name is the label "__name__". */
export type Label = readonly [name: string, value: string];

/**
 * canonicalLabels returns labels sorted with __name__ first, then by name,
 * without empty values, last duplicate winning. The input is not modified.
 */
export function canonicalLabels(labels: readonly Label[]): Label[] {
  // Fast path: parsers usually give __name__ first and sorted, non-empty labels.
  let ok = true;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l[1] === "") { ok = false; break; }
    if (i > 0) {
      const p = labels[i - 1]![0];
      if (l[0] === "__name__" || !(p === "__name__" || p < l[0])) { ok = false; break; }
    }
  }
  if (ok) return labels as Label[];
  let out: Label[] = [];
  for (const l of labels) if (l[1] !== "") out.push(l);
  if (out.length > 1) {
    // Stable sort keeps the input order of duplicates; we then keep the last one.
    out.sort((a, b) => (a[0] === b[0] ? 0 : a[0] === "__name__" ? -1 : b[0] === "__name__" ? 1 : a[0] < b[0] ? -1 : 1));
    const dedup: Label[] = [];
    for (let i = 0; i < out.length; i++) {
      if (i + 1 < out.length && out[i + 1]![0] === out[i]![0]) continue;
      dedup.push(out[i]!);
    }
    out = dedup;
  }
  return out;
}

// Separators in the canonical key. Characters 0x00..0x02 inside names and
// values are escaped as 0x00 followed by '0', '1' or '2'.
const SEP = "\x01";
const KV = "\x02";

const needsEscape = /[\x00-\x02]/;

function escape(s: string): string {
  if (!needsEscape.test(s)) return s;
  return s.replace(/[\x00-\x02]/g, (c) => "\x00" + String.fromCharCode(48 + c.charCodeAt(0)));
}

function unescape(s: string): string {
  if (s.indexOf("\x00") < 0) return s;
  return s.replace(/\x00([012])/g, (_m, d: string) => String.fromCharCode(d.charCodeAt(0) - 48));
}

/**
 * marshalMetricName returns the canonical key of already-canonical labels:
 * `name SEP (key KV value SEP)*`. It is used as a map key and, UTF-8 encoded,
 * in the index and the WAL.
 */
export function marshalMetricName(canon: readonly Label[]): string {
  let name = "";
  let i = 0;
  if (canon.length > 0 && canon[0]![0] === "__name__") {
    name = canon[0]![1];
    i = 1;
  }
  let s = escape(name) + SEP;
  for (; i < canon.length; i++) {
    const l = canon[i]!;
    s += escape(l[0]) + KV + escape(l[1]) + SEP;
  }
  return s;
}

/** unmarshalMetricName is the inverse of marshalMetricName. Throws on a malformed key. */
export function unmarshalMetricName(key: string): Label[] {
  const out: Label[] = [];
  let p = key.indexOf(SEP);
  if (p < 0) throw new Error(`cannot unmarshal metric name ${JSON.stringify(key)}: missing separator`);
  const name = unescape(key.slice(0, p));
  if (name !== "") out.push(["__name__", name]);
  p++;
  while (p < key.length) {
    const e = key.indexOf(SEP, p);
    if (e < 0) throw new Error(`cannot unmarshal metric name ${JSON.stringify(key)}: missing separator after label`);
    const kv = key.indexOf(KV, p);
    if (kv < 0 || kv > e) throw new Error(`cannot unmarshal metric name ${JSON.stringify(key)}: missing key-value separator`);
    out.push([unescape(key.slice(p, kv)), unescape(key.slice(kv + 1, e))]);
    p = e + 1;
  }
  return out;
}

/** metricNameOf returns the __name__ part of a canonical key. */
export function metricGroupOf(key: string): string {
  return unescape(key.slice(0, key.indexOf(SEP)));
}

/** fnv1a32 hashes a string's UTF-16 code units (fast, well spread; not cryptographic). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * TSID packs the sort key of a series into one safe integer:
 * `hash20(metric name) * 2^32 + metricID`. Sorting by TSID keeps the series of
 * one metric name together on disk (fewer blocks read per query, better
 * compression); the metricID (a u32 counter) makes it unique.
 */
export type TSID = number;

export const TSID_ID_MOD = 2 ** 32;

export function makeTSID(metricGroup: string, metricID: number): TSID {
  return (fnv1a32(metricGroup) >>> 12) * TSID_ID_MOD + metricID;
}

export function metricIDOf(tsid: TSID): number {
  return tsid % TSID_ID_MOD;
}
