import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ImportRows } from "../vmimport/index.ts";
import { parseColumnDescriptors } from "./column_descriptor.ts";
import { parseLines } from "./parser.ts";

const NOW = 1_700_000_000_000;

// dump renders parsed rows one per line: `name{l="v",...} value ts`, then `!line: message` per error.
function dump(format: string, text: string, trimMs = 0): string {
  const rows = new ImportRows();
  const errs: string[] = [];
  parseLines(rows, text, parseColumnDescriptors(format), 1, { nowMs: NOW, trimMs }, (n, msg) => errs.push(`!${n}: ${msg}`));
  const out: string[] = [];
  for (let i = 0; i < rows.lines; i++) {
    const ls = rows.labels[i]!;
    const samples: string[] = [];
    for (let j = rows.offsets[i]!; j < rows.offsets[i + 1]!; j++) samples.push(`${rows.values[j]} ${rows.timestamps[j]}`);
    out.push(`${ls[0]![1]}{${ls.slice(1).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}} ${samples.join(" ")}`);
  }
  return [...out, ...errs].join("\n");
}

test("parseLines reads CSV as VictoriaMetrics 1.79.5 does", () => {
  const f = (format: string, text: string, want: string) => assert.equal(dump(format, text), want, `format=${format} text=${JSON.stringify(text)}`);
  // The example of VictoriaMetrics' docs: two metric columns give two rows.
  f("2:metric:ask,3:metric:bid,1:label:ticker,4:label:market", "GOOG,1.23,4.56,NYSE\nMSFT,3.21,1.67,NASDAQ\n",
    `ask{ticker="GOOG",market="NYSE"} 1.23 ${NOW}\nbid{ticker="GOOG",market="NYSE"} 4.56 ${NOW}\n` +
    `ask{ticker="MSFT",market="NASDAQ"} 3.21 ${NOW}\nbid{ticker="MSFT",market="NASDAQ"} 1.67 ${NOW}`);
  // Lines of the same series become one row with several samples, in line order.
  f("1:time:unix_s,2:metric:m", "1700000001,5\r\n\n\r\n1700000002,6", "m{} 5 1700000001000 6 1700000002000");
  f("1:label:a,2:metric:m,3:label:b", "x,1,y\nx,2,z\nx,3,y\nx\0,4,y", `m{a="x",b="y"} 1 ${NOW} 3 ${NOW}\nm{a="x",b="z"} 2 ${NOW}\nm{a="x\\u0000",b="y"} 4 ${NOW}`);
  // A zero timestamp means now, as in VictoriaMetrics.
  f("1:time:unix_ms,2:metric:m", "0,1", `m{} 1 ${NOW}`);
  // Quoted fields, doubled quotes, commas inside quotes, superfluous columns.
  f("1:label:a,2:metric:m", `"x,""y""",7,extra,"more,stuff"`, `m{a="x,\\"y\\""} 7 ${NOW}`);
  f("1:label:a,2:metric:m", `"",Inf`, `m{a=""} Infinity ${NOW}`);
  f("1:label:a,2:metric:m", `,-1.5e3`, `m{a=""} -1500 ${NOW}`);
  // Ignored columns between described ones.
  f("3:metric:m", `a,b,1`, `m{} 1 ${NOW}`);
  // Errors: the line is skipped, the others are kept.
  f("1:label:a,2:metric:m", "x,1\ny\nx,2", `m{a="x"} 1 ${NOW} 2 ${NOW}\n!2: cannot parse csv line "y": missing columns in the csv line "y"; got 1 columns; want at least 2 columns`);
  f("1:label:a,2:metric:m", "x,1,", `m{a="x"} 1 ${NOW}`);
  f("1:label:a,2:metric:m,3:label:b", "x,1,", `!1: cannot parse csv line "x,1,": missing columns in the csv line "x,1,"; got 2 columns; want at least 3 columns`);
  f("1:label:a,2:metric:m", `x,abc`, `!1: cannot parse csv line "x,abc": cannot parse metric value for "m" from "abc": unparsed tail left after parsing float64 from "abc": "abc"`);
  f("1:label:a,2:metric:m", `"x,1`, `!1: cannot parse csv line "\\"x,1": missing closing quote for "\\"x,1"`);
  f("1:label:a,2:metric:m", `"x"y,1`, `!1: cannot parse csv line "\\"x\\"y,1": missing comma after quoted field in "\\"x\\"y,1"`);
  f("1:label:a,2:metric:m", `x,1,"bad`, `!1: cannot parse csv line "x,1,\\"bad": missing closing quote for "\\"bad"`);
  f("1:time:rfc3339,2:metric:m", "2023-11-14T22:13:20Z,1\nyesterday,2",
    `m{} 1 1700000000000\n!2: cannot parse csv line "yesterday,2": cannot parse timestamp from "yesterday": cannot parse time in RFC3339 from "yesterday": parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`);
});

