import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ParsedConfigs } from "./relabel.ts";
import { SeriesRelabeler, RowsRelabeler } from "./series_relabeler.ts";
import { LabelsBuf, type Label } from "./labels_buf.ts";

// parseLabels reads `name{a="b",c="d"}` (values without quotes or commas inside) into labels.
function parseLabels(s: string): Label[] {
  const m = /^([^{]*)(?:\{(.*)\})?$/.exec(s)!;
  const out: Label[] = [];
  if (m[1] !== "") out.push(["__name__", m[1]!]);
  if (m[2] !== undefined && m[2] !== "") {
    for (const kv of m[2].split(",")) {
      const i = kv.indexOf("=");
      out.push([kv.slice(0, i), JSON.parse(kv.slice(i + 1)) as string]);
    }
  }
  return out;
}

function show(ls: ReadonlyArray<Label> | null): string {
  if (ls === null) return "DROPPED";
  const lb = new LabelsBuf();
  lb.reset(ls);
  return ls.length === 0 ? "{}" : lb.toString();
}

// f applies the config to the input labels and compares with the expected labels (rendered sorted, or "DROPPED").
function f(config: string, input: string, want: string): void {
  const r = new SeriesRelabeler({ configs: ParsedConfigs.parse(config), cacheEntries: 0 });
  assert.equal(show(r.relabel(parseLabels(input))), want, `config:\n${config}\ninput: ${input}`);
}

test("replace", () => {
  f(`- target_label: bar\n  replacement: baz`, `up{a="1"}`, `up{a="1",bar="baz"}`);
  f(`- source_labels: [a, b]\n  target_label: ab`, `up{a="1",b="2"}`, `up{a="1",ab="1;2",b="2"}`);
  f(`- source_labels: [a, missing, b]\n  separator: "-"\n  target_label: ab`, `up{a="1",b="2"}`, `up{a="1",ab="1--2",b="2"}`);
  f(`- source_labels: [instance]\n  regex: '([^:]+):(\\d+)'\n  target_label: host\n  replacement: "h=$1 p=\${2}"`, `up{instance="srv:9100"}`, `up{host="h=srv p=9100",instance="srv:9100"}`);
  // No match: nothing changes.
  f(`- source_labels: [instance]\n  regex: '([^:]+):(\\d+)'\n  target_label: host`, `up{instance="srv"}`, `up{instance="srv"}`);
  // Anchored: a partial match is no match.
  f(`- source_labels: [a]\n  regex: b\n  target_label: x\n  replacement: y`, `up{a="abc"}`, `up{a="abc"}`);
  // Capture groups in target_label; named groups; $1x means group "1x" (empty).
  f(`- source_labels: [a]\n  regex: '(?P<k>[a-z]+)=(.*)'\n  target_label: 'l_$k'\n  replacement: '$2'`, `up{a="foo=bar"}`, `up{a="foo=bar",l_foo="bar"}`);
  f(`- source_labels: [a]\n  regex: '(.*)'\n  target_label: x\n  replacement: '$1x-\${1}x-$$1'`, `up{a="v"}`, `up{a="v",x="-vx-$1"}`);
  // Setting an empty value removes the label; renaming the metric.
  f(`- source_labels: [missing]\n  target_label: a`, `up{a="1"}`, `up`);
  f(`- source_labels: [__name__]\n  regex: 'old_(.+)'\n  target_label: __name__\n  replacement: 'new_$1'`, `old_x{a="1"}`, `new_x{a="1"}`);
  // The default action is replace; unknown labels read as "".
  f(`- source_labels: [job]\n  regex: ''\n  target_label: job\n  replacement: unknown`, `up`, `up{job="unknown"}`);
  // A multi-line regex is the alternation of its lines.
  f(`- source_labels: [a]\n  regex:\n  - foo\n  - bar\n  target_label: m\n  replacement: yes`, `up{a="bar"}`, `up{a="bar",m="yes"}`);
  // "__" labels are removed at the end, so they can carry values between rules.
  f(`- source_labels: [a]\n  target_label: __tmp\n- source_labels: [__tmp]\n  target_label: b`, `up{a="1"}`, `up{a="1",b="1"}`);
});

test("replace_all and labelmap_all", () => {
  f(`- action: replace_all\n  source_labels: [a]\n  target_label: a\n  regex: '\\.'\n  replacement: _`, `up{a="x.y.z"}`, `up{a="x_y_z"}`);
  f(`- action: replace_all\n  source_labels: [a]\n  target_label: b\n  regex: '([a-z])(\\d)'\n  replacement: '$2$1'`, `up{a="a1-b2"}`, `up{a="a1-b2",b="1a-2b"}`);
  // No match anywhere: the target is not set.
  f(`- action: replace_all\n  source_labels: [a]\n  target_label: b\n  regex: 'q'\n  replacement: _`, `up{a="xyz"}`, `up{a="xyz"}`);
  // Go's rule for empty matches right after a match.
  f(`- action: replace_all\n  source_labels: [a]\n  target_label: a\n  regex: 'b*'\n  replacement: '-'`, `up{a="abc"}`, `up{a="-a-c-"}`);
  f(`- action: labelmap_all\n  regex: '\\.'\n  replacement: _`, `up{a.b.c="1",d="2"}`, `up{a_b_c="1",d="2"}`);
});

test("keep, drop, keep_metrics, drop_metrics", () => {
  f(`- action: keep\n  source_labels: [job]\n  regex: 'a|b'`, `up{job="a"}`, `up{job="a"}`);
  f(`- action: keep\n  source_labels: [job]\n  regex: 'a|b'`, `up{job="c"}`, "DROPPED");
  f(`- action: drop\n  source_labels: [job]\n  regex: 'a|b'`, `up{job="b"}`, "DROPPED");
  f(`- action: drop\n  source_labels: [job]\n  regex: 'a|b'`, `up{job="ab"}`, `up{job="ab"}`);
  f(`- action: drop\n  source_labels: [job, x]\n  regex: 'a;'`, `up{job="a"}`, "DROPPED");
  f(`- action: keep_metrics\n  regex: 'up|foo.*'`, `foo_bar`, `foo_bar`);
  f(`- action: keep_metrics\n  regex: 'up|foo.*'`, `bar`, "DROPPED");
  f(`- action: drop_metrics\n  regex:\n  - 'go_.+'\n  - process_cpu_seconds_total`, `go_gc`, "DROPPED");
  f(`- action: drop_metrics\n  regex: 'go_.+'`, `go_`, `go_`);
});

test("keep_if_equal and drop_if_equal", () => {
  f(`- action: keep_if_equal\n  source_labels: [a, b]`, `up{a="1",b="1"}`, `up{a="1",b="1"}`);
  f(`- action: keep_if_equal\n  source_labels: [a, b]`, `up{a="1",b="2"}`, "DROPPED");
  f(`- action: keep_if_equal\n  source_labels: [a, b, c]`, `up{a="1",b="1"}`, "DROPPED");
  f(`- action: drop_if_equal\n  source_labels: [a, b]`, `up{a="1",b="1"}`, "DROPPED");
  f(`- action: drop_if_equal\n  source_labels: [a, b]`, `up{a="1",b="2"}`, `up{a="1",b="2"}`);
  f(`- action: drop_if_equal\n  source_labels: [x, y]`, `up`, "DROPPED");
});

test("hashmod", () => {
  // xxhash64("host1:9100") % 10 and xxhash64("") % 10.
  f(`- action: hashmod\n  source_labels: [instance]\n  modulus: 10\n  target_label: shard`, `up{instance="host1:9100"}`, `up{instance="host1:9100",shard="8"}`);
  f(`- action: hashmod\n  source_labels: [instance]\n  modulus: 10\n  target_label: shard`, `up`, `up{shard="1"}`);
  f(`- action: hashmod\n  source_labels: [instance]\n  modulus: 1\n  target_label: shard`, `up{instance="x"}`, `up{instance="x",shard="0"}`);
});

test("labelmap, labeldrop, labelkeep", () => {
  f(`- action: labelmap\n  regex: '__meta_(.+)'`, `up{__meta_pod="p",__meta_="e",a="1"}`, `up{a="1",pod="p"}`);
  f(`- action: labelmap\n  regex: '__meta_(.*)'`, `up{__meta_pod="p"}`, `up{pod="p"}`);
  f(`- action: labelmap\n  regex: 'a'\n  replacement: b`, `up{a="1",c="2"}`, `up{a="1",b="1",c="2"}`);
  f(`- action: labelmap\n  regex: '(k)_(.*)'\n  replacement: '\${2}_$1'`, `up{k_x="1"}`, `up{k_x="1",x_k="1"}`);
  // As in Go, "$2_" names group "2_", which does not exist.
  f(`- action: labelmap\n  regex: '(k)_(.*)'\n  replacement: '$2_$1'`, `up{k_x="1"}`, `up{k="1",k_x="1"}`);
  // An existing label gets the mapped value.
  f(`- action: labelmap\n  regex: 'src_(.+)'`, `up{src_a="new",a="old"}`, `up{a="new",src_a="new"}`);
  f(`- action: labeldrop\n  regex: 'secret|tmp_.*'`, `up{secret="s",tmp_x="t",a="1"}`, `up{a="1"}`);
  f(`- action: labelkeep\n  regex: '__name__|a'`, `up{secret="s",a="1"}`, `up{a="1"}`);
  // Dropping every label drops the series.
  f(`- action: labelkeep\n  regex: 'nothing'`, `up{a="1"}`, "DROPPED");
  f(`- action: labeldrop\n  regex: '.*'`, `up{a="1"}`, "DROPPED");
});

test("uppercase and lowercase", () => {
  f(`- action: uppercase\n  source_labels: [a, b]\n  target_label: c`, `up{a="x",b="y"}`, `up{a="x",b="y",c="X;Y"}`);
  f(`- action: lowercase\n  source_labels: [__name__]\n  target_label: __name__`, `UP{a="B"}`, `up{a="B"}`);
});

test("graphite", () => {
  const cfg = `- action: graphite\n  match: 'foo.*.*.bar'\n  labels:\n    __name__: 'foo_bar'\n    job: '$1'\n    instance: '\${2}:8080'\n    other: '$3-$x'`;
  f(cfg, `foo.a.b.bar`, `foo_bar{instance="b:8080",job="a",other="$3-$x"}`);
  f(cfg, `foo.a.b.c.bar`, `foo.a.b.c.bar`);
  f(cfg, `foo.a.b.baz`, `foo.a.b.baz`);
  f(`- action: graphite\n  match: '*.requests'\n  labels:\n    __name__: requests\n    host: $1`, `web1.requests`, `requests{host="web1"}`);
  f(`- action: graphite\n  match: 'a.*'\n  labels:\n    x: $1`, `a.`, `a.`);
});

test("if selectors", () => {
  f(`- action: drop\n  if: 'up{job="a"}'`, `up{job="a"}`, "DROPPED");
  f(`- action: drop\n  if: 'up{job="a"}'`, `up{job="b"}`, `up{job="b"}`);
  f(`- action: drop\n  if: 'up{job="a"}'`, `down{job="a"}`, `down{job="a"}`);
  f(`- action: keep\n  if: '{__name__=~"up|down", job!~"x.*"}'`, `down{job="a"}`, `down{job="a"}`);
  f(`- action: keep\n  if: '{__name__=~"up|down", job!~"x.*"}'`, `down{job="xy"}`, "DROPPED");
  // A missing label reads as "".
  f(`- action: drop\n  if: '{missing=""}'`, `up`, "DROPPED");
  f(`- action: drop\n  if: '{missing!=""}'`, `up`, `up`);
  // With other actions a mismatching `if` leaves the rule out.
  f(`- target_label: env\n  replacement: prod\n  if: '{job="a"}'`, `up{job="b"}`, `up{job="b"}`);
  f(`- target_label: env\n  replacement: prod\n  if: '{job="a"}'`, `up{job="a"}`, `up{env="prod",job="a"}`);
  f(`- action: labeldrop\n  regex: job\n  if: 'up'`, `up{job="a"}`, `up`);
  f(`- action: keep_metrics\n  if: '{__name__="foo",a="1" or __name__="bar"}'`, `bar`, `bar`);
  f(`- action: keep_metrics\n  if: '{__name__="foo",a="1" or __name__="bar"}'`, `foo{a="2"}`, "DROPPED");
});

test("rules run in order", () => {
  const cfg = `
- source_labels: [__name__]
  regex: 'http_(.*)'
  target_label: __name__
  replacement: 'web_$1'
- action: drop_metrics
  regex: 'web_debug.*'
- action: labeldrop
  regex: pod
`;
  f(cfg, `http_requests{pod="p",code="200"}`, `web_requests{code="200"}`);
  f(cfg, `http_debug_x`, "DROPPED");
  f("", `up{a="1"}`, `up{a="1"}`);
});

test("config errors", () => {
  const e = (config: string, want: RegExp) => assert.throws(() => ParsedConfigs.parse(config), want, config);
  e(`- action: bogus`, /relabel config #1 .*unknown `action` "bogus"/);
  e(`- action: replace`, /missing `target_label` for `action=replace`/);
  e(`- action: replace_all\n  target_label: x`, /missing `source_labels` for `action=replace_all`/);
  e(`- action: keep`, /missing `source_labels` for `action=keep`/);
  e(`- action: hashmod\n  source_labels: [a]\n  target_label: b`, /unexpected `modulus`/);
  e(`- action: keep_if_equal\n  source_labels: [a]`, /at least two entries/);
  e(`- action: keep_metrics`, /`regex` must be non-empty/);
  e(`- action: drop_metrics\n  regex: a\n  source_labels: [b]`, /`source_labels` must be empty/);
  e(`- action: uppercase\n  source_labels: [a]`, /missing `target_label`/);
  e(`- action: graphite\n  labels: {a: b}`, /missing `match`/);
  e(`- action: graphite\n  match: a.*`, /missing `labels`/);
  e(`- action: graphite\n  match: a.*\n  labels: {a: b}\n  regex: x`, /`regex` cannot be used/);
  e(`- action: drop\n  source_labels: [a]\n  match: x`, /`match` config cannot be applied/);
  e(`- target_label: a\n  regex: '('`, /cannot parse `regex` "\("/);
  e(`- action: drop\n  if: 'rate(x[5m])'`, /cannot parse `if` series selector/);
  e(`- action: drop\n  if: '{a=~"("}'`, /cannot parse `if` series selector/);
  e(`- target_label: a\n  unknown_field: 1`, /unknown field `unknown_field`/);
  e(`- target_label: a\n- source_labels: a\n  target_label: b`, /relabel config #2 .*want a list of label names/);
  e(`foo: bar`, /want a list of rules/);
  e(`- foo`, /want a mapping/);
});

test("SeriesRelabeler: cache returns the same array; promCompatibleNaming", () => {
  const r = new SeriesRelabeler({ configs: ParsedConfigs.parse(`- target_label: x\n  replacement: y`) });
  const a = r.relabel([["__name__", "up"], ["a", "1"]]);
  const b = r.relabel([["__name__", "up"], ["a", "1"]]);
  assert.equal(a, b);
  assert.equal(show(a), `up{a="1",x="y"}`);
  // A label set that only differs in how name and value split must not hit the cache.
  assert.equal(show(r.relabel([["__name__", "up"], ["a1", ""]])), `up{x="y"}`);
  // A labels array refilled for another series is not answered from the cache of its old contents.
  const arr: Label[] = [["__name__", "m1"]];
  assert.equal(show(r.relabel(arr)), `m1{x="y"}`);
  arr[0] = ["__name__", "m2"];
  assert.equal(show(r.relabel(arr)), `m2{x="y"}`);
  assert.equal(r.relabel(arr), r.relabel([["__name__", "m2"]]));
  const s = new SeriesRelabeler({ promCompatibleNaming: true });
  assert.equal(show(s.relabel([["__name__", "foo.bar-baz:total"], ["a.b", "c.d"], ["é", "1"]])), `foo_bar_baz:total{_="1",a_b="c.d"}`);
  const none = new SeriesRelabeler({});
  const ls: Label[] = [["__name__", "up"]];
  assert.equal(none.relabel(ls), ls);
  assert.equal(none.active, false);
});

test("RowsRelabeler: dropped series leave out their samples", () => {
  const r = new SeriesRelabeler({ configs: ParsedConfigs.parse(`- action: drop_metrics\n  regex: 'drop.*'`) });
  const rows = {
    lines: 4,
    labels: [parseLabels("a"), parseLabels("drop1"), parseLabels("b"), parseLabels("drop2")],
    timestamps: Float64Array.from([1, 2, 3, 4, 5, 6]),
    values: Float64Array.from([10, 20, 30, 40, 50, 60]),
    offsets: Uint32Array.from([0, 2, 4, 5, 6]),
  };
  const rr = new RowsRelabeler();
  const { rows: out, droppedSeries, droppedSamples } = rr.relabelRows(rows, r);
  assert.equal(droppedSeries, 2);
  assert.equal(droppedSamples, 3);
  assert.equal(out.lines, 2);
  assert.deepEqual(out.labels.slice(0, 2).map(show), ["a", "b"]);
  assert.deepEqual([...out.offsets.subarray(0, 3)], [0, 2, 3]);
  assert.deepEqual([...out.timestamps.subarray(0, 3)], [1, 2, 5]);
  assert.deepEqual([...out.values.subarray(0, 3)], [10, 20, 50]);
  // Nothing dropped: the typed arrays are shared.
  const keep = rr.relabelRows({ ...rows, lines: 1, offsets: Uint32Array.from([0, 2]) }, r);
  assert.equal(keep.rows.timestamps, rows.timestamps);
});

// A random config built from valid rules.
const labelName = fc.constantFrom("__name__", "a", "b", "job", "instance", "__tmp", "x.y");
const labelValue = fc.constantFrom("", "1", "foo", "foo.bar.baz", "a:b", "up", "xx", "é", "\n");
const regex = fc.constantFrom("(.*)", "foo.*", "(.+)\\.(.+)", "a|b|up", "x*", "[a-z]+", "(?i)FOO", "\\d+", "(?P<n>.)(.*)", "", "\\pL+");
const rule = fc.oneof(
  fc.record({ action: fc.constantFrom("replace", "replace_all"), source_labels: fc.array(labelName, { minLength: 1, maxLength: 3 }), target_label: fc.constantFrom("a", "t_$1", "__name__"), regex, replacement: fc.constantFrom("$1", "${2}-$n", "x", "") }),
  fc.record({ action: fc.constantFrom("keep", "drop", "hashmod", "uppercase", "lowercase"), source_labels: fc.array(labelName, { minLength: 1, maxLength: 2 }), regex, target_label: labelName, modulus: fc.constant(7) }),
  fc.record({ action: fc.constantFrom("labelmap", "labelmap_all", "labeldrop", "labelkeep"), regex, replacement: fc.constantFrom("$1", "y_$2") }),
  fc.record({ action: fc.constantFrom("keep_if_equal", "drop_if_equal"), source_labels: fc.array(labelName, { minLength: 2, maxLength: 3 }) }),
  fc.record({ action: fc.constantFrom("keep_metrics", "drop_metrics"), regex: regex.filter((r) => r !== "") }),
  fc.record({ action: fc.constant("graphite"), match: fc.constantFrom("foo.*.*", "*.bar", "*"), labels: fc.constant({ __name__: "g", job: "$1" }) }),
  fc.record({ action: fc.constantFrom("drop", "keep"), if: fc.constantFrom('{a="1"}', 'up{b=~"f.*"}', '{job!="" or __name__="foo"}') }),
);

test("random configs on random labels never throw", () => {
  fc.assert(fc.property(
    fc.array(rule, { maxLength: 5 }),
    fc.array(fc.tuple(labelName, labelValue), { maxLength: 6 }),
    (rules, labels) => {
      const cfg = ParsedConfigs.parse(JSON.stringify(rules).replace(/^\[/, "[\n").replace(/\]$/, "\n]"));
      const r = new SeriesRelabeler({ configs: cfg, promCompatibleNaming: labels.length % 2 === 0 });
      const out = r.relabel(labels);
      if (out !== null && rules.length > 0) {
        for (const [n, v] of out) {
          assert.ok(n !== "" && v !== "", `empty name or value in ${JSON.stringify(out)}`);
          assert.ok(!n.startsWith("__") || n === "__name__", `internal label left in ${JSON.stringify(out)}`);
        }
      }
    },
  ), { numRuns: 1500 });
});

test("mutated config text fails only with a descriptive Error", () => {
  const base = `- action: replace\n  source_labels: [a, "b"]\n  regex: '([^:]+):(\\d+)'\n  target_label: x\n  replacement: "$1"\n- action: keep\n  if: 'up{job=~"a|b"}'\n- action: graphite\n  match: "a.*.b"\n  labels: {x: "$1"}\n`;
  const chars = fc.constantFrom("-", " ", ":", "\n", "[", "]", "{", "}", "'", '"', "(", ")", "*", "$", "\\", "|", "#", "a", "~");
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length), fc.nat(3), chars), { minLength: 1, maxLength: 6 }), (edits) => {
    let s = base;
    for (const [pos, del, c] of edits) s = s.slice(0, pos) + c + s.slice(pos + del);
    try {
      const cfg = ParsedConfigs.parse(s);
      new SeriesRelabeler({ configs: cfg }).relabel([["__name__", "up"], ["a", "x:1"], ["job", "a"]]);
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError), `unexpected ${String(e)} for\n${s}`);
      assert.match((e as Error).message, /^cannot /, s);
    }
  }), { numRuns: 2000 });
});
