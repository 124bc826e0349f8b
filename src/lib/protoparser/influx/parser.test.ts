import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ImportRows } from "../vmimport/index.ts";
import { type InfluxOptions, defaultInfluxOptions, parseLine, parseLines } from "./parser.ts";

const NOW = 1_700_000_000_000;

function opts(o: Partial<InfluxOptions> = {}): InfluxOptions {
  return { ...defaultInfluxOptions(), nowMs: NOW, ...o };
}

// show renders rows as `{labels} value @ts` strings, one per series.
function show(rows: ImportRows): string[] {
  assert.equal(rows.offsets[rows.lines], rows.samples, "offsets end at samples");
  const out: string[] = [];
  for (let i = 0; i < rows.lines; i++) {
    const labels = rows.labels[i]!.map(([k, v]) => `${k}=${v}`).join(",");
    for (let j = rows.offsets[i]!; j < rows.offsets[i + 1]!; j++) out.push(`{${labels}} ${rows.values[j]} @${rows.timestamps[j]}`);
  }
  return out;
}

function parse(text: string, o: Partial<InfluxOptions> = {}): { rows: string[]; errors: string[]; valid: number } {
  const rows = new ImportRows();
  const errors: string[] = [];
  const valid = parseLines(rows, text, 1, opts(o), (n, msg) => errors.push(`${n}: ${msg}`));
  return { rows: show(rows), errors, valid };
}

