import { test } from "node:test";
import assert from "node:assert/strict";
import { ImportRows } from "./import_rows.ts";
import { parseLine, parseLines } from "./parser.ts";

interface Parsed {
  labels: Array<Array<[string, string]>>;
  values: number[][];
  timestamps: number[][];
  errors: string[];
}

function parse(text: string, firstLine = 1): Parsed {
  const rows = new ImportRows();
  const errors: string[] = [];
  parseLines(rows, text, firstLine, (n, msg) => errors.push(`${n}: ${msg}`));
  const values: number[][] = [];
  const timestamps: number[][] = [];
  for (let i = 0; i < rows.lines; i++) {
    values.push([...rows.values.subarray(rows.offsets[i], rows.offsets[i + 1])]);
    timestamps.push([...rows.timestamps.subarray(rows.offsets[i], rows.offsets[i + 1])]);
  }
  assert.equal(rows.offsets[rows.lines], rows.samples);
  return { labels: rows.labels, values, timestamps, errors };
}

// Reasons below were produced by VictoriaMetrics 1.79.5's parser (fastjson 1.6.3) on the
// same lines.
test("parseLine reports VictoriaMetrics 1.79.5's reason for each kind of bad line", () => {
  const f = (line: string, reason: string) => {
    const rows = new ImportRows();
    assert.equal(parseLine(rows, line, 0, line.length), reason, `line ${JSON.stringify(line)}`);
    assert.equal(rows.lines, 0, `no line kept for ${JSON.stringify(line)}`);
    assert.equal(rows.samples, 0, `no samples kept for ${JSON.stringify(line)}`);
  };
    f("foo", "cannot parse json line: cannot parse JSON: unexpected value found: \"foo\"; unparsed tail: \"foo\"");
    f("123", "missing `metric` object");
    f("[1,3]", "missing `metric` object");
    f("{}", "missing `metric` object");
    f("[]", "missing `metric` object");
    f("{\"foo\":\"bar\"}", "missing `metric` object");
    f(" ", "cannot parse json line: cannot parse JSON: cannot parse empty string; unparsed tail: \"\"");
    f("{", "cannot parse json line: cannot parse JSON: cannot parse object: missing '}'; unparsed tail: \"\"");
    f("{\"metric\"", "cannot parse json line: cannot parse JSON: cannot parse object: missing ':' after object key; unparsed tail: \"\"");
    f("{\"metric\":", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse empty string; unparsed tail: \"\"");
    f("{\"metric\":{", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse object: missing '}'; unparsed tail: \"\"");
    f("{\"metric\":{\"a\"}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse object: missing ':' after object key; unparsed tail: \"}\"");
    f("{\"metric\":{\"a\":\"b\"", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse object: unexpected end of object; unparsed tail: \"\"");
    f("{\"metric\":{\"a\":\"b}}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse object: cannot parse object value: cannot parse string: missing closing '\"'; unparsed tail: \"\"");
    f("{metric:1}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot find opening '\"\" for object key; unparsed tail: \"metric:1}\"");
    f("{\"metric\":{}}x", "cannot parse json line: unexpected tail: \"x\"");
    f("{\"metric\":tru}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: unexpected value found: \"tru}\"; unparsed tail: \"tru}\"");
    f("{\"metric\":nul}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: unexpected value found: \"nul}\"; unparsed tail: \"nul}\"");
    f("{\"metric\":[1 2]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: missing ',' after array value; unparsed tail: \"2]}\"");
    f("{\"metric\":[1,]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: \"]\"; unparsed tail: \"]}\"");
    f("{\"metric\":[1", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: unexpected end of array; unparsed tail: \"\"");
    f("{\"metric\":1 \"x\":2}", "cannot parse json line: cannot parse JSON: cannot parse object: missing ',' after object value; unparsed tail: \"\\\"x\\\":2}\"");
    f("{\"metric\":123,\"values\":[1,2],\"timestamps\":[3,4]}", "missing `metric` object");
    f("{\"metric\":[123],\"values\":[1,2],\"timestamps\":[3,4]}", "missing `metric` object");
    f("{\"metric\":{},\"values\":[1,2],\"timestamps\":[3,4]}", "missing tags");
    f("{\"metric\":null,\"values\":[1,2],\"timestamps\":[3,4]}", "missing `metric` object");
    f("{\"values\":[1,2],\"timestamps\":[3,4]}", "missing `metric` object");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":1,\"timestamps\":[3,4]}", "missing `values` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":{\"x\":1},\"timestamps\":[3,4]}", "missing `values` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"timestamps\":[3,4]}", "missing `values` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[\"foo\"],\"timestamps\":[3]}", "cannot unmarshal value at position 0: value doesn't contain number; it contains string");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[true],\"timestamps\":[3]}", "cannot unmarshal value at position 0: value doesn't contain number; it contains true");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[[1]],\"timestamps\":[3]}", "cannot unmarshal value at position 0: value doesn't contain number; it contains array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[{}],\"timestamps\":[3]}", "cannot unmarshal value at position 0: value doesn't contain number; it contains object");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[1,2],\"timestamps\":3}", "missing `timestamps` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[1,2]}", "missing `timestamps` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[1,2],\"timestamps\":[1,\"foo\"]}", "cannot unmarshal timestamp at position 1: value doesn't contain number; it contains string");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[1,2],\"timestamps\":[1,null]}", "cannot unmarshal timestamp at position 1: value doesn't contain number; it contains null");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[],\"timestamps\":[]}", "missing `values` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[2],\"timestamps\":[]}", "missing `timestamps` array");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[2],\"timestamps\":[3,4]}", "`timestamps` array size must match `values` array size; got 2; want 1");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[2,3],\"timestamps\":[4]}", "`timestamps` array size must match `values` array size; got 1; want 2");
    f("{\"metric\":{\"foo\":\"bar\"},\"values\":[2],\"timestamps\":[4]}{}", "cannot parse json line: unexpected tail: \"{}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1.],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse fractional part in \"1.\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[.5],\"timestamps\":[1]}", "cannot unmarshal value at position 0: unparsed tail left after parsing float64 from \".5\": \".5\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[+5],\"timestamps\":[1]}", "cannot unmarshal value at position 0: unparsed tail left after parsing float64 from \"+5\": \"5\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[-],\"timestamps\":[1]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: \"-\"; unparsed tail: \"-],\\\"timestamps\\\":[1]}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[--1],\"timestamps\":[1]}", "cannot unmarshal value at position 0: unparsed tail left after parsing float64 from \"--1\": \"-1\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1-2],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse float64 from \"1-2\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1e],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse exponent in \"1e\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1e+],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse exponent in \"1e+\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1e5.5],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse float64 from \"1e5.5\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[Infinity],\"timestamps\":[1]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: missing ',' after array value; unparsed tail: \"inity],\\\"timestamps\\\":[1]}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1234567890123456789-],\"timestamps\":[1]}", "cannot unmarshal value at position 0: strconv.ParseFloat: parsing \"1234567890123456789-\": invalid syntax");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[0.12345678901234567.5],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse mantissa in \"0.12345678901234567.5\": strconv.ParseFloat: parsing \"0.12345678901234567.5\": invalid syntax");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1e3000x],\"timestamps\":[1]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: missing ',' after array value; unparsed tail: \"x],\\\"timestamps\\\":[1]}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1e3000.5],\"timestamps\":[1]}", "cannot unmarshal value at position 0: cannot parse exponent in \"1e3000.5\": strconv.ParseFloat: parsing \"1e3000.5\": invalid syntax");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[NULL],\"timestamps\":[1]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: \"N\"; unparsed tail: \"NULL],\\\"timestamps\\\":[1]}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[+x],\"timestamps\":[1]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: \"+\"; unparsed tail: \"+x],\\\"timestamps\\\":[1]}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[1.5]}", "cannot unmarshal timestamp at position 0: unparsed tail left after parsing int64 form \"1.5\": \".5\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[1e3]}", "cannot unmarshal timestamp at position 0: unparsed tail left after parsing int64 form \"1e3\": \"e3\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[NaN]}", "cannot unmarshal timestamp at position 0: cannot parse int64 from \"NaN\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[+1]}", "cannot unmarshal timestamp at position 0: cannot parse int64 from \"+1\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[9223372036854775808]}", "cannot unmarshal timestamp at position 0: strconv.ParseInt: parsing \"9223372036854775808\": value out of range");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[1234567890123456789.5]}", "cannot unmarshal timestamp at position 0: strconv.ParseInt: parsing \"1234567890123456789.5\": invalid syntax");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[--1]}", "cannot unmarshal timestamp at position 0: cannot parse int64 from \"--1\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1],\"timestamps\":[1],\"extra\":[xx]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: \"x\"; unparsed tail: \"xx]}\"");
    f("{\"metric\":{\"a\":\"b\"},\"values\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,x]}", "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: \"x\"; unparsed tail: \"x]}\"");
  // Nesting deeper than fastjson's limit of 300.
  const deep = `{"metric":{"a":"b"},"values":[1],"timestamps":[1],"x":${"[".repeat(400)}${"]".repeat(400)}}`;
  f(
    deep,
    "cannot parse json line: cannot parse JSON: cannot parse object: cannot parse object value: " +
      "cannot parse array: cannot parse array value: ".repeat(299) +
      `too big depth for the nested JSON; it exceeds 300; unparsed tail: "${"[".repeat(40)}...${"]".repeat(39)}}"`,
  );
});

