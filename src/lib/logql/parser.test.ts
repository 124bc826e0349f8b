import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LogQLParseError, logQueryToLogsQL, parseLogQL } from "./index.ts";

test("log queries translate to LogsQL", () => {
  const f = (logql: string, want: string) => {
    const e = parseLogQL(logql);
    assert.equal(e.kind, "log", logql);
    assert.equal(logQueryToLogsQL(e as never), want, logql);
  };
  f(`{app="nginx"}`, `{app="nginx"}`);
  f(`{app="nginx", env!="dev", host=~"h.+", x!~"a|b"}`, `{app="nginx",env!="dev",host=~"h.+",x!~"a|b"}`);
  f(`{app="a"} |= "GET /x.y"`, `{app="a"} ~"GET /x\\\\.y"`);
  f(`{app="a"} != "debug" |~ "err(or)?" !~ "timeout"`, `{app="a"} !~"debug" ~"err(or)?" !~"timeout"`);
  f("{app=`a\\b`} |= `c\\d`", `{app="a\\\\b"} ~"c\\\\\\\\d"`);
  f(`{app="a"} |= "x" or "y"`, `{app="a"} (~"x" or ~"y")`);
  f(`{app="a"} | json | level="error"`, `{app="a"} | unpack_json | filter level:="error"`);
  f(`{app="a"} | logfmt | status >= 500 and duration > 1s`, `{app="a"} | unpack_logfmt | filter (status:>=500 and duration:>1s)`);
  f(`{app="a"} | json | status == 200 or level=~"warn.*"`, `{app="a"} | unpack_json | filter (status:range[200, 200] or level:~"^(?:warn.*)$")`);
  f(`{app="a"} | json | level!="" , x!~"y"`, `{app="a"} | unpack_json | filter (!level:"" and !x:~"^(?:y)$")`);
  f(`{app="a"} |= "a" | json |= "b"`, `{app="a"} ~"a" | unpack_json | filter ~"b"`);
  f(`{app="a"} | pattern "<ip> - <_> <status>"`, `{app="a"} | extract "<ip> - <_> <status>"`);
  f(`{app="a"} | regexp "(?P<st>\\\\d+)"`, `{app="a"} | extract_regexp "(?P<st>\\\\d+)"`);
  f(`{app="a"} | json | line_format "{{.level}}: {{ .msg }}"`, `{app="a"} | unpack_json | format "<level>: <msg>" as _msg`);
  f(`{app="a"} | drop a, b | keep c`, `{app="a"} | delete a, b | fields _time, _stream, _stream_id, _msg, c`);
  f(`{app="a"} | decolorize # comment`, `{app="a"} | decolorize`);
});

test("metric queries parse", () => {
  const f = (logql: string, want: unknown) => assert.deepEqual(JSON.parse(JSON.stringify(parseLogQL(logql))), want, logql);
  const q = { kind: "log", matchers: [{ name: "a", op: "=", value: "b" }], stages: [] };
  f(`count_over_time({a="b"}[5m])`, { kind: "range", fn: "count_over_time", query: q, rangeMs: 300000, offsetMs: 0 });
  f(`rate({a="b"}[1m] offset 1h)`, { kind: "range", fn: "rate", query: q, rangeMs: 60000, offsetMs: 3600000 });
  f(`sum by (level) (count_over_time({a="b"}[1h30m]))`, { kind: "agg", op: "sum", grouping: { without: false, labels: ["level"] }, expr: { kind: "range", fn: "count_over_time", query: q, rangeMs: 5400000, offsetMs: 0 } });
  f(`topk(3, sum(rate({a="b"}[1m])) without (x))`, {
    kind: "agg", op: "topk", param: 3,
    expr: { kind: "agg", op: "sum", grouping: { without: true, labels: ["x"] }, expr: { kind: "range", fn: "rate", query: q, rangeMs: 60000, offsetMs: 0 } },
  });
  f(`avg_over_time({a="b"} | unwrap latency [5m])`, { kind: "range", fn: "avg_over_time", query: q, unwrap: "latency", rangeMs: 300000, offsetMs: 0 });
  f(`vector(1)+vector(1)`, { kind: "binary", op: "+", bool: false, left: { kind: "vector", value: 1 }, right: { kind: "vector", value: 1 } });
  f(`1 + 2 * 3 ^ 2 ^ 1`, {
    kind: "binary", op: "+", bool: false, left: { kind: "number", value: 1 },
    right: { kind: "binary", op: "*", bool: false, left: { kind: "number", value: 2 }, right: { kind: "binary", op: "^", bool: false, left: { kind: "number", value: 3 }, right: { kind: "binary", op: "^", bool: false, left: { kind: "number", value: 2 }, right: { kind: "number", value: 1 } } } },
  });
  f(`-1`, { kind: "number", value: -1 });
});

test("unsupported and bad LogQL gets an error with a position", () => {
  const f = (logql: string, pos: number, re: RegExp) => {
    assert.throws(() => parseLogQL(logql), (e: unknown) => e instanceof LogQLParseError && e.pos === pos && re.test(e.message), logql);
  };
  f(`{}`, 0, /at least one matcher/);
  f(`{a="b"`, 6, /expecting "," or "}"/);
  f(`{a="b"} | label_format x=y`, 10, /label_format.*not supported/);
  f(`quantile_over_time(0.9, {a="b"} | unwrap x [5m])`, 0, /quantile_over_time is not supported/);
  f(`sum_over_time({a="b"}[5m])`, 21, /needs "\| unwrap/);
  f(`count_over_time({a="b"})`, 23, /expecting "\[".*got "\)"/);
  f(`rate({a="b"}[5m]) and rate({a="c"}[5m])`, 18, /set operator and/);
  f(`{a="b"} |= "x`, 11, /unterminated string/);
  f(`sum by (a) (rate({a="b"}[5m])) by (b)`, 31, /grouping is given twice/);
  f(`{a="b"} + 1`, 8, /unexpected "\+"/);
  f(`nope({a="b"}[5m])`, 0, /unknown function "nope"/);
});

test("random input never throws anything but LogQLParseError", () => {
  const alphabet = fc.constantFrom(..."{}()[]|=!~<>,+-*/ \"`abc01.5mhsx".split(""), "count_over_time", "sum", "by", "json", "unwrap", "offset", "or");
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
      const s = parts.join("");
      try {
        parseLogQL(s);
      } catch (e) {
        if (!(e instanceof LogQLParseError)) throw e;
      }
    }),
    { numRuns: 3000 },
  );
});