test("parseLines turns each field into a series named measurement_field", () => {
  const f = (text: string, want: string[], o: Partial<InfluxOptions> = {}) => {
    const got = parse(text, o);
    assert.deepEqual(got.errors, [], `no errors for ${JSON.stringify(text)}`);
    assert.deepEqual(got.rows, want, `rows of ${JSON.stringify(text)} with ${JSON.stringify(o)}`);
  };
  f("", []);
  f("\n\r\n\n", []);
  f("# comment\n#x y=1", []);
  f("foo bar=123", [`{__name__=foo_bar} 123 @${NOW}`]);
  f("foo bar=123   ", [`{__name__=foo_bar} 123 @${NOW}`]);
  f("foo bar=1.5 1700000001000", ["{__name__=foo_bar} 1.5 @1700000001000"]);
  f("foo bar=1.5 1700000001\r", ["{__name__=foo_bar} 1.5 @1700000001000"]);
  f("foo  bar=1   1700000001", ["{__name__=foo_bar} 1 @1700000001000"]);
  f("cpu,host=a,dc=eu usage=1,idle=2i 1700000001000000000", [
    "{host=a,dc=eu,__name__=cpu_usage} 1 @1700000001000",
    "{host=a,dc=eu,__name__=cpu_idle} 2 @1700000001000",
  ]);
  // Missing measurement: the field keys are the names.
  f(" baz=123", [`{__name__=baz} 123 @${NOW}`]);
  f(",foo=bar baz=123", [`{foo=bar,__name__=baz} 123 @${NOW}`]);
  // Empty tag keys and values are dropped; a tag may contain '='.
  f("m,a=,=b,c=d=e v=1", [`{c=d=e,__name__=m_v} 1 @${NOW}`]);
  // Field value types.
  f("m i=-5i,u=7u,t=t,T=TRUE,f=F,ff=false,q=\"12.5\",s=\"abc\",x=abc,e=1e3,n=-inf", [
    `{__name__=m_i} -5 @${NOW}`, `{__name__=m_u} 7 @${NOW}`, `{__name__=m_t} 1 @${NOW}`, `{__name__=m_T} 1 @${NOW}`,
    `{__name__=m_f} 0 @${NOW}`, `{__name__=m_ff} 0 @${NOW}`, `{__name__=m_q} 12.5 @${NOW}`, `{__name__=m_s} 0 @${NOW}`,
    `{__name__=m_x} 0 @${NOW}`, `{__name__=m_e} 1000 @${NOW}`, `{__name__=m_n} -Infinity @${NOW}`,
  ]);
  // Quoted fields may hold spaces, commas, '=' and escaped quotes.
  f('m s="a b,c=d",v=2 1700000001', ["{__name__=m_s} 0 @1700000001000", "{__name__=m_v} 2 @1700000001000"]);
  f('m s="x\\" y",v=3', [`{__name__=m_s} 0 @${NOW}`, `{__name__=m_v} 3 @${NOW}`]);
  // Escapes: '\ ', '\,', '\=' and '\\' lose their backslash; others keep it.
  f("m\\ 1\\,x,t\\ a=v\\,1\\=2\\\\ f\\=\\ =1", [`{t a=v,1=2\\,__name__=m 1,x_f= } 1 @${NOW}`]);
  f("m,t=\\a\\\\ v=1", [`{t=\\a\\,__name__=m_v} 1 @${NOW}`]);
  f("m,t=\\a\\ v=1 w=2", [`{t=\\a v=1,__name__=m_w} 2 @${NOW}`]);
  f("m,t=x\\\\,u=y v=1", [`{t=x\\,u=y,__name__=m_v} 1 @${NOW}`]);
  f("m,t=x\\,u=y v=1", [`{t=x,u=y,__name__=m_v} 1 @${NOW}`]);
  // db label, extra labels; a db tag wins over the db arg; __name__ goes last (it wins over a __name__ tag).
  f("m v=1", [`{db=telegraf,__name__=m_v} 1 @${NOW}`], { db: "telegraf" });
  f("m,db=x v=1", [`{db=x,__name__=m_v} 1 @${NOW}`], { db: "telegraf" });
  f("m,database=x v=1", [`{database=x,__name__=m_v} 1 @${NOW}`], { db: "telegraf", dbLabel: "database" });
  f("m v=1", [`{bucket=b,__name__=m_v} 1 @${NOW}`], { db: "b", dbLabel: "bucket" });
  f("m v=1", [`{__name__=m_v} 1 @${NOW}`], { db: "b", dbLabel: "" });
  f("m,__name__=x v=1", [`{__name__=x,e=1,__name__=m_v} 1 @${NOW}`], { extraLabels: [["e", "1"]] });
  // Naming flags.
  f("m v=1", [`{__name__=m.v} 1 @${NOW}`], { separator: "." });
  f("m v=1", [`{__name__=m} 1 @${NOW}`], { skipSingleField: true });
  f("m v=1,w=2", [`{__name__=m_v} 1 @${NOW}`, `{__name__=m_w} 2 @${NOW}`], { skipSingleField: true });
  f(" v=1", [`{__name__=v} 1 @${NOW}`], { skipSingleField: true });
  f("m v=1,w=2", [`{__name__=v} 1 @${NOW}`, `{__name__=w} 2 @${NOW}`], { skipMeasurement: true });
  f("m v=1", [`{__name__=} 1 @${NOW}`], { skipMeasurement: true, skipSingleField: true });
  // Precision and trimming.
  f("m v=1 1700000001", ["{__name__=m_v} 1 @1700000001000"], { precision: -1e3 });
  f("m v=1 1700000001123456", ["{__name__=m_v} 1 @1700000001123"], { precision: 1e3 });
  f("m v=1 1700000001123", ["{__name__=m_v} 1 @1700000001000"], { precision: 1, trimMs: 1000 });
});

