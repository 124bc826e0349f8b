import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ImportRows } from "../vmimport/index.ts";
import { type OpentsdbOptions, opentsdbTimestampMs, parseLines } from "./parser.ts";

const NOW = 1_700_000_000;

function show(rows: ImportRows): string[] {
  assert.equal(rows.offsets[rows.lines], rows.samples, "offsets end at samples");
  const out: string[] = [];
  for (let i = 0; i < rows.lines; i++) {
    const labels = rows.labels[i]!.map(([k, v]) => `${k}=${v}`).join(",");
    out.push(`{${labels}} ${rows.values[rows.offsets[i]!]} @${rows.timestamps[rows.offsets[i]!]}`);
  }
  return out;
}

function parse(text: string, o: Partial<OpentsdbOptions> = {}) {
  const rows = new ImportRows();
  const errors: string[] = [];
  const valid = parseLines(rows, text, 1, { nowSec: NOW, trimMs: 1000, ...o }, (n, m) => errors.push(`${n}: ${m}`));
  return { rows: show(rows), errors, valid };
}

test("parseLines reads `put metric timestamp value tags`", () => {
  const f = (text: string, want: string[], o: Partial<OpentsdbOptions> = {}) => {
    const got = parse(text, o);
    assert.deepEqual(got.errors, [], `no errors for ${JSON.stringify(text)}`);
    assert.deepEqual(got.rows, want, `rows of ${JSON.stringify(text)}`);
  };
  f("", []);
  f("\n\r\n", []);
  f("put sys.cpu 1700000001 1.5 host=a dc=eu", ["{__name__=sys.cpu,host=a,dc=eu} 1.5 @1700000001000"]);
  f("  put   sys.cpu   1700000001   1.5   host=a   dc=eu  \r", ["{__name__=sys.cpu,host=a,dc=eu} 1.5 @1700000001000"]);
  // Tags are optional; empty keys or values are dropped.
  f("put m 1700000001 2", ["{__name__=m} 2 @1700000001000"]);
  f("put m 1700000001 2 a= =b c=d=e", ["{__name__=m,c=d=e} 2 @1700000001000"]);
  // Timestamps: seconds below 2^32, else milliseconds; 0 is now; fractions are cut.
  f("put m 0 1", [`{__name__=m} 1 @${NOW * 1000}`]);
  // The default -opentsdbTrimTimestamp=1s trims nothing (VictoriaMetrics trims only above 1s).
  f("put m 1700000001234 1", ["{__name__=m} 1 @1700000001234"]);
  f("put m 1700000001234 1", ["{__name__=m} 1 @1700000000000"], { trimMs: 2000 });
  f("put m 4294967295 1", ["{__name__=m} 1 @4294967295000"]);
  f("put m 4294967296 1", ["{__name__=m} 1 @4294967296"]);
  f("put m 1700000001.9 1", ["{__name__=m} 1 @1700000001000"]);
  f("put m 1.7e9 1", ["{__name__=m} 1 @1700000000000"]);
  f("put m 1700000059 1", ["{__name__=m} 1 @1700000040000"], { trimMs: 60_000 });
  f("put m 1700000001 -inf", ["{__name__=m} -Infinity @1700000001000"]);
  f("put m 1700000001 NaN", ["{__name__=m} NaN @1700000001000"]);
});

test("parseLines reports VictoriaMetrics' reason for each bad line and keeps the others", () => {
  const f = (line: string, reason: string) => {
    const got = parse(`put ok 1700000001 1\n${line}\nput ok2 1700000001 2`);
    assert.deepEqual(got.rows, ["{__name__=ok} 1 @1700000001000", "{__name__=ok2} 2 @1700000001000"], `valid lines around ${JSON.stringify(line)}`);
    assert.equal(got.valid, 2);
    assert.deepEqual(got.errors, [`2: cannot unmarshal OpenTSDB line ${JSON.stringify(line)}: ${reason}`], `error for ${JSON.stringify(line)}`);
  };
  f("foo", "missing `put ` prefix in \"foo\"");
  f("  get m 1 2", "missing `put ` prefix in \"get m 1 2\"");
  f("put\tm 1 2", "missing `put ` prefix in \"put\\tm 1 2\"");
  f("put m", `cannot find whitespace between metric and timestamp in "m"`);
  f("put m 1700000001", `cannot find whitespace between timestamp and value in "m 1700000001"`);
  f("put m x 1", `cannot parse timestamp from "x": unparsed tail left after parsing float64 from "x": "x"`);
  f("put m inf 1", `cannot parse timestamp from "inf": want a finite number`);
  f("put m 1700000001 x", `cannot parse value from "x": unparsed tail left after parsing float64 from "x": "x"`);
  f("put m 1700000001 1 a=b c", `cannot unmarshal tags in "m 1700000001 1 a=b c": missing tag value for "c"`);
});

