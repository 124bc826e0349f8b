import assert from "node:assert/strict";
import { test } from "node:test";
import { federateLine } from "./federate.ts";

test("federateLine", () => {
  const f = (labels: Array<[string, string]>, ts: number[], vs: number[], want: string) =>
    assert.equal(federateLine(labels, ts, vs, vs.length), want, `labels=${JSON.stringify(labels)} vs=${vs}`);
  f([["__name__", "up"], ["job", "node"]], [1000, 2000], [1, 2.5], `up{job="node"} 2.5 2000\n`);
  f([["__name__", "up"]], [1000], [3], "up 3 1000\n");
  f([["job", "x"]], [1000], [-0.125], `{job="x"} -0.125 1000\n`);
  f([["__name__", "m"], ["a", `q"<'\\\n`]], [5], [1e21], `m{a="q\\"\\u003c\\u0027\\\\\\n"} 1000000000000000000000 5\n`);
  f([["__name__", "m"]], [5], [Infinity], "m +Inf 5\n");
  // A staleness marker last: the series has ended (VictoriaMetrics issue 3185).
  f([["__name__", "m"]], [5, 6], [1, NaN], "");
  f([["__name__", "m"]], [], [], "");
});
