// stream_context: the surrounding rows of matched rows in their streams (the stream_context pipe).

import type { Filter, Pipe } from "./ast.ts";
import { batchRows, getColumn, rowGet, type Row, type RowBatch } from "./row_batch.ts";
import { parseDuration } from "./numbers.ts";
import { parseTimestamp, formatTimestamp } from "./time_format.ts";

const MAX_STREAMS = 100;
const MAX_ROWS_PER_STREAM = 1000;

/** Matched is a row the filters selected: its stream, time and fields. */
interface Matched {
  ts: bigint;
  row: Row;
}

/** StreamRowsFetcher returns the rows of the stream with the given id in [min, max] (ns, inclusive). */
export type StreamRowsFetcher = (f: Filter) => Promise<RowBatch[]>;

/**
 * expandStreamContext returns, for the matched rows in batches, the groups of
 * `before` rows preceding and `after` rows following each of them in its stream
 * (within the time window, one hour by default), oldest stream first; groups are
 * followed by a delimiter row (`_msg` "---") when there is more than one.
 */
export async function expandStreamContext(p: Extract<Pipe, { t: "stream_context" }>, batches: readonly RowBatch[], fetch: StreamRowsFetcher): Promise<Row[]> {
  const tw = p.timeWindow === "" ? 3_600_000_000_000n : parseDuration(p.timeWindow)!;
  const byStream = new Map<string, Matched[]>();
  for (const b of batches) {
    const ids = getColumn(b, "_stream_id");
    const times = getColumn(b, "_time");
    if (ids === undefined || times === undefined) continue;
    batchRows(b).forEach((row, i) => {
      let l = byStream.get(ids[i]);
      if (l === undefined) byStream.set(ids[i], (l = []));
      l.push({ ts: parseTimestamp(times[i], 0n) ?? 0n, row });
    });
  }
  if (byStream.size > MAX_STREAMS) {
    throw new Error(`logs from too many streams passed to 'stream_context': ${byStream.size}; the maximum is ${MAX_STREAMS}; narrow down the matching log streams with additional filters`);
  }
  const streams = [...byStream.entries()].map(([id, ms]) => ({ id, ms: ms.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0)) }));
  streams.sort((a, b) => (a.ms[0].ts < b.ms[0].ts ? -1 : a.ms[0].ts > b.ms[0].ts ? 1 : 0));
  const groupsPerStream: Row[][][] = [];
  for (const { id, ms } of streams) {
    if (ms.length > MAX_ROWS_PER_STREAM) {
      throw new Error(`too many logs from a single stream passed to 'stream_context': ${ms.length}; the maximum is ${MAX_ROWS_PER_STREAM}; narrow down the matching logs with additional filters`);
    }
    const min = ms[0].ts - (p.before > 0 ? tw : 0n);
    const max = ms[ms.length - 1].ts + (p.after > 0 ? tw : 0n);
    const all: { ts: bigint; row: Row }[] = [];
    for (const b of await fetch({ t: "and", fs: [{ t: "stream_id", ids: [id] }, { t: "time", min, max, repr: "" }] })) {
      const times = getColumn(b, "_time")!;
      batchRows(b).forEach((row, i) => all.push({ ts: parseTimestamp(times[i], 0n) ?? 0n, row }));
    }
    all.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    // The index of each matched row among the stream's rows (same time and _msg).
    const ranges: [number, number][] = [];
    let from = 0;
    for (const m of ms) {
      const msg = rowGet(m.row, "_msg");
      let k = from;
      while (k < all.length && (all[k].ts < m.ts || (all[k].ts === m.ts && rowGet(all[k].row, "_msg") !== msg))) k++;
      if (k >= all.length) continue;
      from = k + 1;
      let lo = k;
      while (lo > 0 && k - lo < p.before && m.ts - all[lo - 1].ts <= tw) lo--;
      let hi = k;
      while (hi + 1 < all.length && hi - k < p.after && all[hi + 1].ts - m.ts <= tw) hi++;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
      else ranges.push([lo, hi]);
    }
    groupsPerStream.push(ranges.map(([lo, hi]) => all.slice(lo, hi + 1).map((x) => x.row)));
  }
  const out: Row[] = [];
  const many = groupsPerStream.length > 1 || groupsPerStream.some((g) => g.length > 1);
  for (const groups of groupsPerStream) {
    for (const g of groups) {
      out.push(...g);
      if (many && g.length > 0) {
        const lastRow = g[g.length - 1];
        const t = parseTimestamp(rowGet(lastRow, "_time"), 0n) ?? 0n;
        out.push([["_time", formatTimestamp(t + 1n)], ["_stream_id", rowGet(lastRow, "_stream_id")], ["_stream", rowGet(lastRow, "_stream")], ["_msg", "---"]]);
      }
    }
  }
  return out;
}
