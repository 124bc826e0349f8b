import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseQuery } from "./parser.ts";
import { printQuery } from "./printer.ts";
import { LogsQLParseError } from "./logsql_parse_error.ts";

const NOW = 1_700_000_000_000_000_000n;

function canon(q: string): string {
  return printQuery(parseQuery(q, NOW));
}

test("parse -> print: filters", () => {
  const f = (q: string, want: string): void => {
    const got = canon(q);
    assert.equal(got, want, `print(parse(${JSON.stringify(q)}))`);
    assert.equal(canon(got), got, `print(parse(print(parse(${JSON.stringify(q)})))) must be stable`);
  };
  // words, phrases, prefixes, quoting
  f("error", "error");
  f("  error  ", "error");
  f('"foo bar"', '"foo bar"');
  f("'foo bar'", '"foo bar"');
  f("`foo\\bar`", '"foo\\\\bar"');
  f('"a\\tb"', '"a\\tb"');
  f("foo-bar.baz:8080", '"foo-bar.baz":8080');
  f("host:foo-bar.baz:8080", 'host:"foo-bar.baz:8080"');
  f("err*", "err*");
  f('"foo bar"*', '"foo bar"*');
  f("*foo*", "*foo*");
  f('*"a b"*', '*"a b"*');
  f("*", "*");
  f("f:*", "f:*");
  f("_msg:error", "error");
  f("_msg:*", "_msg:*");
  f('f:""', 'f:""');
  f('""', '""');
  f('"_time":foo "_stream":x', '"_time":foo "_stream":x');
  f('"or"', '"or"');
  f('"stats"', '"stats"');
  f("# a comment\nerror # another", "error");
  // exact, in, contains, i, seq, re
  f('f:="x y"', 'f:="x y"');
  f("f:=x*", "f:=x*");
  f('f:exact("x")', "f:=x");
  f("f:!=x", "!f:=x");
  f('f:in(a, "b c", 1)', 'f:in(a, "b c", 1)');
  f("f:in(*)", "f:in(*)");
  f("f:in(x:y | fields f)", "f:in(x:y | fields f)");
  f("f:in(* | uniq by (f))", "f:in(* | uniq by (f))");
  f("contains_all(a, b)", "contains_all(a, b)");
  f('f:contains_any(a, "b c")', 'f:contains_any(a, "b c")');
  f("i(Error)", "i(Error)");
  f("i(err*)", "i(err*)");
  f("f:i(*)", "f:i(*)");
  f('seq("a b", c)', 'seq("a b", c)');
  f('~"err.+"', '~"err.+"');
  f('f:~"a|b"', 'f:~"a|b"');
  f('f:!~"a"', '!f:~"a"');
  f('re("x\\\\d")', '~"x\\\\d"');
  // ranges and typed filters
  f("f:>10", "f:>10");
  f("f:>=1.5", "f:>=1.5");
  f("f:<1K", "f:<1K");
  f("f:<=-5", "f:<=-5");
  f("f:>abc", "f:>abc");
  f("f:range[1, 10)", "f:range[1, 10)");
  f("f:range(1,10]", "f:range(1, 10]");
  f("ip:ipv4_range(10.0.0.0/8)", "ip:ipv4_range(10.0.0.0/8)");
  f("ip:ipv4_range(1.2.3.4, 1.2.3.8)", "ip:ipv4_range(1.2.3.4, 1.2.3.8)");
  f("f:string_range(a, b)", "f:string_range(a, b)");
  f("f:len_range(1, inf)", "f:len_range(1, inf)");
  f("f:value_type(uint64)", "f:value_type(uint64)");
  f("a:eq_field(b)", "a:eq_field(b)");
  f("a:le_field(b) a:lt_field(c)", "a:le_field(b) a:lt_field(c)");
  // time
  f("_time:5m", "_time:5m");
  f("_time:1h30m offset 2h", "_time:1h30m offset 2h");
  f("_time:[2024-01-01, 2024-01-02)", "_time:[2024-01-01, 2024-01-02)");
  f("_time:(2024-01-01T10:00:00Z,2024-01-01T11:00:00+02:00]", "_time:(2024-01-01T10:00:00Z, 2024-01-01T11:00:00+02:00]");
  f("_time:2024-01", "_time:2024-01");
  f("_time:>1h", "_time:>1h");
  f("_time:<=2024-05-01", "_time:<=2024-05-01");
  f("_time:[now-1h, now)", "_time:[now-1h, now)");
  f("_time:[1700000000, 1700000060)", "_time:[1700000000, 1700000060)");
  f("_time:day_range[08:00, 18:00) offset 2h", "_time:day_range[08:00, 18:00) offset 2h");
  f("_time:week_range[Mon, Fri]", "_time:week_range[Mon, Fri]");
  f("_time:day_range(08:00, 18:00] offset -5h30m", "_time:day_range(08:00, 18:00] offset -5h30m");
  // streams
  f('{app="nginx", host=~"h.*"}', '{app="nginx",host=~"h.*"}');
  f('_stream:{app!="x"}', '{app!="x"}');
  f('{a="b" or c!~"d"}', '{a="b" or c!~"d"}');
  f("{}", "{}");
  f("_stream_id:0123456789ABCDEF0123456789abcdef", "_stream_id:0123456789abcdef0123456789abcdef");
  f("_stream_id:in(0123456789abcdef0123456789abcdef)", "_stream_id:0123456789abcdef0123456789abcdef");
  // logic
  f("a and b", "a b");
  f("a or b and c", "a or b c");
  f("(a or b) c", "(a or b) c");
  f("not a", "!a");
  f("-a", "!a");
  f("!(a b)", "!(a b)");
  f("!!a", "a");
  f("f:(a or b)", "f:a or f:b");
  f("f:(a -b)", "f:a !f:b");
  f("options(concurrency=2, ignore_global_time_filter=true) *", "options(concurrency=2, ignore_global_time_filter=true) *");
  f("options(time_offset=1h) error", "options(time_offset=1h) error");
});

