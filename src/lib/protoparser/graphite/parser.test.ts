import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ImportRows } from "../vmimport/index.ts";
import { type GraphiteOptions, parseLine, parseLines, sanitizeMetricName } from "./parser.ts";

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

function parse(text: string, o: Partial<GraphiteOptions> = {}) {
  const rows = new ImportRows();
  const errors: string[] = [];
  const valid = parseLines(rows, text, 1, { nowSec: NOW, trimMs: 1000, sanitize: false, ...o }, (n, m) => errors.push(`${n}: ${m}`));
  return { rows: show(rows), errors, valid };
}

test("parseLines reads `name[;tags] value [timestamp]`", () => {
  const f = (text: string, want: string[], o: Partial<GraphiteOptions> = {}) => {
    const got = parse(text, o);
    assert.deepEqual(got.errors, [], `no errors for ${JSON.stringify(text)}`);
    assert.deepEqual(got.rows, want, `rows of ${JSON.stringify(text)} with ${JSON.stringify(o)}`);
  };
  const now = NOW * 1000;
  f("", []);
  f("\n \t\n\r\n", []);
  f("foo.bar 123.456 1700000001", ["{__name__=foo.bar} 123.456 @1700000001000"]);
  f("foo.bar 123.456 1700000001\r\n", ["{__name__=foo.bar} 123.456 @1700000001000"]);
  f("  foo.bar \t 1  \t 1700000001  \t", ["{__name__=foo.bar} 1 @1700000001000"]);
  f("foo 1", [`{__name__=foo} 1 @${now}`]);
  f("foo 1 0", [`{__name__=foo} 1 @${now}`]);
  f("foo 1 -1", [`{__name__=foo} 1 @${now}`]);
  f("foo 1 -2", ["{__name__=foo} 1 @-2000"]);
  f("foo 1 1700000001.999", ["{__name__=foo} 1 @1700000001000"]);
  f("foo 1 1.7e9", ["{__name__=foo} 1 @1700000000000"]);
  f("foo -1.5e-3 1700000001", ["{__name__=foo} -0.0015 @1700000001000"]);
  f("foo nan 1700000001", ["{__name__=foo} NaN @1700000001000"]);
  f("foo -Inf 1700000001", ["{__name__=foo} -Infinity @1700000001000"]);
  // Names may contain spaces: value and timestamp are the last two fields.
  f("my metric name 2 1700000001", ["{__name__=my metric name} 2 @1700000001000"]);
  f("1 2", [`{__name__=1} 2 @${now}`]);
  // Tags; a tag without '=' or with an empty key or value is dropped; the last __name__ wins in storage.
  f("foo;env=prod;dc=eu 1 1700000001", ["{__name__=foo,env=prod,dc=eu} 1 @1700000001000"]);
  f("foo;env;=x;y=;a=b=c;;z=1 1 1700000001", ["{__name__=foo,a=b=c,z=1} 1 @1700000001000"]);
  f("foo;__name__=bar 1 1700000001", ["{__name__=foo,__name__=bar} 1 @1700000001000"]);
  // -graphiteTrimTimestamp.
  f("foo 1 1700000001", ["{__name__=foo} 1 @1700000001000"], { trimMs: 1 });
  f("foo 1 1700000059", ["{__name__=foo} 1 @1700000040000"], { trimMs: 60_000 });
  // -graphite.sanitizeMetricName: names and tag keys, not tag values.
  f("foo..bar-baz;t-k=v-v 1 1700000001", ["{__name__=foo.bar_baz,t_k=v-v} 1 @1700000001000"], { sanitize: true });
  f("привет 1 1700000001", ["{__name__=______} 1 @1700000001000"], { sanitize: true });
});

test("parseLines reports VictoriaMetrics' reason for each bad line and keeps the others", () => {
  const f = (line: string, reason: string) => {
    const got = parse(`ok 1 1700000001\n${line}\nok2 2 1700000001`);
    assert.deepEqual(got.rows, ["{__name__=ok} 1 @1700000001000", "{__name__=ok2} 2 @1700000001000"], `valid lines around ${JSON.stringify(line)}`);
    assert.equal(got.valid, 2);
    assert.deepEqual(got.errors, [`2: cannot unmarshal Graphite line ${JSON.stringify(line)}: ${reason}`], `error for ${JSON.stringify(line)}`);
  };
  f("foo", `cannot find separator between value and timestamp in "foo"`);
  f("foo bar", `cannot unmarshal metric value from "bar": unparsed tail left after parsing float64 from "bar": "bar"; original line: "foo bar"`);
  f("foo 1 bar", `cannot unmarshal timestamp from "bar": unparsed tail left after parsing float64 from "bar": "bar"; original line: "foo 1 bar"`);
  f("foo bar 1", `cannot unmarshal metric value from "bar": unparsed tail left after parsing float64 from "bar": "bar"; original line: "foo bar 1"`);
  f(";env=x 1 2", `cannot parse metric and tags from ";env=x": metric cannot be empty; original line: ";env=x 1 2"`);
  f("foo 1 inf", `cannot unmarshal timestamp from "inf": want a number of seconds within ±9e15; original line: "foo 1 inf"`);
  f("foo 1 nan", `cannot unmarshal timestamp from "nan": want a number of seconds within ±9e15; original line: "foo 1 nan"`);
  f("foo 1 -1e16", `cannot unmarshal timestamp from "-1e16": want a number of seconds within ±9e15; original line: "foo 1 -1e16"`);
});

