// VictoriaMetrics' marshaled MetricName (lib/storage/metric_name.go), as the native
// format carries it: the metric name, then key, value of every tag, each followed by
// the separator byte 1, with bytes 0, 1, 2 escaped as 0 '0', 0 '1', 0 '2'.

import type { ByteBuffer } from "../../encoding/index.ts";
import type { Label } from "../vmimport/index.ts";

const ESCAPE = 0;
const TAG_SEPARATOR = 1;
const KV_SEPARATOR = 2;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function appendTagValue(dst: ByteBuffer, s: string): void {
  const b = encoder.encode(s);
  dst.ensure(2 * b.length + 1);
  for (const c of b) {
    if (c <= KV_SEPARATOR) {
      dst.appendByte(ESCAPE);
      dst.appendByte(0x30 + c);
    } else {
      dst.appendByte(c);
    }
  }
  dst.appendByte(TAG_SEPARATOR);
}

/**
 * appendMetricName appends the marshaled metric name of labels to dst: the value of
 * "__name__" (empty when absent) as the metric group, then every other label in the
 * given order. Labels with empty values are left out (they do not exist in a series).
 */
export function appendMetricName(dst: ByteBuffer, labels: ReadonlyArray<readonly [string, string]>): void {
  let name = "";
  for (const [k, v] of labels) if (k === "__name__") name = v;
  appendTagValue(dst, name);
  for (const [k, v] of labels) {
    if (k === "__name__" || v === "") continue;
    appendTagValue(dst, k);
    appendTagValue(dst, v);
  }
}

function unescape(src: Uint8Array, start: number, end: number): string {
  let i = src.indexOf(ESCAPE, start);
  if (i < 0 || i >= end) return decoder.decode(src.subarray(start, end));
  const out: number[] = [];
  for (i = start; i < end; i++) {
    const c = src[i]!;
    if (c !== ESCAPE) {
      out.push(c);
      continue;
    }
    if (i + 1 >= end) throw new Error("cannot unmarshal tag value: missing escaped char");
    const e = src[++i]!;
    if (e < 0x30 || e > 0x32) throw new Error(`cannot unmarshal tag value: unsupported escaped char: ${JSON.stringify(String.fromCharCode(e))}`);
    out.push(e - 0x30);
  }
  return decoder.decode(Uint8Array.from(out));
}

/**
 * parseMetricName decodes a marshaled metric name into labels: ["__name__", group]
 * first (when the group is not empty), then the tags in their order; a tag with an
 * empty key names the metric as VictoriaMetrics treats it. It throws "cannot unmarshal
 * ..." when a value lacks its separator or holds a bad escape.
 */
export function parseMetricName(src: Uint8Array): Label[] {
  const labels: Label[] = [];
  let pos = 0;
  let key: string | undefined;
  let first = true;
  while (pos < src.length || first) {
    const end = src.indexOf(TAG_SEPARATOR, pos);
    if (end < 0) throw new Error(first ? "cannot unmarshal MetricGroup: cannot find the end of tag value" : "cannot unmarshal tag: cannot find the end of tag value");
    const s = unescape(src, pos, end);
    pos = end + 1;
    if (first) {
      first = false;
      if (s !== "") labels.push(["__name__", s]);
    } else if (key === undefined) {
      key = s;
    } else {
      labels.push([key === "" ? "__name__" : key, s]);
      key = undefined;
    }
  }
  if (key !== undefined) throw new Error("cannot unmarshal tag: cannot unmarshal value: cannot find the end of tag value");
  return labels;
}
