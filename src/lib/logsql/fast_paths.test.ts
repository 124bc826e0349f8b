import fc from "fast-check";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LogBlock, LogField, LogSearcher, SearchOptions, StreamInfo } from "../logstorage/index.ts";
import { parseQuery } from "./parser.ts";
import { executeQuery } from "./execute.ts";
import { formatRowBatchJSONLines } from "./json_lines.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";

const T0 = 1700000000000000000n;
const opts = { tenants: [{ accountID: 0, projectID: 0 }], minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n };

// RichBlock adds the optional raw views of stored blocks (dict columns, string bytes, row picks) to a block.
function richBlock(b: LogBlock): LogBlock {
  const names = new Set(b.columnNames());
  const dictOf = (name: string): { dict: string[]; idx: Uint8Array } | undefined => {
    // _msg stays a string column.
    if (!names.has(name) || name === "_msg") return undefined;
    const v = b.columnValues(name);
    const dict = [...new Set(v)];
    if (dict.length > 8) return undefined;
    return { dict, idx: Uint8Array.from(v, (x) => dict.indexOf(x)) };
  };
  return {
    rowsCount: b.rowsCount,
    tenant: b.tenant,
    streamID: b.streamID,
    stream: b.stream,
    minTimestamp: b.minTimestamp,
    maxTimestamp: b.maxTimestamp,
    timestamps: () => b.timestamps(),
    columnNames: () => b.columnNames(),
    columnValues: (name) => b.columnValues(name),
    constValue: (name) => b.constValue(name),
    mayContainTokens: (name, tokens) => b.mayContainTokens(name, tokens),
    numericRange: (name) => b.numericRange(name),
    dictColumn: dictOf,
    stringColumnBytes(name) {
      if (!names.has(name) || dictOf(name) !== undefined) return undefined;
      const bufs = b.columnValues(name).map((v) => Buffer.from(v, "utf8"));
      const offs = new Uint32Array(bufs.length + 1);
      for (let i = 0; i < bufs.length; i++) offs[i + 1] = offs[i]! + bufs[i]!.length;
      return { data: Buffer.concat(bufs), offs };
    },
    columnValuesAt: (name, idx) => Array.from(idx, (i) => b.columnValues(name)[i]!),
  };
}

class RichSource implements LogSearcher {
  private readonly src: MemoryLogSource;
  constructor(src: MemoryLogSource) {
    this.src = src;
  }
  search(o: SearchOptions, onBlock: (block: LogBlock) => boolean | void): Promise<void> {
    return this.src.search(o, (b) => onBlock(richBlock(b)));
  }
  streams(o: SearchOptions): Promise<StreamInfo[]> {
    return this.src.streams(o);
  }
}

async function run(src: LogSearcher, q: string): Promise<string> {
  let out = "";
  await executeQuery(parseQuery(q, T0), src, opts, (b) => void (out += formatRowBatchJSONLines(b)));
  return out;
}

const filters = ["*", "err", '"conn refused"', "x*", "~\"c.nn\"", 're("co[a-z]+ r")', "level:error", "level:~\"^e\"", "-level:info", "_time:[2023-11-14T22:13:25Z, 2023-11-14T22:13:40Z)", "msg:i(ERR)", "level:in(error, warn)", "*re*"];
const pipes = ["", "stats by (level) count() c", "stats count() c, count() d", "stats by (_stream) count() c | sort by (c desc)", "sort by (_time desc) | limit 4", "first 3", "stats by (x) count() c"];

test("fast-check: blocks with raw views answer as plain blocks", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          dt: fc.integer({ min: 0, max: 60 }),
          app: fc.constantFrom("a", "b"),
          level: fc.constantFrom("info", "error", "warn", ""),
          msg: fc.constantFrom("conn refused", "err x", "xconn refused", "é err", "conn  refused", "", "cann refused!", "connection reset"),
          x: fc.constantFrom("", "1", "2", "v3"),
        }),
        { minLength: 1, maxLength: 50 },
      ),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom(...filters),
      fc.constantFrom(...pipes),
      async (rs, blockSize, f, p) => {
        const rows: MemoryRow[] = rs.map((r, i) => ({
          timestampNs: T0 + BigInt(r.dt) * 1_000_000_000n,
          fields: [{ name: "_msg", value: r.msg }, { name: "app", value: r.app }, { name: "level", value: r.level }, { name: "x", value: r.x }, { name: "i", value: String(i) }],
          streamFields: ["app"],
        }));
        const plain = new MemoryLogSource(rows, blockSize);
        const q = p === "" ? f : `${f} | ${p}`;
        assert.equal(await run(new RichSource(plain), q), await run(plain, q), q);
      },
    ),
    { numRuns: 400 },
  );
});

test("fast-check: stats count() from the blocks answers as the stats pipe", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 60 }), level: fc.constantFrom("info", "error", ""), app: fc.constantFrom("a", "b"), y: fc.constantFrom("", "p", "q", "r") }), { maxLength: 40 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom("level", "y", "app", "_stream", "missing"),
      fc.constantFrom("*", "level:error", "y:p"),
      async (rs, blockSize, by, f) => {
        const rows: MemoryRow[] = rs.map((r) => ({
          timestampNs: T0 + BigInt(r.dt) * 1_000_000_000n,
          fields: [{ name: "level", value: r.level }, { name: "app", value: r.app }, { name: "y", value: r.y }],
          streamFields: ["app"],
        }));
        const src = new RichSource(new MemoryLogSource(rows, blockSize));
        // A count() with an if (...) takes the stats pipe itself.
        const fast = `${f} | stats by (${by}) count() c`;
        const slow = `${f} | stats by (${by}) count() if (*) c`;
        assert.equal(await run(src, fast), await run(src, slow), fast);
        assert.equal(await run(src, `${f} | stats count() c`), await run(src, `${f} | stats count() if (*) c`), f);
      },
    ),
    { numRuns: 200 },
  );
});
