import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseLines, resetSeriesCache } from "./parser.ts";
import { PromRows } from "./prom_rows.ts";

type Row = [labels: string, value: number, timestamp: number];

function parse(text: string): { rows: Row[]; errors: string[] } {
  const r = new PromRows();
  const errors: string[] = [];
  parseLines(r, text, 1, (n, msg) => errors.push(`${n}: ${msg}`));
  const rows: Row[] = [];
  for (let i = 0; i < r.lines; i++) {
    assert.equal(r.offsets[i], i);
    rows.push([r.labels[i]!.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(","), r.values[i]!, r.timestamps[i]!]);
  }
  return { rows, errors };
}

test("parseLines reads sample lines", () => {
  const f = (text: string, want: Row[]) => {
    const got = parse(text);
    assert.deepEqual(got.errors, [], `errors for ${JSON.stringify(text)}`);
    assert.deepEqual(got.rows, want, JSON.stringify(text));
  };
  f("", []);
  f("\n\n  \n\t\n", []);
  f("# HELP foo Some help\n# TYPE foo counter\n#comment", []);
  f("foo 123", [['__name__="foo"', 123, 0]]);
  f("foo 123\n", [['__name__="foo"', 123, 0]]);
  f("foo 1 1700000000000", [['__name__="foo"', 1, 1700000000000]]);
  f("foo 1 456", [['__name__="foo"', 1, 456000]]);
  f("foo 1 -2147483648", [['__name__="foo"', 1, -2147483648000]]);
  f("foo 1 2147483648", [['__name__="foo"', 1, 2147483648]]);
  f("foo 1 1.7e9", [['__name__="foo"', 1, 1.7e12]]);
  f("foo 1 1700000000.123", [['__name__="foo"', 1, 1700000000123]]);
  f("foo 1 1700000000123.9", [['__name__="foo"', 1, 1700000000123]]);
  f("foo 1 0", [['__name__="foo"', 1, 0]]);
  f("foo\t2\t3  ", [['__name__="foo"', 2, 3000]]);
  f("foo 1 \t", [['__name__="foo"', 1, 0]]);
  f("  foo 3\r\nbar 4\r", [['__name__="foo"', 3, 0], ['__name__="bar"', 4, 0]]);
  f('foo{bar="baz"} 1', [['__name__="foo",bar="baz"', 1, 0]]);
  f('foo{bar="baz"}1', [['__name__="foo",bar="baz"', 1, 0]]);
  f('foo {bar="baz",} 1', [['__name__="foo",bar="baz"', 1, 0]]);
  f('foo{} 1', [['__name__="foo"', 1, 0]]);
  f(' foo { a = "x" ,\tb="" , c="y"}   -1.5e3 12 ', [['__name__="foo",a="x",b="",c="y"', -1500, 12000]]);
  f('foo{a="b\\"c\\\\d\\ne\\tf"} 1', [['__name__="foo",a="b\\"c\\\\d\\ne\\\\tf"', 1, 0]]);
  f('foo{a="x\\\\"} 1', [['__name__="foo",a="x\\\\"', 1, 0]]);
  f('foo{a="#",b="{}"} 1 # a comment', [['__name__="foo",a="#",b="{}"', 1, 0]]);
  f('foo{a="b",a="c"} 1', [['__name__="foo",a="b",a="c"', 1, 0]]);
  f('foo{="x",a="1"} 1', [['__name__="foo",a="1"', 1, 0]]);
  f('{"my.metric", "label.name"="v"} 7', [['__name__="my.metric",label.name="v"', 7, 0]]);
  f('{"my.metric"} 7', [['__name__="my.metric"', 7, 0]]);
  f('foo{"a b"="c"} 8', [['__name__="foo",a b="c"', 8, 0]]);
  f('foo_bucket{le="+Inf"} 3 # {trace_id="abc"} 0.5 1700000000', [['__name__="foo_bucket",le="+Inf"', 3, 0]]);
  f("ünïcode_name 1", [['__name__="ünïcode_name"', 1, 0]]);
  f("foo 1.", [['__name__="foo"', 1, 0]]);
  f("foo .5", [['__name__="foo"', 0.5, 0]]);
  f("foo -.5e1", [['__name__="foo"', -5, 0]]);
  f("foo 007", [['__name__="foo"', 7, 0]]);
  f("foo 1e400", [['__name__="foo"', Infinity, 0]]);
  f("foo 12345678901234567890123", [['__name__="foo"', 1.2345678901234568e22, 0]]);
  f("foo 0.1000000000000000055511151231257827", [['__name__="foo"', 0.1, 0]]);
  f("a +Inf\nb -Inf\nc Inf\nd inf\ne -infinity\nf +INF", [
    ['__name__="a"', Infinity, 0], ['__name__="b"', -Infinity, 0], ['__name__="c"', Infinity, 0],
    ['__name__="d"', Infinity, 0], ['__name__="e"', -Infinity, 0], ['__name__="f"', Infinity, 0],
  ]);
  const nan = parse("a NaN\nb nan\nc -NaN");
  assert.deepEqual(nan.rows.map((r) => Number.isNaN(r[1])), [true, true, true]);
  assert.ok(Object.is(parse("a -0").rows[0]![1], -0), "-0 keeps its sign");
});