test("parse -> print: pipes and stats", () => {
  const f = (q: string, want: string): void => {
    const got = canon(q);
    assert.equal(got, "* | " + want, `print(parse(${JSON.stringify(q)}))`);
    assert.equal(canon(got), got, `stable for ${JSON.stringify(q)}`);
  };
  f("* | fields a, b*", "fields a, b*");
  f("* | keep a", "fields a");
  f("* | delete a", "delete a");
  f("* | del a | rm b | drop c", "delete a | delete b | delete c");
  f("* | rename a as b, c d", "rename a as b, c as d");
  f("* | mv a b", "rename a as b");
  f("* | copy a as b", "copy a as b");
  f("* | cp a* b*", "copy a* as b*");
  f("* | limit 5", "limit 5");
  f("* | head", "limit 10");
  f("* | head 3", "limit 3");
  f("* | offset 3", "offset 3");
  f("* | skip 3", "offset 3");
  f("* | sort by (_time desc, a)", "sort by (_time desc, a)");
  f("* | order by (a) desc limit 10 offset 2", "sort by (a) desc offset 2 limit 10");
  f("* | sort by (a) partition by (b) rank as r", "sort by (a) partition by (b) rank as r");
  f("* | sort", "sort");
  f("* | first 3 by (a)", "first 3 by (a)");
  f("* | last by (a) partition by (b)", "last 1 by (a) partition by (b)");
  f("* | stats count()", "stats count(*)");
  f("* | stats count(*) as c", "stats count(*) as c");
  f("* | stats by (a, b) count() c", "stats by (a, b) count(*) as c");
  f("* | stats (a) count()", "stats by (a) count(*)");
  f("* | stats by (_time:1h offset 2h, n:10, ip:/24) count()", "stats by (_time:1h offset 2h, n:10, ip:/24) count(*)");
  f("* | stats_remote count()", "stats count(*)");
  f("* | count()", "stats count(*)");
  f("* | stats count(a, b), count_empty(a), count_uniq(a) limit 5, count_uniq_hash(b)", "stats count(a, b), count_empty(a), count_uniq(a) limit 5, count_uniq_hash(b)");
  f("* | stats sum(a), avg(a*), min(a), max(a), median(a), quantile(0.9, a)", "stats sum(a), avg(a*), min(a), max(a), median(a), quantile(0.9, a)");
  f("* | stats rate(), rate_sum(a), sum_len(a), uniq_values(a) limit 3, values(a)", "stats rate(), rate_sum(a), sum_len(a), uniq_values(a) limit 3, values(a)");
  f("* | stats row_any(a), row_min(a, b), row_max(a), histogram(a), json_values(a) limit 2", "stats row_any(a), row_min(a, b), row_max(a), histogram(a), json_values(a) limit 2");
  f("* | stats any(a), stddev(a), sum()", "stats any(a), stddev(a), sum(*)");
  f("* | stats field_min(a, b), field_max(a, b) as m", "stats field_min(a, b), field_max(a, b) as m");
  f("* | stats count() if (error) errs, count() total", "stats count(*) if (error) as errs, count(*) as total");
  f("* | uniq by (a, b) with hits limit 10", "uniq by (a, b) with hits limit 10");
  f("* | uniq (a)", "uniq by (a)");
  f("* | top 5 by (a) hits as n rank as r", "top 5 by (a) hits as n rank as r");
  f("* | top by (a)", "top 10 by (a)");
  f("* | filter a:>1 b", "filter a:>1 b");
  f("* | where x", "filter x");
  f("* | x:y", "filter x:y");
  f("* | field_names", "field_names");
  f("* | field_values a limit 5", "field_values a limit 5");
  f("* | facets 5 max_values_per_field 10 max_value_len 20 keep_const_fields", "facets 5 max_values_per_field 10 max_value_len 20 keep_const_fields");
  f('* | extract "ip=<ip> " from a keep_original_fields', 'extract "ip=<ip> " from a keep_original_fields');
  f('* | extract if (x) "<a>:<b>" skip_empty_results', 'extract if (x) "<a>:<b>" skip_empty_results');
  f('* | extract_regexp "(?P<n>\\\\d+)"', 'extract_regexp "(?P<n>\\\\d+)"');
  f('* | format "<a>-<q:b>" as c', 'format "<a>-<q:b>" as c');
  f("* | unpack_json from j fields (a, b*) result_prefix p_ keep_original_fields", 'unpack_json from j fields (a, b*) result_prefix "p_" keep_original_fields');
  f("* | unpack_logfmt if (x) skip_empty_results", "unpack_logfmt if (x) skip_empty_results");
  f("* | pack_json fields (a) as p", "pack_json fields (a) as p");
  f("* | pack_logfmt", "pack_logfmt");
  f("* | math a + b * 2 as c", "math a + (b * 2) as c");
  f("* | eval (a - 1) / 2 as c, round(c, 0.1) as d, max(a, b, 1) as e", "math (a - 1) / 2 as c, round(c, 0.1) as d, max(a, b, 1) as e");
  f("* | math a default 0 as b, x xor y as z, -a as n", "math a default 0 as b, x xor y as z, -a as n");
  f('* | replace ("a", "b") at c limit 1', 'replace ("a", "b") at c limit 1');
  f('* | replace_regexp if (x) ("a+", "$1")', 'replace_regexp if (x) ("a+", "$1")');
  f("* | len(a)", "len(a)");
  f("* | len(a) as n | hash(b) h | json_array_len(c) as l", "len(a) as n | hash(b) as h | json_array_len(c) as l");
  f("* | drop_empty_fields", "drop_empty_fields");
  f("* | decolorize | decolorize a", "decolorize | decolorize a");
  f("* | collapse_nums at a prettify", "collapse_nums at a prettify");
  f("* | unroll (a, b)", "unroll by (a, b)");
  f("* | unroll if (x) by (a)", "unroll if (x) by (a)");
  f("* | sample 10", "sample 10");
  f("* | unpack_words from a as b drop_duplicates", "unpack_words from a as b drop_duplicates");
  f("* | union (x | fields a)", "union (x | fields a)");
  f("* | join by (a, b) (x:y | stats by (a, b) count() c) inner prefix p_", 'join by (a, b) (x:y | stats by (a, b) count(*) as c) inner prefix "p_"');
  f("* | blocks_count", "blocks_count");
  f("* | stream_context before 3", "stream_context before 3");
  f("* | stream_context after 2 before 1 time_window 5m", "stream_context before 1 after 2 time_window 5m");
  f("* | unpack_syslog", "unpack_syslog");
  f("* | unpack_syslog if (x) from a offset 5h result_prefix s_ keep_original_fields", 'unpack_syslog if (x) from a offset 5h result_prefix "s_" keep_original_fields');
  f("* | blocks_count as n", "blocks_count as n");
});