test("parseLines reports VictoriaMetrics' reason for each bad line and keeps the others", () => {
  const f = (line: string, reason: string) => {
    const got = parse(`ok v=1\n${line}\nok w=2`);
    assert.deepEqual(got.rows, [`{__name__=ok_v} 1 @${NOW}`, `{__name__=ok_w} 2 @${NOW}`], `valid lines around ${JSON.stringify(line)}`);
    assert.equal(got.valid, 2);
    const q = JSON.stringify(line).replaceAll("\\\\", "\\\\");
    assert.deepEqual(got.errors, [`2: cannot parse InfluxDB line ${q}: ${reason}`], `error for ${JSON.stringify(line)}`);
  };
  f("foo", `cannot find Whitespace I in "foo"`);
  f("foo,bar=baz 1234", `missing field value for "1234"`);
  f("foo,bar", `cannot find Whitespace I in "foo,bar"`);
  f("foo,bar baz", `missing tag value for "bar"`);
  f("foo,bar=123, 123", `missing tag value for ""`);
  f("foo bar", `missing field value for "bar"`);
  f("foo bar=", `cannot parse field value for "bar": field value cannot be empty`);
  f("foo bar=,baz=23 123", `cannot parse field value for "bar": field value cannot be empty`);
  f("foo bar=1, 123", `missing field value for ""`);
  f(`foo bar=" 123`, "cannot parse field value for \"bar\": missing closing quote for quoted field value \" 123; this may be caused by a raw newline (`\\n`) inside the quoted field value");
  f(`foo bar="123`, "cannot parse field value for \"bar\": missing closing quote for quoted field value \"123; this may be caused by a raw newline (`\\n`) inside the quoted field value");
  f("foo =123", "field key cannot be empty");
  f("foo bar=123 baz", `cannot parse timestamp "baz": cannot parse int64 from "baz"`);
  f("foo bar=123 12 3", `cannot parse timestamp "12 3": unparsed tail left after parsing int64 form "12 3": " 3"`);
  f("foo bar=1abci", `cannot parse field value for "bar": unparsed tail left after parsing int64 form "1abc": "abc"`);
  f("foo bar=-2abci", `cannot parse field value for "bar": unparsed tail left after parsing int64 form "-2abc": "abc"`);
  f("foo bar=3abcu", `cannot parse field value for "bar": unparsed tail left after parsing uint64 from "3abc": "abc"`);
  f("foo bar=-3u", `cannot parse field value for "bar": cannot parse uint64 from "-3"`);
  const http = "please switch from tcp to http protocol for data ingestion; do not set `-influxListenAddr` command-line flag, since it is needed for tcp protocol only";
  f("GET /foo HTTP/1.1", http);
  f("POST /write?db=x HTTP/1.1", http);
  f("GET /foo?bar=baz HTTP/1.0", http);
});

test("parseLines numbers lines from firstLineNumber and quotes long lines by their ends", () => {
  const rows = new ImportRows();
  const errs: string[] = [];
  const long = "x".repeat(300);
  parseLines(rows, `a v=1\n\nbad\n${long}`, 7, opts(), (n, m) => errs.push(`${n}: ${m}`));
  assert.deepEqual(errs, [
    `9: cannot parse InfluxDB line "bad": cannot find Whitespace I in "bad"`,
    `10: cannot parse InfluxDB line "${"x".repeat(128)}...${"x".repeat(128)}": cannot find Whitespace I in "${long}"`,
  ]);
  assert.equal(rows.lines, 1);
});

test("parseLine leaves rows unchanged on error and accepts a line with a trailing \\r", () => {
  const rows = new ImportRows();
  assert.notEqual(parseLine(rows, "m v=1,w= 1", opts()), null);
  assert.equal(rows.lines, 0);
  assert.equal(rows.samples, 0);
  assert.equal(parseLine(rows, "m v=1\r", opts()), null);
  assert.deepEqual(show(rows), [`{__name__=m_v} 1 @${NOW}`]);
});