test("parseLines reports bad lines and keeps the others", () => {
  const f = (text: string, want: string) => {
    const got = parse("good 1\n" + text + "\ngood 2");
    assert.deepEqual(got.rows.map((r) => r[1]), [1, 2], `valid lines around ${JSON.stringify(text)}`);
    assert.deepEqual(got.errors, [`2: ${want}`], JSON.stringify(text));
  };
  f("foo", 'cannot unmarshal Prometheus line "foo": missing value');
  f("  foo\r", 'cannot unmarshal Prometheus line "foo": missing value');
  f('foo{bar="baz"}', 'cannot unmarshal Prometheus line "foo{bar=\\"baz\\"}": value cannot be empty');
  f("foo # 1", 'cannot unmarshal Prometheus line "foo # 1": value cannot be empty');
  f(' {a="b"} 1', 'cannot unmarshal Prometheus line "{a=\\"b\\"} 1": metric cannot be empty');
  f("foo{bar} 1", 'cannot unmarshal Prometheus line "foo{bar} 1": cannot unmarshal tags: missing value for tag "bar} 1"');
  f("foo{bar=baz} 1", 'cannot unmarshal Prometheus line "foo{bar=baz} 1": cannot unmarshal tags: missing value for tag "bar=baz} 1"');
  f('foo{bar="baz} 1', 'cannot unmarshal Prometheus line "foo{bar=\\"baz} 1": cannot unmarshal tags: missing closing double quote in string: "\\"baz} 1"');
  f('foo{bar="a\\"} 1', 'cannot unmarshal Prometheus line "foo{bar=\\"a\\\\\\"} 1": cannot unmarshal tags: missing closing double quote in string: "\\"a\\\\\\"} 1"');
  f('foo{a="x" b="y"} 1', 'cannot unmarshal Prometheus line "foo{a=\\"x\\" b=\\"y\\"} 1": cannot unmarshal tags: missing comma after tag a="x"');
  f('foo{a=x"y"} 1', 'cannot unmarshal Prometheus line "foo{a=x\\"y\\"} 1": cannot unmarshal tags: missing value for unquoted tag "a=x\\"y\\"} 1"');
  f('foo{"a" "b"} 1', 'cannot unmarshal Prometheus line "foo{\\"a\\" \\"b\\"} 1": cannot unmarshal tags: missing value for quoted tag "a"');
  f('{"a", "b"} 1', 'cannot unmarshal Prometheus line "{\\"a\\", \\"b\\"} 1": cannot unmarshal tags: metric name "a" already set, duplicate metric name  "b"');
  f('foo{"a"=} 1', 'cannot unmarshal Prometheus line "foo{\\"a\\"=} 1": cannot unmarshal tags: missing starting double quote in string: "} 1"');
  f("foo abc", 'cannot unmarshal Prometheus line "foo abc": cannot parse value "abc": unparsed tail left after parsing float64 from "abc": "abc"');
  f("foo +1", 'cannot unmarshal Prometheus line "foo +1": cannot parse value "+1": unparsed tail left after parsing float64 from "+1": "1"');
  f("foo 0x10", 'cannot unmarshal Prometheus line "foo 0x10": cannot parse value "0x10": cannot parse float64 from "0x10"');
  f("foo 1e", 'cannot unmarshal Prometheus line "foo 1e": cannot parse value "1e": cannot parse exponent in "1e"');
  f("foo .", 'cannot unmarshal Prometheus line "foo .": cannot parse value ".": missing integer and fractional part in "."');
  f("foo -", 'cannot unmarshal Prometheus line "foo -": cannot parse value "-": cannot parse float64 from "-"');
  f("foo 1 abc", 'cannot unmarshal Prometheus line "foo 1 abc": cannot parse timestamp "abc": unparsed tail left after parsing float64 from "abc": "abc"');
  f("foo 1 2 3", 'cannot unmarshal Prometheus line "foo 1 2 3": cannot parse timestamp "2 3": cannot parse float64 from "2 3"');
});

