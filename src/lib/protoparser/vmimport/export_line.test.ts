import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { appendExportLine, appendExportLines, quoteJSON } from "./export_line.ts";
import { ImportRows } from "./import_rows.ts";
import { parseLines } from "./parser.ts";

const F = (a: number[]) => Float64Array.from(a);

// Expected quoting is what quicktemplate 1.7 `{%q= %}` writes (VictoriaMetrics 1.79.5).
test("quoteJSON escapes as quicktemplate does", () => {
  const f = (s: string, expected: string) => assert.equal(quoteJSON(s), expected, `quoteJSON(${JSON.stringify(s)})`);
  f("", `""`);
  f("up", `"up"`);
  f(`a"b\\c`, `"a\\"b\\\\c"`);
  f("<>&'", `"\\u003c>&\\u0027"`);
  f("\n\r\t", `"\\n\\r\\t"`);
  f("\u0000\u0001\u001f\u007f", `"\\u0000\\u0001\\u001f\u007f"`);
  f("\b\f\u000b", `"\\u0008\\u000c\\u000b"`);
  f("日本語 é 😀 \u2028", `"日本語 é 😀 \u2028"`);
});

test("appendExportLine writes VictoriaMetrics 1.79.5's line", () => {
  const f = (labels: Array<[string, string]>, ts: number[], vals: number[], expected: string) => {
    const out: string[] = [];
    appendExportLine(out, labels, F(ts), F(vals), 0, ts.length);
    assert.equal(out.join(""), expected, `labels=${JSON.stringify(labels)} ts=${ts} vals=${vals}`);
  };
  f(
    [["__name__", "up"], ["instance", "localhost:9100"], ["job", "node"]],
    [1549891472010, 1549891487724, 1549891503438],
    [0, 0, 0],
    `{"metric":{"__name__":"up","instance":"localhost:9100","job":"node"},"values":[0,0,0],"timestamps":[1549891472010,1549891487724,1549891503438]}\n`,
  );
  // The first value goes through %f (NaN), later NaNs are null; infinities are Go's.
  f([["__name__", "m"]], [1, 2, 3, 4, 5], [NaN, NaN, Infinity, -Infinity, -0], `{"metric":{"__name__":"m"},"values":[NaN,null,+Inf,-Inf,0],"timestamps":[1,2,3,4,5]}\n`);
  f([["a", "b"]], [-1], [1e21], `{"metric":{"a":"b"},"values":[1000000000000000000000],"timestamps":[-1]}\n`);
  f([["a", "b"]], [1], [5e-7], `{"metric":{"a":"b"},"values":[0.0000005],"timestamps":[1]}\n`);
  // An empty __name__ (no metric group) is not written; no labels at all is {}.
  f([["__name__", ""], ["a", "b"]], [1], [1], `{"metric":{"a":"b"},"values":[1],"timestamps":[1]}\n`);
  f([], [1], [1], `{"metric":{},"values":[1],"timestamps":[1]}\n`);
  f([["k<'\"", "v\n\\"]], [1], [1.5], `{"metric":{"k\\u003c\\u0027\\"":"v\\n\\\\"},"values":[1.5],"timestamps":[1]}\n`);
  // Nothing at all for an empty series.
  f([["a", "b"]], [], [], "");
});

test("appendExportLine writes only [start, end)", () => {
  const out: string[] = [];
  appendExportLine(out, [["a", "b"]], F([1, 2, 3, 4]), F([10, 20, 30, 40]), 1, 3);
  assert.deepEqual(out, [`{"metric":{"a":"b"},"values":[20,30],"timestamps":[2,3]}\n`]);
});

test("appendExportLines splits by max_rows_per_line as VictoriaMetrics does", () => {
  const f = (maxRows: number, expected: string[]) => {
    const out: string[] = [];
    appendExportLines(out, [["a", "b"]], F([1, 2, 3, 4, 5]), F([1, NaN, NaN, 4, 5]), 0, 5, maxRows);
    assert.deepEqual(out, expected, `maxRowsPerLine=${maxRows}`);
  };
  f(0, [`{"metric":{"a":"b"},"values":[1,null,null,4,5],"timestamps":[1,2,3,4,5]}\n`]);
  f(10, [`{"metric":{"a":"b"},"values":[1,null,null,4,5],"timestamps":[1,2,3,4,5]}\n`]);
  f(2, [
    `{"metric":{"a":"b"},"values":[1,null],"timestamps":[1,2]}\n`,
    `{"metric":{"a":"b"},"values":[NaN,4],"timestamps":[3,4]}\n`,
    `{"metric":{"a":"b"},"values":[5],"timestamps":[5]}\n`,
  ]);
});

const labelString = fc.string({ unit: "binary", minLength: 1, maxLength: 12 });
const series = fc.record({
  labels: fc.uniqueArray(fc.tuple(labelString, labelString), { minLength: 1, maxLength: 5, selector: (l) => l[0] }),
  values: fc.array(
    fc.oneof(
      fc.double(),
      fc.constantFrom(0, -0, 1e21, 5e-324, 5e-7, 2 ** 53 + 2, 2 ** 60 + 256, -(2 ** 63), 2 ** 63, NaN, Infinity, -Infinity),
      fc.integer(),
    ),
    { minLength: 1, maxLength: 20 },
  ),
  base: fc.integer({ min: -1e15, max: 1e15 }),
  maxRows: fc.integer({ min: 0, max: 7 }),
});

test("export then import gives back the exact series (-0 reads back as 0, as in VM)", () => {
  fc.assert(
    fc.property(series, ({ labels, values, base, maxRows }) => {
      const ts = values.map((_, i) => base + i * 1000);
      const out: string[] = [];
      appendExportLines(out, labels, F(ts), F(values), 0, values.length, maxRows);
      const rows = new ImportRows();
      const errors: string[] = [];
      parseLines(rows, out.join(""), 1, (n, m) => errors.push(`${n}: ${m}`));
      assert.deepEqual(errors, []);
      assert.equal(rows.samples, values.length);
      const wantLabels = labels.filter(([n, v]) => !(n === "__name__" && v === ""));
      for (const l of rows.labels) assert.deepEqual(l, wantLabels);
      for (let i = 0; i < values.length; i++) {
        const want = Object.is(values[i], -0) ? 0 : values[i];
        assert.ok(Object.is(rows.values[i], want), `value ${i}: got ${rows.values[i]}; want ${want}`);
        assert.equal(rows.timestamps[i], ts[i], `timestamp ${i}`);
      }
    }),
    { numRuns: 500 },
  );
});