const lineArb = fc.tuple(
  fc.stringMatching(/^[a-z\\, ="]{0,6}$/),
  fc.array(fc.tuple(fc.stringMatching(/^[a-z\\ ,="]{0,4}$/), fc.stringMatching(/^[a-z0-9\\ ,="]{0,4}$/)), { maxLength: 3 }),
  fc.array(fc.tuple(fc.stringMatching(/^[a-z\\ ,="]{0,4}$/), fc.oneof(fc.double().map(String), fc.stringMatching(/^-?[0-9]{1,3}[iu]?$/), fc.constantFrom("t", "F", '"x y"', '"1,2"', "abc"))), { minLength: 1, maxLength: 3 }),
  fc.option(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.stringMatching(/^[0-9 a]{0,5}$/))),
).map(([m, tags, fields, ts]) => `${m}${tags.map(([k, v]) => `,${k}=${v}`).join("")} ${fields.map(([k, v]) => `${k}=${v}`).join(",")}${ts === null ? "" : " " + ts}`);

test("parseLines never throws, keeps rows consistent and reports every skipped line (property)", () => {
  fc.assert(fc.property(fc.array(fc.oneof(lineArb, fc.string({ maxLength: 40 })), { maxLength: 8 }), (lines) => {
    const rows = new ImportRows();
    const errs: number[] = [];
    const text = lines.join("\n");
    const valid = parseLines(rows, text, 1, opts(), (n) => errs.push(n));
    assert.equal(rows.offsets[rows.lines], rows.samples);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isFinite(rows.timestamps[i]!) && Number.isInteger(rows.timestamps[i]!));
    for (const l of rows.labels) assert.equal(l[l.length - 1]![0], "__name__");
    let nonEmpty = 0;
    for (const l of text.split("\n")) if (l.replace(/\r$/, "") !== "" && !l.startsWith("#")) nonEmpty++;
    assert.equal(valid + errs.length, nonEmpty, "every non-empty line is either valid or reported");
  }), { numRuns: 3000 });
});

test("parseLines is linear on adversarial lines", () => {
  const f = (line: string) => {
    const rows = new ImportRows();
    const t0 = performance.now();
    parseLines(rows, line, 1, opts(), () => {});
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${ms.toFixed(0)}ms for a ${line.length}-byte line starting ${JSON.stringify(line.slice(0, 30))}`);
  };
  const n = 40_000;
  f("m " + "a=1,".repeat(n) + 'z="x"');
  f("m " + 'a="1",'.repeat(n) + "z=1");
  f("m " + "a=1\\,".repeat(n) + "z=1");
  f("m," + "t=1,".repeat(n) + "t=1 v=1");
  f("m," + "t\\=1,".repeat(n) + " v=1");
  f("m " + '"'.repeat(4 * n));
  f("m\\" + "\\".repeat(4 * n) + " v=1");
  f("m " + "a=\\".repeat(n) + " v=1");
});

test("parseLines survives mutated valid input (property)", () => {
  const corpus = ['cpu,host=a\\ b,dc=eu usage=1.5,idle=2i,up=t,s="x y,z" 1700000000123456789', 'm v=1', ' f=1u 1700000000', 'm\\,x,t=\\=v a="q\\"",b=-1e3 17'];
  const edits = fc.array(fc.tuple(fc.nat(200), fc.constantFrom("insert", "delete", "replace"), fc.constantFrom(..." ,=;\\\"\n\t\r#ip0.-eE")), { maxLength: 6 });
  fc.assert(fc.property(fc.constantFrom(...corpus), edits, (line, ops) => {
    let s = line;
    for (const [pos, op, ch] of ops) {
      const i = s.length === 0 ? 0 : pos % (s.length + 1);
      s = op === "insert" ? s.slice(0, i) + ch + s.slice(i) : op === "delete" ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i + 1);
    }
    const rows = new ImportRows();
    let errs = 0;
    parseLines(rows, s, 1, opts(), () => errs++);
    assert.equal(rows.offsets[rows.lines], rows.samples);
    for (let i = 0; i < rows.samples; i++) assert.ok(Number.isFinite(rows.timestamps[i]!), `timestamp of ${JSON.stringify(s)}`);
    assert.ok(rows.lines === 0 || errs === 0 || s.includes("\n"), "a single line is either stored or reported");
  }), { numRuns: 5000 });
});

// reference parses text line by line with parseLine (never cached).
function reference(text: string, o: InfluxOptions): { rows: string[]; errors: string[] } {
  const rows = new ImportRows();
  const errors: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || line.startsWith("#")) return;
    const err = parseLine(rows, line, o);
    if (err !== null) errors.push(`${i + 1}: ${err}`);
  });
  return { rows: show(rows), errors };
}

const plainFieldArb = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x.toFixed(3)),
  fc.stringMatching(/^-?[0-9]{1,17}(\.[0-9]{0,4})?[iu]?$/),
  fc.constantFrom("0", "-0", "-0i", "0u", "1.", ".5", "1e3", "+1", "t", "", "\"1\"", "1\r", "nan"),
);
const seriesArb = fc.tuple(
  fc.constantFrom("cpu", "mem", "", "m\\ x", "disk"),
  fc.array(fc.tuple(fc.constantFrom("host", "db", "__name__", "", "a\\,b", "tag"), fc.constantFrom("a", "b", "", "x=y", "q\"", "long-value-of-13+chars")), { maxLength: 3 }),
).map(([m, tags]) => `${m}${tags.map(([k, v]) => `,${k}=${v}`).join("")}`);
const cachedLineArb = fc.tuple(
  seriesArb,
  fc.array(fc.tuple(fc.constantFrom("v", "usage_idle", "x", "", "s p"), plainFieldArb), { minLength: 1, maxLength: 3 }),
  fc.option(fc.oneof(fc.bigInt({ min: 0n, max: 9_300_000_000_000_000_000n }).map(String), fc.constantFrom("", "HTTP/1.1", "12a", "-5", "17 1", "0"))),
  fc.constantFrom("", " ", "  "),
).map(([series, fields, ts, sp]) => `${series}${sp} ${fields.map(([k, v]) => `${k}=${v}`).join(",")}${ts === null ? "" : " " + ts}`);
const optsArb = fc.record({
  skipSingleField: fc.boolean(),
  skipMeasurement: fc.boolean(),
  db: fc.constantFrom("", "telegraf"),
  separator: fc.constantFrom("_", "."),
  extraLabels: fc.constantFrom([], [["job", "x"]] as Array<[string, string]>),
  precision: fc.constantFrom(0, 1e6, 1e3, 1, -1e3, -6e4),
  trimMs: fc.constantFrom(1, 1000),
});

test("parseLines gives what parseLine gives line by line, with a cold and a warm series cache (property)", () => {
  fc.assert(fc.property(fc.array(fc.oneof(cachedLineArb, lineArb), { maxLength: 10 }), optsArb, fc.constantFrom("\n", "\r\n", "\r\r\n"), (lines, o, sep) => {
    const text = lines.join(sep);
    const want = reference(text, opts(o));
    for (const round of ["first", "second"]) {
      const rows = new ImportRows();
      const errors: string[] = [];
      parseLines(rows, text, 1, opts(o), (n, msg) => errors.push(`${n}: ${msg}`));
      assert.deepEqual(show(rows), want.rows, `${round} parse of ${JSON.stringify(text)}`);
      assert.equal(errors.length, want.errors.length, `errors of ${JSON.stringify(text)}`);
      errors.forEach((e, i) => assert.ok(e.startsWith(want.errors[i]!.split(":")[0]!) && e.endsWith(want.errors[i]!.slice(want.errors[i]!.indexOf(": ") + 2)), `error ${e} vs ${want.errors[i]}`));
    }
  }), { numRuns: 3000 });
});

test("parseLines gives a series the same labels array every time, per naming options", () => {
  const labelsOf = (text: string, o: Partial<InfluxOptions> = {}) => {
    const rows = new ImportRows();
    parseLines(rows, text, 1, opts(o), (n, m) => assert.fail(`line ${n}: ${m}`));
    return rows.labels;
  };
  const a = labelsOf("cpu,host=a u=1,i=2 1\ncpu,host=b u=1 1");
  const b = labelsOf("cpu,host=b u=5 2\ncpu,host=a i=3,u=4 2");
  assert.equal(b[0], a[2], "cpu,host=b u");
  assert.equal(b[1], a[1], "cpu,host=a i (fields in another order)");
  assert.equal(b[2], a[0], "cpu,host=a u");
  const c = labelsOf("cpu,host=a u=1,i=2 1", { db: "x" });
  assert.notEqual(c[0], a[0], "another db gets other arrays");
  assert.deepEqual(c[0], [["host", "a"], ["db", "x"], ["__name__", "cpu_u"]]);
  const d = labelsOf("cpu,host=a u=1 1", { skipSingleField: true });
  assert.deepEqual(d[0], [["host", "a"], ["__name__", "cpu"]]);
  assert.equal(labelsOf("cpu,host=a u=7 1", { skipSingleField: true })[0], d[0], "single-field name is cached too");
});