test("parseLines numbers lines from firstLineNumber and quotes long lines briefly", () => {
  const r = new PromRows();
  const errors: string[] = [];
  parseLines(r, "a 1\n\n" + "x".repeat(300) + "\n# c\nb", 41, (n, m) => errors.push(`${n}: ${m}`));
  assert.equal(r.lines, 1);
  assert.deepEqual(errors, [
    `43: cannot unmarshal Prometheus line "${"x".repeat(128)}...${"x".repeat(128)}": missing value`,
    "45: cannot unmarshal Prometheus line \"b\": missing value",
  ]);
});

test("parseLines reads back what a Prometheus exposition writer writes", () => {
  const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  const name = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
  const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
  const value = fc.oneof(fc.double({ noNaN: true }), fc.integer());
  const line = fc.record({
    name,
    labels: fc.array(fc.tuple(labelName, fc.string({ unit: "grapheme", maxLength: 20 })), { maxLength: 5 }),
    value,
    ts: fc.option(fc.integer({ min: 2 ** 31, max: 2 ** 45 }), { nil: undefined }),
  });
  fc.assert(fc.property(fc.array(line, { maxLength: 10 }), (lines) => {
    const text = lines.map((l) => {
      const ls = l.labels.length === 0 ? "" : "{" + l.labels.map(([n, v]) => `${n}="${escape(v)}"`).join(",") + "}";
      const v = Object.is(l.value, -0) ? "-0" : l.value === Infinity ? "+Inf" : l.value === -Infinity ? "-Inf" : String(l.value);
      return `${l.name}${ls} ${v}${l.ts === undefined ? "" : " " + l.ts}`;
    }).join("\n");
    const r = new PromRows();
    parseLines(r, text, 1, (n, m) => assert.fail(`line ${n}: ${m}`));
    assert.equal(r.lines, lines.length);
    lines.forEach((l, i) => {
      assert.deepEqual(r.labels[i], [["__name__", l.name], ...l.labels]);
      assert.ok(Object.is(r.values[i], l.value), `value ${l.value}`);
      assert.equal(r.timestamps[i], l.ts ?? 0);
    });
  }), { numRuns: 300 });
});

