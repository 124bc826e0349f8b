import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseColumnDescriptors } from "./column_descriptor.ts";

// describe renders descriptors compactly: "t" (time), "l:name", "m:name", "-" (ignored).
function describe(s: string): string {
  return parseColumnDescriptors(s).map((cd) => (cd.parseTimestamp ? "t" : cd.labelName !== undefined ? `l:${cd.labelName}` : cd.metricName !== undefined ? `m:${cd.metricName}` : "-")).join(" ");
}

test("parseColumnDescriptors accepts VictoriaMetrics' column specs", () => {
  const f = (s: string, want: string) => assert.equal(describe(s), want, `format=${s}`);
  f("1:metric:foo", "m:foo");
  f("2:metric:foo", "- m:foo");
  f("1:time:unix_s,3:metric:foo,2:label:bar", "t l:bar m:foo");
  f("1:time:custom:2006-01-02 15:04:05,2:metric:a:b", "t m:a:b");
  f("4:metric:x,1:metric:y,2:label:job,3:label:instance", "m:y l:job l:instance m:x");
  f("+1:metric:foo", "m:foo");
});

test("parseColumnDescriptors rejects bad specs with VictoriaMetrics' messages", () => {
  const f = (s: string, want: string) => assert.throws(() => parseColumnDescriptors(s), (e: Error) => {
    assert.equal(e.message, want, `format=${s}`);
    return true;
  });
  f("", `entry #1 must have the following form: <column_pos>:<column_type>:<extension>; got [""]`);
  f("1:metric", `entry #1 must have the following form: <column_pos>:<column_type>:<extension>; got ["1" "metric"]`);
  f("x:metric:foo", `cannot parse <column_pos> part from the entry #1 "x:metric:foo": strconv.Atoi: parsing "x": invalid syntax`);
  f("0:metric:foo", `<column_pos> cannot be smaller than 1; got 0 for entry #1 "0:metric:foo"`);
  f("65537:metric:foo", `<column_pos> cannot be bigger than 65536; got 65537 for entry #1 "65537:metric:foo"`);
  f("1:time:unix_s,2:time:unix_ms,3:metric:x", `duplicate time column has been found at entry #2 "2:time:unix_ms" for "1:time:unix_s,2:time:unix_ms,3:metric:x"`);
  f("1:time:unix_us,2:metric:x", `cannot parse time format from the entry #1 "1:time:unix_us": unknown format for time parsing: "unix_us"; supported formats: unix_s, unix_ms, unix_ns, rfc3339`);
  f("1:label:,2:metric:x", `label name cannot be empty in the entry #1 "1:label:"`);
  f("1:metric:", `metric name cannot be empty in the entry #1 "1:metric:"`);
  f("1:value:x", `unknown <column_type>: "value"; allowed values: time, metric, label`);
  f("1:metric:x,1:label:y", `duplicate <column_pos> 0 for the entry #2 "1:label:y"`);
  f("1:label:x", `missing 'metric' column in "1:label:x"`);
});

test("time formats read timestamps as VictoriaMetrics does", () => {
  const f = (format: string, s: string, want: number | string) => {
    const parse = parseColumnDescriptors(`1:time:${format},2:metric:x`)[0]!.parseTimestamp!;
    let got: number | string;
    try {
      got = parse(s);
    } catch (e) {
      got = (e as Error).message;
    }
    assert.equal(got, want, `${format} ${JSON.stringify(s)}`);
  };
  f("unix_s", "1700000000", 1700000000000);
  f("unix_s", "-5", -5000);
  f("unix_s", "1.5", `cannot parse timestamp seconds from "1.5": unparsed tail left after parsing int64 form "1.5": ".5"`);
  f("unix_s", "9223372036854776", "too big unix timestamp in seconds: 9223372036854776; must be smaller than 9223372036854775");
  f("unix_ms", "1700000000123", 1700000000123);
  f("unix_ms", "", "cannot parse timestamp milliseconds from \"\": cannot parse int64 from empty string");
  f("unix_ns", "1700000000123999999", 1700000000123);
  f("unix_ns", "-1500000", -1);
  f("unix_ns", "999999", 0);
  f("rfc3339", "2023-11-14T22:13:20.5+01:00", 1699996400500);
  f("rfc3339", "2023-11-14", `cannot parse time in RFC3339 from "2023-11-14": parsing time "2023-11-14" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"`);
  f("custom:2006/01/02 15h", "2023/11/14 22h", 1700000000000 - 13 * 60 * 1000 - 20 * 1000);
  f("custom:2006", "x", `cannot parse time in custom format "2006" from "x": parsing time "x" as "2006": cannot parse "x" as "2006"`);
});

test("parseColumnDescriptors either returns descriptors with a metric column or throws Error", () => {
  const piece = fc.constantFrom("1", "2", "70000", "-1", "x", ":", ",", "time", "label", "metric", "unix_s", "rfc3339", "custom:", "2006", "a", "");
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(piece, { maxLength: 20 }).map((a) => a.join(""))), (s) => {
    let cds;
    try {
      cds = parseColumnDescriptors(s);
    } catch (e) {
      assert.ok(e instanceof Error && e.message.length > 0, String(e));
      return;
    }
    assert.ok(cds.some((cd) => cd.metricName !== undefined), s);
    assert.ok(cds.filter((cd) => cd.parseTimestamp !== undefined).length <= 1, s);
  }));
});