test("parse errors carry positions", () => {
  const f = (q: string, pos: number, part: string): void => {
    assert.throws(
      () => parseQuery(q, NOW),
      (e: unknown) => {
        assert.ok(e instanceof LogsQLParseError, `${JSON.stringify(q)}: got ${String(e)}`);
        assert.equal(e.position, pos, `${JSON.stringify(q)}: position; message: ${e.message}`);
        assert.ok(e.message.includes(part), `${JSON.stringify(q)}: message ${JSON.stringify(e.message)} must include ${JSON.stringify(part)}`);
        return true;
      },
    );
  };
  f("", 0, "missing query");
  f("foo |", 5, "missing query");
  f('foo "bar', 4, "closing quote");
  f("(foo", 4, "missing ')'");
  f("foo)", 3, "unexpected token");
  f("f:>", 3, "unexpected end");
  f("f:range[1, x)", 11, "maxValue");
  f('~"a("', 0, "cannot parse regexp");
  f("_time:foo", 6, "duration");
  f("_time:[2024-01-01, bar)", 19, "end time");
  f("ip:ipv4_range(1.2.3)", 3, "IPv4");
  f("* | join by (a) b", 16, "missing '('");
  f("* | block_stats", 4, "pipe block_stats is not supported");
  f("* | limit 1 | stream_context before 1", 14, "must be the first pipe");
  f("* | stream_context", 4, "missing 'before N'");
  f("* | stats foo()", 10, "unknown stats func");
  f("* | stats field_min(a)", 10, "want 2");
  f("* | split _msg", 4, "pipe split is not supported");
  f("* | running_stats count()", 4, "pipe running_stats is not supported");
  f("* | stats count() a, sum(x) a", 21, "duplicate");
  f("* | stats by (a) count() a", 17, "used as 'by' field");
  f("* | limit x", 10, "non-negative integer");
  f("* | extract \"foo\"", 12, "named placeholders");
  f("f:in(x | fields a, b)", 5, "must end with");
  f("_stream_id:zz", 11, "_stream_id");
  f("{a=}", 3, "compound token");
  f("options(foo=1) *", 8, "unexpected option");
  f("foo\"bar\"", 3, "missing whitespace");
  f("f:len_range(a, 2)", 2, "minLen");
  f("_time:week_range[Mon, Xyz]", 22, "weekday");
  f("_time:day_range[25:00, 26:00]", 16, "hh:mm");
});

