// memory_source: an in-memory LogSearcher for tests, building blocks per stream from rows.

import type { LogBlock, LogField, LogSearcher, SearchOptions, StreamInfo, TenantID } from "../logstorage/index.ts";
import { tokenize } from "../logstorage/index.ts";

/** MemoryRow is one log entry for MemoryLogSource. */
export interface MemoryRow {
  tenant?: TenantID;
  timestampNs: bigint;
  fields: LogField[];
  /** Names of the fields that identify the row's stream (none: the stream `{}`). */
  streamFields?: readonly string[];
}

/** MemoryStats counts what searches read, so tests can check that cheap checks avoid reading values. */
export interface MemoryStats {
  blocksVisited: number;
  columnValuesCalls: number;
  mayContainTokensCalls: number;
}

function streamOf(tags: readonly LogField[]): string {
  return "{" + tags.map((t) => `${t.name}=${JSON.stringify(t.value)}`).join(",") + "}";
}

function streamIDOf(tenant: TenantID, stream: string): string {
  // Two independent 64-bit FNV-1a hashes make a 128-bit id.
  let a = 0xcbf29ce484222325n;
  let b = 0x84222325cbf29ce4n;
  const data = Buffer.from(`${tenant.accountID}:${tenant.projectID}:${stream}`);
  for (const x of data) {
    a = ((a ^ BigInt(x)) * 0x100000001b3n) & 0xffffffffffffffffn;
    b = ((b ^ BigInt(x ^ 0x5a)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return a.toString(16).padStart(16, "0") + b.toString(16).padStart(16, "0");
}

class MemoryBlock implements LogBlock {
  readonly rowsCount: number;
  readonly tenant: TenantID;
  readonly streamID: string;
  readonly stream: string;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
  private readonly ts: BigInt64Array;
  private readonly cols: Map<string, string[]>;
  private readonly stats: MemoryStats;
  private readonly tokenSets = new Map<string, Set<string>[]>();

  constructor(tenant: TenantID, stream: string, streamID: string, ts: BigInt64Array, cols: Map<string, string[]>, stats: MemoryStats) {
    this.rowsCount = ts.length;
    this.tenant = tenant;
    this.stream = stream;
    this.streamID = streamID;
    this.ts = ts;
    this.cols = cols;
    this.stats = stats;
    this.minTimestamp = ts[0];
    this.maxTimestamp = ts[ts.length - 1];
  }

  timestamps(): BigInt64Array {
    return this.ts;
  }

  columnNames(): readonly string[] {
    return [...this.cols.keys()];
  }

  columnValues(name: string): readonly string[] {
    this.stats.columnValuesCalls++;
    return this.cols.get(name) ?? new Array<string>(this.rowsCount).fill("");
  }

  constValue(name: string): string | undefined {
    const v = this.cols.get(name);
    if (v === undefined) return "";
    for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return undefined;
    return v[0];
  }

  mayContainTokens(name: string, tokens: readonly string[]): boolean {
    this.stats.mayContainTokensCalls++;
    const v = this.cols.get(name);
    if (v === undefined) return tokens.length === 0;
    let sets = this.tokenSets.get(name);
    if (sets === undefined) this.tokenSets.set(name, (sets = v.map((x) => new Set(tokenize(x)))));
    return sets.some((s) => tokens.every((t) => s.has(t)));
  }

  numericRange(name: string): { min: number; max: number } | undefined {
    const v = this.cols.get(name);
    if (v === undefined) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const x of v) {
      if (!/^-?\d+(\.\d+)?$/.test(x)) return undefined;
      const n = Number(x);
      if (n < min) min = n;
      if (n > max) max = n;
    }
    return { min, max };
  }
}

/**
 * MemoryLogSource is a LogSearcher over rows held in memory: rows are grouped
 * per (tenant, stream), sorted by time and cut into blocks of blockSize rows.
 * Bloom filters are exact (a block "may contain" tokens only when a row has them).
 */
export class MemoryLogSource implements LogSearcher {
  readonly stats: MemoryStats = { blocksVisited: 0, columnValuesCalls: 0, mayContainTokensCalls: 0 };
  private readonly blocks: MemoryBlock[] = [];
  private readonly streamInfos = new Map<string, StreamInfo>();

  constructor(rows: readonly MemoryRow[], blockSize = 1000) {
    const groups = new Map<string, { tenant: TenantID; stream: string; tags: LogField[]; rows: MemoryRow[] }>();
    for (const r of rows) {
      const tenant = r.tenant ?? { accountID: 0, projectID: 0 };
      const sf = r.streamFields ?? [];
      const tags = r.fields.filter((f) => sf.includes(f.name) && f.value !== "").map((f) => ({ name: f.name, value: f.value }));
      tags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const stream = streamOf(tags);
      const key = `${tenant.accountID}:${tenant.projectID}:${stream}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { tenant, stream, tags, rows: [] }));
      g.rows.push(r);
    }
    for (const g of groups.values()) {
      const id = streamIDOf(g.tenant, g.stream);
      this.streamInfos.set(`${g.tenant.accountID}:${g.tenant.projectID}:${id}`, { tenant: g.tenant, streamID: id, stream: g.stream, tags: g.tags });
      const sorted = [...g.rows].sort((a, b) => (a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0));
      for (let i = 0; i < sorted.length; i += blockSize) {
        const part = sorted.slice(i, i + blockSize);
        const names: string[] = [];
        for (const r of part) for (const f of r.fields) if (f.value !== "" && !names.includes(f.name)) names.push(f.name);
        const cols = new Map<string, string[]>();
        for (const n of names) cols.set(n, part.map((r) => r.fields.find((f) => f.name === n)?.value ?? ""));
        this.blocks.push(new MemoryBlock(g.tenant, g.stream, id, BigInt64Array.from(part.map((r) => r.timestampNs)), cols, this.stats));
      }
    }
  }

  async search(opts: SearchOptions, onBlock: (block: LogBlock) => boolean | void): Promise<void> {
    const allowed = new Map<string, boolean>();
    for (const b of this.blocks) {
      if (opts.signal?.aborted) return;
      if (!opts.tenants.some((t) => t.accountID === b.tenant.accountID && t.projectID === b.tenant.projectID)) continue;
      if (b.maxTimestamp < opts.minTimestamp || b.minTimestamp > opts.maxTimestamp) continue;
      if (opts.streamFilter !== undefined) {
        const key = `${b.tenant.accountID}:${b.tenant.projectID}:${b.streamID}`;
        let ok = allowed.get(key);
        if (ok === undefined) allowed.set(key, (ok = opts.streamFilter(this.streamInfos.get(key)!.tags)));
        if (!ok) continue;
      }
      this.stats.blocksVisited++;
      if (onBlock(b) === false) return;
    }
  }

  async streams(opts: SearchOptions): Promise<StreamInfo[]> {
    const out = new Map<string, StreamInfo>();
    await this.search(opts, (b) => {
      const key = `${b.tenant.accountID}:${b.tenant.projectID}:${b.streamID}`;
      out.set(key, this.streamInfos.get(key)!);
    });
    return [...out.values()];
  }
}
