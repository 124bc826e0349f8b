// An in-memory LogIngester for tests: it records committed rows.
import type { LogField, LogIngester, LogRowsBatch, TenantID } from "./storage_types.ts";

/** StoredRow is a committed row as the fake keeps it. */
export interface StoredRow {
  tenant: string;
  ts: bigint;
  fields: Record<string, string>;
  stream: string[];
}

class FakeBatch implements LogRowsBatch {
  rows: StoredRow[] = [];
  get rowsCount(): number { return this.rows.length; }
  addRow(tenant: TenantID, timestampNs: bigint, fields: readonly LogField[], streamFields: readonly string[]): void {
    const o: Record<string, string> = {};
    for (const f of fields) {
      if (f.name in o) throw new Error(`BUG: duplicate field ${f.name}`);
      o[f.name] = f.value;
    }
    this.rows.push({ tenant: `${tenant.accountID}:${tenant.projectID}`, ts: timestampNs, fields: o, stream: [...streamFields] });
  }
}

/** FakeIngester keeps committed rows in `rows` and counts commits. */
export class FakeIngester implements LogIngester {
  rows: StoredRow[] = [];
  commits = 0;
  newBatch(): LogRowsBatch { return new FakeBatch(); }
  commit(batch: LogRowsBatch): number {
    this.commits++;
    const b = batch as FakeBatch;
    this.rows.push(...b.rows);
    return b.rows.length;
  }
}