test("sanitizeMetricName squeezes dots and replaces other characters", () => {
  const f = (s: string, want: string) => assert.equal(sanitizeMetricName(s), want, s);
  f("", "");
  f("a.b", "a.b");
  f("a...b", "a.b");
  f("a b/c:d_e", "a_b_c:d_e");
  f("😀x", "_x");
});

test("parseLine and parseLines never throw and keep rows consistent (property)", () => {
  const lineArb = fc.tuple(
    fc.stringMatching(/^[a-z.; =\t]{0,8}$/),
    fc.oneof(fc.double().map(String), fc.stringMatching(/^[-+0-9.eInf]{0,5}$/)),
    fc.option(fc.oneof(fc.integer().map(String), fc.double().map(String), fc.stringMatching(/^[-0-9.a]{0,4}$/))),
  ).map(([m, v, ts]) => `${m} ${v}${ts === null ? "" : " " + ts}`);
  fc.assert(fc.property(fc.array(fc.oneof(lineArb, fc.string({ maxLength: 30 })), { maxLength: 8 }), fc.boolean(), (lines, sanitize) => {
    const rows = new ImportRows();
    let errs = 0;
    const text = lines.join("\n");
    const valid = parseLines(rows, text, 1, { nowSec: NOW, trimMs: 1000, sanitize }, () => errs++);
    assert.equal(rows.offsets[rows.lines], rows.samples);
    assert.equal(rows.lines, valid);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isInteger(rows.timestamps[i]!), `timestamp ${rows.timestamps[i]}`);
    for (const l of rows.labels) assert.ok(l[0]![0] === "__name__" && l[0]![1] !== "");
    let nonEmpty = 0;
    for (const l of text.split("\n")) if (l.replace(/\r$/, "").replace(/^[ \t]+/, "") !== "") nonEmpty++;
    assert.equal(valid + errs, nonEmpty, "every non-empty line is either valid or reported");
  }), { numRuns: 3000 });
  const rows = new ImportRows();
  assert.equal(parseLine(rows, "foo bar", { nowSec: NOW, trimMs: 1000, sanitize: false }) !== null, true);
  assert.equal(rows.lines, 0);
});

test("parseLines is linear on adversarial lines", () => {
  for (const line of ["m" + ";a".repeat(100_000) + " 1 2", "m;" + "=".repeat(200_000) + " 1 2", "m" + " ".repeat(200_000) + "1", "a ".repeat(100_000) + "1 2"]) {
    const t0 = performance.now();
    parseLines(new ImportRows(), line, 1, { nowSec: NOW, trimMs: 1000, sanitize: true }, () => {});
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${ms.toFixed(0)}ms for ${JSON.stringify(line.slice(0, 20))}`);
  }
});

test("parseLines survives mutated valid input (property)", () => {
  const corpus = ['foo.bar;env=prod;dc=eu 1.5 1700000001', 'a b c 1 2', 'x\t-1e3\t1700000001.5', 'm;k=v=w;t 1'];
  const edits = fc.array(fc.tuple(fc.nat(200), fc.constantFrom("insert", "delete", "replace"), fc.constantFrom(..." ,=;\\\"\n\t\r#ip0.-eE")), { maxLength: 6 });
  fc.assert(fc.property(fc.constantFrom(...corpus), edits, (line, ops) => {
    let s = line;
    for (const [pos, op, ch] of ops) {
      const i = s.length === 0 ? 0 : pos % (s.length + 1);
      s = op === "insert" ? s.slice(0, i) + ch + s.slice(i) : op === "delete" ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i + 1);
    }
    const rows = new ImportRows();
    let errs = 0;
    parseLines(rows, s, 1, { nowSec: NOW, trimMs: 1000, sanitize: true }, () => errs++);
    assert.equal(rows.offsets[rows.lines], rows.samples);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isFinite(rows.timestamps[i]!), `timestamp of ${JSON.stringify(s)}`);
    assert.ok(rows.lines === 0 || errs === 0 || s.includes("\n"), "a single line is either stored or reported");
  }), { numRuns: 5000 });
});