test("opentsdbTimestampMs applies OpenTSDB's second mask", () => {
  const f = (ts: number, trim: number, want: number) => assert.equal(opentsdbTimestampMs(ts, NOW, trim, 1), want, `ts=${ts} trim=${trim}`);
  f(0, 1, NOW * 1000);
  f(1, 1, 1000);
  f(-1, 1, -1);
  f(4294967295, 1, 4294967295000);
  f(4294967296, 1, 4294967296);
  f(1700000001234, 1000, 1700000001000);
});

test("parseLines never throws and keeps rows consistent (property)", () => {
  const lineArb = fc.tuple(
    fc.constantFrom("put ", " put ", "put", "pu "),
    fc.stringMatching(/^[a-z. ]{0,5}$/),
    fc.oneof(fc.integer().map(String), fc.double().map(String), fc.stringMatching(/^[0-9a.]{0,4}$/)),
    fc.oneof(fc.double().map(String), fc.stringMatching(/^[-0-9.ina]{0,4}$/)),
    fc.array(fc.stringMatching(/^[a-z= ]{0,5}$/), { maxLength: 3 }),
  ).map(([p, m, ts, v, tags]) => `${p}${m} ${ts} ${v} ${tags.join(" ")}`);
  fc.assert(fc.property(fc.array(fc.oneof(lineArb, fc.string({ maxLength: 30 })), { maxLength: 8 }), (lines) => {
    const rows = new ImportRows();
    let errs = 0;
    const text = lines.join("\n");
    const valid = parseLines(rows, text, 1, { nowSec: NOW, trimMs: 1000 }, () => errs++);
    assert.equal(rows.offsets[rows.lines], rows.samples);
    assert.equal(rows.lines, valid);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isFinite(rows.timestamps[i]!));
    let nonEmpty = 0;
    for (const l of text.split("\n")) if (l.replace(/\r$/, "") !== "") nonEmpty++;
    assert.equal(valid + errs, nonEmpty, "every non-empty line is either valid or reported");
  }), { numRuns: 3000 });
});

test("parseLines survives mutated valid input (property)", () => {
  const corpus = ['put sys.cpu 1700000001 1.5 host=a dc=eu', '  put  m 1700000001234 -1e3', 'put m 0 nan a=b=c'];
  const edits = fc.array(fc.tuple(fc.nat(200), fc.constantFrom("insert", "delete", "replace"), fc.constantFrom(..." ,=;\\\"\n\t\r#ip0.-eE")), { maxLength: 6 });
  fc.assert(fc.property(fc.constantFrom(...corpus), edits, (line, ops) => {
    let s = line;
    for (const [pos, op, ch] of ops) {
      const i = s.length === 0 ? 0 : pos % (s.length + 1);
      s = op === "insert" ? s.slice(0, i) + ch + s.slice(i) : op === "delete" ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i + 1);
    }
    const rows = new ImportRows();
    let errs = 0;
    parseLines(rows, s, 1, { nowSec: NOW, trimMs: 1000 }, () => errs++);
    assert.equal(rows.offsets[rows.lines], rows.samples);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isFinite(rows.timestamps[i]!), `timestamp of ${JSON.stringify(s)}`);
    assert.ok(rows.lines === 0 || errs === 0 || s.includes("\n"), "a single line is either stored or reported");
  }), { numRuns: 5000 });
});
