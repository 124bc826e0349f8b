import { test } from "node:test";
import assert from "node:assert/strict";
import { SeriesCache, contextKey } from "./series_cache.ts";

test("contextKey tells label lists apart wherever the characters fall", () => {
  const f = (a: Array<[string, string]>, b: Array<[string, string]>) =>
    assert.notEqual(contextKey(a), contextKey(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  f([["a", "bc"]], [["ab", "c"]]);
  f([["a", "b"], ["c", "d"]], [["a", "b2:c1:d"]]);
  f([], [["", ""]]);
  f([["1:a", ""]], [["1", "a0:"]]);
  assert.equal(contextKey([["a", "b"]]), contextKey([["a", "b"]]));
});

test("SeriesCache keeps one context per label list, copied, until maxSeries additions", () => {
  const c = new SeriesCache(3);
  const labels: Array<[string, string]> = [["service.name", "a"]];
  const x = c.context(labels);
  labels[0]![1] = "changed";
  assert.deepEqual(x.labels, [["service.name", "a"]], "the context keeps a copy");
  assert.equal(c.context([["service.name", "a"]]), x, "same labels, same context");
  assert.notEqual(c.context([["service.name", "b"]]), x, "other labels, other context");
  c.added(3);
  assert.equal(c.context([["service.name", "a"]]), x, "3 of 3 added: kept");
  c.added(1);
  assert.notEqual(c.context([["service.name", "a"]]), x, "over maxSeries: forgotten");
});
