import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, type BinaryOpExpr } from "../metricsql/index.ts";
import { binaryOp } from "./binary_op.ts";
import { exec } from "./exec.ts";
import type { EvalConfig } from "./eval_config.ts";
import type { Timeseries } from "./timeseries.ts";

const timestamps = Float64Array.of(1000, 2000);

// series parses `name{k="v",...} v1 v2` (labels without commas in values).
function series(s: string): Timeseries {
  const m = /^([^{ ]*)\{([^}]*)\} (\S+) (\S+)$/.exec(s);
  if (m === null) throw new Error(`BUG: bad series ${s}`);
  const tags = new Map<string, string>();
  for (const kv of m[2]!.split(",").filter((x) => x !== "")) {
    const i = kv.indexOf("=");
    tags.set(kv.slice(0, i), JSON.parse(kv.slice(i + 1)) as string);
  }
  return { name: m[1]!, tags, values: Float64Array.of(Number(m[3]), Number(m[4])), timestamps };
}

function show(tss: Timeseries[]): string {
  return tss
    .map((ts) => `${ts.name}{${[...ts.tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}} ${ts.values.join(" ")}`)
    .sort()
    .join("; ");
}

// f evaluates the binary operator of q (whose sides are the selectors `l` and
// `r`) over the given left and right series.
function f(q: string, left: string[], right: string[], want: string): void {
  const be = parse(q);
  assert.equal(be.kind, "binaryOp", q);
  const got = show(binaryOp(be as BinaryOpExpr, left.map(series), right.map(series)));
  assert.equal(got, want, `q=${q} left=${left.join("; ")} right=${right.join("; ")}`);
}

test("group_left(*) and group_right(*) copy every label of the one side", () => {
  const pods = ['pod_cpu{namespace="prod",pod="a"} 1 2', 'pod_cpu{namespace="prod",pod="b"} 3 4', 'pod_cpu{namespace="dev",pod="c"} 5 6'];
  const ns = ['kube_namespace_labels{namespace="prod",owner="team1",tier="gold"} 1 1', 'kube_namespace_labels{namespace="dev",owner="team2"} 1 1'];
  f("l * on(namespace) group_left(*) r", pods, ns,
    '{namespace="dev",owner="team2",pod="c"} 5 6; {namespace="prod",owner="team1",pod="a",tier="gold"} 1 2; {namespace="prod",owner="team1",pod="b",tier="gold"} 3 4');
  f('l * on(namespace) group_left(*) prefix "ns_" r', pods, ns,
    '{namespace="dev",ns_owner="team2",pod="c"} 5 6; {namespace="prod",ns_owner="team1",ns_tier="gold",pod="a"} 1 2; {namespace="prod",ns_owner="team1",ns_tier="gold",pod="b"} 3 4');
  f("r * on(namespace) group_right(*) l", ns, pods,
    '{namespace="dev",owner="team2",pod="c"} 5 6; {namespace="prod",owner="team1",pod="a",tier="gold"} 1 2; {namespace="prod",owner="team1",pod="b",tier="gold"} 3 4');
  f('r * on(namespace) group_right(*) prefix "ns_" l', ns, pods,
    '{namespace="dev",ns_owner="team2",pod="c"} 5 6; {namespace="prod",ns_owner="team1",ns_tier="gold",pod="a"} 1 2; {namespace="prod",ns_owner="team1",ns_tier="gold",pod="b"} 3 4');
  // A label of the many side is overwritten by the one side's value (no prefix).
  f("l + on(j) group_left(*) r", ['m{j="1",x="left"} 1 2'], ['n{j="1",x="right",y="1"} 10 20'], '{j="1",x="right",y="1"} 11 22');
  f('l + on(j) group_left(*) prefix "r_" r', ['m{j="1",x="left"} 1 2'], ['n{j="1",x="right",y="1"} 10 20'], '{j="1",r_x="right",r_y="1",x="left"} 11 22');
  // ignoring(): every label of the one side is copied, the ignored ones too.
  f("l + ignoring(k) group_left(*) r", ['m{j="1",k="a"} 1 2'], ['n{j="1",k="b"} 10 20'], '{j="1",k="b"} 11 22');
  // The metric name is never copied by *; comparisons keep the left name.
  f("l > on(j) group_left(*) r", ['m{j="1"} 1 30'], ['n{j="1",z="1"} 10 20'], 'm{j="1",z="1"} NaN 30');
});