test("parseLines trims timestamps (-csvTrimTimestamp) and numbers lines from firstLine", () => {
  assert.equal(dump("1:time:unix_ms,2:metric:m", "1700000001234,1", 1000), "m{} 1 1700000001000");
  const rows = new ImportRows();
  const errs: number[] = [];
  parseLines(rows, "bad\n1\n\nbad", parseColumnDescriptors("1:metric:m"), 10, { nowMs: NOW, trimMs: 0 }, (n) => errs.push(n));
  assert.deepEqual(errs, [10, 13]);
  assert.equal(rows.lines, 1);
});

// csvQuote writes a field as a CSV writer would; an empty last field must be quoted
// (VictoriaMetrics ignores a trailing empty column).
function csvQuote(s: string): string {
  return s === "" ? '""' : /[",\n\r]/.test(s) || s.startsWith('"') ? `"${s.replaceAll('"', '""')}"` : s;
}

test("parseLines reads back any well-formed CSV", () => {
  const labelValue = fc.string({ maxLength: 12 }).filter((s) => !s.includes("\n") && !s.includes("\r"));
  const row = fc.record({ a: labelValue, b: labelValue, v: fc.double({ noNaN: true }), t: fc.integer({ min: 1, max: 4e12 }) });
  fc.assert(fc.property(fc.array(row, { maxLength: 20 }), (rs) => {
    const text = rs.map((r) => `${csvQuote(r.a)},${r.t},${r.v === 0 ? "0" : String(r.v).replace("Infinity", "Inf")},${csvQuote(r.b)}`).join("\n");
    const rows = new ImportRows();
    const errs: string[] = [];
    parseLines(rows, text, parseColumnDescriptors("1:label:a,2:time:unix_ms,3:metric:v,4:label:b"), 1, { nowMs: NOW, trimMs: 0 }, (_n, m) => errs.push(m));
    assert.deepEqual(errs, []);
    // Ungroup the rows and compare with the lines, grouped the same way.
    const got: string[] = [];
    for (let i = 0; i < rows.lines; i++) {
      for (let j = rows.offsets[i]!; j < rows.offsets[i + 1]!; j++) got.push(JSON.stringify([rows.labels[i], rows.values[j], rows.timestamps[j]]));
    }
    const want = rs.map((r) => JSON.stringify([[["__name__", "v"], ["a", r.a], ["b", r.b]], r.v === 0 ? 0 : r.v, r.t]));
    assert.deepEqual([...got].sort(), [...want].sort());
    assert.equal(rows.samples, rs.length);
  }));
});

test("parseLines never throws on arbitrary or mutated input and accounts for every line", () => {
  const formats = ["1:label:a,2:metric:m", "2:time:unix_s,1:metric:m,3:metric:n,4:label:l", "1:time:rfc3339,2:metric:m", "1:time:custom:Jan _2 15:04:05.000,2:metric:m"];
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(fc.constantFrom("a", "1", "-2.5e3", '"', '""', ",", "\n", "\r", "Inf", "2023-11-14T22:13:20Z", "Feb  3 04:05:06.123", " "), { maxLength: 60 }).map((a) => a.join("")),
  );
  fc.assert(fc.property(text, fc.constantFrom(...formats), (s, format) => {
    const rows = new ImportRows();
    let bad = 0;
    const cds = parseColumnDescriptors(format);
    const metricCols = cds.filter((c) => c.metricName !== undefined).length;
    parseLines(rows, s, cds, 1, { nowMs: NOW, trimMs: 0 }, () => bad++);
    const nonEmpty = s.split("\n").filter((l) => l.replace(/\r$/, "") !== "").length;
    assert.equal(rows.samples, (nonEmpty - bad) * metricCols, "every non-empty line gives a sample per metric column or one error");
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isInteger(rows.timestamps[i]), "integer timestamps");
  }));
});
