// buildParts turns rows records (committed batches) into one part per UTC
// day: rows are grouped by (day, tenant, stream), sorted by time and cut
// into blocks. It runs in the flush worker; groupRecords is also used to
// expose not-yet-flushed rows to searches.

import { BlockBuilder } from "./block_builder.ts";
import { dayOfTimestamp } from "./filenames.ts";
import { type PartMetadata, PartWriter } from "./part_writer.ts";
import { RecordReader } from "./rows_record.ts";
import { streamIDOf } from "./stream.ts";

/** RowsGroup lists the rows of one (day, tenant, stream) across records. */
export interface RowsGroup {
  day: number;
  accountID: number;
  projectID: number;
  streamID: string;
  stream: string;
  n: number;
  ts: BigInt64Array;
  rec: Uint32Array;
  off: Float64Array;
  cnt: Uint32Array;
}

const streamIDCache = new Map<string, string>();

/** cachedStreamID returns streamIDOf(stream) through a bounded cache. */
export function cachedStreamID(stream: string): string {
  let id = streamIDCache.get(stream);
  if (id === undefined) {
    if (streamIDCache.size >= 100_000) streamIDCache.clear();
    id = streamIDOf(stream);
    streamIDCache.set(stream, id);
  }
  return id;
}

function grow<T extends BigInt64Array | Uint32Array | Float64Array>(a: T, n: number): T {
  if (n < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a as never);
  return b;
}

/**
 * groupRecords groups the rows of records; readers[i] is the reader of
 * records[i]. Groups come sorted by (day, accountID, projectID, streamID),
 * the rows of each group sorted by time (stable).
 */
export function groupRecords(records: readonly Uint8Array[]): { readers: RecordReader[]; groups: RowsGroup[] } {
  const groups = new Map<string, RowsGroup>();
  const readers: RecordReader[] = [];
  for (let r = 0; r < records.length; r++) {
    const rd = new RecordReader(records[r]!);
    readers.push(rd);
    const local: (RowsGroup | undefined)[] = [];
    let lastDay = NaN;
    let lastDayMin = 0n;
    let lastDayMax = -1n;
    while (rd.next()) {
      const t = rd.timestamp;
      let day: number;
      if (t >= lastDayMin && t <= lastDayMax) {
        day = lastDay;
      } else {
        day = dayOfTimestamp(t);
        lastDay = day;
        lastDayMin = BigInt(day) * 86_400_000_000_000n;
        lastDayMax = lastDayMin + 86_399_999_999_999n;
      }
      const si = rd.streamIdx;
      let g = local[si];
      if (g === undefined || g.day !== day) {
        const stream = rd.streams[si];
        if (stream === undefined) throw new Error(`cannot parse rows record: got stream index ${si}; want < ${rd.streams.length}`);
        const acc = rd.streamAccount[si]!;
        const proj = rd.streamProject[si]!;
        const sid = cachedStreamID(stream);
        const key = `${day}|${acc}|${proj}|${sid}`;
        g = groups.get(key);
        if (g === undefined) {
          g = { day, accountID: acc, projectID: proj, streamID: sid, stream, n: 0, ts: new BigInt64Array(64), rec: new Uint32Array(64), off: new Float64Array(64), cnt: new Uint32Array(64) };
          groups.set(key, g);
        }
        local[si] = g;
      }
      const n = g.n;
      if (n === g.ts.length) {
        g.ts = grow(g.ts, n);
        g.rec = grow(g.rec, n);
        g.off = grow(g.off, n);
        g.cnt = grow(g.cnt, n);
      }
      g.ts[n] = t;
      g.rec[n] = r;
      g.off[n] = rd.fieldsOffset;
      g.cnt[n] = rd.fieldsCount;
      g.n = n + 1;
    }
  }
  const out = [...groups.values()];
  out.sort((a, b) => a.day - b.day || a.accountID - b.accountID || a.projectID - b.projectID || (a.streamID < b.streamID ? -1 : a.streamID > b.streamID ? 1 : 0));
  for (const g of out) sortGroup(g);
  return { readers, groups: out };
}

function sortGroup(g: RowsGroup): void {
  const n = g.n;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (g.ts[i]! < g.ts[i - 1]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const perm = Array.from({ length: n }, (_, i) => i);
  const ts = g.ts;
  perm.sort((a, b) => (ts[a]! < ts[b]! ? -1 : ts[a]! > ts[b]! ? 1 : a - b));
  const nts = new BigInt64Array(n);
  const nrec = new Uint32Array(n);
  const noff = new Float64Array(n);
  const ncnt = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const j = perm[i]!;
    nts[i] = ts[j]!;
    nrec[i] = g.rec[j]!;
    noff[i] = g.off[j]!;
    ncnt[i] = g.cnt[j]!;
  }
  g.ts = nts;
  g.rec = nrec;
  g.off = noff;
  g.cnt = ncnt;
}

/** forEachGroupRow calls the builder methods for every row of g (in time order). */
export function feedGroup(g: RowsGroup, readers: readonly RecordReader[], b: { beginRow(ts: bigint, n: number): void; addField(name: string, value: string): void; endRow(): void }): void {
  let curRec = -1;
  let names: string[] = [];
  let rd: RecordReader | undefined;
  const add = (ni: number, v: string): void => {
    const name = names[ni];
    if (name === undefined) throw new Error(`cannot parse rows record: got name index ${ni}; want < ${names.length}`);
    b.addField(name, v);
  };
  for (let i = 0; i < g.n; i++) {
    const r = g.rec[i]!;
    if (r !== curRec) {
      curRec = r;
      rd = readers[r]!;
      names = rd.names;
    }
    b.beginRow(g.ts[i]!, g.cnt[i]!);
    rd!.readFieldsAt(g.off[i]!, g.cnt[i]!, add);
    b.endRow();
  }
}

/** BuiltPart is one part made by buildParts. */
export interface BuiltPart {
  day: number;
  dir: string;
  meta: PartMetadata;
}

/** buildParts writes one part per day found in records, into dirFor(day) (created). */
export function buildParts(records: readonly Uint8Array[], dirFor: (day: number) => string, level: number): BuiltPart[] {
  const { readers, groups } = groupRecords(records);
  const out: BuiltPart[] = [];
  let i = 0;
  while (i < groups.length) {
    const day = groups[i]!.day;
    const dir = dirFor(day);
    const w = new PartWriter(dir, level);
    const bb = new BlockBuilder(w);
    for (; i < groups.length && groups[i]!.day === day; i++) {
      const g = groups[i]!;
      bb.start(g.accountID, g.projectID, g.streamID, g.stream);
      feedGroup(g, readers, bb);
      bb.finishStream();
    }
    out.push({ day, dir, meta: w.finish() });
  }
  return out;
}