// A generator of valid queries built from the grammar's pieces.
const word = fc.constantFrom("error", "warn", "foo", "bar_1", "Привет", "x");
const field = fc.constantFrom("host", "app", "level", "_msg", "a.b");
const str = fc.string({ maxLength: 6 });
const leaf: fc.Arbitrary<string> = fc.oneof(
  word,
  str.map((s) => JSON.stringify(s)),
  fc.tuple(field, word).map(([f, w]) => `${f}:${w}`),
  fc.tuple(field, word).map(([f, w]) => `${f}:${w}*`),
  fc.tuple(field, str).map(([f, s]) => `${f}:=${JSON.stringify(s)}`),
  fc.tuple(field, fc.integer({ min: -100, max: 100 })).map(([f, n]) => `${f}:>=${n}`),
  fc.tuple(field, fc.array(word, { minLength: 1, maxLength: 3 })).map(([f, ws]) => `${f}:in(${ws.join(",")})`),
  word.map((w) => `i(${w})`),
  fc.constantFrom('~"a.b"', "_time:5m", '{app="x"}', "f:range[1, 5)", "ip:ipv4_range(10.0.0.0/8)", "*"),
);
const filterArb: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("f"), tie("f")).map(([a, b]) => `${a} ${b}`),
    fc.tuple(tie("f"), tie("f")).map(([a, b]) => `(${a} or ${b})`),
    tie("f").map((a) => `!(${a})`),
  ),
})).f;
const pipeArb = fc.constantFrom(
  "fields a, b",
  "delete c",
  "rename a as b",
  "limit 3",
  "sort by (a desc)",
  "stats by (a) count() c, sum(b)",
  "uniq by (a)",
  "top 3 by (a)",
  "filter a:x",
  'extract "<a> <b>"',
  "math a * 2 + 1 as c",
  'replace ("a", "b")',
  "unpack_json",
);

