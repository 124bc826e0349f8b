import { test } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "./errors.ts";
import { parse } from "./parse.ts";
import { prettify } from "./prettifier.ts";

// f checks the layout of q, that prettifying it again changes nothing, and that the
// prettified query means the same as q.
function f(q: string, want: string): void {
  const got = prettify(q);
  assert.equal(got, want, `q=${JSON.stringify(q)}`);
  assert.equal(prettify(got), got, `prettify is not idempotent for ${JSON.stringify(q)}`);
  assert.deepEqual(parse(got), parse(q), `the meaning changed for ${JSON.stringify(q)}`);
}

const same = (q: string) => f(q, q);

test("short queries stay on one line", () => {
  same("foo");
  same('foo{bar="baz"}');
  same("rate(foo[5m])");
  same('sum(rate(foo{a="b"}[5m])) by(job) > 10');
  f("sum by (job) (rate(foo[5m]))", "sum(rate(foo[5m])) by(job)");
  f('{"foo"}', "foo");
  f('{"foo.bar", x="y"}', 'foo.bar{x="y"}');
  same('{"3foo"}');
  same('{"3foo", x="y"}');
  same('foo{"a-b"="c"}');
  same("'single'");
  same('"a"+"b"');
  same("1Ki + 0x10");
  same("(a, b)");
  f("((a))", "a");
  f("rate(m[$__interval])", "rate(m)");
});

test("WITH templates are kept", () => {
  same('WITH (x = {a="b"}) x');
  same('WITH (x = {a="b"}) {x,y="z"}');
  same('WITH (f(a,b) = a + b) f(1, 2)');
  same("WITH (w = 5m) rate(foo[w]) offset w");
  same('WITH (p = "x_") foo{a=p+"y"}');
  f(
    'WITH (cf = {job="node", instance=~"host-.*"}, avail = node_filesystem_avail_bytes{cf}, size = node_filesystem_size_bytes{cf}) avail / size',
    `WITH (
  cf = {job="node",instance=~"host-.*"},
  avail = node_filesystem_avail_bytes{cf},
  size = node_filesystem_size_bytes{cf},
)
avail / size`,
  );
  f(
    'WITH (f(first_argument, second_argument) = clamp_min(first_argument{a="b",c="d"}, second_argument)) f(x, 1)',
    `WITH (
  f(first_argument, second_argument) = (
    clamp_min(first_argument{a="b",c="d"}, second_argument)
  ),
)
f(x, 1)`,
  );
});

test("long function calls put one argument per line", () => {
  f(
    'sum(rate(http_requests_total{job="api-server",instance="10.0.0.1:8080",status=~"5.."}[5m])) by (instance)',
    `sum(
  rate(
    http_requests_total{job="api-server",instance="10.0.0.1:8080",status=~"5.."}[5m]
  )
) by(instance)`,
  );
  f(
    'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{job="api",handler="/api/v1/query"}[5m])) by (le, handler))',
    `histogram_quantile(
  0.99,
  sum(
    rate(
      http_request_duration_seconds_bucket{job="api",handler="/api/v1/query"}[5m]
    )
  ) by(le,handler)
)`,
  );
  f(
    'max_over_time((sum(rate(requests_total{service="checkout",region="eu-west-1"}[1m])) by (pod))[1h:1m] offset 1d @ end())',
    `max_over_time(
  (sum(rate(requests_total{service="checkout",region="eu-west-1"}[1m])) by(pod))[1h:1m] offset 1d @ end()
)`,
  );
});

test("long binary operations put the operator between the operands", () => {
  f(
    'node_filesystem_avail_bytes{mountpoint="/",fstype!="tmpfs"} / node_filesystem_size_bytes{mountpoint="/",fstype!="tmpfs"} * 100 < 10',
    `(
  (
    node_filesystem_avail_bytes{mountpoint="/",fstype!="tmpfs"}
      /
    node_filesystem_size_bytes{mountpoint="/",fstype!="tmpfs"}
  )
    *
  100
)
  <
10`,
  );
  f(
    '(sum(rate(container_cpu_usage_seconds_total{namespace="default",container!=""}[5m])) by (pod) / sum(kube_pod_container_resource_limits{resource="cpu",namespace="default"}) by (pod)) keep_metric_names',
    `(
  sum(
    rate(
      container_cpu_usage_seconds_total{namespace="default",container!=""}[5m]
    )
  ) by(pod)
    /
  sum(
    kube_pod_container_resource_limits{resource="cpu",namespace="default"}
  ) by(pod)
) keep_metric_names`,
  );
  f(
    'kube_pod_info * on(namespace) group_left(*) prefix "ns_" kube_namespace_labels{namespace=~"prod-.*|staging-.*"}',
    `kube_pod_info
  * on(namespace) group_left(*) prefix "ns_"
kube_namespace_labels{namespace=~"prod-.*|staging-.*"}`,
  );
});

test("long selectors put filters and or-groups on their own lines", () => {
  f(
    'foo{a="1",b="2" or c="3",d="4444444444444444444444444444444444444444444444444444444444444444444444"}',
    `foo{
  a="1",b="2"
    or
  c="3",
  d="4444444444444444444444444444444444444444444444444444444444444444444444"
}`,
  );
  f(
    '{"some.metric.with.dots", label_name_that_is_long="value_that_is_also_quite_long", x="y"}',
    `some.metric.with.dots{
  label_name_that_is_long="value_that_is_also_quite_long",x="y"
}`,
  );
  f(
    '{"9.metric.with.dots", label_name_that_is_long="value_that_is_also_quite_long", x="y"}',
    `{
"9.metric.with.dots", 
  label_name_that_is_long="value_that_is_also_quite_long",x="y"
}`,
  );
  f(
    'process_cpu_seconds_total{aaaaaaaaaaaaaaaaaaaa="bbbbbbbbbbbbbbbbbbbb",cccccccccccc="dddddddddddd"}[5m:1m] offset 1h',
    `process_cpu_seconds_total{
  aaaaaaaaaaaaaaaaaaaa="bbbbbbbbbbbbbbbbbbbb",cccccccccccc="dddddddddddd"
}[5m:1m] offset 1h`,
  );
});

test("line length counts UTF-8 bytes", () => {
  // 27 three-byte characters: 81 bytes inside the braces' line.
  const label = "温".repeat(27);
  f(`foo{a="${label}"}`, `foo{\n  a="${label}"\n}`);
});

test("prettify checks syntax only", () => {
  assert.equal(prettify("nope(x)"), "nope(x)");
  assert.equal(prettify("rate(foo[w])"), "rate(foo[w])");
  assert.throws(() => prettify("foo{"), ParseError);
  assert.throws(() => prettify("invalid query"), ParseError);
});