test("group_left(*): VictoriaMetrics' exec_test case", () => {
  // Values at t=1000s and t=1200s of label_set(time(), ...) etc.
  f("l + on(foo, t2) group_left(*) r",
    ['{t1="v123",t2="v3"} 1000 1200', '{t2="v3",xxx="yy"} 10 10'],
    ['{t1="v1"} 100 100', '{noxxx="aa",t2="v3"} 1000 1200'],
    '{noxxx="aa",t1="v123",t2="v3"} 2000 2400; {noxxx="aa",t2="v3",xxx="yy"} 1010 1210');
  f('l + on(foo, t2) group_left(*) prefix "abc_" r',
    ['{t1="v123",t2="v3"} 1000 1200', '{t2="v3",xxx="yy"} 10 10'],
    ['{t1="v1"} 100 100', '{noxxx="aa",t2="v3"} 1000 1200'],
    '{abc_noxxx="aa",t1="v123",t2="v3"} 2000 2400; {abc_noxxx="aa",t2="v3",xxx="yy"} 1010 1210');
});

test("group_left(list) with prefix", () => {
  const l = ['m{j="1",x="left"} 1 2'];
  const r = ['n{j="1",x="right",y="1"} 10 20'];
  f("l + on(j) group_left(x) r", l, r, '{j="1",x="right"} 11 22');
  f('l + on(j) group_left(x, y) prefix "p_" r', l, r, '{j="1",p_x="right",p_y="1",x="left"} 11 22');
  // on() labels are not copied under a prefix: they are equal on both sides.
  f('l + on(j) group_left(j, y) prefix "p_" r', l, r, '{j="1",p_y="1",x="left"} 11 22');
  // A listed label missing on the one side is removed from the result.
  f('l + on(j) group_left(nosuch) r', ['m{j="1",nosuch="v"} 1 2'], r, '{j="1"} 11 22');
  f('l + on(j) group_left(nosuch) prefix "p_" r', ['m{j="1",p_nosuch="v"} 1 2'], r, '{j="1"} 11 22');
  // __name__ copies the metric name, never prefixed.
  f('l > on(j) group_left(__name__) prefix "p_" r', ['m{j="1"} 1 30'], r, 'n{j="1"} NaN 30');
});

test("group_left(*): several one-side series give several results, duplicates fail", () => {
  f("l * on(j) group_left(*) r", ['m{j="1"} 1 2'], ['n{j="1",v="a"} 1 1', 'n{j="1",v="b"} 2 2'], '{j="1",v="a"} 1 2; {j="1",v="b"} 2 4');
  // Two one-side series giving the same labels (two points each cannot be merged, as in VictoriaMetrics).
  const be = parse("l * on(j) group_left(v) r") as BinaryOpExpr;
  assert.throws(() => binaryOp(be, [series('m{j="1"} 1 2')], [series('n{j="1",v="a"} 5 NaN'), series('n{j="1",v="a",w="x"} NaN 7')]),
    /duplicate time series on the right side of `\* on\(j\) group_left\(v\)`: n\{j="1", v="a"\} and n\{j="1", v="a", w="x"\}/);
  const beStar = parse("l * on(j) group_left(*) r") as BinaryOpExpr;
  assert.throws(() => binaryOp(beStar, [series('m{j="1"} 1 2')], [series('n{j="1",v="a"} 5 NaN'), series('x{j="1",v="a"} NaN 7')]),
    /duplicate time series on the right side of `\* on\(j\) group_left\(\*\)`/);
});

test("group_left(*) through exec", async () => {
  const ec: EvalConfig = {
    start: 1_000_000, end: 1_400_000, step: 200_000, lookbackDelta: 0, maxSeries: 0, maxPointsPerSeries: 30_000, deadline: Infinity,
    source: { *search() {} },
  };
  const q = `sort_desc(
    (label_set(time(), "t1", "v123", "t2", "v3"), label_set(10, "t2", "v3", "xxx", "yy"))
    + on (foo, t2) group_left (*) prefix "abc_"
    (label_set(100, "t1", "v1"), label_set(time(), "t2", "v3", "noxxx", "aa"))
  )`;
  const got = (await exec(ec, q, false)).map((ts) => `${show([ts])}`).join("; ");
  assert.equal(got, '{abc_noxxx="aa",t1="v123",t2="v3"} 2000 2400 2800; {abc_noxxx="aa",t2="v3",xxx="yy"} 1010 1210 1410');
});