test("parseLine departs from 1.79.5 where later VictoriaMetrics versions fixed it", () => {
  const f = (line: string, reason: string | null, values?: number[]) => {
    const rows = new ImportRows();
    assert.equal(parseLine(rows, line, 0, line.length), reason, `line ${JSON.stringify(line)}`);
    if (values) assert.deepEqual([...rows.values.subarray(0, rows.samples)], values, `values of ${JSON.stringify(line)}`);
  };
  // null (which 1.79.5 itself exports for NaN) and the special strings read as values.
  f(`{"metric":{"a":"b"},"values":[1,null],"timestamps":[1,2]}`, null, [1, NaN]);
  f(`{"metric":{"a":"b"},"values":["Inf","-inf","infinity","-Infinity","NaN","nan","null","Null","-NaN"],"timestamps":[1,2,3,4,5,6,7,8,9]}`, null, [
    Infinity, -Infinity, Infinity, -Infinity, NaN, NaN, NaN, NaN, NaN,
  ]);
  f(`{"metric":{"a":"b"},"values":["INF"],"timestamps":[1]}`, "cannot unmarshal value at position 0: value doesn't contain number; it contains string");
  f(`{"metric":{"a":"b"},"values":["1"],"timestamps":[1]}`, "cannot unmarshal value at position 0: value doesn't contain number; it contains string");
  // A label with an empty name is skipped (1.79.5 stored the series under its value as name).
  f(`{"metric":{"":"x"},"values":[1],"timestamps":[1]}`, "missing tags");
});