// Pipes with arbitrary (quoted) names and strings.
// A field name ending with '*' is a wildcard pattern, as in VictoriaLogs, so names avoid '*'.
const anyName = fc.string({ minLength: 1, maxLength: 5 }).filter((x) => !x.includes("*")).map((x) => JSON.stringify(x));
const anyStr = fc.string({ maxLength: 5 }).map((x) => JSON.stringify(x));
const wildPipeArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(anyName, anyName).map(([a, b]) => `fields ${a}, ${b}`),
  fc.tuple(anyName, anyName).map(([a, b]) => `rename ${a} as ${b}`),
  fc.tuple(anyName, anyName).filter(([a, b]) => a !== b).map(([a, b]) => `stats by (${a}) count() as ${b}`),
  fc.tuple(anyName, anyName).map(([a, b]) => `stats sum(${a}) as ${b}, count_uniq(${a}) limit 3`),
  fc.tuple(anyName, anyStr).map(([a, s]) => `filter ${a}:${s} or ${a}:=${s}* or ${a}:in(${s}, x)`),
  fc.tuple(anyStr, anyStr, anyName).map(([a, b, f]) => `replace (${a === '""' ? '"x"' : a}, ${b}) at ${f}`),
  fc.tuple(anyName, anyName).map(([a, b]) => `format "<${JSON.parse(a).replace(/[^A-Za-z0-9_]/g, "") || "x"}>" as ${b}`),
  fc.tuple(anyName, anyName).map(([a, b]) => `math ${a} + 1 as ${b}`),
  fc.tuple(anyName, anyName).map(([a, b]) => `sort by (${a} desc, ${b})`),
  fc.tuple(anyName, anyName).map(([a, b]) => `uniq by (${a}, ${b}) with hits`),
  fc.tuple(anyName, anyName).map(([a, b]) => `unpack_json from ${a} result_prefix ${b}`),
);

test("fast-check: print(parse(q)) is stable for generated queries", () => {
  fc.assert(
    fc.property(filterArb, fc.array(fc.oneof(pipeArb, wildPipeArb), { maxLength: 3 }), (f, pipes) => {
      const q = [f, ...pipes].join(" | ");
      const p1 = canon(q);
      const p2 = canon(p1);
      assert.equal(p2, p1, `query ${JSON.stringify(q)}`);
    }),
    { numRuns: 300 },
  );
});

test("fast-check: random input throws only LogsQLParseError and never hangs", () => {
  const chars = fc.constantFrom(..."ab:*()|\"'`{}=~!<>[],- \\#\n0159._$/&^%ior".split(""));
  const input = fc.oneof(fc.string({ maxLength: 40 }), fc.array(chars, { maxLength: 40 }).map((a) => a.join("")), fc.array(fc.constantFrom("or ", "and ", "not ", "| ", "stats ", "by ", "(", ")", "in", "_time:", "count() ", "f:", "\"x\" ", "'y'", "5m "), { maxLength: 12 }).map((a) => a.join("")));
  fc.assert(
    fc.property(input, (s) => {
      const start = performance.now();
      try {
        const q = parseQuery(s, NOW);
        // Whatever parses must print into something that parses to the same print.
        const p = printQuery(q);
        assert.equal(printQuery(parseQuery(p, NOW)), p, `input ${JSON.stringify(s)}`);
      } catch (e) {
        if (!(e instanceof LogsQLParseError)) throw new Error(`input ${JSON.stringify(s)}: unexpected error ${String(e)}`);
      }
      assert.ok(performance.now() - start < 200, `input ${JSON.stringify(s)} took too long`);
    }),
    { numRuns: 2000 },
  );
});

test("fast-check: mutated valid queries parse to stable prints or fail cleanly", () => {
  const mutated = fc
    .tuple(filterArb, fc.array(fc.oneof(pipeArb, wildPipeArb), { maxLength: 3 }), fc.nat(), fc.nat({ max: 4 }), fc.constantFrom("", "|", "(", ")", '"', "*", ":", " ", "!", "-", ",", "or "))
    .map(([f, pipes, at, len, ins]) => {
      const q = [f, ...pipes].join(" | ");
      const i = at % (q.length + 1);
      return q.slice(0, i) + ins + q.slice(i + len);
    });
  fc.assert(
    fc.property(mutated, (s) => {
      let q;
      try {
        q = parseQuery(s, NOW);
      } catch (e) {
        if (e instanceof LogsQLParseError) return;
        throw new Error(`input ${JSON.stringify(s)}: unexpected error ${String(e)}`);
      }
      const p = printQuery(q);
      assert.equal(printQuery(parseQuery(p, NOW)), p, `input ${JSON.stringify(s)}`);
    }),
    { numRuns: 500 },
  );
});

test("deep nesting is a parse error, not a stack overflow", () => {
  assert.throws(() => parseQuery("(".repeat(5000) + "a" + ")".repeat(5000), NOW), LogsQLParseError);
  assert.throws(() => parseQuery("!".repeat(5000) + "a", NOW), LogsQLParseError);
});