test("parseLines never throws on random or mutated input", () => {
  const sample = 'foo{a="b\\"c",d="e"} 1.5 1700000000000\n{"x.y", "z"="w"} -Inf\n# HELP foo h\nbar 2 # {t="1"} 3';
  const check = (s: string) => {
    const r = new PromRows();
    parseLines(r, s, 1, () => {});
    for (let i = 0; i < r.lines; i++) assert.equal(r.labels[i]![0]![0], "__name__");
  };
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."{}\"=, \t\\#\nab1.eE+-"), maxLength: 60 }), check), { numRuns: 3000 });
  fc.assert(fc.property(fc.string({ maxLength: 100 }), check), { numRuns: 1000 });
  fc.assert(fc.property(fc.nat(sample.length - 1), fc.string({ unit: "binary", maxLength: 3 }), fc.nat(sample.length), (i, ins, cut) => {
    check(sample.slice(0, i) + ins + sample.slice(i + 1));
    check(sample.slice(0, cut));
  }), { numRuns: 2000 });
});

test("parseLines reads plain decimals exactly as Number() does", () => {
  const f = (tok: string) => {
    const got = parse(`m ${tok} ${tok}`);
    assert.deepEqual(got.errors, [], tok);
    assert.ok(Object.is(got.rows[0]![1], Number(tok)), `value ${tok}: got ${got.rows[0]![1]}`);
  };
  for (const t of ["0", "-0", "-0.0", "1.", "007", "0.1", "0.3", "123456789012345", "1234567890123456", "99999999999999999", "-12.345", "1700000000000", "9007199254740993", "0.000000000000000000000001"]) f(t);
  fc.assert(fc.property(fc.boolean(), fc.stringMatching(/^[0-9]{1,20}$/), fc.option(fc.stringMatching(/^[0-9]{0,20}$/)), (neg, a, b) => {
    f(`${neg ? "-" : ""}${a}${b === null ? "" : "." + b}`);
  }), { numRuns: 1000 });
});

test("parseLines gives the same rows and errors with the series cache warm as cold", () => {
  const sample = 'foo{a="b\\"c",d="e"} 1.5 1700000000000\n{"x.y", "z"="w"} -Inf\nm{} 2\nm{} 1 # {t="1"} 3\nbar 2 # {t="1"} 3\nq{a="}"}  7\t8';
  const run = (text: string) => {
    const r = new PromRows();
    const errors: string[] = [];
    parseLines(r, text, 1, (n, m) => errors.push(`${n}: ${m}`));
    const rows: string[] = [];
    for (let i = 0; i < r.lines; i++) rows.push(`${JSON.stringify(r.labels[i])} ${r.values[i]} ${r.timestamps[i]}`);
    return { rows, errors };
  };
  const check = (lines: string[]) => {
    // Cold: each line alone with an empty cache, i.e. through the full parser.
    const cold = { rows: [] as string[], errors: [] as string[] };
    lines.forEach((l, i) => {
      resetSeriesCache();
      const r = run(l);
      cold.rows.push(...r.rows);
      cold.errors.push(...r.errors.map((e) => e.replace(/^1:/, `${i + 1}:`)));
    });
    // Warm: all lines twice, the second time every series seen is in the cache.
    resetSeriesCache();
    const text = lines.join("\n");
    run(text);
    const warm = run(text);
    assert.deepEqual(warm, cold, JSON.stringify(lines));
  };
  const units = fc.string({ unit: fc.constantFrom(..."{}\"=, \t\\#ab1.e-"), maxLength: 30 });
  fc.assert(fc.property(fc.array(units, { maxLength: 6 }), check), { numRuns: 500 });
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(sample.length - 1), fc.string({ unit: fc.constantFrom(..."{}\" #=,\\x1"), maxLength: 2 })), { maxLength: 4 }), (muts) => {
    let s = sample;
    for (const [i, ins] of muts) s = s.slice(0, i % s.length) + ins + s.slice((i % s.length) + 1);
    check(s.split("\n"));
  }), { numRuns: 500 });
  resetSeriesCache();
});