test("parseLines keeps valid lines with their labels, values and timestamps", () => {
  const f = (text: string, expected: Omit<Parsed, "errors">) => {
    const got = parse(text);
    assert.deepEqual(got.errors, [], `errors for ${JSON.stringify(text)}`);
    assert.deepEqual({ labels: got.labels, values: got.values, timestamps: got.timestamps }, expected, `text ${JSON.stringify(text)}`);
  };
  f(
    `{"metric":{"__name__":"up","job":"node","instance":"localhost:9100"},"values":[0,0,0],"timestamps":[1549891472010,1549891487724,1549891503438]}`,
    {
      labels: [[["__name__", "up"], ["job", "node"], ["instance", "localhost:9100"]]],
      values: [[0, 0, 0]],
      timestamps: [[1549891472010, 1549891487724, 1549891503438]],
    },
  );
  f(` {"timestamps" : [ 3 , 4 ] , "values" :[ 1.5 , -2e3 ], "metric" : { "a" : "b" } } `, {
    labels: [[["a", "b"]]],
    values: [[1.5, -2000]],
    timestamps: [[3, 4]],
  });
  f(`{"metric":{"foo":"bar"},"values":[Inf,-Inf,+Inf,inf,-inf,NaN,nan,-nan,+NaN,nAn],"timestamps":[1,2,3,4,5,6,7,8,9,10]}`, {
    labels: [[["foo", "bar"]]],
    values: [[Infinity, -Infinity, Infinity, Infinity, -Infinity, NaN, NaN, NaN, NaN, NaN]],
    timestamps: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  });
  f(
    `{"metric":{"a":"b"},"values":[-0,007,1.e5,1E-2,1e400,-1e400,1e-400,0.0000005,1000000000000000000000,12345678901234567890,1.7976931348623157e308,5e-324],` +
      `"timestamps":[-0,007,-1,9223372036854775807,-9223372036854775808,123456789012345678,1,2,3,4,5,6]}`,
    {
      labels: [[["a", "b"]]],
      values: [[-0, 7, 1e5, 0.01, Infinity, -Infinity, 0, 5e-7, 1e21, 12345678901234567890, 1.7976931348623157e308, 5e-324]],
      timestamps: [[0, 7, -1, 9223372036854775807, -9223372036854775808, 123456789012345678, 1, 2, 3, 4, 5, 6]],
    },
  );
  // Non-string label values read as empty, and empty-valued labels are dropped.
  f(`{"metric":{"a":1,"b":null,"c":{},"d":"","e":"x"},"values":[1],"timestamps":[1]}`, {
    labels: [[["e", "x"]]],
    values: [[1]],
    timestamps: [[1]],
  });
  // A series left without labels is kept; the insert layer skips it silently, as VM does.
  f(`{"metric":{"a":""},"values":[1],"timestamps":[1]}`, { labels: [[]], values: [[1]], timestamps: [[1]] });
  // Duplicate label names are kept in line order.
  f(`{"metric":{"a":"1","a":"2","__name__":"x","__name__":"y"},"values":[1],"timestamps":[1]}`, {
    labels: [[["a", "1"], ["a", "2"], ["__name__", "x"], ["__name__", "y"]]],
    values: [[1]],
    timestamps: [[1]],
  });
  // Escapes are decoded as fastjson does (invalid ones kept as written); unicode as is.
  f(`{"metric":{"k\\"q":"v\\\\w","\\u0041\\u00e9":"\\ud83d\\ude00","x":"\\u12\\q\\ud800","日本":"é<>&'"},"values":[1],"timestamps":[1]}`, {
    labels: [[["k\"q", "v\\w"], ["Aé", "😀"], ["x", "\\u12\\q\\ud800"], ["日本", "é<>&'"]]],
    values: [[1]],
    timestamps: [[1]],
  });
  // Extra keys are ignored; for repeated keys the first wins (fastjson's Get).
  f(`{"metric":{"a":"b"},"values":[1],"timestamps":[1],"extra":[1,{"x":[]}],"metric":5}`, {
    labels: [[["a", "b"]]],
    values: [[1]],
    timestamps: [[1]],
  });
  f(`{"metric":{"a":"b"},"values":[1],"values":["x"],"timestamps":[1]}`, { labels: [[["a", "b"]]], values: [[1]], timestamps: [[1]] });
  // A raw key match wins over an escaped one; an escaped one is used when nothing else matches.
  f(`{"metr\\u0069c":{"a":"first"},"metric":{"a":"second"},"values":[1],"timestamps":[1]}`, {
    labels: [[["a", "second"]]],
    values: [[1]],
    timestamps: [[1]],
  });
  f(`{"metr\\u0069c":{"a":"only"},"values":[1],"timestamps":[1]}`, { labels: [[["a", "only"]]], values: [[1]], timestamps: [[1]] });
});

