import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ImportRows } from "./import_rows.ts";
import { parseLineFast } from "./line_fast.ts";
import { parseLineSlow } from "./line_slow.ts";
import { parseLines } from "./parser.ts";

// Pieces of lines: valid spellings, borderline ones and plain garbage.
const commonValue = fc.constantFrom("0", "1", "-1", "1.5", "0.25", "-3.75", "1e5", "NaN", "null", "12345");
const commonTs = fc.constantFrom("0", "1", "-1", "1549891472010", "15");
const oddValue = fc.constantFrom(
  "0", "1", "-1", "1.5", "-0", "0.1", "123456789012345", "1234567890123456", "12345678901234567890", "1e5", "1E-5",
  "1.e5", "1.", ".5", "+5", "-", "--1", "1-2", "NaN", "nan", "Inf", "-Inf", "+Inf", "+nan", "Infinity", "null", "nul",
  "true", `"x"`, `"Inf"`, `"-infinity"`, "{}", "[]", "1e400", "1e-400", "1e301", "0.30000000000000004", "007", "1e",
  "5e-324", "123456789012345678.5", "1234567890123456789.", " 2 ", "\t3",
);
const valueToken = fc.oneof({ weight: 15, arbitrary: commonValue }, { weight: 1, arbitrary: oddValue });
const oddTs = fc.constantFrom(
  "0", "1", "-1", "1549891472010", "-0", "1.5", "1e3", "NaN", "null", `"1"`, "9223372036854775807", "9223372036854775808",
  "123456789012345678", "1234567890123456789", "00012", "+1", "-", "1-2", " 7 ",
);
const tsToken = fc.oneof({ weight: 15, arbitrary: commonTs }, { weight: 1, arbitrary: oddTs });
const str = fc.constantFrom("up", "up", "node", "", "a b", `x\\"y`, "\\u0041", "\\ud83d\\ude00", "\\ud83d", "\\x", "é", "日本", "\\n", "<>&'", "\\\\");
const key = fc.oneof(fc.constantFrom("__name__", "job", "a", ""), str);
const ws = fc.constantFrom("", "", "", " ", "\t", "\r");
const labelValue = fc.oneof({ weight: 10, arbitrary: str.map((s) => `"${s}"`) }, { weight: 1, arbitrary: fc.constantFrom("1", "null", "[]", "{}") });
const metric = fc.oneof(
  { weight: 10, arbitrary: fc.array(fc.tuple(key, ws, labelValue), { maxLength: 4 }).map((kvs) => "{" + kvs.map(([k, w, v]) => `"${k}"${w}:${w}${v}`).join(",") + "}") },
  { weight: 1, arbitrary: fc.constantFrom("123", "null", "[]", `"m"`) },
);
const arr = (tok: fc.Arbitrary<string>, n: number) => fc.array(tok, { minLength: n, maxLength: n }).map((a) => "[" + a.join(",") + "]");
const line = fc
  .record({
    n: fc.integer({ min: 0, max: 6 }),
    extraValue: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    order: fc.constantFrom([0, 1, 2], [0, 1, 2], [0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 1], [0, 2], [0, 1, 2, 3], [0, 1, 1, 2], [0, 0, 1, 2]),
    ws,
  })
  .chain(({ n, extraValue, order, ws }) =>
    fc
      .tuple(metric, arr(valueToken, extraValue ? n + 1 : n), arr(tsToken, n), fc.constantFrom(`"extra":1`, `"metr\\u0069c":{"a":"b"}`, `"x":[[{}]]`))
      .map(([m, v, t, extra]) => {
        const parts = [`"metric":${m}`, `"values":${v}`, `"timestamps":${t}`, extra];
        return ws + "{" + order.map((i) => ws + parts[i] + ws).join(",") + "}" + ws;
      }),
  );
const mutated = fc.tuple(line, fc.nat(), fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "-", ".", "e", "1", " ", "x")).map(([l, p, ch]) => {
  const at = p % (l.length + 1);
  return ch === "" ? l.slice(0, at) + l.slice(at + 1) : l.slice(0, at) + ch + l.slice(at);
});

function snapshot(rows: ImportRows) {
  return {
    lines: rows.lines,
    labels: rows.labels,
    values: [...rows.values.subarray(0, rows.samples)].map((v) => (Object.is(v, -0) ? "-0" : String(v))),
    timestamps: [...rows.timestamps.subarray(0, rows.samples)],
  };
}

test("parseLineFast accepts only what parseLineSlow accepts, with the same result", () => {
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(line, mutated), (l) => {
      l = l.replace(/\r$/, "");
      const fast = new ImportRows();
      const slow = new ImportRows();
      const err = parseLineSlow(slow, l, 0, l.length);
      if (parseLineFast(fast, l, 0, l.length)) {
        accepted++;
        assert.equal(err, null, `slow rejects what fast accepts: ${JSON.stringify(l)}`);
        assert.deepEqual(snapshot(fast), snapshot(slow), `line ${JSON.stringify(l)}`);
      } else {
        assert.equal(fast.lines, 0);
        assert.equal(fast.samples, 0);
      }
    }),
    { numRuns: 3000 },
  );
  // About 10% of the random lines are valid; the bound only guards against a fast path that never runs.
  assert.ok(accepted > 100, `the fast path took ${accepted} lines`);
});

test("parseLines never throws, reports each bad line and keeps the good ones in order", () => {
  const good = fc.record({
    name: fc.string({ minLength: 1, maxLength: 5 }),
    values: fc.array(fc.double(), { minLength: 1, maxLength: 5 }),
  });
  const entry = fc.oneof(good.map((g) => ({ good: g })), fc.oneof(line, mutated).map((l) => ({ other: l })));
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
      const text = entries
        .map((e) => {
          if ("good" in e) {
            const v = e.good.values.map((x) => (Object.is(x, -0) ? "-0" : Number.isFinite(x) ? String(x) : x !== x ? "NaN" : x > 0 ? "Inf" : "-Inf"));
            return `{"metric":{"n":${JSON.stringify(e.good.name)}},"values":[${v.join(",")}],"timestamps":[${v.map((_, i) => i).join(",")}]}`;
          }
          return e.other.replace(/[\r\n]/g, "") + "x"; // a trailing x makes any line invalid
        })
        .join("\n");
      const rows = new ImportRows();
      const bad: number[] = [];
      parseLines(rows, text, 1, (n, msg) => {
        assert.ok(msg.startsWith("cannot unmarshal json line "), msg);
        bad.push(n);
      });
      const wantBad: number[] = [];
      const wantGood: number[][] = [];
      entries.forEach((e, i) => {
        if ("good" in e) wantGood.push(e.good.values.map((x) => (Object.is(x, -0) ? -0 : x)));
        else if (e.other.replace(/[\r\n]/g, "") + "x" !== "") wantBad.push(i + 1);
      });
      assert.deepEqual(bad, wantBad);
      assert.equal(rows.lines, wantGood.length);
      for (let i = 0; i < rows.lines; i++) {
        assert.deepEqual([...rows.values.subarray(rows.offsets[i], rows.offsets[i + 1])], wantGood[i], `line ${i}`);
      }
    }),
    { numRuns: 500 },
  );
});
