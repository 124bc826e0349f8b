import { test } from "node:test";
import assert from "node:assert/strict";
import { SeriesSet } from "./series_set.ts";

test("SeriesSet: everything added is found; most of what was not is not", () => {
  const s = new SeriesSet(4);
  for (let i = 0; i < 50_000; i++) s.add(`metric_${i % 97}\x01instance\x02host-${i}\x01`);
  assert.equal(s.size, 50_000);
  for (let i = 0; i < 50_000; i++) assert.ok(s.mayHave(`metric_${i % 97}\x01instance\x02host-${i}\x01`), `key ${i}`);
  let falsePositives = 0;
  for (let i = 50_000; i < 100_000; i++) if (s.mayHave(`metric_${i % 97}\x01instance\x02host-${i}\x01`)) falsePositives++;
  assert.ok(falsePositives < 5, `${falsePositives} false positives`);
  s.add("metric_0\x01instance\x02host-0\x01");
  assert.equal(s.size, 50_000, "adding twice counts once");
});