test("parseLines: blank lines, CRLF, line numbers, and bad lines skipped without losing the others", () => {
  const ok = (v: number) => `{"metric":{"a":"b"},"values":[${v}],"timestamps":[1]}`;
  const f = (text: string, firstLine: number, values: number[], errors: string[]) => {
    const got = parse(text, firstLine);
    assert.deepEqual(got.values.flat(), values, `values of ${JSON.stringify(text)}`);
    assert.deepEqual(got.errors, errors, `errors of ${JSON.stringify(text)}`);
  };
  f("", 1, [], []);
  f("\n\n", 1, [], []);
  f("\n\r\n", 1, [], []);
  f(`${ok(1)}\r\n${ok(2)}\r\n`, 1, [1, 2], []);
  f(`${ok(1)}\n\nfoo\n${ok(2)}`, 10, [1, 2], [
    `12: cannot unmarshal json line "foo": cannot parse json line: cannot parse JSON: unexpected value found: "foo"; unparsed tail: "foo"`,
  ]);
  f(`{}\r\n${ok(3)}\n \n`, 1, [3], [
    `1: cannot unmarshal json line "{}": missing \`metric\` object`,
    `3: cannot unmarshal json line " ": cannot parse json line: cannot parse JSON: cannot parse empty string; unparsed tail: ""`,
  ]);
  f(`{"metric":{"a":"\\u0001"},"values":[x],"timestamps":[1]}`, 1, [], [
    `1: cannot unmarshal json line "{\\"metric\\":{\\"a\\":\\"\\\\u0001\\"},\\"values\\":[x],\\"timestamps\\":[1]}": cannot parse json line: cannot parse JSON: ` +
      `cannot parse object: cannot parse object value: cannot parse array: cannot parse array value: cannot parse number: unexpected char: "x"; unparsed tail: "x],\\"timestamps\\":[1]}"`,
  ]);
});

