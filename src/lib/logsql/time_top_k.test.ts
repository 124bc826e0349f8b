import fc from "fast-check";
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseQuery } from "./parser.ts";
import { executeQuery } from "./execute.ts";
import { formatRowBatchJSONLines } from "./json_lines.ts";
import { MemoryLogSource, type MemoryRow } from "./memory_source.ts";
import { timeSortPlan } from "./time_top_k.ts";

const T0 = 1700000000000000000n;
const opts = { tenants: [{ accountID: 0, projectID: 0 }], minTimestamp: -(2n ** 63n), maxTimestamp: 2n ** 63n - 1n };

async function run(src: MemoryLogSource, q: string): Promise<string> {
  let out = "";
  await executeQuery(parseQuery(q, T0), src, opts, (b) => void (out += formatRowBatchJSONLines(b)));
  return out;
}

test("timeSortPlan recognizes only sorts by _time alone cut to a limit", () => {
  const f = (q: string, want: { desc: boolean; k: number } | undefined) => assert.deepEqual(timeSortPlan(parseQuery(q, T0).pipes), want, q);
  f("* | sort by (_time desc) | limit 100", { desc: true, k: 100 });
  f("* | sort by (_time) limit 5", { desc: false, k: 5 });
  f("* | sort by (_time) desc offset 3 limit 5", { desc: true, k: 8 });
  f("* | sort by (_time desc) limit 5 | limit 2", { desc: true, k: 2 });
  f("* | first 3", { desc: false, k: 3 });
  f("* | last 3 by (_time)", { desc: true, k: 3 });
  f("* | sort by (_time desc)", undefined);
  f("* | sort by (_time, x) | limit 3", undefined);
  f("* | sort by (_time) partition by (x) limit 3", undefined);
  f("* | sort by (x) | limit 3", undefined);
  f("* | first 3 by (x)", undefined);
});

// A second sort key that is empty everywhere leaves the order unchanged but takes the general path.
test("fast-check: sort by _time with a limit answers as the general sort does", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 6 }), app: fc.constantFrom("a", "b", "c"), msg: fc.constantFrom("x", "y z", "err x", ""), extra: fc.constantFrom("", "", "e1") }), { minLength: 5, maxLength: 60 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 7 }),
      fc.constantFrom("sort by (_time desc) | limit K", "sort by (_time) | limit K", "sort by (_time) desc offset 2 limit K", "first K", "last K", "sort by (_time desc) limit K | fields _time, i"),
      fc.constantFrom("*", "x", "app:b"),
      async (rs, k, blockSize, pipe, filter) => {
        const rows: MemoryRow[] = rs.map((r, i) => ({
          timestampNs: T0 + BigInt(r.dt) * 1_000_000_000n,
          fields: [{ name: "_msg", value: r.msg }, { name: "app", value: r.app }, { name: "extra", value: r.extra }, { name: "i", value: String(i) }],
          streamFields: ["app"],
        }));
        const src = new MemoryLogSource(rows, blockSize);
        const fast = `${filter} | ${pipe.replace("K", String(k))}`;
        const slow = fast.replace(/sort by \(_time( desc)?\)/, "sort by (_time$1, zzz_none)").replace(/first (\d+)/, "first $1 by (_time, zzz_none)").replace(/last (\d+)/, "last $1 by (_time, zzz_none)");
        assert.notEqual(fast, slow);
        assert.equal(await run(src, fast), await run(src, slow), `${fast} vs ${slow}`);
      },
    ),
    { numRuns: 300 },
  );
});
