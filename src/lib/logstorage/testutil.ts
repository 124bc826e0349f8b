// Helpers for the tests of this folder (not used by the storage itself).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BlockBuilder } from "./block_builder.ts";
import { Part } from "./part.ts";
import { PartWriter } from "./part_writer.ts";
import { StoredBlock } from "./stored_block.ts";

/** A test row: stream index, timestamp, fields. */
export interface TRow {
  s: number;
  t: bigint;
  f: Record<string, string>;
}

export const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "logstorage-test-"));

const sid = (s: number) => s.toString(16).padStart(32, "0");

/** writePart writes rows (any order) as a part in dir and returns it opened. */
export function writePart(dir: string, rows: TRow[], level = 1): Part {
  const sorted = [...rows].sort((a, b) => a.s - b.s || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const w = new PartWriter(dir, level);
  const bb = new BlockBuilder(w);
  let cur = -1;
  for (const r of sorted) {
    if (r.s !== cur) {
      if (cur >= 0) bb.finishStream();
      cur = r.s;
      bb.start(0, 0, sid(r.s), `{s="${r.s}"}`);
    }
    const names = Object.keys(r.f);
    bb.beginRow(r.t, names.length);
    for (const n of names) bb.addField(n, r.f[n]!);
    bb.endRow();
  }
  if (cur >= 0) bb.finishStream();
  w.finish();
  return Part.open(dir);
}

/** readPart returns every row of a part, in (stream, time) order. */
export function readPart(p: Part): TRow[] {
  const out: TRow[] = [];
  for (let i = 0; i < p.blocksCount; i++) {
    const b = new StoredBlock(p, i, { accountID: 0, projectID: 0 });
    const ts = b.timestamps();
    const names = b.columnNames();
    const cols = names.map((n) => b.columnValues(n));
    const s = Number.parseInt(b.streamID, 16);
    for (let r = 0; r < b.rowsCount; r++) {
      const f: Record<string, string> = {};
      names.forEach((n, k) => {
        if (cols[k]![r] !== "") f[n] = cols[k]![r]!;
      });
      out.push({ s, t: ts[r]!, f });
    }
  }
  return out;
}

export const canon = (rows: TRow[]) =>
  [...rows]
    .map((r) => ({ s: r.s, t: r.t, f: Object.fromEntries(Object.entries(r.f).filter(([, v]) => v !== "").sort()) }))
    .sort((a, b) => a.s - b.s || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0) || JSON.stringify(a.f).localeCompare(JSON.stringify(b.f)));