test("parseLines quotes a long bad line by its ends only", () => {
  const line = `{"metric":{"a":"b"},"values":[${"1,".repeat(5000)}x],"timestamps":[1]}`;
  const got = parse(line);
  assert.equal(got.errors.length, 1);
  const msg = got.errors[0]!;
  assert.ok(msg.startsWith(`1: cannot unmarshal json line "{\\"metric\\":{\\"a\\":\\"b\\"},\\"values\\":[1,1,`), msg.slice(0, 100));
  assert.ok(msg.includes(`1,1,...1,1,`), "middle elided");
  assert.ok(msg.length < 1000, `message length ${msg.length}`);
});

test("parseLines reads a line with a huge value list", () => {
  const n = 100_000;
  const vals: string[] = [];
  const ts: string[] = [];
  for (let i = 0; i < n; i++) {
    vals.push(i % 7 === 0 ? "NaN" : String(i * 0.25 - 1000));
    ts.push(String(1_600_000_000_000 + i * 15_000));
  }
  const text = `{"metric":{"__name__":"big"},"values":[${vals.join(",")}],"timestamps":[${ts.join(",")}]}\n`;
  const rows = new ImportRows();
  const errors: string[] = [];
  parseLines(rows, text, 1, (_n, m) => errors.push(m));
  assert.deepEqual(errors, []);
  assert.equal(rows.lines, 1);
  assert.equal(rows.samples, n);
  for (const i of [0, 1, 7, 12345, n - 1]) {
    assert.ok(Object.is(rows.values[i], i % 7 === 0 ? NaN : i * 0.25 - 1000), `value ${i}`);
    assert.equal(rows.timestamps[i], 1_600_000_000_000 + i * 15_000, `timestamp ${i}`);
  }
});

test("ImportRows.reset keeps nothing of earlier lines", () => {
  const rows = new ImportRows();
  const text = `{"metric":{"a":"b"},"values":[1,2],"timestamps":[1,2]}\n{"metric":{"c":"d"},"values":[3],"timestamps":[3]}`;
  parseLines(rows, text, 1, () => assert.fail("no errors expected"));
  assert.equal(rows.lines, 2);
  assert.deepEqual([...rows.offsets.subarray(0, 3)], [0, 2, 3]);
  rows.reset();
  assert.equal(rows.lines, 0);
  assert.equal(rows.samples, 0);
  assert.deepEqual(rows.labels, []);
  parseLines(rows, `{"metric":{"e":"f"},"values":[9],"timestamps":[9]}`, 1, () => assert.fail("no errors expected"));
  assert.deepEqual(rows.labels, [[["e", "f"]]]);
  assert.deepEqual([...rows.values.subarray(0, rows.samples)], [9]);
});
