import { test } from "node:test";
import assert from "node:assert/strict";
import { appendCSVLines, csvFields } from "./export_csv.ts";

test("appendCSVLines writes the fields as VictoriaMetrics 1.79.5 does", () => {
  const f = (format: string, labels: Array<[string, string]>, ts: number[], vs: number[], want: string) => {
    const out: string[] = [];
    const n = appendCSVLines(out, csvFields(format), labels, Float64Array.from(ts), Float64Array.from(vs), 0, ts.length);
    assert.equal(out.join(""), want, `format=${format}`);
    assert.equal(n, want.length, "returned length");
  };
  const L: Array<[string, string]> = [["__name__", "up"], ["job", "a,b"], ["q", 'say "hi"'], ["nl", "x\ny<'"], ["plain", "<ok>"]];
  f("__name__,__value__,__timestamp__", L, [1700000000123, -1], [1.5, NaN], "up,1.5,1700000000123\nup,NaN,-1\n");
  f("job,q,nl,plain,missing", L, [0], [0], `"a,b","say \\"hi\\"","x\\ny\\u003c\\u0027",<ok>,\n`);
  f("__timestamp__:unix_s,__timestamp__:unix_ms,__timestamp__:unix_ns", L, [1700000000123, -1500, 0], [0, 0, 0],
    "1700000000,1700000000123,1700000000123000000\n-1,-1500,-1500000000\n0,0,0\n");
  // The format is split on ',' first, so a layout cannot hold one; a '"' makes the time quoted.
  f("__timestamp__:rfc3339,__timestamp__:custom:2006-01-02 15:04:05.000,__timestamp__:custom:Jan 2, 2006", L, [1700000000123], [0],
    `2023-11-14T22:13:20Z,2023-11-14 22:13:20.123,Nov 14,\n`);
  f(`__timestamp__:custom:"2006"`, L, [1700000000123], [0], `"\\"2023\\""\n`);
  f("__timestamp__:custom:2006-01-02 15:04,__timestamp__:unix_us,__value__", L, [1700000000123], [1e21], "2023-11-14 22:13,Unsupported timeFormat=unix_us,1000000000000000000000\n");
});
